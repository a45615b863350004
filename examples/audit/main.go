// Audit lists the organization's users with their status, roles and last
// activity, as a table or as CSV, and flags the active users who have not been
// active for more than N days, or never.
//
// W&B reports lastActiveAt and daysActive per user (GET /scim/Users). What
// counts as activity differs: any server interaction on Dedicated Cloud and
// Self-Managed, an auditable organization-scoped action on Multi-tenant Cloud.
// Some replies leave these fields out, and the SDK cannot tell an absent
// lastActiveAt from a null one (never active). So when no user in the listing
// has a lastActiveAt or a daysActive above 0, the audit takes it that the
// server reports no activity: it prints a note, shows "not reported" and
// flags nobody. Otherwise a user without lastActiveAt is "never active".
// When the server lists fewer users than it reports (W&B returns at most 9999
// per request), the report shows those it got, says it is incomplete, and the
// program exits 1.
//
// It runs against the SDK's built-in simulator, seeded with users of varied
// last activity, unless the command line says -live; then it reads the W&B
// that WANDB_BASE_URL and WANDB_API_KEY name (it changes nothing). Run it with
// -h for the flags and the exit statuses (0 done, 1 failed or a bad command
// line; 3 interrupted):
//
//	go run ./examples/audit -inactive-days 30 -flagged-only
//	go run ./examples/audit -live -format csv > users.csv
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

func main() { exampleenv.Main("audit", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/audit [flags]",
	About: `Audit lists the organization's users and service accounts with their status,
organization and team roles and last activity, and flags the active ones not
active for more than -inactive-days days, or never. Deactivated users are
listed but not flagged. When the server reports no activity for anyone, it
says so and flags nobody. It changes nothing.

Input: none. Output: an aligned table, or with -format csv a CSV file on
standard output (the first line and the summary then go to standard error):

    username,email,type,status,organization_role,team_roles,last_active_at,days_since_active,days_active,flag
    ada,ada@example.com,user,active,member,ml-research:admin,2026-05-30T09:00:00Z,2,230,

Without -live it reads the built-in W&B simulator, seeded with seven users of
varied activity (ada, grace, alan, katherine, linus who was never active,
margaret who is deactivated, and the admin) in teams ml-research and
platform. With -live it reads the W&B that the environment names, as an
organization admin.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/audit -inactive-days 30 -flagged-only -format csv > flagged.csv",
}

// config is the command line.
type config struct {
	format            string
	days              int
	flaggedOnly, live bool
}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("audit", help)
	fs.StringVar(&c.format, "format", "table", `output format: "table" or "csv"`)
	fs.IntVar(&c.days, "inactive-days", 90, "flag active users whose last activity is more than this many days ago")
	fs.BoolVar(&c.flaggedOnly, "flagged-only", false, "list only the flagged users")
	exampleenv.LiveFlag(fs, &c.live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	switch {
	case c.format != "table" && c.format != "csv":
		return c, exampleenv.Usagef(`-format %q: want "table" or "csv"`, c.format)
	case c.days < 0:
		return c, exampleenv.Usagef("-inactive-days %d: want 0 or more", c.days)
	}
	return c, exampleenv.NoArgs(fs)
}

// command is the program: it parses args and runs.
func command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	return run(ctx, stdout, stderr, c)
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
func run(ctx context.Context, stdout, stderr io.Writer, c config) error {
	now, format, days, flaggedOnly := time.Now(), c.format, c.days, c.flaggedOnly
	out, info := stdout, stdout
	if format == "csv" {
		info = stderr
	}
	env, err := exampleenv.Connect(info, c.live, simSeed(now))
	if err != nil {
		return err
	}
	defer env.Close()

	var all []*users.User
	var incomplete *scim.IncompleteError
	for u, err := range users.New(env.Client).All(ctx, nil) {
		if errors.As(err, &incomplete) {
			break // report what was seen, then say it is not everyone
		}
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
	if incomplete != nil {
		return fmt.Errorf("the report is incomplete: the server has %d users but listed only %d (W&B returns at most 9999 per request and ignores paging)",
			incomplete.Total, incomplete.Seen)
	}
	return nil
}
