package integration_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// fastRetry retries quickly, so that tests of many lost replies stay short.
var fastRetry = scim.WithRetry(scim.RetryPolicy{MaxAttempts: 6, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})

// writeFixture is the organization every write of TestEveryWriteSurvivesALostReply
// starts from, and what a case needs to address it.
type writeFixture struct {
	srv                 *scimtest.Server
	c                   *scim.Client
	users               *users.Service
	teams               *teams.Service
	roles               *roles.Service
	alice, bob, carol   *users.User // carol is deactivated
	ci                  *users.User // an org service account
	team                *teams.Team // "ml": alice, carol, ci
	role                *roles.Role // "auditor"
	keyID               string      // an API key of the admin, not the one in use
	aliceTag, teamTag   string      // versions, for If-Match
	roleTag, bobTag     string
	ifMatch             bool // the case sends If-Match where it can
	lostStatus, flavour int
}

func newWriteFixture(t *testing.T, flavor scimtest.Flavor, ifMatch bool) *writeFixture {
	t.Helper()
	srv := scimtest.Start(t, scimtest.Options{
		Flavor: flavor,
		Users: []scimtest.User{
			{UserName: "alice", Email: "alice@example.com", RegistryRoles: []scimtest.RegistryRole{{RegistryName: "models", RoleName: "member"}}},
			{UserName: "bob", Email: "bob@example.com"},
			{UserName: "carol", Email: "carol@example.com", Inactive: flavor != scimtest.MultiTenant},
			{UserName: "ci", AccountType: scimtest.AccountOrgService},
		},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"alice", "carol", "ci"}}},
		Roles: []scimtest.Role{{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"project:update"}}},
	})
	if _, err := srv.NewAPIKey(srv.AdminUserName); err != nil {
		t.Fatal(err)
	}
	f := &writeFixture{srv: srv, c: srv.Client(t, fastRetry), ifMatch: ifMatch}
	f.users, f.teams, f.roles = users.New(f.c), teams.New(f.c), roles.New(f.c)
	ctx := context.Background()
	var err error
	for name, p := range map[string]**users.User{"alice": &f.alice, "bob": &f.bob, "carol": &f.carol, "ci": &f.ci} {
		if *p, err = f.users.FindByUserName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	if f.team, err = f.teams.FindByName(ctx, "ml"); err != nil {
		t.Fatal(err)
	}
	if f.role, err = f.roles.FindByName(ctx, "auditor"); err != nil {
		t.Fatal(err)
	}
	viewer, err := f.users.Viewer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range viewer.APIKeys {
		if k.Name != srv.APIKey {
			f.keyID = k.ID
		}
	}
	if f.keyID == "" {
		t.Fatal("no second API key")
	}
	f.aliceTag, f.bobTag, f.teamTag, f.roleTag = f.alice.Meta.Version, f.bob.Meta.Version, f.team.Meta.Version, f.role.Meta.Version
	return f
}

// tag returns scim.IfMatch(version) when the case sends If-Match.
func (f *writeFixture) tag(version string) []scim.RequestOption {
	if !f.ifMatch {
		return nil
	}
	return []scim.RequestOption{scim.IfMatch(version)}
}

// writeCase is one write method, how to call it, and what the server must
// hold afterwards.
type writeCase struct {
	name    string
	flavor  scimtest.Flavor
	unknown bool // the outcome cannot be observed: ErrOutcomeUnknown
	// call makes the write and returns its result (nil for none).
	call func(ctx context.Context, f *writeFixture) (any, error)
	// holds reports what is wrong with the server's state after the call,
	// and returns what the server holds of the resource the call returned
	// (nil when it returns none), read without faults.
	holds func(ctx context.Context, f *writeFixture) (any, string)
}

func userState(ctx context.Context, f *writeFixture, id string, ok func(*users.User) string) (any, string) {
	u, err := f.users.Get(ctx, id)
	if err != nil {
		return nil, err.Error()
	}
	return u, ok(u)
}

func teamState(ctx context.Context, f *writeFixture, ok func(*teams.Team) string) (any, string) {
	tm, err := f.teams.Get(ctx, f.team.ID)
	if err != nil {
		return nil, err.Error()
	}
	return tm, ok(tm)
}

