// Offboard removes users from every team they belong to and deactivates them,
// given their email addresses.
//
// Usage:
//
//	go run ./examples/offboard [-dry-run] [-file emails.txt] [email ...]
//
// The emails come from the arguments and from -file (one address per line;
// blank lines and lines starting with "#" are ignored). Each user is looked up
// by email; the teams it belongs to are found from the organization's team
// list (each team's members) and the user's own groups. The user is removed
// from those teams (PATCH /scim/Groups/{id}) and then deactivated
// (PATCH /scim/Users/{id}), in that order, since on Multi-tenant Cloud
// deactivation removes the user from the organization altogether. A user not
// found, or already inactive and in no team, is left alone, so it is safe to
// run again.
//
// Flags:
//
//	-file     a file of email addresses, one per line
//	-dry-run  print what would be done without changing anything
//
// Unless both WANDB_BASE_URL and WANDB_API_KEY are set it runs against the
// SDK's built-in simulator (either variable alone is ignored, with a note),
// seeded with a few users in teams; with no emails given it then offboards some
// of them (one already offboarded, one unknown). With both set it runs against
// that W&B as an organization admin, and emails are required.
//
// It prints one line per user and a summary, and exits with status 1 when a
// user could not be offboarded.
package main

import (
	"context"
	"errors"
	"flag"
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

func main() {
	file := flag.String("file", "", "file of email addresses, one per line")
	dryRun := flag.Bool("dry-run", false, "print what would be done without changing anything")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: offboard [-dry-run] [-file emails.txt] [email ...]")
		flag.PrintDefaults()
	}
	flag.Parse()

	var content []byte
	if *file != "" {
		var err error
		if content, err = os.ReadFile(*file); err != nil {
			exampleenv.UsageError("offboard", "%v", err)
		}
	}
	emails, err := parseEmails(flag.Args(), string(content))
	if err != nil {
		exampleenv.UsageError("offboard", "%v", err)
	}
	exampleenv.Main("offboard", func(ctx context.Context) error {
		return run(ctx, os.Stdout, emails, *dryRun)
	})
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

func run(ctx context.Context, w io.Writer, emails []string, dryRun bool) error {
	env, err := exampleenv.Connect(w, scimtest.Options{Users: simUsers, Teams: simTeams})
	if err != nil {
		return err
	}
	defer env.Close()
	if len(emails) == 0 {
		if !env.Simulated {
			return errors.New("no email addresses: give them as arguments or with -file")
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
