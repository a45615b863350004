package main

import (
	"bufio"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// parseEmails returns the addresses in args followed by those in content (one
// per line; blank lines and "#" comments skipped), each once (ignoring case).
// It reports every malformed address.
func parseEmails(args []string, content string) ([]string, error) {
	all := slices.Clone(args)
	sc := bufio.NewScanner(strings.NewReader(content))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			all = append(all, line)
		}
	}
	var (
		out  []string
		errs []error
		seen = map[string]bool{}
	)
	for _, e := range all {
		e = strings.TrimSpace(e)
		at := strings.LastIndex(e, "@")
		if at <= 0 || at == len(e)-1 || strings.ContainsAny(e, " \t,;") {
			errs = append(errs, fmt.Errorf("%q is not an email address", e))
			continue
		}
		if !seen[strings.ToLower(e)] {
			seen[strings.ToLower(e)] = true
			out = append(out, e)
		}
	}
	return out, errors.Join(errs...)
}

// plan is what offboarding one user takes.
type plan struct {
	Remove     []*teams.Team // teams to remove the user from
	Deactivate bool          // the user is still active
}

// planFor returns the plan for u given every team of the organization: remove
// it from each team that lists it as a member or that the user's groups name,
// and deactivate it if it is active.
func planFor(u *users.User, all []*teams.Team) plan {
	p := plan{Deactivate: u.Active}
	for _, t := range all {
		if slices.ContainsFunc(t.Members, func(m teams.MemberRef) bool { return m.Value == u.ID }) ||
			slices.ContainsFunc(u.Groups, func(g users.GroupRef) bool { return g.Value == t.ID }) {
			p.Remove = append(p.Remove, t)
		}
	}
	return p
}

func (p plan) empty() bool { return len(p.Remove) == 0 && !p.Deactivate }

func (p plan) teamNames() string {
	names := make([]string, len(p.Remove))
	for i, t := range p.Remove {
		names[i] = t.DisplayName
	}
	return strings.Join(names, ", ")
}

// String says what the plan will do ("remove from a, b; deactivate").
func (p plan) String() string {
	var parts []string
	if len(p.Remove) > 0 {
		parts = append(parts, "remove from "+p.teamNames())
	}
	if p.Deactivate {
		parts = append(parts, "deactivate")
	}
	return strings.Join(parts, "; ")
}

// past says what the plan did.
func (p plan) past() string {
	var parts []string
	if len(p.Remove) > 0 {
		parts = append(parts, "removed from "+p.teamNames())
	}
	if p.Deactivate {
		parts = append(parts, "deactivated")
	} else {
		parts = append(parts, "was already inactive")
	}
	return strings.Join(parts, "; ")
}
