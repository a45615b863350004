package scimtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSeedValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts scimtest.Options
		want string
	}{
		{"duplicate user", scimtest.Options{Users: []scimtest.User{{UserName: "a", Email: "a@x"}, {UserName: "A", Email: "b@x"}}}, "duplicate userName"},
		{"user without email", scimtest.Options{Users: []scimtest.User{{UserName: "a"}}}, "Email is required"},
		{"secondary emails on dedicated", scimtest.Options{Users: []scimtest.User{{UserName: "a", Email: "a@x", SecondaryEmails: []string{"b@x"}}}}, "SecondaryEmails"},
		{"unknown org role", scimtest.Options{Users: []scimtest.User{{UserName: "a", Email: "a@x", OrgRole: "boss"}}}, "boss"},
		{"unknown team member", scimtest.Options{Teams: []scimtest.Team{{Name: "t", Members: []string{"ghost"}}}}, "ghost"},
		{"role for a non-member", scimtest.Options{Teams: []scimtest.Team{{Name: "t", Roles: map[string]string{"admin": "admin"}}}}, "not in Members"},
		{"duplicate team", scimtest.Options{Teams: []scimtest.Team{{Name: "t"}, {Name: "T"}}}, "duplicate team"},
		{"bad bucket", scimtest.Options{Teams: []scimtest.Team{{Name: "t", StorageBucket: &scimtest.StorageBucket{Name: "b", Provider: "s3"}}}}, "provider"},
		{"predefined role name", scimtest.Options{Roles: []scimtest.Role{{Name: "Viewer"}}}, "predefined"},
		{"inactive multi-tenant user", scimtest.Options{Flavor: scimtest.MultiTenant, Users: []scimtest.User{{UserName: "a", Email: "a@x", Inactive: true}}}, "not in the organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), tt.want) {
					t.Errorf("panic = %v, want one mentioning %q", r, tt.want)
				}
			}()
			srv := scimtest.NewServer(tt.opts)
			srv.Close()
		})
	}
}

