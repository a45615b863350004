// Orgsync keeps a W&B organization equal to a JSON file, like terraform:
// it prints a plan of the changes and makes them only with -apply, after
// the operator typed yes (or with -auto-approve). The file lists users,
// teams with their members and team roles, and custom roles; anything it
// does not list is left alone, except that -prune also deactivates the
// users it does not name. It is the command line of the library
// scim/orgsync.
//
//	go build -o bin/ ./examples/orgsync          # then bin/orgsync; go run reports every failure as status 1
//	bin/orgsync                                  # plan the built-in sample on the simulator
//	bin/orgsync -live -file org.json             # plan against a real W&B; exit 2 if changes are pending
//	bin/orgsync -live -file org.json -out plan.json
//	bin/orgsync -live -apply -plan plan.json     # apply exactly the reviewed plan
//	bin/orgsync -live -file org.json -format markdown   # the plan as a pull-request comment
//	bin/orgsync -live -apply -plan plan.json -file org.json -journal j.jsonl
//	bin/orgsync -live -undo j.jsonl              # the inverse of what the journal applied
//	bin/orgsync -live -export org-export.json
//
// A plan saved with -out records the W&B it was made against (base URL,
// organization, deployment), the digest of its file, and each resource's
// name and ID; -apply -plan refuses it anywhere else, and refuses a change
// whose ID now names another resource. Every update is conditional on the
// version of the resource the plan saw, and a resource that changed since
// is refused (412). Apply refuses a plan whose deactivations and member
// removals exceed -max-removals. The calling account and the last
// organization admin are never deactivated or demoted (orgsync.Guard), and
// service accounts never pruned or removed from teams.
//
// On SIGINT or SIGTERM no new change starts; those in flight get a bounded
// time to finish, then each change is reported applied, failed, not
// started or outcome unknown (read back where possible), and the exit
// status is 3.
//
// It runs against the SDK's built-in simulator unless the command line says
// -live; then it runs against the W&B that WANDB_BASE_URL and WANDB_API_KEY
// name. Run it with -h for the file format, the flags and the exit statuses
// (0 nothing to change or all applied, 1 failed or a bad command line, 2
// changes pending, 3 interrupted).
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// name is the program's name, in messages and its -h text.
const name = "orgsync"

// samplePath is where the built-in sample lives in the repository.
const samplePath = "examples/orgsync/org.json"

// grace is how long changes in flight may finish after an interrupt.
const grace = 10 * time.Second

//go:embed org.json
var sampleOrg []byte

