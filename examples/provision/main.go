// Provision creates W&B users in bulk from a CSV file, sets their
// organization role and Models seat, and adds them to teams. It is safe to
// run again: every user is looked up by email first, so a rerun creates
// nobody twice; it only adds missing team memberships and fixes roles and
// seats that differ. A listed user who exists but is deactivated (Dedicated
// Cloud and Self-Managed keep deactivated users; on Multi-tenant Cloud they
// leave the organization and are created again) is reactivated first.
//
// Every row is checked before anything is sent: its email, role and seat,
// and its teams and custom role against the organization (reads only). Rows
// that share an email or a user name (given, or derived from the email) are
// all refused, each naming the others' lines, and none of them is sent. A bad
// row is reported with its line number and skipped while the good rows
// proceed; with -strict the first bad row stops the run before any change.
// A row that would take the admin role from the calling account or from the
// organization's last admin is refused by the library's guard
// (orgsync.Guard), and the dry run says so.
// A new user is created, then given its role, then added to its teams; when
// the role cannot be set the new user is deleted again, so no user is left
// with its teams' access but not its role.
//
// The CSV has a header line naming its columns, in any order:
//
//	email,username,teams,role,seat
//	ada@example.com,ada,ml-research;platform,admin,
//	alan@example.com,,platform,,viewer
//
// It runs against the SDK's built-in simulator unless the command line says
// -live; then it runs against the W&B that WANDB_BASE_URL and WANDB_API_KEY
// name, of the kind -deployment says. Run it with -h for the columns, the
// flags, what the simulator holds and the exit statuses, those of API.md
// v0.3: 0 done or nothing to do; 1 a row failed, was skipped or refused, or
// a bad command line; 2 a -dry-run with changes to make (changes pending,
// and only then); 3 interrupted:
//
//	go run ./examples/provision -dry-run
//	go run ./examples/provision -live -file users.csv
//
// Team membership is added with teams.AddMembers (PATCH /scim/Groups/{id}) on
// the team found by name, not with the teams extension of users.CreateParams:
// that extension is documented for Multi-tenant Cloud only, while AddMembers
// works on every deployment, and also serves users who already exist.
//
// On a terminal it draws a progress bar that fits the terminal's width (80
// columns when the terminal does not say), and lists the failed rows, by
// line, after it; otherwise (a pipe, a file, a CI log) it prints one line per
// user. It ends with a summary of users created, reactivated, already
// present, failed and skipped.
package main

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// samplePath is where the built-in sample lives in the repository.
const samplePath = "examples/provision/users.csv"

//go:embed users.csv
var sampleCSV []byte

