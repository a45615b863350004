// Offboard removes users from every team they belong to and deactivates them,
// given their email addresses (as arguments, or one a line in a file).
//
// Each user is looked up by email; the teams it belongs to are found from the
// organization's team list (each team's members) and the user's own groups.
// The user is removed from those teams (PATCH /scim/Groups/{id}) and then
// deactivated (PATCH /scim/Users/{id}), in that order, since on Multi-tenant
// Cloud deactivation removes the user from the organization altogether. A user
// not found, or already inactive and in no team, is left alone, so it is safe
// to run again.
//
// It runs against the SDK's built-in simulator, seeded with a few users in
// teams, unless the command line says -live; then it runs against the W&B
// that WANDB_BASE_URL and WANDB_API_KEY name, and emails are required. Run it
// with -h for the flags, the file format and the exit statuses (0 done,
// 1 failed or a bad command line, 3 interrupted):
//
//	go run ./examples/offboard -dry-run alice@example.com
//	go run ./examples/offboard -live -file leavers.txt
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

func main() { exampleenv.Main("offboard", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/offboard [flags] [email ...]",
	About: `Offboard removes users from every team they belong to and then deactivates
them (on Multi-tenant Cloud, deactivation removes them from the organization).
Users not found, or already inactive and in no team, are left alone, so it is
safe to run again. It prints one line per user and a summary.

Input: email addresses as arguments, and with -file a text file of them, one
a line; blank lines and lines starting with "#" are skipped:

    # leavers, June
    alice@example.com
    bob@example.com

Without -live it runs against the built-in W&B simulator, seeded with alice,
bob and carol (in teams ml-research and platform) and dave (deactivated);
given no emails it offboards alice, bob, dave and nobody@example.com, to show
every outcome. With -live it runs against the W&B that the environment names,
as an organization admin, and emails are required.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/offboard -dry-run -file leavers.txt carol@example.com",
}

// config is the command line.
type config struct {
	file         string   // -file, "" for none
	emails       []string // the arguments
	dryRun, live bool
}

// parse reads the command line. Malformed addresses among the arguments are
// a usage error; the file is read by run.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("offboard", help)
	fs.StringVar(&c.file, "file", "", "a file of email addresses, one a line")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what would be done without changing anything")
	exampleenv.LiveFlag(fs, &c.live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	var err error
	if c.emails, err = parseArgs(fs.Args()); err != nil {
		return c, exampleenv.Usagef("%v", err)
	}
	if c.live && len(c.emails) == 0 && c.file == "" {
		return c, exampleenv.Usagef("-live needs the users to offboard: give their emails as arguments or with -file")
	}
	return c, nil
}

// command is the program: it parses args and runs.
func command(ctx context.Context, args []string, stdout, _ io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	return run(ctx, stdout, c)
}

// The simulator's seed: users in teams, and the emails offboarded when none
// are given.
var (
	simUsers = []scimtest.User{
		{UserName: "alice", Email: "alice@example.com"},
		{UserName: "bob", Email: "bob@example.com"},
		{UserName: "carol", Email: "carol@example.com"},
		{UserName: "dave", Email: "dave@example.com", Inactive: true},
	}
	simTeams = []scimtest.Team{
		{Name: "ml-research", Members: []string{"alice", "carol"}},
		{Name: "platform", Members: []string{"alice", "bob"}},
	}
	simEmails = []string{"alice@example.com", "bob@example.com", "dave@example.com", "nobody@example.com"}
)

// run offboards the users c names: the arguments, then the file's.
func run(ctx context.Context, w io.Writer, c config) error {
	emails := c.emails
	if c.file != "" {
		content, err := os.ReadFile(c.file)
		if err != nil {
			return err
		}
		fromFile, err := parseFile(c.file, content)
		if err != nil {
			return err
		}
		if len(fromFile) == 0 {
			return fmt.Errorf("%s: no email addresses in the file", c.file)
		}
		emails = dedupe(emails, fromFile)
	}
	dryRun := c.dryRun
	env, err := exampleenv.Connect(w, c.live, scimtest.Options{Users: simUsers, Teams: simTeams})
	if err != nil {
		return err
	}
	defer env.Close()
	if len(emails) == 0 {
		if !env.Simulated {
			return exampleenv.Usagef("-live needs the users to offboard: give their emails as arguments or with -file")
		}
		emails = simEmails
		fmt.Fprintf(w, "No emails given: offboarding the simulator's sample users %s.\n", strings.Join(emails, ", "))
	}
	if dryRun {
		fmt.Fprintln(w, "Dry run: nothing is changed.")
	}
	userSvc, teamSvc := users.New(env.Client), teams.New(env.Client)

	var allTeams []*teams.Team // listed once, when the first user is found
	var done, already, notFound, failed int
	for _, email := range emails {
		if err := ctx.Err(); err != nil {
			return err
		}
		u, err := userSvc.FindByEmail(ctx, email)
		if errors.Is(err, scim.ErrNotFound) {
			fmt.Fprintf(w, "%s: not in the organization, nothing to do\n", email)
			notFound++
			continue
		}
		if err != nil {
			fmt.Fprintf(w, "%s: FAILED looking it up: %v\n", email, err)
			failed++
			continue
		}
		if allTeams == nil {
			if allTeams, err = listTeams(ctx, teamSvc); err != nil {
				return fmt.Errorf("listing teams: %w", err)
			}
		}
		p := planFor(u, allTeams)
		if p.empty() {
			fmt.Fprintf(w, "%s: already offboarded (inactive, in no team)\n", email)
			already++
			continue
		}
		if dryRun {
			fmt.Fprintf(w, "%s: would %s\n", email, p)
			done++
			continue
		}
		if err := offboard(ctx, userSvc, teamSvc, u, p); err != nil {
			fmt.Fprintf(w, "%s: FAILED: %v\n", email, err)
			failed++
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", email, p.past())
		done++
	}

	verb := "offboarded"
	if dryRun {
		verb = "to offboard"
	}
	fmt.Fprintf(w, "Summary: %d %s, %d already offboarded, %d not found, %d failed.\n", done, verb, already, notFound, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d users could not be offboarded", failed, len(emails))
	}
	return nil
}

// listTeams returns every team of the organization, with its members.
func listTeams(ctx context.Context, svc *teams.Service) ([]*teams.Team, error) {
	var all []*teams.Team
	for t, err := range svc.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		all = append(all, t)
	}
	if all == nil {
		all = []*teams.Team{} // listed, and empty
	}
	return all, nil
}

// offboard carries out p for u: team removals first, then deactivation.
func offboard(ctx context.Context, userSvc *users.Service, teamSvc *teams.Service, u *users.User, p plan) error {
	for _, t := range p.Remove {
		if _, err := teamSvc.RemoveMember(ctx, t.ID, u.ID); err != nil {
			return fmt.Errorf("removing from team %s: %w", t.DisplayName, err)
		}
	}
	if p.Deactivate {
		if _, err := userSvc.Deactivate(ctx, u.ID); err != nil {
			return fmt.Errorf("deactivating (after removal from %d team(s)): %w", len(p.Remove), err)
		}
	}
	return nil
}
