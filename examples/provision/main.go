// Provision creates W&B users in bulk from a CSV file, adds them to teams and
// sets their organization role. It is safe to run again: every user is looked
// up by email first, so a rerun creates nobody twice; it only adds missing team
// memberships and fixes roles that differ. A listed user who exists but is
// deactivated (Dedicated Cloud and Self-Managed keep deactivated users; on
// Multi-tenant Cloud they leave the organization and are created again) is
// reactivated (PATCH /scim/Users/{id}, active=true) before anything else.
//
// The CSV has a header line naming its columns, in any order:
//
//	email,username,teams,role
//	ada@example.com,ada,ml-research;platform,admin
//	alan@example.com,,platform,
//
// email is required; username defaults to the part of the email before "@";
// teams is a ";"-separated list of existing team names; role is the
// organization role (admin, member, viewer or a custom role), optional. Lines
// starting with "#" are ignored.
//
// Usage:
//
//	go run ./examples/provision [-file users.csv] [-concurrency 4] [-dry-run]
//
// Flags:
//
//	-file         the CSV file; by default the sample examples/provision/users.csv
//	              (built into the program)
//	-concurrency  how many users to process at once (default 4)
//	-dry-run      look everything up and print the plan, but change nothing
//
// Unless both WANDB_BASE_URL and WANDB_API_KEY are set it runs against the
// SDK's built-in simulator (either variable alone is ignored, with a note),
// seeded with the teams the CSV names and, for the sample file, with its first
// user already present, so every kind of outcome shows. With both set it runs
// against that W&B as an organization admin.
//
// Team membership is added with teams.AddMembers (PATCH /scim/Groups/{id}) on
// the team found by name, not with the teams extension of users.CreateParams:
// that extension is documented for Multi-tenant Cloud only, while AddMembers
// works on every deployment (and on the simulator's default, Dedicated Cloud
// flavour), and also serves users who already exist.
//
// On a terminal it draws a progress bar; otherwise (a pipe, a CI log) it prints
// one line per user. It ends with a summary of users created, reactivated,
// already present and failed, and exits with status 1 when any row failed.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

//go:embed users.csv
var sampleCSV []byte

func main() { exampleenv.Main("provision", command) }

