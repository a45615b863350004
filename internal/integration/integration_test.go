package integration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// flavours are the server set-ups every scenario runs against.
var flavours = []struct {
	name string
	opts scimtest.Options
}{
	{"dedicated", scimtest.Options{Flavor: scimtest.Dedicated}},
	{"dedicated legacy emails", scimtest.Options{Flavor: scimtest.Dedicated, LegacyEmails: true}},
	{"self-managed", scimtest.Options{Flavor: scimtest.SelfManaged}},
	{"multi-tenant", scimtest.Options{Flavor: scimtest.MultiTenant}},
	{"multi-tenant legacy emails", scimtest.Options{Flavor: scimtest.MultiTenant, LegacyEmails: true}},
	{"dedicated honouring paging", scimtest.Options{Flavor: scimtest.Dedicated, HonorPaging: true}},
}

// env is one simulator with a client and the three services.
type env struct {
	srv   *scimtest.Server
	users *users.Service
	teams *teams.Service
	roles *roles.Service
	mt    bool
}

func newEnv(t *testing.T, opts scimtest.Options) *env {
	t.Helper()
	srv := scimtest.Start(t, opts)
	c := srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	return &env{srv: srv, users: users.New(c), teams: teams.New(c), roles: roles.New(c), mt: opts.Flavor == scimtest.MultiTenant}
}

// inEveryFlavour runs test in parallel against a fresh simulator of each
// flavour, seeded with users.
func inEveryFlavour(t *testing.T, users []scimtest.User, test func(t *testing.T, ctx context.Context, e *env)) {
	for _, f := range flavours {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			opts := f.opts
			opts.Users = users
			test(t, context.Background(), newEnv(t, opts))
		})
	}
}

