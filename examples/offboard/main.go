// Offboard removes users from every team they belong to and deactivates them,
// given their email addresses (as arguments, or one a line in a file), after
// writing a snapshot from which -restore brings back what can be brought
// back.
//
// Each user is looked up by email; the teams it belongs to are found from the
// organization's team list (each team's members) and the user's own groups,
// its API keys from GraphQL (users.Service.Search). Before changing anything
// it writes the snapshot (-snapshot FILE, by default
// offboard-<users>-<time>.json in the current directory; atomically, and never
// over an existing file without -force): each user's userName, email,
// organization role (and custom role), seats, teams with team roles, and
// the IDs of its API keys (a key's name only when it cannot be the secret,
// which older servers report as the name), the deployment, and what can be
// restored. Then, per user: its API keys are deleted with -revoke-keys
// (GraphQL DeleteApiKey; a key stays valid until deleted), it is removed
// from its teams (PATCH /scim/Groups/{id}), and deactivated (PATCH
// /scim/Users/{id}), or with -delete deleted (DELETE /scim/Users/{id}). On
// Multi-tenant Cloud deactivation removes the user from the organization and
// W&B refuses reactivation: the dry run and the snapshot say so plainly. A
// user not found, or already inactive and in no team, is left alone, so it
// is safe to run again.
//
// -restore SNAPSHOT brings back what the snapshot records through orgsync:
// an organization file holding the users (active, with roles and seats) and
// their teams ("membership": "additive", with team roles), planned with
// orgsync.Syncer.Plan and applied with Syncer.Apply, so the guard, the
// removal budget, the target check and the report are the library's. API
// keys are never restored. With -journal FILE the restore appends each
// change, as it settles, to an orgsync journal (ApplyOptions.Journal), which
// orgsync -undo reads.
//
// It never locks the organization out: the library's guard (orgsync.Guard)
// refuses to offboard the calling account (the owner of the API key) and the
// last organization admin. It looks every user up first and prints the plan,
// naming what the guard refuses, before changing anything; with -dry-run it
// stops there. Against a real W&B (-live) it then asks, as terraform apply
// does, for "yes" on the terminal, and so does -restore; -auto-approve skips
// the question, and without a terminal and without -auto-approve it refuses
// and sends nothing. Once a user's offboarding has begun, an interrupt lets it
// finish.
//
// It runs against the SDK's built-in simulator, seeded with a few users in
// teams, unless the command line says -live; then it runs against the W&B
// that WANDB_BASE_URL and WANDB_API_KEY name, of the kind -deployment says,
// and emails are required. Run it with -h for the flags, the file format and
// the exit statuses, those of API.md v0.3: 0 done or nothing to do; 1 failed
// or refused (any user the guard refuses, a failed lookup or change, no
// confirmation, an existing snapshot file, a bad command line); 2 a dry run
// with changes pending (and only then); 3 interrupted.
//
//	go run ./examples/offboard -dry-run alice@example.com
//	go run ./examples/offboard -live -revoke-keys -file leavers.txt
//	go run ./examples/offboard -live -restore offboard-alice-20260607T101500Z.json
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
	Usage: "go run ./examples/offboard [flags] [email ...]\n       go run ./examples/offboard [flags] -restore SNAPSHOT [-journal FILE]",
	About: `Offboard removes users from every team they belong to and then deactivates
them (on Multi-tenant Cloud, deactivation removes them from the organization,
and W&B refuses to reactivate anyone). With -revoke-keys it first deletes
their API keys (a key stays valid until deleted); with -delete it deletes
them instead of deactivating them. Users not found, or already inactive and
in no team, are left alone, so it is safe to run again. The calling account
(the API key's owner) and the last organization admin are never offboarded:
the guard refuses them, and the plan says so.

It looks every user up and prints the plan, one line per user, before
changing anything; -dry-run stops there. With -live it then asks for "yes"
on the terminal, as terraform apply does (-auto-approve skips the question;
without a terminal and without -auto-approve it refuses, sending nothing).
It then writes the snapshot, and only then offboards the users, one line
each, and prints a summary.

The snapshot (-snapshot FILE; by default offboard-<users>-<time>.json in the
current directory, its name printed; never replacing a file without -force)
is JSON with "kind": "wandb-offboard-snapshot" and a "format" version. It
records each user's userName, email, organization role, custom role, seats,
teams with team roles and API key IDs (never a secret), the deployment, and
what can be restored. -restore SNAPSHOT brings that back as orgsync does:
it prints a plan (the users active again with their roles and seats, added
to their teams, which keep their other members), asks, and applies it with
orgsync's guard. API keys deleted with -revoke-keys cannot be restored, a
deleted user comes back as a new account, and on Multi-tenant Cloud a user
comes back by being added to the organization again by email. With -journal
FILE the restore appends one JSON line per change as it settles, as orgsync
-apply -journal does (examples/orgsync -undo FILE reverses it).

Input: email addresses as arguments, and with -file a text file of them, one
a line; blank lines and lines starting with "#" are skipped:

    # leavers, June
    alice@example.com
    bob@example.com

Without -live it runs against the built-in W&B simulator, seeded with alice
(who has an API key), bob and carol (in teams ml-research and platform) and
dave (deactivated); given no emails it offboards alice, bob, dave and
nobody@example.com, to show every outcome. With -live it runs against the
W&B that the environment names, as an organization admin (listing API keys
needs an instance admin), and emails are required.`,
	Env: exampleenv.LiveEnv,
	Example: "go run ./examples/offboard -dry-run -file leavers.txt carol@example.com\n" +
		"go run ./examples/offboard -live -revoke-keys -snapshot alice.json alice@example.com\n" +
		"go run ./examples/offboard -live -restore alice.json",
	Exit: `Exit status: 0 when every user was offboarded (or restored) or needed
nothing; 1 when something failed or was refused (the guard refused a user, a
lookup or change failed, the plan was not confirmed, the snapshot file
exists, a bad command line or file), after doing what could be done; 2 after
a -dry-run with changes pending, and only then; 3 when interrupted.
` + exampleenv.GoRunNote,
}

