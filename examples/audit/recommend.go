package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/auditlogs"
	"github.com/go-wandb/identity/users"
)

// The recommendations.
const (
	recKeep       = "keep"
	recDowngrade  = "downgrade to viewer seats"
	recDeactivate = "deactivate"
)

// recommend says what to do with r: nothing for a deactivated user or a
// service account; keep an active user, or one whose activity is unknown;
// keep, and say why, a dormant user the report will not touch (the caller,
// an organization admin); for a dormant user, downgrade full seats to
// viewer when the user was last active within twice days, else deactivate.
// idle is how many days r has been idle at least: r.IdleDays, or more than
// the audit log's window when it holds nothing of r (-1: never active).
func recommend(r row, self string, days, idle int) string {
	switch {
	case r.Type == "service":
		return "keep (service account)"
	case r.Status == "deactivated":
		return "-"
	case !r.ActivityKnown:
		return "keep (activity not reported)"
	case r.Flag == "":
		return recKeep
	case strings.EqualFold(r.UserName, self):
		return "keep (protected: you)"
	case r.OrgRole == "admin":
		return "keep (protected: organization admin)"
	case idle >= 0 && idle <= 2*days && (r.ModelsSeat == "full" || r.WeaveRole == "full"):
		return recDowngrade
	}
	return recDeactivate
}

// seatCount is how many active users hold one kind of seat, and how many of
// them are dormant (flagged).
type seatCount struct {
	Product string `json:"product"` // "models" or "weave"
	Seat    string `json:"seat"`    // "full", "viewer", "none" or "unknown"
	Users   int    `json:"users"`
	Dormant int    `json:"dormant"`
}

// seatSummary counts the seats of the active users (service accounts hold
// none), full, viewer and none, for Models and Weave.
func seatSummary(rows []row) []seatCount {
	var out []seatCount
	for _, product := range []string{"models", "weave"} {
		counts := map[string]*seatCount{}
		for _, r := range rows {
			if r.Type != "user" || r.Status != "active" {
				continue
			}
			seat := cmp.Or(r.ModelsSeat, "unknown")
			if product == "weave" {
				seat = cmp.Or(r.WeaveRole, "unknown")
			}
			c := counts[seat]
			if c == nil {
				c = &seatCount{Product: product, Seat: seat}
				counts[seat] = c
			}
			c.Users++
			if r.Flag != "" {
				c.Dormant++
			}
		}
		for _, seat := range []string{"full", "viewer", "none", "unknown"} {
			if c := counts[seat]; c != nil {
				out = append(out, *c)
				delete(counts, seat)
			}
		}
		var other []string
		for seat := range counts {
			other = append(other, seat)
		}
		slices.Sort(other)
		for _, seat := range other {
			out = append(out, *counts[seat])
		}
	}
	return out
}

// auditActivity reads the audit log of the last lookback days and returns
// each actor's newest entry, keyed by user ID and by lower-cased email.
func auditActivity(ctx context.Context, c *scim.Client, now time.Time, lookback int) (map[string]time.Time, error) {
	last := map[string]time.Time{}
	note := func(key string, t time.Time) {
		if key != "" && t.After(last[key]) {
			last[key] = t
		}
	}
	q := auditlogs.Query{Start: now.AddDate(0, 0, -lookback), End: now.Add(time.Second)}
	for e, err := range auditlogs.New(c).All(ctx, q) {
		if err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		note(e.ActorUserID, e.Timestamp)
		note(strings.ToLower(e.ActorEmail), e.Timestamp)
	}
	return last, nil
}

// withAuditActivity returns copies of all whose LastActiveAt is their
// newest audit log entry as an actor, nil when the log holds none.
func withAuditActivity(all []*users.User, last map[string]time.Time) []*users.User {
	out := make([]*users.User, len(all))
	for i, u := range all {
		c := *u
		c.LastActiveAt = nil
		t, ok := last[u.ID]
		if e, found := last[strings.ToLower(u.PrimaryEmail())]; found && e.After(t) {
			t, ok = e, true
		}
		if ok {
			c.LastActiveAt = &t
		}
		out[i] = &c
	}
	return out
}

// apiKeys looks up the API keys of each active user (one GraphQL search a
// user) and sets the rows' counts and key IDs.
func apiKeys(ctx context.Context, c *scim.Client, rows []row) error {
	svc := users.New(c)
	for i := range rows {
		r := &rows[i]
		if r.Status != "active" || r.Type != "user" {
			continue
		}
		found, err := svc.Search(ctx, r.UserName)
		if err != nil {
			return fmt.Errorf("looking up the API keys of %s: %w", r.UserName, err)
		}
		for _, a := range found {
			if strings.EqualFold(a.Username, r.UserName) {
				r.APIKeys = len(a.APIKeys)
				for _, k := range a.APIKeys {
					r.APIKeyIDs = append(r.APIKeyIDs, k.ID) // never k.Name, which may be the secret
				}
			}
		}
		if r.APIKeys < 0 {
			r.APIKeys = 0
		}
	}
	return nil
}