// must turns a (value, error) result into a value, failing the test on an
// error: v := must(call())(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// check fails the test on an error.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func collect[T any](t *testing.T, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	var out []*T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestUsers(t *testing.T) {
	t.Parallel()
	inEveryFlavour(t, nil, func(t *testing.T, ctx context.Context, e *env) {
		must(e.teams.Create(ctx, teams.CreateParams{DisplayName: "ml"}))(t)
		must(e.roles.Create(ctx, roles.Params{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"project:read"}}))(t)

		// Create, with seats and an organization role applied by a follow-up PATCH.
		u := must(e.users.Create(ctx, users.CreateParams{Email: "ada@example.com", ModelsSeat: users.SeatViewer, WeaveRole: users.SeatNone, OrganizationRole: "admin"}))(t)
		if u.UserName != "ada" || u.PrimaryEmail() != "ada@example.com" || !u.Active || u.OrganizationRole != "admin" {
			t.Errorf("created %+v", u)
		}
		if _, err := e.users.Create(ctx, users.CreateParams{Email: "ADA@example.com", UserName: "ADA"}); !errors.Is(err, scim.ErrConflict) {
			t.Errorf("duplicate create: %v, want ErrConflict", err)
		}

		got := must(e.users.Get(ctx, u.ID))(t)
		if got.ID != u.ID || got.Meta.Version == "" || got.Meta.ResourceType != "User" || got.Meta.Created.IsZero() {
			t.Errorf("Get = %+v", got)
		}
		for _, find := range []func() (*users.User, error){
			func() (*users.User, error) { return e.users.FindByUserName(ctx, "ADA") },
			func() (*users.User, error) { return e.users.FindByEmail(ctx, "Ada@Example.com") },
			func() (*users.User, error) { return e.users.Find(ctx, "ada@example.com") },
			func() (*users.User, error) { return e.users.Find(ctx, "ada") },
		} {
			if v, err := find(); err != nil || v.ID != u.ID {
				t.Errorf("find = %v, %v", v, err)
			}
		}
		if _, err := e.users.Find(ctx, "nobody"); !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("Find(nobody) = %v", err)
		}

		page := must(e.users.List(ctx, nil))(t)
		all := collect(t, e.users.All(ctx, &scim.ListOptions{Count: 1}))
		if page.TotalResults != 2 || len(all) != 2 { // the admin and ada
			t.Errorf("List total %d, All %d users", page.TotalResults, len(all))
		}

		// Role and seat changes; a team role needs team membership.
		must(e.teams.AddMembers(ctx, must(e.teams.FindByName(ctx, "ml"))(t).ID, []string{u.ID}))(t)
		u = must(e.users.SetTeamRoles(ctx, u.ID, []users.TeamRole{{TeamName: "ml", RoleName: "admin"}}))(t)
		if !slices.Contains(u.TeamRoles, users.TeamRole{TeamName: "ml", RoleName: "admin"}) {
			t.Errorf("TeamRoles = %+v", u.TeamRoles)
		}
		u = must(e.users.SetOrganizationRole(ctx, u.ID, "auditor"))(t)
		if u.OrganizationRole != "auditor" {
			t.Errorf("OrganizationRole = %q", u.OrganizationRole)
		}
		u = must(e.users.SetModelsSeat(ctx, u.ID, users.SeatFull))(t)
		u = must(e.users.SetWeaveRole(ctx, u.ID, users.SeatViewer))(t)
		if u.ModelsSeat != users.SeatFull || u.WeaveRole != users.SeatViewer {
			t.Errorf("seats = %q, %q", u.ModelsSeat, u.WeaveRole)
		}
		u = must(e.users.AddRegistryRoles(ctx, u.ID, []users.RegistryRole{{RegistryName: "models", RoleName: "admin"}, {RegistryName: "data", RoleName: "viewer"}}))(t)
		if len(u.RegistryRoles) != 2 {
			t.Errorf("RegistryRoles after add = %+v", u.RegistryRoles)
		}
		u = must(e.users.RemoveRegistryRole(ctx, u.ID, "models"))(t)
		if len(u.RegistryRoles) != 1 || u.RegistryRoles[0].RegistryName != "data" {
			t.Errorf("RegistryRoles after remove = %+v", u.RegistryRoles)
		}
		u = must(e.users.RemoveAllRegistryRoles(ctx, u.ID))(t)
		if len(u.RegistryRoles) != 0 {
			t.Errorf("RegistryRoles after remove all = %+v", u.RegistryRoles)
		}
		u = must(e.users.Patch(ctx, u.ID, []scim.Operation{scim.Replace("organizationRole", "member")}))(t)
		if u.OrganizationRole != "member" {
			t.Errorf("Patch: OrganizationRole = %q", u.OrganizationRole)
		}

		// Conditional updates: a current version passes, a stale one fails.
		cur := must(e.users.Get(ctx, u.ID))(t)
		must(e.users.SetModelsSeat(ctx, u.ID, users.SeatViewer, scim.IfMatch(cur.Meta.Version)))(t)
		if _, err := e.users.SetModelsSeat(ctx, u.ID, users.SeatFull, scim.IfMatch(cur.Meta.Version)); !errors.Is(err, scim.ErrPreconditionFailed) {
			t.Errorf("stale If-Match: %v", err)
		}

		// Deployment differences.
		_, emailErr := e.users.UpdateEmail(ctx, u.ID, "ada.l@example.com")
		_, nameErr := e.users.UpdateDisplayName(ctx, u.ID, "Ada L")
		d := must(e.users.Deactivate(ctx, u.ID))(t)
		if d.Active || d.ID != u.ID {
			t.Errorf("Deactivate = %+v", d)
		}
		_, reErr := e.users.Reactivate(ctx, u.ID)
		if e.mt {
			for name, err := range map[string]error{"UpdateEmail": emailErr, "UpdateDisplayName": nameErr} {
				if !errors.Is(err, scim.ErrBadRequest) {
					t.Errorf("multi-tenant %s: %v, want ErrBadRequest", name, err)
				}
			}
			if _, err := e.users.Get(ctx, u.ID); !errors.Is(err, scim.ErrNotFound) {
				t.Errorf("multi-tenant deactivated user: Get = %v, want ErrNotFound", err)
			}
			// The user left the organization: reactivating is refused (400)
			// or finds no one (404), never a success.
			if !errors.Is(reErr, scim.ErrBadRequest) && !errors.Is(reErr, scim.ErrNotFound) {
				t.Errorf("multi-tenant Reactivate: %v, want ErrBadRequest or ErrNotFound", reErr)
			}
			other := must(e.users.Create(ctx, users.CreateParams{Email: "ben@example.com"}))(t)
			check(t, e.users.Delete(ctx, other.ID))
			if _, err := e.users.Get(ctx, other.ID); !errors.Is(err, scim.ErrNotFound) {
				t.Errorf("multi-tenant deleted user: Get = %v, want ErrNotFound", err)
			}
		} else {
			if emailErr != nil || nameErr != nil || reErr != nil {
				t.Errorf("dedicated updates: %v, %v, %v", emailErr, nameErr, reErr)
			}
			u = must(e.users.Get(ctx, u.ID))(t)
			if !u.Active || u.PrimaryEmail() != "ada.l@example.com" || u.DisplayName != "Ada L" {
				t.Errorf("after updates and reactivation: %+v", u)
			}
			check(t, e.users.Delete(ctx, u.ID))
			if _, err := e.users.Get(ctx, u.ID); !errors.Is(err, scim.ErrNotFound) {
				t.Errorf("deleted user: Get = %v", err)
			}
		}
	})
}

