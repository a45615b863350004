// Audit lists the organization's users with their status, roles and last
// activity, as a table or as CSV, and flags the active users who have not been
// active for more than N days, or never.
//
// Usage:
//
//	go run ./examples/audit [-format table|csv] [-inactive-days 90] [-flagged-only]
//
// Flags:
//
//	-format         "table" (aligned columns, the default) or "csv" (for a
//	                spreadsheet: go run ./examples/audit -format csv > users.csv)
//	-inactive-days  flag active users whose last activity is more than this
//	                many days ago (default 90); users never active are flagged
//	                too. Deactivated users are listed but not flagged.
//	-flagged-only   list only the flagged users
//
// W&B reports lastActiveAt and daysActive per user (GET /scim/Users). What
// counts as activity differs: any server interaction on Dedicated Cloud and
// Self-Managed, an auditable organization-scoped action on Multi-tenant Cloud.
// Some replies leave these fields out, and the SDK cannot tell an absent
// lastActiveAt from a null one (never active). So when no user in the listing
// has a lastActiveAt or a daysActive above 0, the audit takes it that the
// server reports no activity: it prints a note, shows "not reported" and
// flags nobody. Otherwise a user without lastActiveAt is "never active".
//
// Unless both WANDB_BASE_URL and WANDB_API_KEY are set it runs against the
// SDK's built-in simulator, seeded with users of varied last activity (either
// variable alone is ignored, with a note). With both set it reads that W&B as
// an organization admin; it changes nothing. In CSV mode the first line saying
// which W&B is used, and the summary, go to standard error, so standard output
// is pure CSV.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

func main() {
	format := flag.String("format", "table", `output format: "table" or "csv"`)
	days := flag.Int("inactive-days", 90, "flag active users not active for more than this many days")
	flaggedOnly := flag.Bool("flagged-only", false, "list only flagged users")
	flag.Parse()
	if (*format != "table" && *format != "csv") || *days < 0 || flag.NArg() > 0 {
		exampleenv.UsageError("audit", `-format must be "table" or "csv", -inactive-days at least 0, and no arguments are accepted`)
	}
	exampleenv.Main("audit", func(ctx context.Context) error {
		return run(ctx, os.Stdout, os.Stderr, *format, *days, *flaggedOnly)
	})
}

// simSeed gives the simulator users of every kind of activity.
func simSeed(now time.Time) scimtest.Options {
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	return scimtest.Options{
		Users: []scimtest.User{
			{UserName: "admin", Email: "admin@example.com", OrgRole: "admin", LastActiveAt: ago(0), DaysActive: 412},
			{UserName: "ada", Email: "ada@example.com", LastActiveAt: ago(2), DaysActive: 230},
			{UserName: "grace", Email: "grace@example.com", LastActiveAt: ago(45), DaysActive: 60},
			{UserName: "alan", Email: "alan@example.com", LastActiveAt: ago(120), DaysActive: 14},
			{UserName: "katherine", Email: "katherine@example.com", OrgRole: "viewer", LastActiveAt: ago(400), DaysActive: 3},
			{UserName: "linus", Email: "linus@example.com"}, // invited, never active
			{UserName: "margaret", Email: "margaret@example.com", Inactive: true, LastActiveAt: ago(200), DaysActive: 90},
		},
		Teams: []scimtest.Team{
			{Name: "ml-research", Members: []string{"ada", "grace", "alan"}, Roles: map[string]string{"ada": "admin"}},
			{Name: "platform", Members: []string{"ada", "katherine"}, Roles: map[string]string{"katherine": "viewer"}},
		},
	}
}

// run writes the report to stdout; in CSV mode the other lines go to stderr.
func run(ctx context.Context, stdout, stderr io.Writer, format string, days int, flaggedOnly bool) error {
	now := time.Now()
	out, info := stdout, stdout
	if format == "csv" {
		info = stderr
	}
	env, err := exampleenv.Connect(info, simSeed(now))
	if err != nil {
		return err
	}
	defer env.Close()

	var all []*users.User
	for u, err := range users.New(env.Client).All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("listing users: %w", err)
		}
		all = append(all, u)
	}
	rows := buildRows(all, now, days)

	shown := rows
	if flaggedOnly {
		shown = nil
		for _, r := range rows {
			if r.Flag != "" {
				shown = append(shown, r)
			}
		}
	}
	if format == "csv" {
		err = writeCSV(out, shown)
	} else {
		err = writeTable(out, shown)
	}
	if err != nil {
		return err
	}
	if len(all) > 0 && !activityReported(all) {
		fmt.Fprintln(info, noActivityNote)
	}
	fmt.Fprintln(info, summary(rows, days))
	return nil
}