func main() { exampleenv.Main(name, command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/orgsync [flags]   (or, built: bin/orgsync [flags])",
	About: `Orgsync keeps a W&B organization equal to a JSON file. It prints a plan,
like terraform plan, and changes nothing unless -apply is given.

Input (-file; by default the sample ` + samplePath + `, built in):

    {
      "users": [{"userName": "ada", "email": "ada@example.com", "displayName": "Ada Lovelace",
                 "organizationRole": "member", "modelsSeat": "full", "weaveRole": "viewer",
                 "active": true}],
      "teams": [{"name": "ml-platform", "membership": "exact",
                 "members": [{"userName": "ada", "role": "admin"}, {"userName": "bob"}]}],
      "roles": [{"name": "auditor", "description": "read-only audits",
                 "inheritedFrom": "viewer", "permissions": ["run:stop"]}]
    }

  users  by userName; a field left out is not managed; email is needed to
         create a user; organizationRole is admin, member or a custom role
         ("viewer" is stored by W&B as member with viewer seats: a warning);
         seats are full, viewer or none; "active": false deactivates
  teams  by name; created when missing, never deleted; members are exactly
         the listed users (service accounts are kept), or with "membership":
         "additive" at least them; a member's role defaults to member; a
         member may be a user of the file or of the organization
  roles  custom roles by name: inheritedFrom member or viewer; the custom
         permissions are exactly the listed ones

The file is checked before anything is read or sent, and every problem is
reported with its JSON path. Changes the deployment cannot make (on
Multi-tenant Cloud: email, display name, reactivation) are listed as not
applicable and never sent. The calling account and the last organization
admin are never deactivated or demoted (a plan that promotes another admin
first may demote one); service accounts are never pruned or removed from a
team.

-apply from a file prints the plan and applies it only after you type yes
on a terminal; -auto-approve skips the question; with no terminal and no
-auto-approve nothing is sent. -apply -plan FILE applies a plan saved with
-out (already reviewed) without asking, on the deployment it records:
exactly that plan, refused for any other W&B, organization or deployment
(a -deployment given must agree), and change by change for any
resource changed since or whose ID now names another. Changes are made in
dependency order (roles, users, promotions before demotions, teams,
members, team roles, deactivations); a plan whose deactivations plus member
removals exceed -max-removals is refused whole. -out and -export never
replace an existing file without -force.

-format json prints the plan as JSON (the form -out saves; its schema is
scim/orgsync/plan.schema.json), -format markdown as one pull-request comment.
-apply -plan FILE -file org.json also refuses a plan that was not made from
org.json (its input_digest), so that CI applies only the reviewed file.
-journal FILE appends one JSON line per change as it settles (outcome applied,
failed, unknown or not_attempted), synced as it goes; -undo FILE plans the
inverse of what a journal applied (a created user is deactivated, never
deleted; created teams and roles are named, not undone), and with -apply
applies it like any plan: budgeted, confirmed, each change conditional on
the version the journal recorded. examples/orgsync/ci/orgsync.yml is a
GitHub Actions workflow that plans pull requests and applies on merge.

Interrupted (Ctrl-C, SIGTERM), it starts no new change, lets those in flight
finish for up to ` + grace.String() + `, and reports each change as applied, failed,
not started or outcome unknown (read back where it can); exit status 3.

Without -live it runs against the built-in W&B simulator, new for each run
(so a plan saved there applies to no later run), whose organization differs
from the sample: ada has other settings, carol is in ml-platform, the role
run-operator lacks run:delete, grace and alan do not exist. With -live it
runs against the W&B that the environment names, as an organization admin.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/orgsync -live -file org.json -out plan.json\ngo run ./examples/orgsync -live -apply -plan plan.json -file org.json -journal j.jsonl\ngo run ./examples/orgsync -live -undo j.jsonl",
	Exit: `Exit status: 0 when there is nothing to change or every applicable change
was applied (the not applicable ones are listed); 1 when something failed
(the command line, the file, a request, a change, the removal budget, the
confirmation), after doing what could be done; 2 when changes are pending
(a plan without -apply, as terraform plan -detailed-exitcode has it), and
only then; 3 when interrupted. go run reports every failure as 1: build the
program (go build -o bin/ ./examples/orgsync) for a script to see these.`,
}

// config is the command line.
type config struct {
	file, out, planFile, export string
	journal, undo               string
	format                      string // text, json or markdown
	apply, prune, json, live    bool
	autoApprove, force          bool
	deployment                  string
	maxRemovals                 orgsync.Budget
	// progress, when set, is the terminal that shows a progress line while
	// changes are applied.
	progress io.Writer
}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet(name, help)
	fs.StringVar(&c.file, "file", "", "the organization's JSON file (default: the built-in sample "+samplePath+")")
	fs.BoolVar(&c.apply, "apply", false, "make the changes, after you type yes (without it, only print the plan)")
	fs.BoolVar(&c.autoApprove, "auto-approve", false, "with -apply: do not ask; apply the plan as printed (for scripts)")
	fs.BoolVar(&c.prune, "prune", false, "also deactivate the users the file does not name (never deletes)")
	fs.StringVar(&c.format, "format", "text", "print the plan as `text`, json (the form -out saves, described by plan.schema.json) or markdown (for a pull-request comment); with -apply, the report as text or json")
	fs.BoolVar(&c.json, "json", false, "the same as -format json")
	fs.StringVar(&c.journal, "journal", "", "with -apply: append one JSON line per change, as it settles, to this `file` (for an audit trail and -undo)")
	fs.StringVar(&c.undo, "undo", "", "plan the inverse of the changes this journal `file` records as applied; with -apply, apply it")
	fs.StringVar(&c.out, "out", "", "save the plan as JSON to this `file` (an existing one only with -force)")
	fs.StringVar(&c.planFile, "plan", "", "use the plan saved in this `file` with -out, instead of planning -file")
	fs.StringVar(&c.export, "export", "", "write the organization as it is now to this `file` (- for standard output), in the file format; an existing one only with -force")
	fs.BoolVar(&c.force, "force", false, "let -out and -export replace an existing file")
	fs.TextVar(&c.maxRemovals, "max-removals", orgsync.Budget{},
		"the most deactivations plus member removals -apply may make: a count, or a percentage from 0% to 100% of the users and members the file lists")
	exampleenv.DeploymentFlag(fs, &c.deployment)
	exampleenv.LiveFlag(fs, &c.live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	if _, err := exampleenv.ParseDeploymentFlag(c.deployment); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch c.format {
	case "text", "markdown":
		if c.json && set["format"] {
			return c, exampleenv.Usagef("-json is -format json: give one of them")
		}
	case "json":
		c.json = true
	default:
		return c, exampleenv.Usagef("-format %q: want text, json or markdown", c.format)
	}
	if c.json {
		c.format = "json"
	}
	switch {
	case c.undo != "" && (c.planFile != "" || set["file"] || c.prune || c.export != ""):
		return c, exampleenv.Usagef("-undo plans from a journal: -plan, -file, -prune and -export do not apply to it")
	case c.journal != "" && !c.apply:
		return c, exampleenv.Usagef("-journal goes with -apply")
	case c.format == "markdown" && c.apply:
		return c, exampleenv.Usagef("-format markdown shows a plan for review; with -apply use text or json")
	case c.export != "" && (c.apply || c.prune || c.json || c.out != "" || c.planFile != "" || set["file"] || set["max-removals"] || c.autoApprove):
		return c, exampleenv.Usagef("-export writes the organization and takes no other flag but -live, -deployment and -force")
	case c.planFile != "" && (c.prune || c.out != ""):
		return c, exampleenv.Usagef("-plan uses a saved plan: -prune and -out do not apply to it (-file checks that it is the file the plan was made from)")
	case c.autoApprove && !c.apply:
		return c, exampleenv.Usagef("-auto-approve goes with -apply")
	case c.force && c.out == "" && c.export == "":
		return c, exampleenv.Usagef("-force goes with -out or -export")
	}
	return c, exampleenv.NoArgs(fs)
}

// command is the program: it parses args and runs, with a progress line
// on standard error when it is a terminal.
func command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	if f, ok := stderr.(*os.File); ok {
		if _, ok := exampleenv.Terminal(f); ok {
			c.progress = stderr
		}
	}
	return run(ctx, stdout, stderr, c)
}

// simSeed is the simulator's organization: near the sample, so that the
// sample's plan shows each kind of change.
var simSeed = scimtest.Options{
	Roles: []scimtest.Role{{Name: "run-operator", Description: "Members who may also stop runs",
		InheritedFrom: "member", Permissions: []string{"run:stop"}}},
	Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com", DisplayName: "Ada"},
		{UserName: "bob", Email: "bob@example.com"},
		{UserName: "carol", Email: "carol@example.com"},
		{UserName: "ci-bot", AccountType: scimtest.AccountOrgService},
	},
	Teams: []scimtest.Team{
		{Name: "ml-platform", Members: []string{"ada", "carol", "ci-bot"}},
		{Name: "research", Members: []string{"carol"}},
	},
}

// run plans (or reads a saved plan), prints it, and with -apply applies it.
// Lines about the run go to stdout, or to stderr when stdout carries JSON.
func run(ctx context.Context, stdout, stderr io.Writer, c config) error {
	info := stdout
	if c.json || c.format == "markdown" || c.export == "-" {
		info = stderr
	}
	deployment, err := exampleenv.ParseDeploymentFlag(c.deployment)
	if err != nil {
		return err
	}
	for _, out := range []string{c.out, c.export} {
		if err := checkNew(out, c.force); err != nil {
			return err
		}
	}
	if c.export != "" {
		return export(ctx, stdout, info, c)
	}
	var (
		file   *orgsync.File
		digest string
		plan   *orgsync.Plan
	)
	switch {
	case c.undo != "":
		if plan, err = readUndo(info, c.undo); err != nil {
			return err
		}
		if deployment == "" {
			deployment = plan.Target.Deployment
		}
	case c.planFile != "":
		if plan, err = readPlan(c.planFile); err != nil {
			return err
		}
		fmt.Fprintf(info, "Read the plan %s, made for %s%s.\n", c.planFile, plan.Target, digestNote(plan.InputDigest))
		if c.file != "" {
			if err := sameInput(plan, c.file); err != nil {
				return err
			}
		}
		if !c.apply {
			return show(stdout, info, plan, c)
		}
		if deployment == "" { // the plan says which; a -deployment given must agree with it
			if deployment, err = scim.ParseDeployment(string(plan.Target.Deployment)); err != nil {
				return fmt.Errorf("%s: %w", c.planFile, err)
			}
		}
	default:
		if file, digest, err = readFile(c.file); err != nil {
			return err
		}
	}

	env, err := exampleenv.ConnectTo(info, c.live, deployment, simSeed)
	if err != nil {
		return err
	}
	defer env.Close()
	if file != nil {
		fmt.Fprintf(info, "Read %s: %s, %s, %s.\n", inputName(c.file),
			exampleenv.Count(len(file.Users), "user"), exampleenv.Count(len(file.Teams), "team"), exampleenv.Count(len(file.Roles), "role"))
	}
	s := orgsync.New(env.Client, orgsync.Options{})
	if plan == nil {
		if plan, err = s.Plan(ctx, file, orgsync.PlanOptions{Prune: c.prune, InputDigest: digest}); err != nil {
			return describe(c.file, err)
		}
	}
	if c.out != "" { // the plan made here, from a file or a journal (-undo)
		data, err := marshal(plan)
		if err != nil {
			return err
		}
		if err := exampleenv.WriteFile(c.out, data, c.force); err != nil {
			return err
		}
		fmt.Fprintf(info, "Saved the plan to %s.\n", c.out)
	}
	if !c.apply {
		return show(stdout, info, plan, c)
	}
	switch {
	case !c.json:
		if err := plan.WriteText(stdout); err != nil {
			return err
		}
	case c.planFile == "" && !c.autoApprove: // the question needs the plan in sight
		if err := plan.WriteText(info); err != nil {
			return err
		}
	}
	if plan.Empty() {
		return refused(plan)
	}
	return apply(ctx, s, stdout, info, plan, c)
}

// sameInput refuses a saved plan that was not made from the file name
// (-apply -plan FILE -file org.json in CI: the reviewed plan must be the
// merged file's).
func sameInput(p *orgsync.Plan, name string) error {
	_, digest, err := readFile(name)
	if err != nil {
		return err
	}
	switch {
	case p.InputDigest == "":
		return fmt.Errorf("%s: the plan records no input digest, so it cannot be shown to come from this file; nothing was applied", name)
	case p.InputDigest != digest:
		return fmt.Errorf("%s is not the file the plan was made from (its digest is %s, the plan's input_digest %s): "+
			"the reviewed plan is not the merged file; plan it again; nothing was applied", name, digest, p.InputDigest)
	}
	return nil
}

// readUndo reads a journal and plans the inverse of its applied changes,
// naming what it does not reverse.
func readUndo(info io.Writer, name string) (*orgsync.Plan, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := orgsync.ReadJournal(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	u, err := orgsync.PlanUndo(entries)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(info, "Read the journal %s: %s, made for %s; the undo plan reverses those applied.\n",
		name, exampleenv.Count(len(entries), "change"), u.Plan.Target)
	for _, k := range u.Kept {
		fmt.Fprintf(info, "  not undone: %s\n", k)
	}
	return u.Plan, nil
}

// refused is the error of a plan with nothing to change in which the
// guard refused what the file asks (deactivating or demoting the calling
// account or the last admin): the organization does not match the file and
// never will, which a script must see (exit 1); nil for an empty plan
// without such refusals.
func refused(p *orgsync.Plan) error {
	prot := p.Protected()
	if len(prot) == 0 {
		return nil
	}
	lines := make([]string, len(prot))
	for i, s := range prot {
		lines[i] = s.String()
	}
	return fmt.Errorf("the guard refuses %s the file asks for, and there is nothing else to change; nothing was changed:\n  %s",
		exampleenv.Count(len(prot), "change"), strings.Join(lines, "\n  "))
}

// digestNote names the digest of a plan's input, if it has one.
func digestNote(d string) string {
	if d == "" {
		return ""
	}
	return " from a file with digest " + d
}

// checkNew refuses, before anything is read or sent, to write over the
// existing file name without force ("" and "-" are no file).
func checkNew(name string, force bool) error {
	if err := exampleenv.CheckNew(name, force); err != nil {
		return fmt.Errorf("%w (nothing was read or changed)", err)
	}
	return nil
}

// readFile reads and checks the organization file (the sample when name is
// ""), before anything is read from or sent to W&B, and returns it with
// the digest of its bytes.
func readFile(name string) (*orgsync.File, string, error) {
	shown, data, err := exampleenv.ReadInput(name, samplePath, sampleOrg)
	if err != nil {
		return nil, "", err
	}
	if err := exampleenv.DecodeJSON(shown, data, new(any), "an organization file"); err != nil {
		return nil, "", err
	}
	f, err := orgsync.Decode(data)
	if errors.Is(err, orgsync.ErrSimulatorState) {
		return nil, "", fmt.Errorf("%s: %w", shown, err)
	}
	if err != nil {
		return nil, "", describe(name, err)
	}
	return f, orgsync.Digest(data), nil
}

// inputName is how messages name the file of -file name.
func inputName(name string) string {
	if name == "" {
		return samplePath + " (the built-in sample)"
	}
	return name
}

// describe lists a validation error's problems one a line, after the name
// of the file of -file name.
func describe(name string, err error) error {
	var ve *orgsync.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	if name == "" {
		name = samplePath
	}
	lines := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Errorf("%s: %s, nothing was read or changed:\n%s", name, exampleenv.Count(len(lines), "problem"), strings.Join(lines, "\n"))
}

// readPlan reads a plan saved with -out.
func readPlan(file string) (*orgsync.Plan, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var p orgsync.Plan
	if err := exampleenv.DecodeJSON(file, data, &p, "a plan saved with -out"); err != nil {
		return nil, err
	}
	if p.Format != orgsync.FormatVersion {
		return nil, fmt.Errorf("%s: not a plan this version applies (format %d, want %d): plan again with -out", file, p.Format, orgsync.FormatVersion)
	}
	return &p, nil
}

// show prints the plan, as text or JSON, and returns ErrPending when it
// has changes.
func show(stdout, info io.Writer, p *orgsync.Plan, c config) error {
	var err error
	switch c.format {
	case "json":
		err = printJSON(stdout, p)
	case "markdown":
		err = p.WriteMarkdown(stdout)
	default:
		err = p.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if p.Empty() {
		return refused(p)
	}
	var be *orgsync.BudgetError
	if errors.As(c.maxRemovals.Check(p), &be) {
		note := fmt.Sprintf("-apply would refuse this plan: it removes %d, and -max-removals %s allows %d.", len(be.Removals), be.Budget, be.Limit)
		fmt.Fprintf(info, "Note: %s\n", note)
		if c.format == "markdown" { // where the reviewers read it
			fmt.Fprintf(stdout, "> [!CAUTION]\n> %s\n", note)
		}
	}
	fmt.Fprintln(info, "Changes are pending: run again with -apply to make them.")
	return exampleenv.ErrPending
}

// apply asks for confirmation (a plan from a file), applies the plan with
// a progress line on a terminal, and prints the report. An interrupt
// (ctx's end) stops new changes; those in flight get grace to finish.
func apply(ctx context.Context, s *orgsync.Syncer, stdout, info io.Writer, p *orgsync.Plan, c config) error {
	total := len(p.Lines())
	var be *orgsync.BudgetError
	if errors.As(c.maxRemovals.Check(p), &be) {
		return fmt.Errorf("the plan removes %d, more than -max-removals %s allows (%d of the %d users and members the file lists); "+
			"nothing was applied. Raise -max-removals if these are meant:\n  %s",
			len(be.Removals), be.Budget, be.Limit, be.Managed, strings.Join(be.Removals, "\n  "))
	}
	if c.planFile == "" {
		q := fmt.Sprintf("Apply the %s above to the organization at %s?", exampleenv.Count(total, "change"), p.Target.BaseURL)
		if err := exampleenv.Confirm(ctx, info, q, c.autoApprove); err != nil {
			return err
		}
	}
	done, failed := 0, 0
	var out sync.Mutex // the progress line and the interrupt's notice share the terminal
	opts := orgsync.ApplyOptions{MaxRemovals: c.maxRemovals}
	if c.journal != "" {
		j, err := orgsync.OpenJournal(c.journal)
		if err != nil {
			return unprefixed{err}
		}
		defer j.Close()
		opts.Journal = j
		fmt.Fprintf(info, "Recording each change in the journal %s (undo with -undo %s).\n", c.journal, c.journal)
	}
	if c.progress != nil {
		opts.OnResult = func(r orgsync.Result) {
			out.Lock()
			defer out.Unlock()
			done++
			if r.Status != orgsync.Applied && r.Status != orgsync.NotApplicable {
				failed++
			}
			fmt.Fprintf(c.progress, "\rApplying: %d of %d changes done, %d not applied", done, total, failed)
		}
	}
	// The apply's own context outlives an interrupt by grace: Stop ends
	// the starting of changes at once, the cancel the requests in flight.
	actx, stop, finish := exampleenv.Interruptible(ctx, grace, func() {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(info, "\nInterrupted: no new change starts; waiting up to %s for those in flight.\n", grace)
	})
	opts.Stop = stop
	fmt.Fprintf(info, "Applying %s:\n", exampleenv.Count(total, "change"))
	report, err := s.Apply(actx, p, opts)
	finish()
	if c.progress != nil && done > 0 {
		fmt.Fprint(c.progress, "\r"+strings.Repeat(" ", 60)+"\r")
	}
	var ae *orgsync.ApplyError
	switch {
	case errors.As(err, &ae):
		report = ae.Report
	case err != nil:
		return unprefixed{err}
	}
	if c.json {
		if err := printJSON(stdout, report); err != nil {
			return err
		}
	} else if err := report.WriteText(stdout); err != nil {
		return err
	}
	if na := report.NotApplicable(); len(na) > 0 {
		fmt.Fprintf(info, "Not applicable on this deployment, not made (%s):\n  %s\n", s.Deployment(), strings.Join(na, "\n  "))
	}
	switch {
	case ae != nil && ae.Journal != nil:
		return unprefixed{ae}
	case report.Stopped || ctx.Err() != nil && !report.Done(): // interrupted before everything was made
		return fmt.Errorf("%w: %s Changes not started were not made; run the plan again to see what is left", exampleenv.ErrInterrupted, report.Summary())
	case ae != nil:
		return unprefixed{ae}
	}
	return nil
}

// unprefixed is a library error shown after the program's name without
// the library's ("orgsync: orgsync: …" said once).
type unprefixed struct{ err error }

func (e unprefixed) Error() string { return strings.TrimPrefix(e.err.Error(), "orgsync: ") }
func (e unprefixed) Unwrap() error { return e.err }

// export writes the organization as a file.
func export(ctx context.Context, stdout, info io.Writer, c config) error {
	deployment, err := exampleenv.ParseDeploymentFlag(c.deployment)
	if err != nil {
		return err
	}
	env, err := exampleenv.ConnectTo(info, c.live, deployment, simSeed)
	if err != nil {
		return err
	}
	defer env.Close()
	f, err := orgsync.New(env.Client, orgsync.Options{}).Export(ctx)
	if err != nil {
		return err
	}
	if c.export == "-" {
		return printJSON(stdout, f)
	}
	data, err := marshal(f)
	if err != nil {
		return err
	}
	if err := exampleenv.WriteFile(c.export, data, c.force); err != nil {
		return err
	}
	fmt.Fprintf(info, "Exported %s, %s and %s to %s.\n", exampleenv.Count(len(f.Users), "user"), exampleenv.Count(len(f.Teams), "team"), exampleenv.Count(len(f.Roles), "role"), c.export)
	return nil
}

// printJSON writes v to w as indented JSON.
func printJSON(w io.Writer, v any) error {
	data, err := marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// marshal returns v as indented JSON with a final newline.
func marshal(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