func TestMultiTenantReactivationDetail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, scimtest.Options{Flavor: scimtest.MultiTenant, Users: []scimtest.User{{UserName: "bo", Email: "bo@example.com"}}})
	bo := must(e.users.FindByUserName(ctx, "bo"))(t)
	_, err := e.users.Reactivate(ctx, bo.ID)
	var se *scim.Error
	if !errors.As(err, &se) || se.StatusCode != 400 || se.Detail != "User reactivation operations are not supported in SaaS Cloud" {
		t.Errorf("Reactivate = %v, want the server's 400 detail intact", err)
	}
}

func TestServiceAccounts(t *testing.T) {
	t.Parallel()
	inEveryFlavour(t, nil, func(t *testing.T, ctx context.Context, e *env) {
		must(e.teams.Create(ctx, teams.CreateParams{DisplayName: "infra"}))(t)
		sa := must(e.users.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "ci-bot", OrgScoped: true, DefaultTeam: "infra"}))(t)
		if sa.AccountType != users.AccountOrgService || !sa.IsServiceAccount() || sa.PrimaryEmail() != "" || sa.UserName != "ci-bot" {
			t.Errorf("service account = %+v", sa)
		}
		if _, err := e.users.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "ci-bot", DefaultTeam: "infra"}); !errors.Is(err, scim.ErrConflict) {
			t.Errorf("duplicate: %v", err)
		}
		if _, err := e.users.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "lost", DefaultTeam: "no-such-team"}); !errors.Is(err, scim.ErrBadRequest) {
			t.Errorf("unknown default team: %v", err)
		}
		if _, err := e.users.SetModelsSeat(ctx, sa.ID, users.SeatFull); !errors.Is(err, scim.ErrBadRequest) {
			t.Errorf("patching a service account: %v", err)
		}
		// Org service accounts join every team created afterwards.
		later := must(e.teams.Create(ctx, teams.CreateParams{DisplayName: "later"}))(t)
		if !slices.ContainsFunc(later.Members, func(m teams.MemberRef) bool { return m.Value == sa.ID }) {
			t.Errorf("new team members %+v lack the org service account", later.Members)
		}
		check(t, e.users.Delete(ctx, sa.ID))
	})
}

