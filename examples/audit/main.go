// Audit reports on the organization's users: status, organization role,
// seats, teams, API keys and last activity, the active users dormant for
// more than N days (or never active), and a recommendation for each (keep,
// downgrade a dormant full seat to viewer, deactivate, or keep because
// protected: the caller and organization admins), with a summary of seats
// by type, used and dormant. It writes a table, CSV, JSON, or one
// self-contained HTML page with charts (inline SVG) and sortable tables.
//
// Last activity is W&B's lastActiveAt (GET /scim/Users), or with -activity
// auditlog the newest audit log entry by the user (scim/auditlogs), which is
// what "active" means on Multi-tenant Cloud. What counts as activity
// differs: any server interaction on Dedicated Cloud and Self-Managed, an
// auditable organization-scoped action on Multi-tenant Cloud. Some replies
// leave lastActiveAt out, and the SDK cannot tell an absent lastActiveAt
// from a null one (never active). So when no user in the listing has a
// lastActiveAt or a daysActive above 0, the audit takes it that the server
// reports no activity: it prints a note, shows "not reported" and flags
// nobody. When the server lists fewer users than it reports (W&B returns at
// most 9999 per request), the report shows those it got, says it is
// incomplete, and the program exits 1.
//
// The report changes nothing. -suggest FILE writes the organization as an
// orgsync file (scim/orgsync Export) with the recommendations made, for
// orgsync's plan, removal budget and confirmation; it never replaces a file
// without -force.
//
// It runs against the SDK's built-in simulator, seeded with users of varied
// last activity and an audit log of their logins, unless the command line
// says -live; then it reads the W&B that WANDB_BASE_URL and WANDB_API_KEY
// name. Run it with -h for the flags and the exit statuses (0 done, 1 failed
// or a bad command line; 3 interrupted):
//
//	go run ./examples/audit -inactive-days 30 -flagged-only
//	go run ./examples/audit -format html > audit.html
//	go run ./examples/audit -live -activity auditlog -suggest suggested.json
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

