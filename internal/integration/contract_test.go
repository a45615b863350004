package integration_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// method is one exported service method, called with an ID where it takes
// one (the other arguments valid), and a scim.RequestOption.
type method struct {
	op   string // "users.Get"
	byID bool   // the first argument after ctx is a SCIM ID
	call func(ctx context.Context, s services, id string, opt scim.RequestOption) error
}

type services struct {
	users *users.Service
	teams *teams.Service
	roles *roles.Service
}

func drain[T any](seq func(func(*T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func errOf[T any](_ T, err error) error { return err }

// methods lists every exported method of the three services;
// TestMethodTableIsComplete keeps it so.
var methods = []method{
	{"users.Get", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.Get(ctx, id, o))
	}},
	{"users.List", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.List(ctx, nil, o))
	}},
	{"users.All", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return drain(s.users.All(ctx, nil, o))
	}},
	{"users.FindByUserName", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.FindByUserName(ctx, "ada", o))
	}},
	{"users.FindByEmail", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.FindByEmail(ctx, "ada@example.com", o))
	}},
	{"users.Find", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.Find(ctx, "ada", o))
	}},
	{"users.Create", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.Create(ctx, users.CreateParams{Email: "ada@example.com"}, o))
	}},
	{"users.CreateServiceAccount", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "ci", DefaultTeam: "ml"}, o))
	}},
	{"users.Delete", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return s.users.Delete(ctx, id, o)
	}},
	{"users.Deactivate", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.Deactivate(ctx, id, o))
	}},
	{"users.Reactivate", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.Reactivate(ctx, id, o))
	}},
	{"users.UpdateEmail", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.UpdateEmail(ctx, id, "ada@example.com", o))
	}},
	{"users.UpdateDisplayName", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.UpdateDisplayName(ctx, id, "Ada", o))
	}},
	{"users.SetOrganizationRole", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.SetOrganizationRole(ctx, id, "admin", o))
	}},
	{"users.SetTeamRoles", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.SetTeamRoles(ctx, id, []users.TeamRole{{TeamName: "ml", RoleName: "admin"}}, o))
	}},
	{"users.SetModelsSeat", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.SetModelsSeat(ctx, id, users.SeatViewer, o))
	}},
	{"users.SetWeaveRole", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.SetWeaveRole(ctx, id, users.SeatViewer, o))
	}},
	{"users.AddRegistryRoles", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.AddRegistryRoles(ctx, id, []users.RegistryRole{{RegistryName: "models", RoleName: "viewer"}}, o))
	}},
	{"users.RemoveRegistryRole", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.RemoveRegistryRole(ctx, id, "models", o))
	}},
	{"users.RemoveAllRegistryRoles", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.RemoveAllRegistryRoles(ctx, id, o))
	}},
	{"users.Patch", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.users.Patch(ctx, id, []scim.Operation{scim.Replace("displayName", "Ada")}, o))
	}},
	{"users.Viewer", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.Viewer(ctx, o))
	}},
	{"users.Search", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.Search(ctx, "ada", o))
	}},
	{"users.GenerateAPIKey", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.users.GenerateAPIKey(ctx, "ci", o))
	}},
	{"users.DeleteAPIKey", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return s.users.DeleteAPIKey(ctx, "QXBpS2V5OjE=", o)
	}},

	{"teams.Get", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.Get(ctx, id, o))
	}},
	{"teams.List", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.teams.List(ctx, nil, o))
	}},
	{"teams.All", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return drain(s.teams.All(ctx, nil, o))
	}},
	{"teams.FindByName", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.teams.FindByName(ctx, "ml", o))
	}},
	{"teams.Create", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.teams.Create(ctx, teams.CreateParams{DisplayName: "ml"}, o))
	}},
	{"teams.AddMembers", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.AddMembers(ctx, id, []string{"ada@example.com"}, o))
	}},
	{"teams.RemoveMember", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.RemoveMember(ctx, id, "ada@example.com", o))
	}},
	{"teams.RemoveAllMembers", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.RemoveAllMembers(ctx, id, o))
	}},
	{"teams.ReplaceMembers", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.ReplaceMembers(ctx, id, "ml", []string{"ada@example.com"}, o))
	}},
	{"teams.ChangeMembers", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.ChangeMembers(ctx, id, teams.MemberChange{Add: []string{"ada@example.com"}, Remove: []string{"VXNlcjoy"}}, o))
	}},
	{"teams.Patch", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.teams.Patch(ctx, id, []scim.Operation{scim.Remove("members")}, o))
	}},
	{"teams.Invite", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return s.teams.Invite(ctx, "ml", "ada", false, o)
	}},
	{"teams.Members", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.teams.Members(ctx, "ml", o))
	}},
	{"teams.DeleteMember", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return s.teams.DeleteMember(ctx, "ml", "VXNlcjox", o)
	}},
	{"teams.CreateServiceAccount", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.teams.CreateServiceAccount(ctx, "ml", "ci", o))
	}},
	{"teams.CreateTeam", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return s.teams.CreateTeam(ctx, "ml", "", o)
	}},

	{"roles.Get", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.roles.Get(ctx, id, o))
	}},
	{"roles.List", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.roles.List(ctx, nil, o))
	}},
	{"roles.All", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return drain(s.roles.All(ctx, nil, o))
	}},
	{"roles.FindByName", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.roles.FindByName(ctx, "auditor", o))
	}},
	{"roles.Create", false, func(ctx context.Context, s services, _ string, o scim.RequestOption) error {
		return errOf(s.roles.Create(ctx, roles.Params{Name: "auditor", InheritedFrom: roles.InheritViewer}, o))
	}},
	{"roles.Replace", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.roles.Replace(ctx, id, roles.Params{Name: "auditor", InheritedFrom: roles.InheritViewer}, o))
	}},
	{"roles.AddPermissions", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.roles.AddPermissions(ctx, id, []string{"run:stop"}, o))
	}},
	{"roles.RemovePermissions", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return errOf(s.roles.RemovePermissions(ctx, id, []string{"run:stop"}, o))
	}},
	{"roles.Delete", true, func(ctx context.Context, s services, id string, o scim.RequestOption) error {
		return s.roles.Delete(ctx, id, o)
	}},
}