func TestTeams(t *testing.T) {
	t.Parallel()
	inEveryFlavour(t, []scimtest.User{{UserName: "ann", Email: "ann@example.com"}, {UserName: "ben", Email: "ben@example.com"}, {UserName: "cat", Email: "cat@example.com"}}, func(t *testing.T, ctx context.Context, e *env) {
		ann, ben := must(e.users.FindByUserName(ctx, "ann"))(t), must(e.users.FindByUserName(ctx, "ben"))(t)

		team := must(e.teams.Create(ctx, teams.CreateParams{DisplayName: "research", Members: []string{ann.ID, "ben@example.com"},
			StorageBucket: &teams.StorageBucket{Name: "bucket", Provider: teams.ProviderAWS, KMSKeyID: "k"}}))(t)
		if team.DisplayName != "research" || len(team.Members) != 2 || team.Meta.Version == "" {
			t.Errorf("Create = %+v", team)
		}
		if _, err := e.teams.Create(ctx, teams.CreateParams{DisplayName: "Research"}); !errors.Is(err, scim.ErrConflict) {
			t.Errorf("duplicate team: %v", err)
		}
		if got := must(e.teams.Get(ctx, team.ID))(t); got.ID != team.ID {
			t.Errorf("Get = %+v", got)
		}
		if got := must(e.teams.FindByName(ctx, "research"))(t); got.ID != team.ID {
			t.Errorf("FindByName = %+v", got)
		}
		if _, err := e.teams.FindByName(ctx, "nope"); !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("FindByName(nope) = %v", err)
		}
		must(e.teams.Create(ctx, teams.CreateParams{DisplayName: "empty"}))(t)
		if page := must(e.teams.List(ctx, nil))(t); page.TotalResults != 2 {
			t.Errorf("List total = %d", page.TotalResults)
		}
		if all := collect(t, e.teams.All(ctx, &scim.ListOptions{Count: 1})); len(all) != 2 {
			t.Errorf("All = %d teams", len(all))
		}
		empty := must(e.teams.FindByName(ctx, "empty"))(t)
		if len(empty.Members) != 0 {
			t.Errorf("empty team members = %+v", empty.Members)
		}

		team = must(e.teams.AddMembers(ctx, team.ID, []string{"cat@example.com"}))(t)
		if len(team.Members) != 3 {
			t.Errorf("AddMembers: %+v", team.Members)
		}
		team = must(e.teams.RemoveMember(ctx, team.ID, ben.ID))(t)
		if len(team.Members) != 2 || slices.ContainsFunc(team.Members, func(m teams.MemberRef) bool { return m.Value == ben.ID }) {
			t.Errorf("RemoveMember: %+v", team.Members)
		}
		team = must(e.teams.ReplaceMembers(ctx, team.ID, "research", []string{ben.ID}, scim.IfMatch(team.Meta.Version)))(t)
		if len(team.Members) != 1 || team.Members[0].Value != ben.ID {
			t.Errorf("ReplaceMembers: %+v", team.Members)
		}
		if _, err := e.teams.AddMembers(ctx, team.ID, []string{ann.ID}, scim.IfMatch(`W/"stale"`)); !errors.Is(err, scim.ErrPreconditionFailed) {
			t.Errorf("stale If-Match: %v", err)
		}
		team = must(e.teams.Patch(ctx, team.ID, []scim.Operation{scim.Add("members", []map[string]string{{"value": ann.ID}})}))(t)
		if len(team.Members) != 2 {
			t.Errorf("Patch: %+v", team.Members)
		}
		team = must(e.teams.RemoveAllMembers(ctx, team.ID))(t)
		if len(team.Members) != 0 {
			t.Errorf("RemoveAllMembers: %+v", team.Members)
		}
		if _, err := e.teams.Get(ctx, "R3JvdXA6OTk5"); !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("Get(unknown) = %v", err)
		}
	})
}