func main() { exampleenv.Main("audit", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/audit [flags]",
	About: `Audit reports on the organization's users and service accounts: status,
organization role, seats, team roles, API keys (their number; one GraphQL
search per active user, -no-api-keys to skip) and last activity. It flags the
active users not active for more than -inactive-days days, or never, and
recommends for each: keep; downgrade to viewer seats (dormant, with a full
seat, last active within twice -inactive-days); deactivate (dormant longer,
or never active); or keep because protected (you, organization admins,
service accounts). Deactivated users are listed but not flagged. When the
server reports no activity for anyone, it says so and flags nobody. A
summary counts seats by type, used and dormant.

Last activity is lastActiveAt, or with -activity auditlog the newest entry
by the user in W&B's audit log over twice -inactive-days (at most 365 days):
on Multi-tenant Cloud that is what "active" means. Reading the audit log
needs an organization admin (and on Multi-tenant Cloud an Enterprise plan).

The report changes nothing. -suggest FILE writes the organization as it is
(what orgsync exports) with the recommended changes made, for orgsync -file
to plan, budget and confirm; an existing FILE is replaced only with -force.

Input: none. Output: an aligned table on standard output, or with -format
csv, json or html that format on standard output (the first line and the
summary then go to standard error). CSV:

    username,email,type,status,organization_role,models_seat,weave_role,team_roles,api_keys,last_active_at,days_since_active,days_active,flag,recommendation
    alan,alan@example.com,user,active,member,full,full,ml-research:member,0,2026-02-01T09:00:00Z,120,14,inactive 120 days,downgrade to viewer seats

JSON holds the same users and the summary, seats and chart numbers; HTML is
one page without external scripts, styles or fonts, with charts of seats by
type, users by weeks since last activity and team sizes, and tables sorted
by clicking a column.

Without -live it reads the built-in W&B simulator, seeded with seven users of
varied activity (ada, grace, alan, katherine, linus who was never active,
margaret who is deactivated, and the admin) in teams ml-research and
platform. With -live it reads the W&B that the environment names, as an
organization admin.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/audit -format html > audit.html",
}

// config is the command line.
type config struct {
	format, activity, suggest, deployment string
	days                                  int
	flaggedOnly, live, force, noKeys      bool
	now                                   time.Time // the report's time; zero: time.Now (tests fix it)
}

// formats are the -format values.
var formats = []string{"table", "csv", "json", "html"}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("audit", help)
	fs.StringVar(&c.format, "format", "table", `output format: "table", "csv", "json" or "html" (one self-contained page with charts)`)
	fs.IntVar(&c.days, "inactive-days", 90, "flag active users whose last activity is more than this many days ago")
	fs.BoolVar(&c.flaggedOnly, "flagged-only", false, "list only the flagged users (table and csv)")
	fs.StringVar(&c.activity, "activity", "lastactive", `where last activity comes from: "lastactive" (W&B's lastActiveAt) or "auditlog" (the newest audit log entry by the user, over twice -inactive-days, at most 365 days)`)
	fs.StringVar(&c.suggest, "suggest", "", "write the organization as an orgsync file with the recommended changes made, to `FILE`")
	fs.BoolVar(&c.force, "force", false, "let -suggest replace an existing file")
	fs.BoolVar(&c.noKeys, "no-api-keys", false, "do not look up API keys (one GraphQL search per active user)")
	exampleenv.DeploymentFlag(fs, &c.deployment)
	exampleenv.LiveFlag(fs, &c.live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	switch {
	case !slices.Contains(formats, c.format):
		return c, exampleenv.Usagef(`-format %q: want "table", "csv", "json" or "html"`, c.format)
	case c.days < 0:
		return c, exampleenv.Usagef("-inactive-days %d: want 0 or more", c.days)
	case c.activity != "lastactive" && c.activity != "auditlog":
		return c, exampleenv.Usagef(`-activity %q: want "lastactive" or "auditlog"`, c.activity)
	case c.force && c.suggest == "":
		return c, exampleenv.Usagef("-force only applies to -suggest FILE")
	}
	if _, err := exampleenv.ParseDeploymentFlag(c.deployment); err != nil {
		return c, err
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

// simHistory is the simulator's audit log before the run: each seeded
// user's last login at its lastActiveAt, so that -activity auditlog finds
// what lastActiveAt says (katherine's is older than the window read).
func simHistory(now time.Time) []scimtest.AuditEntry {
	var out []scimtest.AuditEntry
	for _, u := range simSeed(now).Users {
		if !u.LastActiveAt.IsZero() {
			out = append(out, scimtest.AuditEntry{Timestamp: u.LastActiveAt, Action: "user:login", ActorEmail: u.Email, ActorIP: "127.0.0.1"})
		}
	}
	return out
}

// lookback is how many days of audit log -activity auditlog reads: twice
// the inactivity limit, so that a dormant user's seats can be told from a
// long-gone one's, at least a day and at most a year.
func lookback(days int) int { return min(max(2*days, 1), 365) }

// run writes the report to stdout; with -format other than table the other
// lines go to stderr.
func run(ctx context.Context, stdout, stderr io.Writer, c config) error {
	now, format, days, flaggedOnly := c.now, cmp.Or(c.format, "table"), c.days, c.flaggedOnly
	if now.IsZero() {
		now = time.Now()
	}
	out, info := stdout, stdout
	if format != "table" {
		info = stderr
	}
	deployment, err := exampleenv.ParseDeploymentFlag(c.deployment)
	if err != nil {
		return err
	}
	if err := exampleenv.CheckNew(c.suggest, c.force); err != nil {
		return fmt.Errorf("-suggest: %w", err)
	}
	seed := simSeed(now)
	if deployment.IsMultiTenant() {
		// Multi-tenant Cloud has no deactivated users: they leave the organization.
		seed.Users = slices.DeleteFunc(seed.Users, func(u scimtest.User) bool { return u.Inactive })
	}
	env, err := exampleenv.ConnectTo(info, c.live, deployment, seed)
	if err != nil {
		return err
	}
	defer env.Close()
	if srv := env.Server(); srv != nil {
		srv.AddAuditEntries(simHistory(now)...)
	}

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
	self := ""
	if v, err := users.New(env.Client).Viewer(ctx); err == nil {
		self = v.Username
	} else {
		return fmt.Errorf("reading who is running the report: %w", err)
	}

	var rows []row
	window := 0 // days of audit log read; 0 with -activity lastactive
	if c.activity == "auditlog" {
		window = lookback(days)
		last, err := auditActivity(ctx, env.Client, now, window)
		if err != nil {
			return err
		}
		rows = buildRowsReported(withAuditActivity(all, last), now, days, true)
	} else {
		rows = buildRows(all, now, days)
	}
	for i := range rows {
		r := &rows[i]
		idle := r.IdleDays
		if window > 0 && r.LastActive == nil && r.Flag != "" {
			// Nothing in the audit log's window: idle longer than the window.
			idle = window + 1
			r.Flag = "no activity in " + exampleenv.Count(window, "day")
			if window <= days {
				r.Flag = "" // the window is too short to judge
			}
		}
		r.Recommendation = recommend(*r, self, days, idle)
	}
	if !c.noKeys {
		if err := apiKeys(ctx, env.Client, rows); err != nil {
			return err
		}
	}

	shown := rows
	if flaggedOnly {
		shown = nil
		for _, r := range rows {
			if r.Flag != "" {
				shown = append(shown, r)
			}
		}
	}
	rep := newReport(rows, now, env.Client.Deployment().String(), c.activity, days)
	switch format {
	case "csv":
		err = writeCSV(out, shown)
	case "json":
		err = writeJSON(out, rep)
	case "html":
		err = writeHTML(out, rep, rows)
	default:
		err = writeTable(out, shown)
	}
	if err != nil {
		return err
	}
	if len(all) > 0 && window == 0 && !activityReported(all) {
		fmt.Fprintln(info, noActivityNote)
	}
	fmt.Fprintln(info, summary(rows, days))
	fmt.Fprintln(info, seatLine(rep.Seats))
	fmt.Fprintln(info, recommendationCounts(rep))
	if incomplete != nil {
		return fmt.Errorf("the report is incomplete: the server has %d users but listed only %d (W&B returns at most 9999 per request and ignores paging)",
			incomplete.Total, incomplete.Seen)
	}
	if c.suggest != "" {
		n, err := suggest(ctx, env.Client, rows, c.suggest, c.force)
		if err != nil {
			return err
		}
		fmt.Fprintf(info, "Wrote the organization with %s changed to %s: review it, then plan it with orgsync -file %s.\n",
			exampleenv.Count(n, "user"), c.suggest, c.suggest)
	}
	return nil
}

// seatLine is the summary of seats by type, used and dormant.
func seatLine(seats []seatCount) string {
	var parts []string
	for _, s := range seats {
		parts = append(parts, fmt.Sprintf("%s %s %d (%d dormant)", s.Product, s.Seat, s.Users, s.Dormant))
	}
	if len(parts) == 0 {
		return "Seats of active users: none."
	}
	return "Seats of active users: " + strings.Join(parts, ", ") + "."
}