// config is the command line.
type config struct {
	file                      string          // -file, "" for none
	emails                    []string        // the arguments
	deployment                scim.Deployment // -deployment, "" when not given
	dryRun, live, autoApprove bool
	snapshot                  string // -snapshot, "" for the default name
	restore                   string // -restore, "" when offboarding
	force                     bool   // -force: replace an existing snapshot file
	revokeKeys                bool   // -revoke-keys
	delete                    bool   // -delete
	journal                   string // -journal, with -restore only
}

// parse reads the command line. Malformed addresses among the arguments are
// a usage error; the file is read by run.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("offboard", help)
	fs.StringVar(&c.file, "file", "", "a file of email addresses, one a line")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what would be done without changing anything (exit status 2 when there is something to do)")
	fs.BoolVar(&c.autoApprove, "auto-approve", false, "offboard without asking for confirmation (with -live; needed when standard input is not a terminal)")
	fs.StringVar(&c.snapshot, "snapshot", "", "write the snapshot, taken before anything is changed, to this file (default: offboard-<users>-<time>.json in the current directory)")
	fs.BoolVar(&c.force, "force", false, "replace the -snapshot file if it exists (never done without it)")
	fs.StringVar(&c.restore, "restore", "", "bring back what the snapshot `FILE` records (plan, confirmation, apply, as orgsync does), instead of offboarding")
	fs.StringVar(&c.journal, "journal", "", "with -restore: append one JSON line per change, as it settles, to this orgsync journal `FILE` (for an audit trail and orgsync -undo)")
	fs.BoolVar(&c.revokeKeys, "revoke-keys", false, "also delete the users' API keys (a key stays valid until deleted; deleted keys cannot be restored)")
	fs.BoolVar(&c.delete, "delete", false, "delete the users instead of deactivating them (a deleted user cannot be reactivated)")
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
	if c.journal != "" && c.restore == "" {
		return c, exampleenv.Usagef("-journal goes with -restore (an offboarding records what it changes in its -snapshot)")
	}
	if c.restore != "" {
		switch {
		case len(c.emails) > 0 || c.file != "":
			return c, exampleenv.Usagef("-restore takes its users from the snapshot: give no emails and no -file")
		case c.revokeKeys || c.delete || c.snapshot != "" || c.force:
			return c, exampleenv.Usagef("-restore cannot be combined with -revoke-keys, -delete, -snapshot or -force")
		}
		return c, nil
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
		{UserName: "alice", Email: "alice@example.com", APIKey: "simulated-alice-key-0123456789abcdef0123456789"},
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

// simSeed is the simulator's seed for deployment d: on Multi-tenant Cloud
// a deactivated user is not in the organization, so dave is left out.
func simSeed(d scim.Deployment) scimtest.Options {
	seed := scimtest.Options{Teams: simTeams}
	for _, u := range simUsers {
		if !(u.Inactive && d.IsMultiTenant()) {
			seed.Users = append(seed.Users, u)
		}
	}
	return seed
}

// entry is one email of the run: what was found, and what is to be done.
type entry struct {
	email string
	user  *users.User // nil when not found or the lookup failed
	plan  plan
	// keys are the user's API keys, as GraphQL lists them; keysErr is
	// why they could not be listed.
	keys    []users.APIKey
	keysErr error
	// err is why the user cannot be offboarded: a failed lookup, or the
	// guard's refusal (matching orgsync.ErrGuarded).
	err error
}

// pending reports whether e is a user to offboard.
func (e *entry) pending() bool { return e.err == nil && e.user != nil && !e.plan.empty() }

// run offboards the users c names, or with -restore brings them back. It
// looks every user up and plans first, has the guard rule on the
// deactivations and deletions, prints the plan, and then (unless -dry-run)
// asks for confirmation on a real W&B, writes the snapshot and carries the
// plan out.
func run(ctx context.Context, w io.Writer, c config) error {
	if c.restore != "" {
		return restore(ctx, w, c)
	}
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
	env, err := exampleenv.ConnectTo(w, c.live, c.deployment, simSeed(c.deployment))
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
	deployment := env.Client.Deployment()

	entries, err := planAll(ctx, env.Client, userSvc, teamSvc, emails, c)
	if err != nil {
		return err
	}
	var toDo, already, notFound, refused, failed int
	var names []string // of the users to offboard
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
			switch {
			case e.keysErr != nil:
				fmt.Fprintf(w, "  its API keys could not be listed (%v): the snapshot says so\n", e.keysErr)
			case len(e.keys) > 0 && len(e.plan.Revoke) == 0:
				fmt.Fprintf(w, "  keeps %s, valid until deleted (-revoke-keys deletes them)\n", exampleenv.Count(len(e.keys), "API key"))
			}
			names = append(names, e.user.UserName)
			toDo++
		}
	}
	path := c.snapshot
	if toDo > 0 {
		fmt.Fprintf(w, "Undoing it: %s\n", restorable(deployment, c.delete, c.revokeKeys))
		if path == "" {
			path = defaultSnapshotName(names, time.Now())
		}
		// Refused before anything else, so that a dry run says so too.
		if err := exampleenv.CheckNew(path, c.force); err != nil {
			return fmt.Errorf("snapshot %w, or name another file with -snapshot; nothing was changed", err)
		}
	}

	if c.dryRun {
		if toDo > 0 {
			if c.snapshot == "" {
				path = "named like " + path // for the time of the real run
			}
			fmt.Fprintf(w, "A real run first writes the snapshot, %s, for -restore.\n", path)
		}
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
	if toDo > 0 {
		if err := writeSnapshot(path, env.Client, entries, c); err != nil {
			return fmt.Errorf("writing the snapshot: %w; nothing was changed", err)
		}
		fmt.Fprintf(w, "Snapshot written to %s (undo with -restore %s).\n", path, path)
	}

	done, started, lookupFailures := 0, 0, failed
	for _, e := range entries {
		if !e.pending() {
			continue
		}
		if ctx.Err() != nil {
			fmt.Fprintf(w, "Interrupted: %d offboarded, %d failed, %d not started.\n", done, failed-lookupFailures, toDo-started)
			return fmt.Errorf("%w: %d of %d users offboarded", exampleenv.ErrInterrupted, done, toDo)
		}
		started++
		// A user's offboarding, once begun, is finished (within a grace
		// period) even when the run is interrupted: never half a user.
		uctx, _, finish := exampleenv.Interruptible(ctx, grace, nil)
		err := offboard(uctx, userSvc, teamSvc, e.user, e.plan)
		finish()
		if err != nil {
			label := "FAILED"
			if errors.Is(err, scim.ErrOutcomeUnknown) {
				label = "OUTCOME UNKNOWN (the last change may have been made; run again to see what is left)"
			}
			fmt.Fprintf(w, "%s: %s: %v\n", e.email, label, err)
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

// writeSnapshot writes, atomically and never over an existing file without
// -force, the snapshot of the users entries offboard.
func writeSnapshot(path string, client *scim.Client, entries []entry, c config) error {
	d := client.Deployment()
	s := &snapshot{Kind: snapshotKind, Format: snapshotFormat, TakenAt: time.Now().UTC().Truncate(time.Second),
		BaseURL: client.BaseURL(), Deployment: d, Restorable: restorable(d, c.delete, c.revokeKeys)}
	for _, e := range entries {
		if e.pending() {
			s.Users = append(s.Users, newSnapshotUser(e, d))
		}
	}
	data, err := s.encode()
	if err != nil {
		return err
	}
	return exampleenv.WriteFile(path, data, c.force)
}

// grace is how long a user's offboarding may go on after an interrupt.
const grace = 30 * time.Second

// planAll looks up every email's user, in order, with its API keys, and
// plans its offboarding; then, when any plan deactivates or deletes
// someone, the guard (orgsync.Guard: the calling account and the last
// organization admin are never deactivated or deleted) rules on them all
// together, and a refused user's whole plan is dropped. It changes
// nothing. An error is returned only when no plan can be trusted: the teams
// or the guard's reads failed.
func planAll(ctx context.Context, client *scim.Client, userSvc *users.Service, teamSvc *teams.Service, emails []string, c config) ([]entry, error) {
	entries := make([]entry, len(emails))
	var allTeams []*teams.Team // listed once, when the first user is found
	var changes []orgsync.GuardChange
	var ruled []int // the entries of changes
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
		if c.delete {
			e.plan = e.plan.forDeletion()
		}
		e.keys, e.keysErr = listKeys(ctx, userSvc, u)
		if c.revokeKeys {
			if e.keysErr != nil {
				e.err = fmt.Errorf("listing its API keys, which -revoke-keys deletes: %w", e.keysErr)
				continue
			}
			e.plan.Revoke = e.keys
		}
		switch {
		case e.plan.Delete:
			changes = append(changes, orgsync.GuardChange{UserName: u.UserName, Action: orgsync.GuardDelete, Named: true})
			ruled = append(ruled, i)
		case e.plan.Deactivate:
			changes = append(changes, orgsync.GuardChange{UserName: u.UserName, Action: orgsync.GuardDeactivate, Named: true})
			ruled = append(ruled, i)
		}
	}
	if len(changes) == 0 {
		return entries, nil
	}
	guard, err := orgsync.NewGuard(ctx, client)
	if err != nil {
		return nil, err
	}
	for _, i := range ruled {
		guard.Observe(entries[i].user) // as read just now
	}
	for k, err := range guard.CheckAll(changes) {
		if err != nil {
			entries[ruled[k]].err = err
		}
	}
	return entries, nil
}

// listKeys returns u's API keys: GraphQL SearchUsers (users.Service.Search)
// by its email, keeping the account whose username is u's. Search needs an
// instance admin; the keys' names may be their secrets (see safeKeyName).
func listKeys(ctx context.Context, svc *users.Service, u *users.User) ([]users.APIKey, error) {
	query := u.PrimaryEmail()
	if query == "" {
		query = u.UserName
	}
	found, err := svc.Search(ctx, query)
	if err != nil {
		return nil, err
	}
	for _, a := range found {
		if strings.EqualFold(a.Username, u.UserName) {
			return a.APIKeys, nil
		}
	}
	return nil, fmt.Errorf("GraphQL has no account with username %q", u.UserName)
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

// offboard carries out p for u: its API keys deleted, then team removals,
// then deactivation or deletion. Keys go first: on Multi-tenant Cloud the
// user leaves the organization when deactivated. An error says what was
// done before it, so that nothing made is reported as not made.
func offboard(ctx context.Context, userSvc *users.Service, teamSvc *teams.Service, u *users.User, p plan) error {
	var done []string
	fail := func(what string, err error) error {
		if len(done) == 0 {
			return fmt.Errorf("%s: %w", what, err)
		}
		return fmt.Errorf("%s, after it %s: %w", what, strings.Join(done, " and "), err)
	}
	for i, k := range p.Revoke {
		if err := userSvc.DeleteAPIKey(ctx, k.ID); err != nil {
			if i > 0 {
				done = append(done, fmt.Sprintf("deleted %d of the %s", i, exampleenv.Count(len(p.Revoke), "API key")))
			}
			return fail("deleting API key "+k.ID, err)
		}
	}
	if len(p.Revoke) > 0 {
		done = append(done, "deleted "+p.keys())
	}
	var left []string
	for i, t := range p.Remove {
		if _, err := teamSvc.RemoveMember(ctx, t.ID, u.ID); err != nil {
			if len(left) > 0 {
				done = append(done, "removed the user from "+strings.Join(left, ", "))
			}
			return fail("removing from team "+t.DisplayName, err)
		}
		left = append(left, p.Remove[i].DisplayName)
	}
	if len(left) > 0 {
		done = append(done, "removed the user from "+strings.Join(left, ", "))
	}
	switch {
	case p.Delete:
		if err := userSvc.Delete(ctx, u.ID); err != nil {
			return fail("deleting the user", err)
		}
	case p.Deactivate:
		if _, err := userSvc.Deactivate(ctx, u.ID); err != nil {
			return fail("deactivating", err)
		}
	}
	return nil
}