func roleState(ctx context.Context, f *writeFixture, ok func(*roles.Role) string) (any, string) {
	r, err := f.roles.Get(ctx, f.role.ID)
	if err != nil {
		return nil, err.Error()
	}
	return r, ok(r)
}

func memberIDs(tm *teams.Team) []string {
	var ids []string
	for _, m := range tm.Members {
		ids = append(ids, m.Value)
	}
	slices.Sort(ids)
	return ids
}

func want(ok bool, format string, args ...any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

// gqlMembers returns the GraphQL members of team ml.
func gqlMembers(ctx context.Context, f *writeFixture) []teams.Member {
	m, err := f.teams.Members(ctx, "ml")
	if err != nil {
		return nil
	}
	return m
}

var writeCases = []writeCase{
	// users, SCIM
	{name: "users.Create", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.Create(ctx, users.CreateParams{Email: "dave@example.com", OrganizationRole: "admin"})
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		u, err := f.users.FindByUserName(ctx, "dave")
		if err != nil {
			return nil, err.Error()
		}
		return u, want(u.OrganizationRole == "admin", "role %q", u.OrganizationRole)
	}},
	{name: "users.CreateServiceAccount", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "ci-bot", OrgScoped: true, DefaultTeam: "ml"})
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		u, err := f.users.FindByUserName(ctx, "ci-bot")
		if err != nil {
			return nil, err.Error()
		}
		return u, ""
	}},
	{name: "users.Patch", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.Patch(ctx, f.alice.ID, []scim.Operation{scim.Replace("displayName", "Alice A."), scim.Replace("modelsSeat", "viewer")}, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string {
			return want(u.DisplayName == "Alice A." && u.ModelsSeat == users.SeatViewer, "%q %q", u.DisplayName, u.ModelsSeat)
		})
	}},
	// W&B's replace of registryRoles sets the registries listed and keeps
	// the others: the change is made although alice keeps models.
	{name: "users.Patch (replace registryRoles, merged)", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.Patch(ctx, f.alice.ID, []scim.Operation{scim.Replace("registryRoles",
			[]users.RegistryRole{{RegistryName: "data", RoleName: "admin"}})}, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string {
			return want(slices.Contains(u.RegistryRoles, users.RegistryRole{RegistryName: "data", RoleName: "admin"}) &&
				slices.Contains(u.RegistryRoles, users.RegistryRole{RegistryName: "models", RoleName: "member"}), "%v", u.RegistryRoles)
		})
	}},
	{name: "users.Deactivate", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.Deactivate(ctx, f.alice.ID, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string { return want(!u.Active, "still active") })
	}},
	{name: "users.Deactivate (Multi-tenant: removed)", flavor: scimtest.MultiTenant, call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.Deactivate(ctx, f.alice.ID, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		_, err := f.users.Get(ctx, f.alice.ID)
		return &users.User{ID: f.alice.ID}, want(errors.Is(err, scim.ErrNotFound), "Get after the deactivation: %v", err)
	}},
	{name: "users.Reactivate", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.Reactivate(ctx, f.carol.ID, f.tag(f.carol.Meta.Version)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.carol.ID, func(u *users.User) string { return want(u.Active, "still inactive") })
	}},
	{name: "users.UpdateEmail", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.UpdateEmail(ctx, f.alice.ID, "alice@new.example.com", f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string {
			return want(u.PrimaryEmail() == "alice@new.example.com", "email %q", u.PrimaryEmail())
		})
	}},
	{name: "users.UpdateDisplayName", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.UpdateDisplayName(ctx, f.alice.ID, "Alice", f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string { return want(u.DisplayName == "Alice", "%q", u.DisplayName) })
	}},
	{name: "users.SetOrganizationRole", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.SetOrganizationRole(ctx, f.alice.ID, "viewer", f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string {
			return want(u.OrganizationRole == "member" && u.ModelsSeat == users.SeatViewer, "%q %q", u.OrganizationRole, u.ModelsSeat)
		})
	}},
	{name: "users.SetTeamRoles", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.SetTeamRoles(ctx, f.alice.ID, []users.TeamRole{{TeamName: "ml", RoleName: "admin"}}, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string {
			return want(slices.Contains(u.TeamRoles, users.TeamRole{TeamName: "ml", RoleName: "admin"}), "%v", u.TeamRoles)
		})
	}},
	{name: "users.SetModelsSeat", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.SetModelsSeat(ctx, f.alice.ID, users.SeatNone, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string { return want(u.ModelsSeat == users.SeatNone, "%q", u.ModelsSeat) })
	}},
	{name: "users.SetWeaveRole", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.SetWeaveRole(ctx, f.alice.ID, users.SeatViewer, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string { return want(u.WeaveRole == users.SeatViewer, "%q", u.WeaveRole) })
	}},
	{name: "users.AddRegistryRoles", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.AddRegistryRoles(ctx, f.alice.ID, []users.RegistryRole{{RegistryName: "datasets", RoleName: "admin"}}, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string {
			return want(slices.Contains(u.RegistryRoles, users.RegistryRole{RegistryName: "datasets", RoleName: "admin"}), "%v", u.RegistryRoles)
		})
	}},
	{name: "users.RemoveRegistryRole", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.RemoveRegistryRole(ctx, f.alice.ID, "models", f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string { return want(len(u.RegistryRoles) == 0, "%v", u.RegistryRoles) })
	}},
	{name: "users.RemoveAllRegistryRoles", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.RemoveAllRegistryRoles(ctx, f.alice.ID, f.tag(f.aliceTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return userState(ctx, f, f.alice.ID, func(u *users.User) string { return want(len(u.RegistryRoles) == 0, "%v", u.RegistryRoles) })
	}},
	{name: "users.Delete", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return nil, f.users.Delete(ctx, f.bob.ID, f.tag(f.bobTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		_, err := f.users.Get(ctx, f.bob.ID)
		return nil, want(errors.Is(err, scim.ErrNotFound), "Get after the delete: %v", err)
	}},
	// users, GraphQL
	{name: "users.GenerateAPIKey", unknown: true, call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.users.GenerateAPIKey(ctx, "ci")
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		v, err := f.users.Viewer(ctx)
		if err != nil {
			return nil, err.Error()
		}
		return nil, want(len(v.APIKeys) == 3, "%d keys, want 3 (the lost reply's key exists once)", len(v.APIKeys))
	}},
	{name: "users.DeleteAPIKey", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return nil, f.users.DeleteAPIKey(ctx, f.keyID)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		v, err := f.users.Viewer(ctx)
		if err != nil {
			return nil, err.Error()
		}
		return nil, want(!slices.ContainsFunc(v.APIKeys, func(k users.APIKey) bool { return k.ID == f.keyID }), "the key is still there")
	}},
	// teams, SCIM
	{name: "teams.Create", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.Create(ctx, teams.CreateParams{DisplayName: "vision", Members: []string{f.bob.ID}})
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		tm, err := f.teams.FindByName(ctx, "vision")
		if err != nil {
			return nil, err.Error()
		}
		return tm, want(slices.Equal(memberIDs(tm), sorted(f.bob.ID, f.ci.ID)), "members %v", memberIDs(tm))
	}},
	{name: "teams.AddMembers", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.AddMembers(ctx, f.team.ID, []string{f.bob.ID}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(slices.Contains(memberIDs(tm), f.bob.ID), "%v", memberIDs(tm))
		})
	}},
	{name: "teams.RemoveMember", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.RemoveMember(ctx, f.team.ID, f.alice.ID, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(!slices.Contains(memberIDs(tm), f.alice.ID), "%v", memberIDs(tm))
		})
	}},
	{name: "teams.RemoveAllMembers", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.RemoveAllMembers(ctx, f.team.ID, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(slices.Equal(memberIDs(tm), []string{f.ci.ID}), "%v, want only the service account", memberIDs(tm))
		})
	}},
	{name: "teams.ReplaceMembers", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.ReplaceMembers(ctx, f.team.ID, "ml", []string{f.bob.ID}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(slices.Equal(memberIDs(tm), sorted(f.bob.ID, f.ci.ID)), "%v", memberIDs(tm))
		})
	}},
	{name: "teams.ChangeMembers", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.ChangeMembers(ctx, f.team.ID, teams.MemberChange{Add: []string{f.bob.ID}, Remove: []string{f.alice.ID}}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			ids := memberIDs(tm)
			return want(slices.Contains(ids, f.bob.ID) && !slices.Contains(ids, f.alice.ID), "%v", ids)
		})
	}},
	{name: "teams.Patch", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.Patch(ctx, f.team.ID, []scim.Operation{scim.Add("members", []map[string]string{{"value": f.bob.ID}})}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(slices.Contains(memberIDs(tm), f.bob.ID), "%v", memberIDs(tm))
		})
	}},
	// teams, members given by email (W&B lists members by ID)
	{name: "teams.AddMembers by email", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.AddMembers(ctx, f.team.ID, []string{"bob@example.com"}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(slices.Contains(memberIDs(tm), f.bob.ID), "%v", memberIDs(tm))
		})
	}},
	{name: "teams.RemoveMember by email", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.RemoveMember(ctx, f.team.ID, "alice@example.com", f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(!slices.Contains(memberIDs(tm), f.alice.ID), "%v", memberIDs(tm))
		})
	}},
	{name: "teams.ChangeMembers by email", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.ChangeMembers(ctx, f.team.ID, teams.MemberChange{Add: []string{"bob@example.com"}, Remove: []string{"alice@example.com"}}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return teamState(ctx, f, func(tm *teams.Team) string {
			ids := memberIDs(tm)
			return want(slices.Contains(ids, f.bob.ID) && !slices.Contains(ids, f.alice.ID), "%v", ids)
		})
	}},
	{name: "teams.Patch replace members", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.Patch(ctx, f.team.ID, []scim.Operation{scim.Replace("members", []map[string]string{{"value": f.alice.ID}})}, f.tag(f.teamTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		// The service account stays: W&B manages it in the App.
		return teamState(ctx, f, func(tm *teams.Team) string {
			return want(slices.Equal(memberIDs(tm), sorted(f.alice.ID, f.ci.ID)), "%v", memberIDs(tm))
		})
	}},
	// teams, GraphQL
	{name: "teams.Invite", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return nil, f.teams.Invite(ctx, "ml", "bob", false)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		n := 0
		for _, m := range gqlMembers(ctx, f) {
			if m.Pending && m.Username == "bob" {
				n++
			}
		}
		return nil, want(n == 1, "%d invites of bob, want 1", n)
	}},
	{name: "teams.DeleteMember", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return nil, f.teams.DeleteMember(ctx, "ml", f.alice.ID)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return nil, want(!slices.ContainsFunc(gqlMembers(ctx, f), func(m teams.Member) bool { return m.ID == f.alice.ID }), "alice is still a member")
	}},
	{name: "teams.CreateServiceAccount", unknown: true, call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.teams.CreateServiceAccount(ctx, "ml", "nightly job")
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		n := 0
		for _, m := range gqlMembers(ctx, f) {
			if m.AccountType == "SERVICE" {
				n++
			}
		}
		return nil, want(n == 1, "%d service accounts, want 1 (made once)", n)
	}},
	{name: "teams.CreateTeam", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return nil, f.teams.CreateTeam(ctx, "research", "alice")
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		_, err := f.teams.FindByName(ctx, "research")
		return nil, want(err == nil, "%v", err)
	}},
	// roles
	{name: "roles.Create", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.roles.Create(ctx, roles.Params{Name: "operator", InheritedFrom: "member", Permissions: []string{"run:stop"}})
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		r, err := f.roles.FindByName(ctx, "operator")
		if err != nil {
			return nil, err.Error()
		}
		return r, ""
	}},
	{name: "roles.Replace", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.roles.Replace(ctx, f.role.ID, roles.Params{Name: "auditor", Description: "reads", InheritedFrom: "member", Permissions: []string{"run:stop"}}, f.tag(f.roleTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return roleState(ctx, f, func(r *roles.Role) string {
			return want(r.Description == "reads" && slices.Equal(r.CustomPermissions(), []string{"run:stop"}), "%q %v", r.Description, r.CustomPermissions())
		})
	}},
	{name: "roles.AddPermissions", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.roles.AddPermissions(ctx, f.role.ID, []string{"run:stop"}, f.tag(f.roleTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return roleState(ctx, f, func(r *roles.Role) string {
			return want(slices.Contains(r.CustomPermissions(), "run:stop"), "%v", r.CustomPermissions())
		})
	}},
	{name: "roles.RemovePermissions", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return f.roles.RemovePermissions(ctx, f.role.ID, []string{"project:update"}, f.tag(f.roleTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		return roleState(ctx, f, func(r *roles.Role) string { return want(len(r.CustomPermissions()) == 0, "%v", r.CustomPermissions()) })
	}},
	{name: "roles.Delete", call: func(ctx context.Context, f *writeFixture) (any, error) {
		return nil, f.roles.Delete(ctx, f.role.ID, f.tag(f.roleTag)...)
	}, holds: func(ctx context.Context, f *writeFixture) (any, string) {
		_, err := f.roles.Get(ctx, f.role.ID)
		return nil, want(errors.Is(err, scim.ErrNotFound), "Get after the delete: %v", err)
	}},
}

// TestEveryWriteSurvivesALostReply makes every write method of users, teams
// and roles, and every GraphQL mutation, against a simulator that applies
// the write and then loses its reply (closing the connection, or answering
// 502), with and without If-Match. Each call returns success with the
// resource as the server holds it (a retry's 412, 404 or 409 resolved by
// reading it), or, where the outcome cannot be observed, an error matching
// scim.ErrOutcomeUnknown; the server holds what was asked, exactly once; and
// a change that could apply twice is never sent again blindly.
func TestEveryWriteSurvivesALostReply(t *testing.T) {
	t.Parallel()
	for _, tc := range writeCases {
		for _, lost := range []int{0, http.StatusBadGateway} {
			for _, ifMatch := range []bool{false, true} {
				name := fmt.Sprintf("%s/lost=%d/ifMatch=%v", tc.name, lost, ifMatch)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					ctx := context.Background()
					f := newWriteFixture(t, tc.flavor, ifMatch)
					before := len(f.srv.Requests())
					f.srv.SetFaults(scimtest.Faults{LoseFirst: 1, LoseStatus: lost})
					got, err := tc.call(ctx, f)
					f.srv.SetFaults(scimtest.Faults{})
					sent := f.srv.Requests()[before:]

					switch {
					case tc.unknown:
						if !errors.Is(err, scim.ErrOutcomeUnknown) {
							t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
						}
					case err != nil:
						t.Fatalf("err = %v, want success", err)
					}
					held, wrong := tc.holds(ctx, f)
					if wrong != "" {
						t.Errorf("the server does not hold what was asked: %s", wrong)
					}
					if v := reflect.ValueOf(got); !tc.unknown && v.IsValid() && !v.IsNil() && !reflect.DeepEqual(got, held) {
						t.Errorf("result = %+v,\nthe server holds %+v", got, held)
					}
					if !slices.ContainsFunc(sent, func(r scimtest.Request) bool { return r.Status == lost }) {
						t.Errorf("no reply was lost: %v", statuses(sent))
					}
					checkNoBlindResend(t, sent)
					t.Logf("requests: %v", statuses(sent))
				})
			}
		}
	}
}

