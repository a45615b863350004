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
// It never locks the organization out: the library's guard (orgsync.Guard)
// refuses to offboard the calling account (the owner of the API key) and the
// last organization admin. It looks every user up first and prints the plan,
// naming what the guard refuses, before changing anything; with -dry-run it
// stops there. Against a real W&B (-live) it then asks, as terraform apply
// does, for "yes" on the terminal; -auto-approve skips the question, and
// without a terminal and without -auto-approve it refuses and sends nothing.
// Once a user's offboarding has begun, an interrupt lets it finish.
//
// It runs against the SDK's built-in simulator, seeded with a few users in
// teams, unless the command line says -live; then it runs against the W&B
// that WANDB_BASE_URL and WANDB_API_KEY name, of the kind -deployment says,
// and emails are required. Run it with -h for the flags, the file format and
// the exit statuses, those of API.md v0.3: 0 done or nothing to do; 1 failed
// or refused (any user the guard refuses, a failed lookup or change, no
// confirmation, a bad command line); 2 a dry run with users to offboard
// (changes pending, and only then); 3 interrupted.
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
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
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
safe to run again. The calling account (the API key's owner) and the last
organization admin are never offboarded: the guard refuses them, and the plan
says so.

It looks every user up and prints the plan, one line per user, before
changing anything; -dry-run stops there. With -live it then asks for "yes"
on the terminal, as terraform apply does (-auto-approve skips the question;
without a terminal and without -auto-approve it refuses, sending nothing),
then offboards the users, one line each, and prints a summary.

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
	Example: "go run ./examples/offboard -dry-run -file leavers.txt carol@example.com\ngo run ./examples/offboard -live -auto-approve -file leavers.txt",
	Exit: `Exit status: 0 when every user was offboarded or needed nothing; 1 when
something failed or was refused (the guard refused a user, a lookup or change
failed, the plan was not confirmed, a bad command line or file), after doing
what could be done; 2 after a -dry-run with users to offboard (changes
pending), and only then; 3 when interrupted.
` + exampleenv.GoRunNote,
}

// config is the command line.
type config struct {
	file                      string          // -file, "" for none
	emails                    []string        // the arguments
	deployment                scim.Deployment // -deployment, "" when not given
	dryRun, live, autoApprove bool
}

// parse reads the command line. Malformed addresses among the arguments are
// a usage error; the file is read by run.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("offboard", help)
	fs.StringVar(&c.file, "file", "", "a file of email addresses, one a line")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what would be done without changing anything (exit status 2 when there is something to do)")
	fs.BoolVar(&c.autoApprove, "auto-approve", false, "offboard without asking for confirmation (with -live; needed when standard input is not a terminal)")
	exampleenv.LiveFlag(fs, &c.live)
	var deployment string
	exampleenv.DeploymentFlag(fs, &deployment)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	var err error
	if c.deployment, err = exampleenv.ParseDeploymentFlag(deployment); err != nil {
		return c, err
	}
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

// entry is one email of the run: what was found, and what is to be done.
type entry struct {
	email string
	user  *users.User // nil when not found or the lookup failed
	plan  plan
	// err is why the user cannot be offboarded: a failed lookup, or the
	// guard's refusal (matching orgsync.ErrGuarded).
	err error
}