func TestTeamsGraphQL(t *testing.T) {
	t.Parallel()
	inEveryFlavour(t, []scimtest.User{{UserName: "dan", Email: "dan@example.com"}, {UserName: "eve", Email: "eve@example.com"}}, func(t *testing.T, ctx context.Context, e *env) {
		check(t, e.teams.CreateTeam(ctx, "vision", "dan"))
		if err := e.teams.CreateTeam(ctx, "vision", ""); !errors.Is(err, scim.ErrConflict) {
			t.Errorf("creating a team twice = %v, want scim.ErrConflict", err)
		}
		if err := e.teams.CreateTeam(ctx, "robotics", "nobody"); err == nil || errors.Is(err, scim.ErrConflict) {
			t.Errorf("CreateTeam with an unknown admin = %v, want an error that is no conflict", err)
		}
		// A team that does not exist is scim.ErrNotFound for every GraphQL method.
		for name, err := range map[string]error{
			"Invite":               e.teams.Invite(ctx, "no-such-team", "eve", false),
			"DeleteMember":         e.teams.DeleteMember(ctx, "no-such-team", "SW52aXRlOjE="),
			"CreateServiceAccount": errOf(e.teams.CreateServiceAccount(ctx, "no-such-team", "bot")),
			"Members":              errOf(e.teams.Members(ctx, "no-such-team")),
		} {
			if !errors.Is(err, scim.ErrNotFound) || !strings.HasPrefix(err.Error(), "teams."+name+": ") {
				t.Errorf("%s(unknown team) = %v, want scim.ErrNotFound", name, err)
			}
		}
		check(t, e.teams.Invite(ctx, "vision", "eve@example.com", true))
		sa := must(e.teams.CreateServiceAccount(ctx, "vision", "nightly eval"))(t)
		members := must(e.teams.Members(ctx, "vision"))(t)
		var pending *teams.Member
		for i, m := range members {
			if m.Pending {
				pending = &members[i]
			}
		}
		if pending == nil || pending.Email != "eve@example.com" || !pending.Admin {
			t.Fatalf("Members = %+v, want a pending admin invite for eve", members)
		}
		if !slices.ContainsFunc(members, func(m teams.Member) bool { return m.ID == sa.ID }) {
			t.Errorf("Members = %+v, want the service account %s", members, sa.ID)
		}
		check(t, e.teams.DeleteMember(ctx, "vision", pending.ID))
		if after := must(e.teams.Members(ctx, "vision"))(t); len(after) != len(members)-1 {
			t.Errorf("after DeleteMember: %+v", after)
		}
		// The team is the same team SCIM sees.
		if _, err := e.teams.FindByName(ctx, "vision"); err != nil {
			t.Errorf("SCIM FindByName(vision) = %v", err)
		}
	})
}

func TestUsersGraphQL(t *testing.T) {
	t.Parallel()
	inEveryFlavour(t, []scimtest.User{{UserName: "fay", Email: "fay@example.com"}, {UserName: "fae", Email: "fae@example.com"}}, func(t *testing.T, ctx context.Context, e *env) {
		me := must(e.users.Viewer(ctx))(t)
		if me.Username != scimtest.DefaultAdminUserName || !me.Admin {
			t.Errorf("Viewer = %+v", me)
		}
		found := must(e.users.Search(ctx, "fa"))(t)
		if len(found) != 2 {
			t.Errorf("Search(fa) = %+v", found)
		}
		key := must(e.users.GenerateAPIKey(ctx, "ci"))(t)
		if key.ID == "" || key.Description != "ci" {
			t.Errorf("GenerateAPIKey = %+v", key)
		}
		me = must(e.users.Viewer(ctx))(t)
		if !slices.ContainsFunc(me.APIKeys, func(k users.APIKey) bool { return k.ID == key.ID }) {
			t.Errorf("viewer keys %+v lack %s", me.APIKeys, key.ID)
		}
		check(t, e.users.DeleteAPIKey(ctx, key.ID))
		if err := e.users.DeleteAPIKey(ctx, key.ID); err == nil {
			t.Error("deleting a deleted key succeeded")
		}
	})
}