// TestEveryWriteSurvivesAFailedAttempt makes every write against a
// simulator whose first reply is a 502 that did NOT apply the change. A
// write that may be sent again (a PUT, an If-Match PATCH, a DELETE, a
// create or GraphQL mutation whose read found it not made) succeeds and the
// server holds it; one that may not (a PATCH without If-Match, a mutation
// whose outcome cannot be seen) fails with an error matching
// scim.ErrOutcomeUnknown and the server does not hold it. No call succeeds
// for a change the server does not hold, none fails with a definite error.
func TestEveryWriteSurvivesAFailedAttempt(t *testing.T) {
	t.Parallel()
	for _, tc := range writeCases {
		for _, ifMatch := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/ifMatch=%v", tc.name, ifMatch), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newWriteFixture(t, tc.flavor, ifMatch)
				before := len(f.srv.Requests())
				f.srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: http.StatusBadGateway})
				got, err := tc.call(ctx, f)
				f.srv.SetFaults(scimtest.Faults{})
				sent := f.srv.Requests()[before:]
				held, wrong := tc.holds(ctx, f)
				switch {
				case err == nil && wrong != "":
					t.Fatalf("the call succeeded, but the server does not hold what was asked: %s", wrong)
				case err != nil && !errors.Is(err, scim.ErrOutcomeUnknown):
					t.Fatalf("err = %v, want success or ErrOutcomeUnknown", err)
				case err != nil && wrong == "":
					t.Fatalf("err = %v, but the server holds what was asked", err)
				}
				if v := reflect.ValueOf(got); err == nil && v.IsValid() && !v.IsNil() && !reflect.DeepEqual(withoutLastModified(got), withoutLastModified(held)) {
					t.Errorf("result = %+v,\nthe server holds %+v", got, held)
				}
				if len(sent) == 0 || sent[0].Status != http.StatusBadGateway {
					t.Errorf("the first request did not fail: %v", statuses(sent))
				}
				checkReadBeforeResend(t, sent)
				t.Logf("requests: %v (err %v)", statuses(sent), err)
			})
		}
	}
}

