// Sync keeps a W&B organization equal to a JSON file, like terraform: it
// prints a plan of the changes and makes them only with -apply. The file
// lists users, teams with their members and team roles, and custom roles;
// anything it does not list is left alone, except that -prune also
// deactivates the users it does not name. It is the command line of the
// library scim/orgsync.
//
//	go run ./examples/sync                       # plan the built-in sample on the simulator
//	go run ./examples/sync -live -file org.json  # plan against a real W&B; exit 2 if changes are pending
//	go run ./examples/sync -live -file org.json -out plan.json
//	go run ./examples/sync -live -apply -plan plan.json
//	go run ./examples/sync -live -export org.json
//
// A plan saved with -out and applied with -apply -plan is applied exactly
// as reviewed: every update is conditional on the version of the resource
// the plan saw, and a resource that changed since is refused (412). Apply
// refuses a plan whose deactivations and member removals exceed
// -max-removals. Service accounts, the calling account and the last
// organization admin are never deactivated, demoted or removed from teams.
//
// It runs against the SDK's built-in simulator unless the command line says
// -live; then it runs against the W&B that WANDB_BASE_URL and WANDB_API_KEY
// name. Run it with -h for the file format, the flags and the exit statuses
// (0 nothing to change or all applied, 1 failed, 2 changes pending or a bad
// command line).
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// samplePath is where the built-in sample lives in the repository.
const samplePath = "examples/sync/org.json"

//go:embed org.json
var sampleOrg []byte