func TestInspectionHelpers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Flavor: scimtest.MultiTenant})
	u, err := e.srv.AddUser(scimtest.User{UserName: "carol", Email: "carol@example.com", SecondaryEmails: []string{"c@example.com"}, OrgRole: "admin"})
	if err != nil || u.ID != user2ID || u.ModelsSeat != "full" || u.OrgRole != "admin" {
		t.Fatalf("AddUser = %+v, %v", u, err)
	}
	if _, err := e.srv.AddUser(scimtest.User{UserName: "CAROL", Email: "x@example.com"}); err == nil {
		t.Error("AddUser accepted a duplicate")
	}
	r, err := e.srv.AddRole(scimtest.Role{Name: "Ops", Permissions: []string{"run:stop"}})
	if err != nil || r.ID != role1 || r.InheritedFrom != "member" {
		t.Fatalf("AddRole = %+v, %v", r, err)
	}
	team, err := e.srv.AddTeam(scimtest.Team{Name: "ml", Members: []string{"c@example.com"}, Roles: map[string]string{"c@example.com": "Ops"}})
	if err != nil || team.ID != group1 || !equalJSON(team.Members, []string{"carol"}) || team.Roles["carol"] != "Ops" {
		t.Fatalf("AddTeam = %+v, %v", team, err)
	}
	// What the helpers added is visible over SCIM.
	got := e.must(http.MethodGet, "Users/"+user2ID, nil)
	jsonEq(t, got["teamRoles"], `[{"teamName":"ml","roleName":"Ops"}]`)
	for _, key := range []string{user2ID, "Carol", "C@example.com"} {
		if u, ok := e.srv.User(key); !ok || u.UserName != "carol" {
			t.Errorf("User(%q) = %+v, %v", key, u, ok)
		}
	}
	if _, ok := e.srv.Team("nope"); ok {
		t.Error("Team(nope) found")
	}
	if r, ok := e.srv.Role(role1); !ok || r.Name != "Ops" {
		t.Errorf("Role(id) = %+v, %v", r, ok)
	}
	// A key issued for carol (an org admin) works.
	key, err := e.srv.NewAPIKey("carol")
	if err != nil {
		t.Fatal(err)
	}
	c, err := scim.NewClient(scim.WithBaseURL(e.srv.URL), scim.WithBasicAuth("carol", key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(c, context.Background(), http.MethodGet, "Users/"+user2ID, nil, nil); err != nil {
		t.Errorf("carol's key: %v", err)
	}
	if _, err := e.srv.NewAPIKey("nobody"); err == nil {
		t.Error("NewAPIKey(nobody) succeeded")
	}
}

func TestRequestsAndReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Users: []scimtest.User{{UserName: "alice", Email: "alice@example.com"}}})
	e.must(http.MethodPatch, "Users/"+user2ID, patchOp(scim.Replace("displayName", "Alice")))
	e.fails(http.StatusNotFound, http.MethodGet, "Users/VXNlcjo5", nil)
	reqs := e.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPatch || r.Path != "/scim/Users/"+user2ID || r.Status != http.StatusOK ||
		r.Header.Get("Authorization") != "Bearer "+e.srv.APIKey || !strings.Contains(string(r.Body), `"displayName"`) {
		t.Errorf("request = %+v", r)
	}
	if reqs[1].Status != http.StatusNotFound {
		t.Errorf("second status = %d", reqs[1].Status)
	}

	e.must(http.MethodPost, "Groups", map[string]any{"displayName": "t", "members": []any{}})
	if err := e.srv.Reset(); err != nil {
		t.Fatal(err)
	}
	if len(e.srv.Requests()) != 0 {
		t.Error("Reset kept the request log")
	}
	if u, _ := e.srv.User("alice"); u.DisplayName != "alice" {
		t.Errorf("after Reset: %+v", u)
	}
	if _, ok := e.srv.Team("t"); ok {
		t.Error("after Reset the team is still there")
	}
	// IDs start again.
	got := e.must(http.MethodPost, "Groups", map[string]any{"displayName": "t2", "members": []any{}})
	if got["id"] != group1 {
		t.Errorf("first team after Reset has ID %v", got["id"])
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Teams: []scimtest.Team{{Name: "shared"}}})
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("user%02d", i)
			var u map[string]any
			if _, err := call(e.c, context.Background(), http.MethodPost, "Users", map[string]any{
				"userName": name, "emails": []map[string]any{{"value": name + "@example.com", "primary": true}},
			}, &u); err != nil {
				errs <- err
				return
			}
			id := u["id"].(string)
			path := "Users/" + url.PathEscape(id)
			ops := []any{
				patchOp(scim.Add("members", []map[string]string{{"value": id}})),
				patchOp(scim.Replace("teamRoles", []map[string]string{{"teamName": "shared", "roleName": "admin"}})),
			}
			if _, err := call(e.c, context.Background(), http.MethodPatch, "Groups/"+group1, ops[0], nil); err != nil {
				errs <- err
			}
			if _, err := call(e.c, context.Background(), http.MethodPatch, path, ops[1], nil); err != nil {
				errs <- err
			}
			if _, err := call(e.c, context.Background(), http.MethodGet, "Users", nil, nil); err != nil {
				errs <- err
			}
			if err := e.c.GraphQL(context.Background(), `{ entity(name: "shared") { members { id } } }`, nil, nil); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	team, _ := e.srv.Team("shared")
	if len(team.Members) != n {
		t.Errorf("%d members, want %d", len(team.Members), n)
	}
	for _, m := range team.Members {
		if team.Roles[m] != "admin" {
			t.Errorf("%s has role %q", m, team.Roles[m])
		}
	}
	got := e.must(http.MethodGet, "Groups/"+group1, nil)
	if v := field(got, "meta", "version"); v != fmt.Sprintf(`W/"%d"`, 1+2*n) {
		t.Errorf("team version %v after %d adds and %d role changes", v, n, n)
	}
	if len(e.srv.Requests()) != 5*n+1 {
		t.Errorf("%d requests logged, want %d", len(e.srv.Requests()), 5*n+1)
	}
}

// TestListenEveryInterface: a server on every interface is named by
// 127.0.0.1, which answers whichever wildcard it listens on.
func TestListenEveryInterface(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		srv, err := scimtest.Listen(scimtest.Options{Addr: addr})
		if err != nil {
			t.Logf("cannot listen on %s here: %v", addr, err)
			continue
		}
		defer srv.Close()
		if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
			t.Errorf("Listen(%q).URL = %q, want http://127.0.0.1:port", addr, srv.URL)
		}
		if _, err := call(srv.Client(t), context.Background(), http.MethodGet, "Users", nil, nil); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
}