// withoutLastModified returns v, a user, as a copy without
// meta.lastModified, which the simulator's reply to a create leaves out and
// its reads give; anything else as it is.
func withoutLastModified(v any) any {
	if u, ok := v.(*users.User); ok && u != nil {
		c := *u
		c.Meta.LastModified = scim.Time{}
		return &c
	}
	return v
}

// checkReadBeforeResend fails t when a change that could apply twice (a
// POST, a PATCH without If-Match) was sent again with no read (a GET, a
// GraphQL query, or DeleteApiKey's check) since its previous copy.
func checkReadBeforeResend(t *testing.T, sent []scimtest.Request) {
	t.Helper()
	pending := map[string]bool{} // sent, with no read since
	for _, r := range sent {
		body := string(r.Body)
		read := r.Method == http.MethodGet || r.Path == "/graphql" && !strings.Contains(body, "mutation")
		if read {
			clear(pending)
			continue
		}
		if r.Method != http.MethodPost && (r.Method != http.MethodPatch || r.Header.Get("If-Match") != "") {
			continue
		}
		key := r.Method + " " + r.Path + " " + body
		if pending[key] && !strings.Contains(body, "DeleteApiKey") {
			t.Errorf("sent again with no read between: %s", key)
		}
		pending[key] = true
	}
}