func main() { exampleenv.Main("sync", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/sync [flags]",
	About: `Sync keeps a W&B organization equal to a JSON file. It prints a plan, like
terraform plan, and changes nothing unless -apply is given.

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
reported with its JSON path. Changes W&B cannot make on Multi-tenant Cloud
(email, display name) are listed as not applicable; the calling account and
the last organization admin are never deactivated or demoted; service
accounts are never pruned or removed from a team.

-apply makes the changes in dependency order (roles, users, teams, members,
team roles, deactivations), each update conditional on the version the plan
saw, and reports each. It refuses a plan whose deactivations plus member
removals exceed -max-removals. -out saves the plan as JSON for review;
-apply -plan applies exactly that plan, refusing any resource changed since.

Without -live it runs against the built-in W&B simulator, whose organization
differs from the sample: ada has other settings, carol is in ml-platform,
the role run-operator lacks run:delete, grace and alan do not exist. With
-live it runs against the W&B that the environment names (Multi-tenant Cloud
when the host is api.wandb.ai), as an organization admin.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/sync -live -file org.json -out plan.json\ngo run ./examples/sync -live -apply -plan plan.json",
	Exit: `Exit status: 0 when there is nothing to change or every change was applied;
1 when something failed (the command line, the file, a request, a change,
the removal budget), after doing what could be done;
2 when changes are pending (a plan without -apply, as terraform plan
-detailed-exitcode has it), and only then, so that a CI job can trust it.`,
}

// config is the command line.
type config struct {
	file, out, planFile, export string
	apply, prune, json, live    bool
	maxRemovals                 orgsync.Budget
	// progress, when set, is the terminal that shows a progress line while
	// changes are applied.
	progress io.Writer
}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("sync", help)
	fs.StringVar(&c.file, "file", "", "the organization's JSON file (default: the built-in sample "+samplePath+")")
	fs.BoolVar(&c.apply, "apply", false, "make the changes (without it, only print the plan)")
	fs.BoolVar(&c.prune, "prune", false, "also deactivate the users the file does not name (never deletes)")
	fs.BoolVar(&c.json, "json", false, "print the plan (with -apply, the report) as JSON")
	fs.StringVar(&c.out, "out", "", "save the plan as JSON to this `file`")
	fs.StringVar(&c.planFile, "plan", "", "use the plan saved in this `file` with -out, instead of planning -file")
	fs.StringVar(&c.export, "export", "", "write the organization as it is now to this `file` (- for standard output), in the file format")
	fs.TextVar(&c.maxRemovals, "max-removals", orgsync.Budget{},
		"the most deactivations plus member removals -apply may make: a count, or a percentage of the users and members the file lists")
	exampleenv.LiveFlag(fs, &c.live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case c.export != "" && (c.apply || c.prune || c.json || c.out != "" || c.planFile != "" || set["file"] || set["max-removals"]):
		return c, exampleenv.Usagef("-export writes the organization and takes no other flag but -live")
	case c.planFile != "" && (set["file"] || c.prune || c.out != ""):
		return c, exampleenv.Usagef("-plan uses a saved plan: -file, -prune and -out do not apply to it")
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
	if c.json || c.export == "-" {
		info = stderr
	}
	if c.export != "" {
		return export(ctx, stdout, info, c)
	}
	var (
		file *orgsync.File
		plan *orgsync.Plan
		err  error
	)
	if c.planFile != "" {
		if plan, err = readPlan(c.planFile); err != nil {
			return err
		}
		if !c.apply {
			return show(stdout, info, plan, c)
		}
	} else if file, err = readFile(c.file); err != nil {
		return err
	}

	env, err := exampleenv.Connect(info, c.live, simSeed)
	if err != nil {
		return err
	}
	defer env.Close()
	if file != nil {
		fmt.Fprintf(info, "Read %s: %s, %s, %s.\n", inputName(c.file),
			exampleenv.Count(len(file.Users), "user"), exampleenv.Count(len(file.Teams), "team"), exampleenv.Count(len(file.Roles), "role"))
	}
	s := orgsync.New(env.Client, orgsync.Options{MultiTenant: multiTenant(env.Client)})
	if plan == nil {
		if plan, err = s.Plan(ctx, file, orgsync.PlanOptions{Prune: c.prune}); err != nil {
			return describe(c.file, err)
		}
		if c.out != "" {
			if err := writeJSON(c.out, plan); err != nil {
				return err
			}
			fmt.Fprintf(info, "Saved the plan to %s.\n", c.out)
		}
	}
	if !c.apply {
		return show(stdout, info, plan, c)
	}
	if !c.json {
		if err := plan.WriteText(stdout); err != nil {
			return err
		}
	}
	if plan.Empty() {
		return nil
	}
	return apply(ctx, s, stdout, info, plan, c)
}

// readFile reads and checks the organization file (the sample when name is
// ""), before anything is read from or sent to W&B.
func readFile(name string) (*orgsync.File, error) {
	shown, data, err := exampleenv.ReadInput(name, samplePath, sampleOrg)
	if err != nil {
		return nil, err
	}
	if err := exampleenv.DecodeJSON(shown, data, new(any), "an organization file"); err != nil {
		return nil, err
	}
	f, err := orgsync.Decode(data)
	if err != nil {
		return nil, describe(name, err)
	}
	return f, nil
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
func readPlan(name string) (*orgsync.Plan, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var p orgsync.Plan
	if err := exampleenv.DecodeJSON(name, data, &p, "a plan saved with -out"); err != nil {
		return nil, err
	}
	if p.Format != orgsync.FormatVersion {
		return nil, fmt.Errorf("%s: not a plan saved with -out (format %d, want %d)", name, p.Format, orgsync.FormatVersion)
	}
	return &p, nil
}

// show prints the plan, as text or JSON, and returns ErrPending when it
// has changes.
func show(stdout, info io.Writer, p *orgsync.Plan, c config) error {
	if c.json {
		if err := printJSON(stdout, p); err != nil {
			return err
		}
	} else if err := p.WriteText(stdout); err != nil {
		return err
	}
	if p.Empty() {
		return nil
	}
	var be *orgsync.BudgetError
	if errors.As(c.maxRemovals.Check(p), &be) {
		fmt.Fprintf(info, "Note: -apply would refuse this plan: it removes %d, and -max-removals %s allows %d.\n",
			len(be.Removals), be.Budget, be.Limit)
	}
	fmt.Fprintln(info, "Changes are pending: run again with -apply to make them.")
	return exampleenv.ErrPending
}

// apply applies the plan, with a progress line on a terminal, and prints
// the report.
func apply(ctx context.Context, s *orgsync.Syncer, stdout, info io.Writer, p *orgsync.Plan, c config) error {
	total, done, failed := len(p.Lines()), 0, 0
	opts := orgsync.ApplyOptions{MaxRemovals: c.maxRemovals}
	if c.progress != nil {
		opts.OnResult = func(r orgsync.Result) {
			done++
			if r.Status != orgsync.Applied {
				failed++
			}
			fmt.Fprintf(c.progress, "\rApplying: %d of %d changes done, %d failed", done, total, failed)
		}
	}
	var be *orgsync.BudgetError
	if errors.As(c.maxRemovals.Check(p), &be) {
		return fmt.Errorf("the plan removes %d, more than -max-removals %s allows (%d of the %d users and members the file lists); "+
			"nothing was applied. Raise -max-removals if these are meant:\n  %s",
			len(be.Removals), be.Budget, be.Limit, be.Managed, strings.Join(be.Removals, "\n  "))
	}
	fmt.Fprintf(info, "Applying %s:\n", exampleenv.Count(total, "change"))
	report, err := s.Apply(ctx, p, opts)
	if c.progress != nil && done > 0 {
		fmt.Fprint(c.progress, "\r"+strings.Repeat(" ", 60)+"\r")
	}
	var ae *orgsync.ApplyError
	switch {
	case errors.As(err, &ae):
		report = ae.Report
	case err != nil:
		return err
	}
	if c.json {
		if err := printJSON(stdout, report); err != nil {
			return err
		}
	} else if err := report.WriteText(stdout); err != nil {
		return err
	}
	if ae != nil {
		return fmt.Errorf("%d of %d changes failed, %d not attempted", report.Count(orgsync.Failed), total, report.Count(orgsync.NotAttempted))
	}
	return nil
}

// export writes the organization as a file.
func export(ctx context.Context, stdout, info io.Writer, c config) error {
	env, err := exampleenv.Connect(info, c.live, simSeed)
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
	if err := writeJSON(c.export, f); err != nil {
		return err
	}
	fmt.Fprintf(info, "Exported %s, %s and %s to %s.\n", exampleenv.Count(len(f.Users), "user"), exampleenv.Count(len(f.Teams), "team"), exampleenv.Count(len(f.Roles), "role"), c.export)
	return nil
}

// printJSON writes v to w as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSON writes v to the file name as indented JSON.
func writeJSON(name string, v any) error {
	var b strings.Builder
	if err := printJSON(&b, v); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(b.String()), 0o600)
}

// multiTenant reports whether c talks to W&B Multi-tenant Cloud.
func multiTenant(c *scim.Client) bool {
	u, err := url.Parse(c.BaseURL())
	return err == nil && strings.EqualFold(u.Hostname(), "api.wandb.ai")
}