func TestRoles(t *testing.T) {
	t.Parallel()
	inEveryFlavour(t, nil, func(t *testing.T, ctx context.Context, e *env) {
		r := must(e.roles.Create(ctx, roles.Params{Name: "Run Stopper", Description: "stops runs", InheritedFrom: "member", Permissions: []string{"run:stop", "project:update"}}))(t)
		if r.Name != "Run Stopper" || r.InheritedFrom != "member" || fmt.Sprint(r.CustomPermissions()) != "[project:update run:stop]" {
			t.Errorf("Create = %+v (custom %v)", r, r.CustomPermissions())
		}
		if _, err := e.roles.Create(ctx, roles.Params{Name: "Run Stopper", InheritedFrom: "member"}); !errors.Is(err, scim.ErrConflict) {
			t.Errorf("duplicate role: %v", err)
		}
		if got := must(e.roles.Get(ctx, r.ID))(t); got.ID != r.ID || got.OrganizationID == "" {
			t.Errorf("Get = %+v", got)
		}
		if got := must(e.roles.FindByName(ctx, "Run Stopper"))(t); got.ID != r.ID {
			t.Errorf("FindByName = %+v", got)
		}
		if _, err := e.roles.FindByName(ctx, "run stopper"); !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("FindByName is case-sensitive: %v", err)
		}
		if all := collect(t, e.roles.All(ctx, nil)); len(all) != 1 || must(e.roles.List(ctx, nil))(t).TotalResults != 1 {
			t.Errorf("All = %d roles", len(all))
		}
		r = must(e.roles.AddPermissions(ctx, r.ID, []string{"run:delete"}))(t)
		r = must(e.roles.RemovePermissions(ctx, r.ID, []string{"run:stop"}))(t)
		if fmt.Sprint(r.CustomPermissions()) != "[project:update run:delete]" {
			t.Errorf("after add/remove: %v", r.CustomPermissions())
		}
		r = must(e.roles.Replace(ctx, r.ID, roles.Params{Name: "Run Stopper", Description: "v2", InheritedFrom: "viewer", Permissions: r.CustomPermissions()}, scim.IfMatch(r.Meta.Version)))(t)
		if r.InheritedFrom != "viewer" || r.Description != "v2" || fmt.Sprint(r.CustomPermissions()) != "[project:update run:delete]" {
			t.Errorf("Replace = %+v", r)
		}
		if _, err := e.roles.AddPermissions(ctx, r.ID, []string{"run:read"}, scim.IfMatch(`W/"0"`)); !errors.Is(err, scim.ErrPreconditionFailed) {
			t.Errorf("stale If-Match: %v", err)
		}

		// Deleting a role moves its holders to the role it inherits from.
		holder := must(e.users.Create(ctx, users.CreateParams{Email: "gil@example.com", OrganizationRole: "Run Stopper"}))(t)
		if holder.OrganizationRole != "Run Stopper" {
			t.Errorf("holder role = %q", holder.OrganizationRole)
		}
		check(t, e.roles.Delete(ctx, r.ID))
		if _, err := e.roles.Get(ctx, r.ID); !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("deleted role: %v", err)
		}
		if got := must(e.users.Get(ctx, holder.ID))(t); got.OrganizationRole == "Run Stopper" {
			t.Errorf("holder still has the deleted role: %+v", got)
		}
	})
}

// TestRetriesAgainstFaults runs calls through injected failures: idempotent
// calls survive them; a create whose POST failed with a 503 looks the user up,
// finds it missing, and sends the POST again, creating it once.
func TestRetriesAgainstFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{{UserName: "hal", Email: "hal@example.com"}}})
	c := srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	us := users.New(c)

	srv.SetFaults(scimtest.Faults{FailFirst: 2, FailStatus: 503})
	if _, err := us.FindByUserName(ctx, "hal"); err != nil {
		t.Errorf("GET through two 503s: %v", err)
	}
	srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: 503})
	if u, err := us.Create(ctx, users.CreateParams{Email: "ivy@example.com"}); err != nil || u.UserName != "ivy" {
		t.Errorf("POST through a 503: %+v, %v; want the user, created after a lookup", u, err)
	}
	var posts, lookups int
	for _, r := range srv.Requests() {
		switch {
		case r.Method == "POST" && r.Path == "/scim/Users":
			posts++
		case r.Method == "GET" && strings.Contains(r.RawQuery, "ivy"):
			lookups++
		}
	}
	if posts != 2 || lookups != 1 {
		t.Errorf("POST through a 503: %d POSTs and %d lookups, want 2 and 1", posts, lookups)
	}
	srv.SetFaults(scimtest.Faults{FailFirst: 2, FailStatus: 429, RetryAfter: "0"})
	if _, err := us.Create(ctx, users.CreateParams{Email: "jo@example.com"}); err != nil {
		t.Errorf("POST through two 429s: %v", err)
	}
	hal := must(us.FindByUserName(ctx, "hal"))(t)
	srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: 502})
	if _, err := us.SetModelsSeat(ctx, hal.ID, users.SeatViewer); !errors.Is(err, scim.ErrServer) {
		t.Errorf("unconditional PATCH through a 502: %v, want no retry", err)
	}
	hal = must(us.Get(ctx, hal.ID))(t)
	srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: 502})
	if _, err := us.SetModelsSeat(ctx, hal.ID, users.SeatViewer, scim.IfMatch(hal.Meta.Version)); err != nil {
		t.Errorf("conditional PATCH through a 502: %v", err)
	}
}
