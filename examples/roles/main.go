// Roles creates or updates a W&B custom role from a JSON file, idempotently:
// it looks the role up by name, creates it when absent, replaces it
// (PUT /scim/Roles/{id}) only when its description, inherited role or custom
// permissions differ from the file, and otherwise prints "unchanged".
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
// permissions, each "object:operation", added to the inherited ones.
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
// With WANDB_BASE_URL and WANDB_API_KEY unset it runs against the SDK's
// built-in simulator, which for the sample file starts with an older version
// of the role, so the run shows an update. With both set it runs against that
// W&B as an organization admin; run it twice and the second run prints
// "unchanged".
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

	changes := diff(r, want)
	if len(changes) == 0 {
		fmt.Fprintf(w, "Role %s (ID %s) unchanged.\n", r.Name, r.ID)
		return nil
	}
	if r, err = svc.Replace(ctx, r.ID, want, scim.IfMatch(r.Meta.Version)); err != nil {
		return fmt.Errorf("updating role %s: %w", want.Name, err)
	}
	fmt.Fprintf(w, "Updated role %s (ID %s):\n", r.Name, r.ID)
	for _, c := range changes {
		fmt.Fprintln(w, "  "+c)
	}
	return nil
}