func main() { exampleenv.Main("provision", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/provision [flags]",
	About: `Provision creates W&B users in bulk from a CSV file, sets their organization
role and Models seat, and adds them to teams. It is safe to run again: users
are looked up by email, so a rerun creates nobody twice and only adds what is
missing (teams, a role or seat that differs, reactivation of a deactivated
user).

Input (-file; by default the sample ` + samplePath + `, built in): CSV with a
header line naming the columns, in any order; only email is required; lines
starting with "#" are comments:

    email,username,teams,role,seat
    ada@example.com,ada,ml-research;platform,admin,
    alan@example.com,,platform,,viewer

  username  default: the part of the email before "@"
  teams     existing team names, separated by ";"
  role      organization role: admin, member, viewer (member with viewer
            seats) or a custom role of the organization; default member
  seat      Models seat: full, viewer or none; default full

Every row is checked before anything is sent (email, role, seat, and teams
and custom roles against the organization). Rows sharing an email or a user
name (given, or the part of the email before "@") are all refused, naming
each other's lines. Bad rows are reported with their line numbers and
skipped while the others proceed, and make the exit status 1; -strict stops
at the first bad row without changing anything. The role of the calling
account and of the last organization admin is never taken away: such a row
is refused. A new user is created, then given its role, then added to its
teams; if the role cannot be set, the new user is deleted again.

On a terminal a progress bar shows the work, and the failed rows are listed
after it; otherwise one line per user.

Without -live it runs against the built-in W&B simulator, which holds the
teams ml-research, platform and data-eng, the custom role run-operator, and
the user ada (member, in ml-research), so the sample shows both new and
existing users. With -live it runs against the W&B that the environment
names, as an organization admin.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/provision -file new-hires.csv -dry-run",
	Exit: `Exit status: 0 when every row was done or needed nothing; 1 when something
failed (a bad command line, the file, a skipped, refused or failed row),
after doing what could be done; 2 after a -dry-run with changes to make
(changes pending), and only then; 3 when interrupted.
` + exampleenv.GoRunNote,
}

// simSeed is the simulator's organization: the sample's teams and custom
// role, and its first user already present.
var simSeed = scimtest.Options{
	Roles: []scimtest.Role{{Name: "run-operator", Description: "Members who may also stop runs", Permissions: []string{"run:stop"}}},
	Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}},
	Teams: []scimtest.Team{{Name: "ml-research", Members: []string{"ada"}}, {Name: "platform"}, {Name: "data-eng"}},
}

// config is the command line, and where the output goes.
type config struct {
	file                 string          // "" for the sample
	deployment           scim.Deployment // -deployment, "" when not given
	concurrency          int
	dryRun, strict, live bool
	// width is the terminal's width for the progress bar; 0 for one line
	// per user.
	width int
}

// maxConcurrency bounds -concurrency: W&B rate-limits SCIM.
const maxConcurrency = 16

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("provision", help)
	fs.StringVar(&c.file, "file", "", "the CSV file of users (default: the built-in sample "+samplePath+")")
	fs.IntVar(&c.concurrency, "concurrency", 4, fmt.Sprintf("how many users to process at once, 1 to %d", maxConcurrency))
	fs.BoolVar(&c.dryRun, "dry-run", false, "check the rows and print the plan, but change nothing (exit status 2 when there are changes to make)")
	fs.BoolVar(&c.strict, "strict", false, "stop at the first bad row (before any change) or failed user, instead of skipping it")
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
	if c.concurrency < 1 || c.concurrency > maxConcurrency {
		return c, exampleenv.Usagef("-concurrency %d: want 1 to %d", c.concurrency, maxConcurrency)
	}
	return c, exampleenv.NoArgs(fs)
}

// command is the program: it parses args and runs, with a progress bar when
// standard output is a terminal.
func command(ctx context.Context, args []string, stdout, _ io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	if width, ok := exampleenv.Terminal(os.Stdout); ok && stdout == io.Writer(os.Stdout) {
		c.width = cmp.Or(width, 80)
	}
	return run(ctx, stdout, c)
}

// run provisions the users of c.file, writing to w.
func run(ctx context.Context, w io.Writer, c config) error {
	name, data, err := exampleenv.ReadInput(c.file, samplePath, sampleCSV)
	if err != nil {
		return err
	}
	rows, bad, err := parseCSV(name, data)
	if err != nil {
		return err
	}
	env, err := exampleenv.ConnectTo(w, c.live, c.deployment, simSeed)
	if err != nil {
		return err
	}
	defer env.Close()
	from := name
	if c.file == "" {
		from += " (the built-in sample)"
	}
	fmt.Fprintf(w, "Read %d rows from %s.\n", len(rows)+len(bad), from)

	// Check the rows against the organization: reads only.
	o, err := readOrg(ctx, env.Client, rows, c.concurrency)
	if err != nil {
		return err
	}
	var good []Row
	for _, r := range rows {
		if why := o.checkRow(r); why != "" {
			bad = append(bad, badRow{r.Line, why})
		} else {
			good = append(good, r)
		}
	}
	slices.SortFunc(bad, func(a, b badRow) int { return a.Line - b.Line })
	if c.strict && len(bad) > 0 {
		return fmt.Errorf("%s:%d: %s (-strict: stopped at the first bad row; nothing was changed)", name, bad[0].Line, bad[0].Why)
	}
	for _, b := range bad {
		fmt.Fprintf(w, "%s:%d: skipped: %s\n", name, b.Line, b.Why)
	}

	userSvc, teamSvc := users.New(env.Client), teams.New(env.Client)
	steps, err := plan(ctx, userSvc, good, o, c.concurrency)
	if err != nil {
		return err
	}
	if err := guardDemotions(ctx, env.Client, steps); err != nil {
		return err
	}
	if c.dryRun {
		return printPlan(w, name, steps, len(bad))
	}

	p := newProgress(w, name, len(steps), c.width)
	var stop atomic.Bool // -strict: a user failed, start no more
	forEach(ctx, len(steps), c.concurrency, func(i int) {
		if stop.Load() {
			p.done(&steps[i], result{notRun, "-strict stopped at an earlier failure"})
			return
		}
		r := apply(ctx, userSvc, teamSvc, &steps[i])
		if r.outcome == failed && c.strict {
			stop.Store(true)
		}
		p.done(&steps[i], r)
	})
	return p.finish(ctx.Err(), len(bad))
}

// plan looks up the user of each row by email and decides its step.
func plan(ctx context.Context, svc *users.Service, rows []Row, o *org, concurrency int) ([]Step, error) {
	found := make([]*users.User, len(rows))
	lookupErrs := make([]error, len(rows))
	forEach(ctx, len(rows), concurrency, func(i int) {
		u, err := svc.FindByEmail(ctx, rows[i].Email)
		if err == nil {
			found[i] = u
		} else if !errors.Is(err, scim.ErrNotFound) {
			lookupErrs[i] = err
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	steps := make([]Step, len(rows))
	for i, row := range rows {
		steps[i] = planRow(row, found[i], lookupErrs[i], o)
	}
	return steps, nil
}

// guardDemotions has the library's guard (orgsync.Guard) rule on the steps
// that take the organization admin role from someone: the calling account
// and the last admin keep it, and their rows are refused (Step.Err, matching
// orgsync.ErrGuarded) before anything is sent. Promotions in the same run are
// not counted: rows are applied concurrently, so a promotion is not known to
// land before a demotion. It reads the caller and the users only when a step
// demotes.
func guardDemotions(ctx context.Context, client *scim.Client, steps []Step) error {
	var idx []int
	var changes []orgsync.GuardChange
	for i := range steps {
		if s := &steps[i]; s.demotes() {
			idx = append(idx, i)
			changes = append(changes, orgsync.GuardChange{UserName: s.User.UserName, Action: orgsync.GuardDemote, Named: true})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	g, err := orgsync.NewGuard(ctx, client)
	if err != nil {
		return err
	}
	for _, i := range idx {
		g.Observe(steps[i].User)
	}
	for k, err := range g.CheckAll(changes) {
		if err != nil {
			steps[idx[k]].Err = err
		}
	}
	return nil
}

// printPlan prints what a real run would do, and its would-be summary. It
// returns an error, for exit status 1, when a row would fail or is skipped,
// and otherwise exampleenv.ErrPending (exit status 2) when a row has changes
// to make.
func printPlan(w io.Writer, name string, steps []Step, skipped int) error {
	fmt.Fprintln(w, "Dry run: nothing is changed. Plan:")
	var create, reactivate, present, fail, changes int
	for i := range steps {
		s := &steps[i]
		fmt.Fprintf(w, "  %s:%d %s: %s\n", name, s.Row.Line, s.Row.Email, s.Describe())
		if s.changes() {
			changes++
		}
		switch {
		case s.Err != nil:
			fail++
		case s.Create():
			create++
		case s.Reactivate:
			reactivate++
		default:
			present++
		}
	}
	fmt.Fprintf(w, "Would create %d, reactivate %d, already present %d, would fail %d, skipped %d.\n",
		create, reactivate, present, fail, skipped)
	switch {
	case fail+skipped > 0:
		return fmt.Errorf("dry run: %d rows would fail and %d are skipped", fail, skipped)
	case changes > 0:
		return exampleenv.ErrPending
	}
	return nil
}

// forEach calls f(0) … f(n-1), at most limit at a time, and returns when all
// calls have returned. Once ctx is done it starts no more calls.
func forEach(ctx context.Context, n, limit int, f func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
}
