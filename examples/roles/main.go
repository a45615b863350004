// Roles creates or updates a W&B custom role from a JSON file, idempotently:
// it looks the role up by name, creates it when absent, and otherwise compares
// it with the file: when the description or the inherited role differ it
// replaces the role (PUT /scim/Roles/{id}); when only the custom permissions
// differ it adds and removes them (PATCH /scim/Roles/{id}, W&B's documented
// way); when nothing differs it prints "unchanged" and sends nothing.
//
// The file looks like this (the shipped sample, examples/roles/role.json):
//
//	{
//	  "name": "run-operator",
//	  "description": "Members who may also stop and delete runs and update projects",
//	  "inheritedFrom": "member",
//	  "permissions": ["run:stop", "run:delete", "project:update"]
//	}
//
// inheritedFrom is "member" or "viewer"; permissions are the custom
// permissions, each "object:operation", added to the inherited ones. A listed
// permission the role already inherits (run:read for a member-based role) is
// ignored, with a note: it need not be listed.
//
// The whole file is checked before anything is sent, before even connecting:
// name is required, inheritedFrom must be "member" or "viewer", every
// permission "object:operation". Each mistake is reported with the file, the
// line and column, and the field's JSON name ("inheritedFrom",
// "permissions[2]").
//
// It runs against the SDK's built-in simulator, which starts with an older
// version of run-operator (so the sample shows an update), unless the command
// line says -live; then it runs against the W&B that WANDB_BASE_URL and
// WANDB_API_KEY name, of the kind -deployment says (multi-tenant, dedicated
// or self-managed; by default multi-tenant for api.wandb.ai, else dedicated).
// Run it with -h for the flags and the exit statuses, those of API.md v0.3:
// 0 done or unchanged, 1 failed (a bad file, a refused request) or a bad
// command line, 3 interrupted; never 2, which means changes pending, since
// it has no dry run:
//
//	go run ./examples/roles
//	go run ./examples/roles -live -file ops.json
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

//go:embed role.json
var sampleRole []byte

func main() { exampleenv.Main("roles", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/roles [flags]",
	About: `Roles creates or updates a W&B custom role from a JSON file, idempotently: it
creates the role when no role has its name, updates what differs (PUT when
the description or the inherited role change, PATCH for permissions only),
and otherwise prints "unchanged" and sends nothing.

Input (-file; by default the sample examples/roles/role.json, built in):

    {
      "name": "run-operator",
      "description": "Members who may also stop and delete runs and update projects",
      "inheritedFrom": "member",
      "permissions": ["run:stop", "run:delete", "project:update"]
    }

name is required; inheritedFrom is "member" or "viewer"; permissions are the
custom permissions, each "object:operation", added to the inherited ones.
Unknown fields are errors. The file is checked whole before connecting; each
mistake names the file, line, column and JSON field.

Without -live it runs against the built-in W&B simulator, which starts with
an older version of the role run-operator (description "Members who may also
stop runs", permissions run:stop and artifact:delete), so the sample shows an
update. With -live it runs against the W&B that the environment names, as an
organization admin; run it twice and the second run prints "unchanged".`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/roles -file ops-role.json -live",
	Exit: `Exit status: 0 when the role was created, updated or already matched the
file; 1 when something failed (a bad command line, the file, a request);
3 when interrupted. Never 2 (changes pending): roles has no dry run.
` + exampleenv.GoRunNote,
}

// config is the command line.
type config struct {
	file       string          // "" for the sample
	deployment scim.Deployment // -deployment, "" when not given
	live       bool
}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("roles", help)
	fs.StringVar(&c.file, "file", "", "the role's JSON file (default: the sample examples/roles/role.json)")
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
	return c, exampleenv.NoArgs(fs)
}

// command is the program: it parses args and runs.
func command(ctx context.Context, args []string, stdout, _ io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	return run(ctx, stdout, c)
}

// simSeed is the simulator's organization: an older version of the sample
// role, so a run on the sample has something to update.
var simSeed = scimtest.Options{Roles: []scimtest.Role{{
	Name:          "run-operator",
	Description:   "Members who may also stop runs",
	InheritedFrom: roles.InheritMember,
	Permissions:   []string{"run:stop", "artifact:delete"},
}}}

// run applies the role of c.file (the sample when ""), which it checks
// whole before connecting.
func run(ctx context.Context, w io.Writer, c config) error {
	name, data, err := exampleenv.ReadInput(c.file, "examples/roles/role.json", sampleRole)
	if err != nil {
		return err
	}
	want, err := parseRole(name, data)
	if err != nil {
		return err
	}
	env, err := exampleenv.ConnectTo(w, c.live, c.deployment, simSeed)
	if err != nil {
		return err
	}
	defer env.Close()
	svc := roles.New(env.Client)
	fmt.Fprintf(w, "Read role %q from %s.\n", want.Name, name)

	r, err := svc.FindByName(ctx, want.Name)
	if errors.Is(err, scim.ErrNotFound) {
		if r, err = svc.Create(ctx, want); err != nil {
			return fmt.Errorf("creating role %s: %w", want.Name, err)
		}
		fmt.Fprintf(w, "Created role %s (ID %s): inherits from %s, custom permissions %v.\n",
			r.Name, r.ID, r.InheritedFrom, r.CustomPermissions())
		return nil
	}
	if err != nil {
		return fmt.Errorf("looking up role %s: %w", want.Name, err)
	}

	u := diff(r, want)
	if len(u.Inherited) > 0 {
		fmt.Fprintf(w, "Note: the role inherits %s from %s; these need not be listed in %s and are ignored.\n",
			strings.Join(u.Inherited, ", "), r.InheritedFrom, name)
	}
	if len(u.Changes) == 0 {
		fmt.Fprintf(w, "Role %s (ID %s) unchanged.\n", r.Name, r.ID)
		return nil
	}
	if r, err = apply(ctx, svc, r, u); err != nil {
		return fmt.Errorf("updating role %s: %w", want.Name, err)
	}
	fmt.Fprintf(w, "Updated role %s (ID %s):\n", r.Name, r.ID)
	for _, c := range u.Changes {
		fmt.Fprintln(w, "  "+c)
	}
	return nil
}

// apply makes the changes u to the role r, each request conditional on the
// role's version: a PUT /scim/Roles/{id} of the whole role when its
// description or inherited role change, otherwise a PATCH /scim/Roles/{id}
// adding permissions and one removing them. It returns the updated role.
func apply(ctx context.Context, svc *roles.Service, r *roles.Role, u update) (*roles.Role, error) {
	if u.Replace {
		return svc.Replace(ctx, r.ID, u.Want, scim.IfMatch(r.Meta.Version))
	}
	var err error
	if len(u.Add) > 0 {
		if r, err = svc.AddPermissions(ctx, r.ID, u.Add, scim.IfMatch(r.Meta.Version)); err != nil {
			return nil, fmt.Errorf("adding permissions: %w", err)
		}
	}
	if len(u.Remove) > 0 {
		if r, err = svc.RemovePermissions(ctx, r.ID, u.Remove, scim.IfMatch(r.Meta.Version)); err != nil {
			return nil, fmt.Errorf("removing permissions: %w", err)
		}
	}
	return r, nil
}
