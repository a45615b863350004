// Quickstart walks through the SDK's main calls, printing one line per step:
// it creates a user, creates a team, adds the user to the team, makes the
// user a team admin, creates a custom role and finally deactivates the user.
//
// Unless both WANDB_BASE_URL and WANDB_API_KEY are set it runs against the
// SDK's built-in simulator, so it works on any machine with Go (either
// variable alone, such as a WANDB_API_KEY exported for the wandb tools, is
// ignored, with a note):
//
//	go run ./examples/quickstart
//
// With both set (WANDB_USERNAME too, for Basic auth) it runs against that W&B,
// as an organization admin; it changes real data there:
//
//	WANDB_BASE_URL=https://acme.wandb.io WANDB_API_KEY=... go run ./examples/quickstart
//
// It can be run again safely: the user, team and role are looked up first and
// reused when they exist (a deactivated user is reactivated where the
// deployment allows it).
//
// Flags:
//
//	-email  the user's email (default quickstart-user@example.com; the user
//	        name is the part before "@")
//	-team   the team's name (default quickstart-team)
//	-role   the custom role's name (default quickstart-auditor)
//	-keep   leave the user active at the end instead of deactivating it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

func main() {
	email := flag.String("email", "quickstart-user@example.com", "email of the user to create")
	team := flag.String("team", "quickstart-team", "name of the team to create")
	role := flag.String("role", "quickstart-auditor", "name of the custom role to create")
	keep := flag.Bool("keep", false, "leave the user active at the end")
	flag.Parse()
	if flag.NArg() > 0 {
		exampleenv.UsageError("quickstart", "unexpected arguments %q", flag.Args())
	}
	exampleenv.Main("quickstart", func(ctx context.Context) error {
		return run(ctx, os.Stdout, *email, *team, *role, *keep)
	})
}

func run(ctx context.Context, w io.Writer, email, teamName, roleName string, keep bool) error {
	env, err := exampleenv.Connect(w, scimtest.Options{})
	if err != nil {
		return err
	}
	defer env.Close()
	userSvc, teamSvc, roleSvc := users.New(env.Client), teams.New(env.Client), roles.New(env.Client)
	step := func(n int, format string, args ...any) { // one numbered line per step
		fmt.Fprintf(w, "%d. "+format+"\n", append([]any{n}, args...)...)
	}

	// 1. The user: reuse it if it exists, else create it.
	u, err := userSvc.FindByEmail(ctx, email)
	switch {
	case err == nil && u.Active:
		step(1, "user %s (%s) already exists, ID %s", u.UserName, email, u.ID)
	case err == nil:
		if u, err = userSvc.Reactivate(ctx, u.ID); err != nil {
			return fmt.Errorf("reactivating user %s: %w", email, err)
		}
		step(1, "user %s (%s) existed but was inactive: reactivated, ID %s", u.UserName, email, u.ID)
	case errors.Is(err, scim.ErrNotFound):
		if u, err = userSvc.Create(ctx, users.CreateParams{Email: email}); err != nil {
			return fmt.Errorf("creating user %s: %w", email, err)
		}
		step(1, "created user %s (%s), ID %s", u.UserName, email, u.ID)
	default:
		return fmt.Errorf("looking up user %s: %w", email, err)
	}

	// 2. The team: reuse it if it exists, else create it (empty).
	t, err := teamSvc.FindByName(ctx, teamName)
	switch {
	case err == nil:
		step(2, "team %s already exists, ID %s", t.DisplayName, t.ID)
	case errors.Is(err, scim.ErrNotFound):
		if t, err = teamSvc.Create(ctx, teams.CreateParams{DisplayName: teamName}); err != nil {
			return fmt.Errorf("creating team %s: %w", teamName, err)
		}
		step(2, "created team %s, ID %s", t.DisplayName, t.ID)
	default:
		return fmt.Errorf("looking up team %s: %w", teamName, err)
	}

	// 3. Membership.
	if slices.ContainsFunc(t.Members, func(m teams.MemberRef) bool { return m.Value == u.ID }) {
		step(3, "%s is already a member of %s", u.UserName, t.DisplayName)
	} else {
		if t, err = teamSvc.AddMembers(ctx, t.ID, []string{u.ID}); err != nil {
			return fmt.Errorf("adding %s to team %s: %w", u.UserName, teamName, err)
		}
		step(3, "added %s to team %s (%d member(s) now)", u.UserName, t.DisplayName, len(t.Members))
	}

	// 4. Team admin.
	if _, err = userSvc.SetTeamRoles(ctx, u.ID, []users.TeamRole{{TeamName: teamName, RoleName: "admin"}}); err != nil {
		return fmt.Errorf("making %s an admin of team %s: %w", u.UserName, teamName, err)
	}
	step(4, "made %s an admin of team %s", u.UserName, teamName)

	// 5. A custom role: reuse it if it exists, else create it.
	r, err := roleSvc.FindByName(ctx, roleName)
	switch {
	case err == nil:
		step(5, "custom role %s already exists, ID %s", r.Name, r.ID)
	case errors.Is(err, scim.ErrNotFound):
		r, err = roleSvc.Create(ctx, roles.Params{
			Name:          roleName,
			Description:   "Members who may also stop runs (created by the quickstart example)",
			InheritedFrom: roles.InheritMember,
			Permissions:   []string{"run:stop"},
		})
		if err != nil {
			return fmt.Errorf("creating custom role %s: %w", roleName, err)
		}
		step(5, "created custom role %s (inherits from %s, adds %v), ID %s",
			r.Name, r.InheritedFrom, r.CustomPermissions(), r.ID)
	default:
		return fmt.Errorf("looking up custom role %s: %w", roleName, err)
	}

	// 6. Deactivation.
	if keep {
		step(6, "left %s active (-keep)", u.UserName)
	} else {
		if u, err = userSvc.Deactivate(ctx, u.ID); err != nil {
			return fmt.Errorf("deactivating %s: %w", email, err)
		}
		step(6, "deactivated %s (active=%t)", email, u.Active)
	}
	fmt.Fprintln(w, "Done.")
	return nil
}
