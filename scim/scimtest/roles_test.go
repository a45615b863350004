package scimtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func roleBody(name, from string, perms ...string) map[string]any {
	ps := []map[string]string{}
	for _, p := range perms {
		ps = append(ps, map[string]string{"name": p})
	}
	return map[string]any{
		"schemas": []string{scim.RoleSchema}, "name": name, "description": "A sample custom role for example",
		"permissions": ps, "inheritedFrom": from,
	}
}

// permissionNames lists a role reply's permissions as "name" or "name (inherited)".
func permissionNames(t *testing.T, role map[string]any) []string {
	t.Helper()
	var out []string
	for _, p := range role["permissions"].([]any) {
		m := p.(map[string]any)
		name := m["name"].(string)
		if m["isInherited"] == true {
			name += " (inherited)"
		}
		out = append(out, name)
	}
	return out
}

func TestCreateRoleShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{})
	raw, resp, err := e.do(http.MethodPost, "Roles", roleBody("Sample custom role", "viewer", "project:update"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || resp.ETag != `W/"1"` {
		t.Errorf("status %d ETag %q", resp.StatusCode, resp.ETag)
	}
	jsonEq(t, raw, `{"description":"A sample custom role for example","id":"Um9sZTox","inheritedFrom":"viewer",
		"meta":{"resourceType":"Role","created":"2023-10-01T00:00:00Z","lastModified":"2023-10-01T00:00:00Z",
			"location":"Roles/Um9sZTox","version":"W/\"1\""},
		"name":"Sample custom role","organizationID":"T3JnYW5pemF0aW9uOjE=",
		"permissions":[{"name":"artifact:read","isInherited":true},{"name":"launchagent:read","isInherited":true},
			{"name":"project:read","isInherited":true},{"name":"report:read","isInherited":true},
			{"name":"run:read","isInherited":true},{"name":"project:update","isInherited":false}],
		"schemas":[""]}`)
	list := e.must(http.MethodGet, "Roles", nil)
	if list["totalResults"] != 1.0 || list["itemsPerPage"] != 9999.0 {
		t.Errorf("list = %v", list)
	}
}

func TestCreateRoleRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   map[string]any
		status int
		detail string
	}{
		{"duplicate", roleBody("Auditor", "member"), 409, "already exists"},
		{"predefined name", roleBody("Admin", "member"), 400, "predefined"},
		{"no name", roleBody("", "member"), 400, "name"},
		{"bad inheritedFrom", roleBody("x", "admin"), 400, "inheritedFrom"},
		{"missing inheritedFrom", roleBody("x", ""), 400, "inheritedFrom"},
		{"bad permission", roleBody("x", "member", "delete everything"), 400, "permission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{Roles: []scimtest.Role{{Name: "Auditor"}}})
			se := e.fails(tt.status, http.MethodPost, "Roles", tt.body)
			if !strings.Contains(se.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", se.Detail, tt.detail)
			}
		})
	}
}

func TestPatchRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Roles: []scimtest.Role{{Name: "Ops", InheritedFrom: "viewer", Permissions: []string{"project:update"}}}})
	got := e.must(http.MethodPatch, "Roles/"+role1, patchOp(scim.Add("permissions", []map[string]string{{"name": "project:delete"}, {"name": "run:stop"}, {"name": "run:read"}})))
	if p := strings.Join(permissionNames(t, got), ","); p != "artifact:read (inherited),launchagent:read (inherited),project:read (inherited),report:read (inherited),run:read (inherited),project:update,project:delete,run:stop" {
		t.Errorf("after add: %s", p)
	}
	got = e.must(http.MethodPatch, "Roles/"+role1, patchOp(scim.Operation{Op: "remove", Path: "permissions", Value: []map[string]string{{"name": "project:update"}}}))
	if p := strings.Join(permissionNames(t, got), ","); !strings.HasSuffix(p, "run:read (inherited),project:delete,run:stop") {
		t.Errorf("after remove: %s", p)
	}
	if field(got, "meta", "version") != `W/"3"` {
		t.Errorf("version = %v", field(got, "meta", "version"))
	}
	e.fails(http.StatusBadRequest, http.MethodPatch, "Roles/"+role1, patchOp(scim.Operation{Op: "remove", Path: "permissions", Value: []map[string]string{{"name": "run:read"}}}))
	e.fails(http.StatusBadRequest, http.MethodPatch, "Roles/"+role1, patchOp(scim.Replace("name", "x")))
	e.fails(http.StatusBadRequest, http.MethodPatch, "Roles/"+role1, patchOp(scim.Remove("permissions")))
}

func TestReplaceRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{
		Roles: []scimtest.Role{{Name: "Ops", Permissions: []string{"project:update"}}, {Name: "Other"}},
		Users: []scimtest.User{{UserName: "alice", Email: "alice@example.com", OrgRole: "Ops"}},
	})
	// W&B's Python example PUTs no permissions: the custom ones stay, even
	// when inheritedFrom changes.
	got := e.must(http.MethodPut, "Roles/"+role1, map[string]any{"name": "Ops2", "description": "d", "inheritedFrom": "viewer"})
	if got["name"] != "Ops2" || got["inheritedFrom"] != "viewer" || got["description"] != "d" ||
		!strings.HasSuffix(strings.Join(permissionNames(t, got), ","), ",project:update") {
		t.Errorf("PUT = %v", got)
	}
	if u, _ := e.srv.User("alice"); u.OrgRole != "Ops2" {
		t.Errorf("holder's role = %q, want it to follow the rename", u.OrgRole)
	}
	got = e.must(http.MethodPut, "Roles/"+role1, roleBody("Ops2", "member", "run:stop"))
	if p := permissionNames(t, got); p[len(p)-1] != "run:stop" || strings.Contains(strings.Join(p, ","), "project:update") {
		t.Errorf("PUT with permissions: %v", p)
	}
	e.fails(http.StatusConflict, http.MethodPut, "Roles/"+role1, roleBody("Other", "member"))
}

func TestDeleteRoleReassignsHolders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{
		Roles: []scimtest.Role{{Name: "Auditor", InheritedFrom: "viewer"}},
		Users: []scimtest.User{{UserName: "alice", Email: "alice@example.com", OrgRole: "Auditor"}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"alice"}, Roles: map[string]string{"alice": "Auditor"}}},
	})
	before := e.must(http.MethodGet, "Users/"+user2ID, nil)
	if before["organizationRole"] != "Auditor" {
		t.Fatalf("before = %v", before)
	}
	raw, resp, err := e.do(http.MethodDelete, "Roles/"+role1, nil)
	if err != nil || resp.StatusCode != http.StatusNoContent || len(raw) != 0 {
		t.Fatalf("DELETE = %v %s %v", resp, raw, err)
	}
	after := e.must(http.MethodGet, "Users/"+user2ID, nil)
	if after["organizationRole"] != "viewer" {
		t.Errorf("organizationRole = %v, want the inherited viewer", after["organizationRole"])
	}
	jsonEq(t, after["teamRoles"], `[{"teamName":"ml","roleName":"viewer"}]`)
	if field(after, "meta", "version") == field(before, "meta", "version") {
		t.Error("the holder's version did not change")
	}
	e.fails(http.StatusNotFound, http.MethodGet, "Roles/"+role1, nil)
}

func TestRolesHaveNoFilter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Roles: []scimtest.Role{{Name: "Auditor"}}})
	se := e.fails(http.StatusBadRequest, http.MethodGet, "Roles?filter="+urlq(`name eq "Auditor"`), nil)
	if se.ScimType != "invalidFilter" {
		t.Errorf("scimType = %q", se.ScimType)
	}
}
