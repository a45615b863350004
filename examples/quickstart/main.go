// Quickstart walks through the SDK's main calls, printing one line per step:
// it creates a user, creates a team, adds the user to the team, makes the
// user a team admin, creates a custom role and finally deactivates the user.
//
// It runs against the SDK's built-in simulator unless the command line says
// -live, so it works on any machine with Go and changes nothing anywhere,
// even where WANDB_BASE_URL and WANDB_API_KEY are exported for the wandb
// tools (its first line then says they were ignored):
//
//	go run ./examples/quickstart
//
// With -live it runs against the W&B those variables name (WANDB_USERNAME
// too, for Basic auth), as an organization admin; it changes real data there,
// and a team cannot be deleted through SCIM:
//
//	WANDB_BASE_URL=https://acme.wandb.io WANDB_API_KEY=... go run ./examples/quickstart -live
//
// It can be run again safely: the user, team and role are looked up first and
// reused when they exist (a deactivated user is reactivated where the
// deployment allows it). It never deactivates the calling account or the
// last organization admin (the library's guard, orgsync.Guard): given such
// an -email, it leaves the user active and exits 1.
//
// Flags: -email (the user's email, default quickstart-user@example.com; the
// user name is the part before "@"), -team (default quickstart-team), -role
// (the custom role, default quickstart-auditor), -keep (leave the user active
// at the end), -live, -deployment (multi-tenant, dedicated or self-managed:
// the kind of W&B, and on the simulator the kind it imitates). Run it with -h
// for the details. Exit status, as API.md v0.3 lists them: 0 done, 1 failed
// or a bad command line, 3 interrupted; never 2 (changes pending), since it
// has no dry run.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

func main() { exampleenv.Main("quickstart", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/quickstart [flags]",
	About: `Quickstart walks through the SDK's main calls, one numbered line per step:
it creates a user, creates a team, adds the user to the team, makes the user
an admin of the team, creates a custom role, and deactivates the user. Run
again, it reuses what exists (and reactivates the user where the deployment
allows it), so it is safe to repeat. It never deactivates the calling account
(the API key's owner) or the last organization admin: given such an -email,
it leaves the user active and exits 1.

Input: none; the flags name the user, the team and the role.

Without -live it runs against the built-in W&B simulator, which starts with
only its admin; nothing leaves the machine. With -live it runs against the
W&B that the environment names, as an organization admin, and changes real
data there: a team cannot be deleted through SCIM.`,
	Env:     exampleenv.LiveEnv,
	Example: "go run ./examples/quickstart -email ada@example.com -team ml-demo -keep\ngo run ./examples/quickstart -deployment multi-tenant",
	Exit: `Exit status: 0 when every step was done; 1 when one failed (or a bad command
line), after the steps before it; 3 when interrupted. Never 2 (changes
pending): quickstart has no dry run.
` + exampleenv.GoRunNote,
}

// config is the command line.
type config struct {
	email, team, role string
	deployment        scim.Deployment // -deployment, "" when not given
	keep, live        bool
}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("quickstart", help)
	fs.StringVar(&c.email, "email", "quickstart-user@example.com", `email of the user to create; the user name is the part before "@"`)
	fs.StringVar(&c.team, "team", "quickstart-team", "name of the team to create")
	fs.StringVar(&c.role, "role", "quickstart-auditor", "name of the custom role to create")
	fs.BoolVar(&c.keep, "keep", false, "leave the user active at the end instead of deactivating it")
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
	switch at := strings.LastIndex(c.email, "@"); {
	case at <= 0 || at == len(c.email)-1 || strings.ContainsAny(c.email, " \t,;"):
		return c, exampleenv.Usagef("-email %q is not an email address", c.email)
	case strings.TrimSpace(c.team) == "":
		return c, exampleenv.Usagef("-team must not be empty")
	case strings.TrimSpace(c.role) == "":
		return c, exampleenv.Usagef("-role must not be empty")
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

// run walks through the steps, writing one line per step to w.
func run(ctx context.Context, w io.Writer, c config) error {
	email, teamName, roleName := c.email, c.team, c.role
	env, err := exampleenv.ConnectTo(w, c.live, c.deployment, scimtest.Options{})
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

	// 6. Deactivation, unless the library's guard refuses it: the calling
	// account and the last organization admin are never deactivated.
	if c.keep {
		step(6, "left %s active (-keep)", u.UserName)
	} else {
		g, err := orgsync.NewGuard(ctx, env.Client)
		if err != nil {
			return err
		}
		g.Observe(u)
		if err := g.CheckDeactivate(u.UserName, true); err != nil {
			step(6, "left %s active: %v", email, err)
			return fmt.Errorf("%w (run with another -email, or with -keep)", err)
		}
		if u, err = userSvc.Deactivate(ctx, u.ID); err != nil {
			return fmt.Errorf("deactivating %s: %w", email, err)
		}
		step(6, "deactivated %s (active=%t)", email, u.Active)
	}
	fmt.Fprintln(w, "Done.")
	return nil
}