// checkNoBlindResend fails t when a change that could apply twice (a POST, a
// PATCH without If-Match) was sent more than once with the same body,
// except the GraphQL deletions and creations that a read found not made.
func checkNoBlindResend(t *testing.T, sent []scimtest.Request) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range sent {
		twice := r.Method == http.MethodPost || r.Method == http.MethodPatch && r.Header.Get("If-Match") == ""
		if !twice {
			continue
		}
		body := string(r.Body)
		if r.Path == "/graphql" && !strings.Contains(body, "mutation") {
			continue
		}
		key := r.Method + " " + r.Path + " " + body
		seen[key]++
		// DeleteAPIKey asks for the deletion once more as its check: a
		// deletion cannot apply twice.
		limit := 1
		if strings.Contains(body, "DeleteApiKey") {
			limit = 2
		}
		if seen[key] > limit {
			t.Errorf("sent %d times: %s", seen[key], key)
		}
	}
}

// statuses lists the requests as "METHOD path status".
func statuses(sent []scimtest.Request) []string {
	var out []string
	for _, r := range sent {
		out = append(out, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
	}
	return out
}

// interposer passes requests to base, except the first PATCH: it runs
// between, another client's change, either instead of sending the PATCH
// (answering 503: not applied) or after sending it (answering 502: applied,
// its reply lost).
type interposer struct {
	base    http.RoundTripper
	applied bool
	between func()
	done    atomic.Bool
}

func (p *interposer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPatch || !p.done.CompareAndSwap(false, true) {
		return p.base.RoundTrip(r)
	}
	status := http.StatusServiceUnavailable
	if p.applied {
		resp, err := p.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		_ = resp.Body.Close()
		status = http.StatusBadGateway
	}
	p.between()
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

// TestConcurrentChangeStillFails checks that the rule does not hide a real
// conflict: when another client changes the user between the attempts of an
// If-Match PATCH, the retry's 412 is read back, the user does not hold what
// was asked, and the call fails with ErrPreconditionFailed, whether the first
// attempt was applied or not.
func TestConcurrentChangeStillFails(t *testing.T) {
	t.Parallel()
	for _, applied := range []bool{false, true} {
		t.Run(fmt.Sprintf("first attempt applied=%v", applied), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{{UserName: "alice", Email: "alice@example.com"}}})
			other := users.New(srv.Client(t))
			alice, err := other.FindByUserName(ctx, "alice")
			if err != nil {
				t.Fatal(err)
			}
			p := &interposer{base: http.DefaultTransport, applied: applied, between: func() {
				if _, err := other.UpdateDisplayName(ctx, alice.ID, "Theirs"); err != nil {
					t.Errorf("the other client's change: %v", err)
				}
			}}
			mine := users.New(srv.Client(t, fastRetry, scim.WithHTTPClient(&http.Client{Transport: p})))
			u, err := mine.UpdateDisplayName(ctx, alice.ID, "Mine", scim.IfMatch(alice.Meta.Version))
			if u != nil || !errors.Is(err, scim.ErrPreconditionFailed) || errors.Is(err, scim.ErrOutcomeUnknown) {
				t.Fatalf("UpdateDisplayName = %+v, %v; want ErrPreconditionFailed", u, err)
			}
			now, err := other.Get(ctx, alice.ID)
			if err != nil || now.DisplayName != "Theirs" {
				t.Fatalf("the server holds %+v, %v; want the other client's change", now, err)
			}
		})
	}
}