// run offboards the users c names: the arguments, then the file's. It
// looks every user up and plans first, has the guard rule on the
// deactivations, prints the plan, and then (unless -dry-run) asks for
// confirmation on a real W&B and carries the plan out.
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
	env, err := exampleenv.ConnectTo(w, c.live, c.deployment, scimtest.Options{Users: simUsers, Teams: simTeams})
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
	if c.dryRun {
		fmt.Fprintln(w, "Dry run: nothing is changed.")
	}
	userSvc, teamSvc := users.New(env.Client), teams.New(env.Client)

	entries, err := planAll(ctx, env.Client, userSvc, teamSvc, emails)
	if err != nil {
		return err
	}
	var toDo, already, notFound, refused, failed int
	for _, e := range entries {
		switch {
		case errors.Is(e.err, orgsync.ErrGuarded):
			fmt.Fprintf(w, "%s: REFUSED: %v\n", e.email, e.err)
			refused++
		case e.err != nil:
			fmt.Fprintf(w, "%s: FAILED looking it up: %v\n", e.email, e.err)
			failed++
		case e.user == nil:
			fmt.Fprintf(w, "%s: not in the organization, nothing to do\n", e.email)
			notFound++
		case e.plan.empty():
			fmt.Fprintf(w, "%s: already offboarded (inactive, in no team)\n", e.email)
			already++
		default:
			fmt.Fprintf(w, "%s: would %s\n", e.email, e.plan)
			toDo++
		}
	}

	if c.dryRun {
		fmt.Fprintf(w, "Summary: %d to offboard, %d already offboarded, %d not found, %d refused, %d failed.\n",
			toDo, already, notFound, refused, failed)
		switch {
		case refused+failed > 0:
			return fmt.Errorf("dry run: %s refused and %d failed", exampleenv.Count(refused, "user"), failed)
		case toDo > 0:
			return exampleenv.ErrPending
		}
		return nil
	}
	if toDo > 0 && !env.Simulated {
		q := fmt.Sprintf("Offboard %s as listed above, in the W&B at %s?", exampleenv.Count(toDo, "user"), env.Client.BaseURL())
		if err := exampleenv.Confirm(ctx, w, q, c.autoApprove); err != nil {
			return fmt.Errorf("%w; nothing was changed", err)
		}
	}

	done, started, lookupFailures := 0, 0, failed
	for _, e := range entries {
		if e.err != nil || e.user == nil || e.plan.empty() {
			continue
		}
		if ctx.Err() != nil {
			fmt.Fprintf(w, "Interrupted: %d offboarded, %d failed, %d not started.\n", done, failed-lookupFailures, toDo-started)
			return fmt.Errorf("%w: %d of %d users offboarded", exampleenv.ErrInterrupted, done, toDo)
		}
		started++
		// A user's offboarding, once begun, is finished (within a grace
		// period) even when the run is interrupted: never half a user.
		uctx, cancel := finishing(ctx, grace)
		err := offboard(uctx, userSvc, teamSvc, e.user, e.plan)
		cancel()
		if err != nil {
			fmt.Fprintf(w, "%s: FAILED: %v\n", e.email, err)
			failed++
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", e.email, e.plan.past())
		done++
	}
	fmt.Fprintf(w, "Summary: %d offboarded, %d already offboarded, %d not found, %d refused, %d failed.\n",
		done, already, notFound, refused, failed)
	switch {
	case refused > 0 && done == 0 && failed == 0:
		return fmt.Errorf("nothing was changed: %s refused by the guard", exampleenv.Count(refused, "user"))
	case refused+failed > 0:
		return fmt.Errorf("%d of %d users could not be offboarded (%d refused, %d failed)", refused+failed, len(emails), refused, failed)
	}
	return nil
}

// grace is how long a user's offboarding may go on after an interrupt.
const grace = 30 * time.Second

// finishing returns a context that ends d after ctx does (or when cancel
// is called), so that work begun is finished rather than cut short.
func finishing(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		select {
		case <-time.After(d):
			cancel()
		case <-fctx.Done():
		}
	})
	return fctx, func() { stop(); cancel() }
}

// planAll looks up every email's user, in order, and plans its offboarding;
// then, when any plan deactivates someone, the guard (orgsync.Guard: the
// calling account and the last organization admin are never deactivated)
// rules on all the deactivations together, and a refused user's whole plan
// is dropped. It changes nothing. An error is returned only when no plan can
// be trusted: the teams or the guard's reads failed.
func planAll(ctx context.Context, client *scim.Client, userSvc *users.Service, teamSvc *teams.Service, emails []string) ([]entry, error) {
	entries := make([]entry, len(emails))
	var allTeams []*teams.Team // listed once, when the first user is found
	var changes []orgsync.GuardChange
	var deactivating []int // the entries of changes
	for i, email := range emails {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e := &entries[i]
		e.email = email
		u, err := userSvc.FindByEmail(ctx, email)
		if errors.Is(err, scim.ErrNotFound) {
			continue
		}
		if err != nil {
			e.err = err
			continue
		}
		if allTeams == nil {
			if allTeams, err = listTeams(ctx, teamSvc); err != nil {
				return nil, fmt.Errorf("listing teams: %w", err)
			}
		}
		e.user, e.plan = u, planFor(u, allTeams)
		if e.plan.Deactivate {
			changes = append(changes, orgsync.GuardChange{UserName: u.UserName, Action: orgsync.GuardDeactivate, Named: true})
			deactivating = append(deactivating, i)
		}
	}
	if len(changes) == 0 {
		return entries, nil
	}
	guard, err := orgsync.NewGuard(ctx, client)
	if err != nil {
		return nil, err
	}
	for _, i := range deactivating {
		guard.Observe(entries[i].user) // as read just now
	}
	for k, err := range guard.CheckAll(changes) {
		if err != nil {
			entries[deactivating[k]].err = err
		}
	}
	return entries, nil
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
