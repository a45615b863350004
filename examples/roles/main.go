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
// Usage:
//
//	go run ./examples/roles [-file role.json]
//
// Flags:
//
//	-file  the role's JSON file; by default the sample examples/roles/role.json
//	       (built into the program)
//
// Unless both WANDB_BASE_URL and WANDB_API_KEY are set it runs against the
// SDK's built-in simulator (either variable alone is ignored, with a note),
// which for the sample file starts with an older version of the role, so the
// run shows an update. With both set it runs against that W&B as an
// organization admin; run it twice and the second run prints "unchanged".
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

//go:embed role.json
var sampleRole []byte

func main() {
	file := flag.String("file", "", "JSON file describing the role (default: the sample examples/roles/role.json)")
	flag.Parse()
	if flag.NArg() > 0 {
		exampleenv.UsageError("roles", "unexpected arguments %q", flag.Args())
	}
	exampleenv.Main("roles", func(ctx context.Context) error {
		return run(ctx, os.Stdout, *file)
	})
}

func run(ctx context.Context, w io.Writer, file string) error {
	name, data, err := exampleenv.ReadInput(file, "examples/roles/role.json", sampleRole)
	if err != nil {
		return err
	}
	want, err := parseRole(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}

	var seed scimtest.Options
	if file == "" { // an older version of the sample role, so the run has something to update
		seed.Roles = []scimtest.Role{{
			Name:          want.Name,
			Description:   "Members who may also stop runs",
			InheritedFrom: roles.InheritMember,
			Permissions:   []string{"run:stop", "artifact:delete"},
		}}
	}
	env, err := exampleenv.Connect(w, seed)
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