// command is the program: it parses args and runs.
func command(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := exampleenv.NewFlagSet("provision", exampleenv.Help{Usage: "go run ./examples/provision [flags]"})
	file := fs.String("file", "", "CSV file of users (default: the sample examples/provision/users.csv)")
	concurrency := fs.Int("concurrency", 4, "number of users processed at once")
	dryRun := fs.Bool("dry-run", false, "print the plan without changing anything")
	var live bool
	exampleenv.LiveFlag(fs, &live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 || *concurrency < 1 {
		return exampleenv.Usagef("-concurrency must be at least 1, and no arguments are accepted")
	}
	return run(ctx, stdout, isTerminal(os.Stdout), *file, *concurrency, *dryRun, live)
}

// run provisions the users of file (the sample when ""), writing to w, with a
// progress bar when bar is set.
func run(ctx context.Context, w io.Writer, bar bool, file string, concurrency int, dryRun, live bool) error {
	name, data, err := exampleenv.ReadInput(file, "examples/provision/users.csv", sampleCSV)
	if err != nil {
		return err
	}
	rows, err := parseCSV(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}

	env, err := exampleenv.Connect(w, live, simulatorSeed(rows, file == ""))
	if err != nil {
		return err
	}
	defer env.Close()
	userSvc, teamSvc := users.New(env.Client), teams.New(env.Client)
	fmt.Fprintf(w, "Read %d users from %s.\n", len(rows), name)

	// Look up the teams the CSV names, then each user by email.
	teamsByName, err := findTeams(ctx, teamSvc, rows, concurrency)
	if err != nil {
		return err
	}
	found := make([]*users.User, len(rows))
	lookupErrs := make([]error, len(rows))
	forEach(ctx, len(rows), concurrency, func(i int) {
		u, err := userSvc.FindByEmail(ctx, rows[i].Email)
		if err == nil {
			found[i] = u
		} else if !errors.Is(err, scim.ErrNotFound) {
			lookupErrs[i] = err
		}
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	steps := make([]Step, len(rows))
	for i, row := range rows {
		steps[i] = planRow(row, found[i], lookupErrs[i], teamsByName)
	}

	if dryRun {
		return printPlan(w, steps)
	}

	p := newProgress(w, len(steps), bar)
	forEach(ctx, len(steps), concurrency, func(i int) {
		p.done(&steps[i], apply(ctx, userSvc, teamSvc, &steps[i]))
	})
	return p.finish(ctx.Err())
}

// simulatorSeed is the simulator's initial data: every team the CSV names and,
// for the sample file, its first user already in the first of its teams.
func simulatorSeed(rows []Row, sample bool) scimtest.Options {
	var opts scimtest.Options
	seen := map[string]bool{}
	for _, r := range rows {
		for _, t := range r.Teams {
			if !seen[strings.ToLower(t)] {
				seen[strings.ToLower(t)] = true
				opts.Teams = append(opts.Teams, scimtest.Team{Name: t})
			}
		}
	}
	if sample && len(rows) > 0 && rows[0].UserName != "" {
		first := rows[0]
		opts.Users = []scimtest.User{{UserName: first.UserName, Email: first.Email, OrgRole: "member"}}
		if len(first.Teams) > 0 {
			for i := range opts.Teams {
				if strings.EqualFold(opts.Teams[i].Name, first.Teams[0]) {
					opts.Teams[i].Members = []string{first.UserName}
				}
			}
		}
	}
	return opts
}

// findTeams looks up every team the rows name. A team that does not exist is
// left out of the map (the rows naming it fail); any other error is returned.
func findTeams(ctx context.Context, svc *teams.Service, rows []Row, concurrency int) (map[string]*teams.Team, error) {
	var names []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, t := range r.Teams {
			if !seen[strings.ToLower(t)] {
				seen[strings.ToLower(t)] = true
				names = append(names, t)
			}
		}
	}
	var (
		mu    sync.Mutex
		byKey = map[string]*teams.Team{}
		errs  []error
	)
	forEach(ctx, len(names), concurrency, func(i int) {
		t, err := svc.FindByName(ctx, names[i])
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			byKey[strings.ToLower(names[i])] = t
		case !errors.Is(err, scim.ErrNotFound):
			errs = append(errs, fmt.Errorf("looking up team %s: %w", names[i], err))
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return byKey, errors.Join(errs...)
}

// printPlan prints what a real run would do, and its would-be summary.
func printPlan(w io.Writer, steps []Step) error {
	fmt.Fprintln(w, "Dry run: nothing is changed. Plan:")
	var create, reactivate, present, fail int
	for i := range steps {
		s := &steps[i]
		fmt.Fprintf(w, "  line %d %s: %s\n", s.Row.Line, s.Row.Email, s.Describe())
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
	fmt.Fprintf(w, "Would create %d, reactivate %d, already present %d, would fail %d.\n", create, reactivate, present, fail)
	return nil
}

// outcome is how a row ended.
type outcome int

const (
	notRun outcome = iota
	created
	reactivated
	present
	failed
)

// result is a row's outcome and what was done, or why it failed.
type result struct {
	outcome outcome
	detail  string
}

// apply carries out one step.
func apply(ctx context.Context, userSvc *users.Service, teamSvc *teams.Service, s *Step) result {
	if s.Err != nil {
		return result{failed, s.Err.Error()}
	}
	if err := ctx.Err(); err != nil {
		return result{notRun, "interrupted"}
	}
	var did []string
	u, out, setRole, reactivate := s.User, present, s.SetRole, s.Reactivate
	if u == nil {
		nu, err := userSvc.Create(ctx, users.CreateParams{
			Email: s.Row.Email, UserName: s.Row.UserName, OrganizationRole: s.Row.Role,
		})
		switch {
		case errors.Is(err, scim.ErrConflict):
			// Created since the lookup (or the user name is taken): look again.
			if nu, err = userSvc.FindByEmail(ctx, s.Row.Email); err != nil {
				return result{failed, fmt.Sprintf("the server reports a conflict, but no user has this email "+
					"(is the user name taken by another account?): %v", err)}
			}
			u = nu
			did = append(did, "created meanwhile by someone else")
			if s.Row.Role != "" && !hasRole(u, s.Row.Role) {
				setRole = s.Row.Role
			}
			reactivate = !u.Active
		case err != nil && nu != nil:
			return result{failed, err.Error()} // created, but the role was not set
		case err != nil:
			return result{failed, "creating: " + err.Error()}
		default:
			u, out = nu, created
			did = append(did, "user "+u.UserName)
			if s.Row.Role != "" {
				did = append(did, "role "+s.Row.Role)
			}
		}
	}
	if reactivate {
		ru, err := userSvc.Reactivate(ctx, u.ID)
		if err != nil {
			return result{failed, fmt.Sprintf("%sreactivating: %v", prefix(did), err)}
		}
		u, out = ru, reactivated
		did = append(did, "was deactivated")
	}
	if setRole != "" {
		if _, err := userSvc.SetOrganizationRole(ctx, u.ID, setRole); err != nil {
			return result{failed, fmt.Sprintf("setting role %s: %v", setRole, err)}
		}
		did = append(did, "role set to "+setRole)
	}
	for _, t := range s.Join {
		if out != created && isMember(u, t) {
			continue
		}
		if _, err := teamSvc.AddMembers(ctx, t.ID, []string{u.ID}); err != nil {
			return result{failed, fmt.Sprintf("%sadding to team %s: %v", prefix(did), t.DisplayName, err)}
		}
		did = append(did, "added to "+t.DisplayName)
	}
	if len(did) == 0 {
		did = append(did, "nothing to change")
	}
	return result{out, strings.Join(did, ", ")}
}

// prefix returns what was done so far followed by "; ", or "".
func prefix(did []string) string {
	if len(did) == 0 {
		return ""
	}
	return strings.Join(did, ", ") + "; "
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

// isTerminal reports whether f is a terminal (a character device).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