// TestMethodTableIsComplete checks that methods names every exported method
// of the three services, so the tests below cover each.
func TestMethodTableIsComplete(t *testing.T) {
	t.Parallel()
	var want []string
	for pkg, v := range map[string]any{"users": &users.Service{}, "teams": &teams.Service{}, "roles": &roles.Service{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; name != "Format" {
				want = append(want, pkg+"."+name)
			}
		}
	}
	var got []string
	for _, m := range methods {
		got = append(got, m.op)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("the table lists\n%v\nthe services have\n%v", got, want)
	}
}

// mockServices returns the three services on one client whose every request
// gets reply.
func mockServices(t *testing.T, reply testutil.Reply) (services, *testutil.Recorder) {
	t.Helper()
	c, mock := testutil.NewClient(t)
	replies := make([]testutil.Reply, 8)
	for i := range replies {
		replies[i] = reply
	}
	rec := testutil.Serve(t, mock, replies...)
	return services{users.New(c), teams.New(c), roles.New(c)}, rec
}

// TestErrorPrefix checks the error rule of every exported service method:
// its error starts with "pkg.Method: ", exactly once, it comes with no
// result, and it stays short however long the ID and the server's detail.
func TestErrorPrefix(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100<<10)
	for _, m := range methods {
		t.Run(m.op, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name  string
				reply testutil.Reply
			}{
				{"503", testutil.Reply{Status: 503, Body: `{"detail":"unavailable","status":"503"}`}},
				{"404 with a long detail", testutil.Reply{Status: 404, Body: `{"detail":"` + long + `","status":"404"}`}},
			} {
				s, _ := mockServices(t, tc.reply)
				id := "VXNlcjox"
				if m.byID {
					id = long
				}
				err := m.call(context.Background(), s, id, nil)
				if err == nil {
					t.Fatalf("%s: no error", tc.name)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, m.op+": ") || strings.Count(msg, m.op+":") != 1 {
					t.Errorf("%s: error %.200q does not start with %q exactly once", tc.name, msg, m.op+": ")
				}
				if len(msg) > 8<<10 {
					t.Errorf("%s: error text is %d bytes", tc.name, len(msg))
				}
				var apiErr *scim.Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.reply.Status {
					t.Errorf("%s: error %.200q does not hold the *scim.Error", tc.name, msg)
				}
			}
		})
	}
}

// TestBadIDs checks that every method that takes a SCIM ID rejects "", "."
// and ".." before sending anything, as scim.ErrInvalidInput named after the
// method, and sends any other ID escaped into one path segment.
func TestBadIDs(t *testing.T) {
	t.Parallel()
	for _, m := range methods {
		if !m.byID {
			continue
		}
		t.Run(m.op, func(t *testing.T) {
			t.Parallel()
			for _, id := range []string{"", ".", ".."} {
				s, rec := mockServices(t, testutil.Reply{Status: 500})
				err := m.call(context.Background(), s, id, nil)
				var ie *scim.InputError
				if !errors.Is(err, scim.ErrInvalidInput) || !errors.As(err, &ie) || ie.Op != m.op || !strings.HasPrefix(err.Error(), m.op+": ") {
					t.Errorf("ID %q: err = %v, want an InputError of %s", id, err, m.op)
				}
				if n := len(rec.Requests()); n != 0 {
					t.Errorf("ID %q: %d requests sent", id, n)
				}
			}
			for id, path := range map[string]string{"../Groups": "..%2FGroups", "a/b": "a%2Fb", "%2e%2e": "%252e%252e", "...": "..."} {
				s, rec := mockServices(t, testutil.Reply{Status: 404, Body: `{"detail":"no such thing","status":"404"}`})
				err := m.call(context.Background(), s, id, nil)
				if !errors.Is(err, scim.ErrNotFound) {
					t.Errorf("ID %q: err = %v, want the server's 404", id, err)
				}
				reqs := rec.Requests()
				if len(reqs) == 0 || !strings.HasSuffix(reqs[0].Path, "/"+path) || strings.Count(reqs[0].Path, "/") != 3 {
					t.Errorf("ID %q: requests %v, want one to .../%s", id, reqs, path)
				}
			}
		})
	}
}

// TestOnResponseEverywhere checks that every method hands scim.OnResponse
// the final response of its call.
func TestOnResponseEverywhere(t *testing.T) {
	t.Parallel()
	for _, m := range methods {
		t.Run(m.op, func(t *testing.T) {
			t.Parallel()
			s, _ := mockServices(t, testutil.Reply{Status: 503, Body: `{"detail":"down"}`, Header: http.Header{"Etag": {`W/"9"`}}})
			var got []*scim.Response
			_ = m.call(context.Background(), s, "VXNlcjox", scim.OnResponse(func(r *scim.Response) { got = append(got, r) }))
			if len(got) == 0 || got[len(got)-1].StatusCode != 503 || got[len(got)-1].ETag != `W/"9"` {
				t.Errorf("OnResponse saw %v, want the 503 with its ETag", got)
			}
		})
	}
}
