package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-wandb/identity/users"
)

// row is one user of the report.
type row struct {
	UserName, Email, Type, Status, OrgRole, TeamRoles string
	ModelsSeat, WeaveRole                             string
	// APIKeys is the number of the user's API keys, -1 when not looked up;
	// APIKeyIDs are their IDs (never a secret).
	APIKeys   int
	APIKeyIDs []string
	// Recommendation is what the report suggests (see recommend).
	Recommendation string
	LastActive     *time.Time // nil: never active, or activity not reported
	DaysActive     int
	IdleDays       int    // whole days since LastActive; -1 when LastActive is nil
	Flag           string // why the user is flagged, or ""
	// ActivityKnown is false when the listing carried no activity data at
	// all (see activityReported); then a nil LastActive means "unknown".
	ActivityKnown bool
}

// activityReported reports whether the listing carries activity data: some
// user has a lastActiveAt or a daysActive above 0.
//
// users.User cannot tell "lastActiveAt": null (never active) from an absent
// lastActiveAt (not reported; the spec, §4.6, says the field appears in some
// responses and not in others). So the audit judges the whole listing: when
// not one user has any activity, the server is taken not to report activity,
// rather than every account to be unused, and nobody is flagged. A real
// organization that reports activity has at least one active user: the admin
// running the audit (on Dedicated Cloud and Self-Managed any request counts).
// When some user has activity, a nil lastActiveAt is taken as "never active".
func activityReported(all []*users.User) bool {
	for _, u := range all {
		if (u.LastActiveAt != nil && !u.LastActiveAt.IsZero()) || u.DaysActive > 0 {
			return true
		}
	}
	return false
}

// inactivity says why an account is flagged: "" for a recently active or a
// deactivated account, or when the listing reports no activity (reported is
// false, see activityReported); "never active" when it has no last activity;
// and "inactive N days" when its last activity is more than days days before
// now.
func inactivity(u *users.User, now time.Time, days int, reported bool) string {
	switch {
	case !u.Active || !reported:
		return ""
	case u.LastActiveAt == nil || u.LastActiveAt.IsZero():
		return "never active"
	}
	// Compared in whole days and hours, not as one time.Duration, which
	// overflows past 106,751 days (-inactive-days 200000 must flag nobody).
	idle := now.Sub(*u.LastActiveAt)
	idleDays := int(idle / day)
	if idleDays > days || (idleDays == days && idle%day > 0) {
		return fmt.Sprintf("inactive %d days", idleDays)
	}
	return ""
}

// day is a day of 24 hours.
const day = 24 * time.Hour

// buildRows turns users into report rows, sorted by user name. Whether the
// listing reports activity at all (activityReported) is decided over all of
// users, so pass the whole listing, not one page.
func buildRows(all []*users.User, now time.Time, days int) []row {
	return buildRowsReported(all, now, days, activityReported(all))
}

// buildRowsReported is buildRows with whether activity is reported decided
// by the caller (the audit log always reports it).
func buildRowsReported(all []*users.User, now time.Time, days int, reported bool) []row {
	rows := make([]row, 0, len(all))
	for _, u := range all {
		r := row{
			UserName:      u.UserName,
			Email:         u.PrimaryEmail(),
			Type:          "user",
			Status:        "active",
			OrgRole:       u.OrganizationRole,
			ModelsSeat:    string(u.ModelsSeat),
			WeaveRole:     string(u.WeaveRole),
			APIKeys:       -1,
			DaysActive:    u.DaysActive,
			IdleDays:      -1,
			Flag:          inactivity(u, now, days, reported),
			ActivityKnown: reported,
		}
		if u.AccountType.IsServiceAccount() {
			r.Type = "service"
		}
		if !u.Active {
			r.Status = "deactivated"
		}
		if u.LastActiveAt != nil && !u.LastActiveAt.IsZero() {
			t := u.LastActiveAt.UTC()
			r.LastActive = &t
			r.IdleDays = max(0, int(now.Sub(t)/day))
		}
		var tr []string
		for _, x := range u.TeamRoles {
			tr = append(tr, x.TeamName+":"+x.RoleName)
		}
		slices.Sort(tr)
		r.TeamRoles = strings.Join(tr, " ")
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.UserName), strings.ToLower(b.UserName)), cmp.Compare(a.Email, b.Email))
	})
	return rows
}

// writeTable writes rows as aligned columns.
func writeTable(w io.Writer, rows []row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tEMAIL\tTYPE\tSTATUS\tORG ROLE\tSEATS\tTEAM ROLES\tKEYS\tLAST ACTIVE\tDAYS ACTIVE\tFLAG\tRECOMMENDATION")
	for _, r := range rows {
		last := "never"
		switch {
		case !r.ActivityKnown:
			last = "not reported"
		case r.LastActive != nil:
			last = fmt.Sprintf("%s (%dd ago)", r.LastActive.Format(time.DateOnly), r.IdleDays)
		case strings.HasPrefix(r.Flag, "no activity in"):
			last = "not in the audit log"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", dash(r.UserName), dash(r.Email), r.Type, r.Status,
			dash(r.OrgRole), seats(r), dash(r.TeamRoles), keys(r), last, r.DaysActive, r.Flag, r.Recommendation)
	}
	return tw.Flush()
}

// writeCSV writes rows as CSV with a header line; times are RFC 3339 UTC and
// empty when never active or not reported.
func writeCSV(w io.Writer, rows []row) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, r := range rows {
		cw.Write(csvRecord(r))
	}
	cw.Flush()
	return cw.Error()
}

// csvHeader names the CSV columns; csvRecord gives a row's values.
var csvHeader = []string{"username", "email", "type", "status", "organization_role", "models_seat", "weave_role", "team_roles",
	"api_keys", "last_active_at", "days_since_active", "days_active", "flag", "recommendation"}

// csvRecord is r as CSV values: times RFC 3339 UTC, empty when never active
// or not reported; api_keys empty when not looked up.
func csvRecord(r row) []string {
	last, idle, n := "", "", ""
	if r.LastActive != nil {
		last, idle = r.LastActive.Format(time.RFC3339), strconv.Itoa(r.IdleDays)
	}
	if r.APIKeys >= 0 {
		n = strconv.Itoa(r.APIKeys)
	}
	return []string{r.UserName, r.Email, r.Type, r.Status, r.OrgRole, r.ModelsSeat, r.WeaveRole, r.TeamRoles,
		n, last, idle, strconv.Itoa(r.DaysActive), r.Flag, r.Recommendation}
}

// seats shows a row's Models seat and Weave role, "models/weave".
func seats(r row) string {
	if r.ModelsSeat == "" && r.WeaveRole == "" {
		return "-"
	}
	return dash(r.ModelsSeat) + "/" + dash(r.WeaveRole)
}

// keys shows a row's API key count, "?" when not looked up.
func keys(r row) string {
	if r.APIKeys < 0 {
		return "?"
	}
	return strconv.Itoa(r.APIKeys)
}

// noActivityNote is printed before the summary when the listing reports no
// activity (see activityReported).
const noActivityNote = "Note: this server reports no activity data; inactivity cannot be judged, so nobody is flagged."

// summary counts the flagged users.
func summary(rows []row, days int) string {
	var flagged, never int
	for _, r := range rows {
		if r.Flag != "" {
			flagged++
		}
		if r.Flag == "never active" {
			never++
		}
	}
	return fmt.Sprintf("%d accounts; %d active ones flagged: %d inactive for more than %d days, %d never active.",
		len(rows), flagged, flagged-never, days, never)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
