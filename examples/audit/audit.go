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
	LastActive                                        *time.Time // nil: never active
	DaysActive                                        int
	IdleDays                                          int    // whole days since LastActive; -1 when never active
	Flag                                              string // why the user is flagged, or ""
}

// inactivity says why an account is flagged: "" for a recently active or a
// deactivated account, "never active" when it has no last activity, and
// "inactive N days" when its last activity is more than days days before now.
func inactivity(u *users.User, now time.Time, days int) string {
	switch {
	case !u.Active:
		return ""
	case u.LastActiveAt == nil || u.LastActiveAt.IsZero():
		return "never active"
	}
	if idle := now.Sub(*u.LastActiveAt); idle > time.Duration(days)*24*time.Hour {
		return fmt.Sprintf("inactive %d days", int(idle/(24*time.Hour)))
	}
	return ""
}

// buildRows turns users into report rows, sorted by user name.
func buildRows(all []*users.User, now time.Time, days int) []row {
	rows := make([]row, 0, len(all))
	for _, u := range all {
		r := row{
			UserName:   u.UserName,
			Email:      u.PrimaryEmail(),
			Type:       "user",
			Status:     "active",
			OrgRole:    u.OrganizationRole,
			DaysActive: u.DaysActive,
			IdleDays:   -1,
			Flag:       inactivity(u, now, days),
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
			r.IdleDays = max(0, int(now.Sub(t)/(24*time.Hour)))
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
	fmt.Fprintln(tw, "USER\tEMAIL\tTYPE\tSTATUS\tORG ROLE\tTEAM ROLES\tLAST ACTIVE\tDAYS ACTIVE\tFLAG")
	for _, r := range rows {
		last := "never"
		if r.LastActive != nil {
			last = fmt.Sprintf("%s (%dd ago)", r.LastActive.Format(time.DateOnly), r.IdleDays)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", dash(r.UserName), dash(r.Email), r.Type, r.Status,
			dash(r.OrgRole), dash(r.TeamRoles), last, r.DaysActive, r.Flag)
	}
	return tw.Flush()
}

// writeCSV writes rows as CSV with a header line; times are RFC 3339 UTC and
// empty when never active.
func writeCSV(w io.Writer, rows []row) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"username", "email", "type", "status", "organization_role", "team_roles",
		"last_active_at", "days_since_active", "days_active", "flag"})
	for _, r := range rows {
		last, idle := "", ""
		if r.LastActive != nil {
			last, idle = r.LastActive.Format(time.RFC3339), strconv.Itoa(r.IdleDays)
		}
		cw.Write([]string{r.UserName, r.Email, r.Type, r.Status, r.OrgRole, r.TeamRoles,
			last, idle, strconv.Itoa(r.DaysActive), r.Flag})
	}
	cw.Flush()
	return cw.Error()
}

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