// TestManyWritesWithLostReplies makes 1,000 updates and deletes of 400
// users from 16 goroutines against a simulator that applies 20% of the
// changes and loses their replies (half by closing the connection, half
// with a 502). Each user gets an If-Match display-name PATCH, then one
// without If-Match, and every other user a DELETE. No call may fail, the
// server must end holding exactly what was asked, and no PATCH without
// If-Match may be sent twice.
func TestManyWritesWithLostReplies(t *testing.T) {
	t.Parallel()
	const nUsers, workers = 400, 16
	seed := make([]scimtest.User, nUsers)
	for i := range seed {
		seed[i] = scimtest.User{UserName: fmt.Sprintf("u%03d", i), Email: fmt.Sprintf("u%03d@example.com", i)}
	}
	srv := scimtest.Start(t, scimtest.Options{Users: seed})
	c := srv.Client(t, fastRetry)
	svc := users.New(c)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ids := make([]string, nUsers)
	for u, err := range svc.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		var i int
		if _, err := fmt.Sscanf(u.UserName, "u%03d", &i); err == nil {
			ids[i] = u.ID
		}
	}
	srv.SetFaults(scimtest.Faults{LoseRate: 0.2, LoseMixed: true, Seed: 16})
	start := time.Now()
	work := make(chan int)
	errs := make(chan error, 3*nUsers)
	var wg sync.WaitGroup
	var calls atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				u, err := svc.Get(ctx, ids[i])
				if err != nil {
					errs <- fmt.Errorf("get %d: %w", i, err)
					continue
				}
				calls.Add(1)
				if _, err := svc.UpdateDisplayName(ctx, ids[i], fmt.Sprintf("a-%d", i), scim.IfMatch(u.Meta.Version)); err != nil {
					errs <- fmt.Errorf("update %d with If-Match: %w", i, err)
				}
				calls.Add(1)
				if _, err := svc.UpdateDisplayName(ctx, ids[i], fmt.Sprintf("b-%d", i)); err != nil {
					errs <- fmt.Errorf("update %d: %w", i, err)
				}
				if i%2 == 0 {
					calls.Add(1)
					if err := svc.Delete(ctx, ids[i]); err != nil {
						errs <- fmt.Errorf("delete %d: %w", i, err)
					}
				}
			}
		}()
	}
	for i := range nUsers {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	elapsed := time.Since(start)
	srv.SetFaults(scimtest.Faults{})
	failures := 0
	for err := range errs {
		failures++
		if failures <= 5 {
			t.Error(err)
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d calls failed, want 0", failures, calls.Load())
	}
	for i, id := range ids {
		u, ok := srv.User(fmt.Sprintf("u%03d", i))
		switch {
		case i%2 == 0 && ok:
			t.Errorf("user %d (%s) still exists", i, id)
		case i%2 == 1 && (!ok || u.DisplayName != fmt.Sprintf("b-%d", i)):
			t.Errorf("user %d holds %+v, want display name b-%d", i, u, i)
		}
	}
	lost, patches := 0, map[string]int{}
	for _, r := range srv.Requests() {
		if r.Status == 0 || r.Status == http.StatusBadGateway {
			lost++
		}
		if r.Method == http.MethodPatch && r.Header.Get("If-Match") == "" {
			patches[r.Path+" "+string(r.Body)]++
		}
	}
	for k, n := range patches {
		if n > 1 {
			t.Errorf("PATCH without If-Match sent %d times: %s", n, k)
		}
	}
	t.Logf("%d calls, %d requests, %d replies lost, %v", calls.Load(), len(srv.Requests()), lost, elapsed)
}

// sorted returns ids sorted.
func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
