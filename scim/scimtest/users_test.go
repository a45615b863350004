package scimtest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// devUser1 is the user of W&B's doc examples.
var devUser1 = scimtest.User{
	UserName: "dev-user1", Email: "dev-user1@example.com", DisplayName: "Dev User 1",
	DaysActive: 42, LastActiveAt: time.Date(2023, 10, 15, 14, 32, 10, 0, time.UTC),
}

func TestGetUserShape(t *testing.T) {
	t.Parallel()
	const rest = `"id":"VXNlcjoy","lastActiveAt":"2023-10-15T14:32:10Z",
		"meta":{"resourceType":"User","created":"2023-10-01T00:00:00Z","lastModified":"2023-10-01T00:00:00Z",
			"location":"Users/VXNlcjoy","version":"W/\"1\""},
		"modelsSeat":"full","organizationRole":"member",
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dev-user1","weaveRole":"full"}`
	tests := []struct {
		name   string
		opts   scimtest.Options
		emails string
	}{
		{"array emails", scimtest.Options{}, `[{"primary":true,"value":"dev-user1@example.com"}]`},
		{"legacy emails", scimtest.Options{LegacyEmails: true}, `{"Value":"dev-user1@example.com","Display":"","Type":"","Primary":true}`},
		{"multi-tenant", scimtest.Options{Flavor: scimtest.MultiTenant}, `[{"primary":true,"value":"dev-user1@example.com"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Users = []scimtest.User{devUser1}
			e := newEnv(t, tt.opts)
			raw, resp, err := e.do(http.MethodGet, "Users/"+user2ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || resp.ETag != `W/"1"` {
				t.Errorf("status %d, ETag %q; want 200, W/\"1\"", resp.StatusCode, resp.ETag)
			}
			jsonEq(t, raw, `{"accountType":"USER","active":true,"daysActive":42,"displayName":"Dev User 1",
				"emails":`+tt.emails+`,`+rest)
			if keys := topLevelKeys(t, raw); !slices.IsSorted(keys) {
				t.Errorf("keys not in W&B's alphabetical order: %v", keys)
			}
		})
	}
}

// topLevelKeys returns an object's keys in wire order.
func topLevelKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	var keys []string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestUserNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{})
	for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
		se := e.fails(http.StatusNotFound, m, "Users/VXNlcjo5OQ%3D%3D", patchOp(scim.Replace("displayName", "x")))
		if !strings.Contains(se.Detail, "VXNlcjo5OQ==") {
			t.Errorf("%s detail = %q, want the unescaped ID", m, se.Detail)
		}
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	body := map[string]any{
		"schemas":    []string{scim.UserSchema},
		"emails":     []map[string]any{{"primary": true, "value": "dev-user2@example.com"}},
		"userName":   "dev-user2",
		"modelsSeat": "full",
		"weaveRole":  "viewer",
	}
	mtBody := map[string]any{
		"schemas":               []string{scim.UserSchema, scim.TeamsUserExtension},
		"emails":                []map[string]any{{"primary": true, "value": "dev-user2@example.com"}},
		"userName":              "dev-user2",
		scim.TeamsUserExtension: map[string]any{"teams": []string{"my-team"}},
	}
	const meta = `"meta":{"resourceType":"User","created":"2023-10-01T00:00:00Z","location":"Users/VXNlcjoy","version":"W/\"1\""}`
	tests := []struct {
		name string
		opts scimtest.Options
		body any
		want string
	}{
		{"dedicated", scimtest.Options{}, body, `{"active":true,"displayName":"dev-user2",
			"emails":[{"primary":true,"value":"dev-user2@example.com"}],"id":"VXNlcjoy",` + meta + `,
			"modelsSeat":"full","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dev-user2","weaveRole":"viewer"}`},
		{"legacy", scimtest.Options{Flavor: scimtest.SelfManaged, LegacyEmails: true}, body, `{"active":true,"displayName":"dev-user2",
			"emails":{"Value":"dev-user2@example.com","Display":"","Type":"","Primary":true},"id":"VXNlcjoy",` + meta + `,
			"modelsSeat":"full","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dev-user2","weaveRole":"viewer"}`},
		{"multi-tenant with teams", scimtest.Options{Flavor: scimtest.MultiTenant, Teams: []scimtest.Team{{Name: "my-team"}}}, mtBody,
			`{"active":true,"displayName":"dev-user2","emails":[{"primary":true,"value":"dev-user2@example.com"}],
			"groups":[{"value":"R3JvdXA6MQ=="}],"id":"VXNlcjoy",` + meta + `,"modelsSeat":"full","organizationRole":"member",
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
			"teamRoles":[{"teamName":"my-team","roleName":"member"}],"userName":"dev-user2","weaveRole":"full"}`},
		{"multi-tenant without teams, legacy", scimtest.Options{Flavor: scimtest.MultiTenant, LegacyEmails: true}, body,
			`{"active":true,"displayName":"dev-user2","emails":{"Value":"dev-user2@example.com","Display":"","Type":"","Primary":true},
			"groups":null,"id":"VXNlcjoy",` + meta + `,"modelsSeat":"full","organizationRole":"member",
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
			"teamRoles":null,"userName":"dev-user2","weaveRole":"viewer"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.opts)
			raw, resp, err := e.do(http.MethodPost, "Users", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusCreated || resp.ETag != `W/"1"` {
				t.Errorf("status %d, ETag %q; want 201, W/\"1\"", resp.StatusCode, resp.ETag)
			}
			jsonEq(t, raw, tt.want)
			got := e.must(http.MethodGet, "Users/"+user2ID, nil)
			if got["userName"] != "dev-user2" || field(got, "meta", "lastModified") != "2023-10-01T00:00:00Z" {
				t.Errorf("GET after create = %v", got)
			}
		})
	}
}

func TestCreateUserRejects(t *testing.T) {
	t.Parallel()
	email := func(v string, primary bool) map[string]any { return map[string]any{"value": v, "primary": primary} }
	user := func(name string, emails ...map[string]any) map[string]any {
		return map[string]any{"schemas": []string{scim.UserSchema}, "userName": name, "emails": emails}
	}
	seed := []scimtest.User{{UserName: "alice", Email: "alice@example.com"}}
	tests := []struct {
		name   string
		flavor scimtest.Flavor
		body   any
		status int
		detail string
	}{
		{"duplicate userName, other case", scimtest.Dedicated, user("ALICE", email("a2@example.com", true)), 409, "already exists"},
		{"duplicate email, other case", scimtest.Dedicated, user("bob", email("Alice@Example.com", true)), 409, "already used"},
		{"duplicate on multi-tenant", scimtest.MultiTenant, user("alice", email("alice@example.com", true)), 409, "already exists"},
		{"no userName", scimtest.Dedicated, user("", email("b@example.com", true)), 400, "userName"},
		{"no emails", scimtest.Dedicated, user("bob"), 400, "primary email"},
		{"no primary", scimtest.Dedicated, user("bob", email("b@example.com", false)), 400, "primary email"},
		{"two emails on dedicated", scimtest.Dedicated, user("bob", email("b@example.com", true), email("c@example.com", false)), 400, "one email"},
		{"two primaries", scimtest.MultiTenant, user("bob", email("b@example.com", true), email("c@example.com", true)), 400, "primary"},
		{"bad seat", scimtest.Dedicated, map[string]any{"userName": "bob", "emails": []any{email("b@example.com", true)}, "modelsSeat": "gold"}, 400, "modelsSeat"},
		{"unknown team", scimtest.MultiTenant, map[string]any{"userName": "bob", "emails": []any{email("b@example.com", true)},
			scim.TeamsUserExtension: map[string]any{"teams": []string{"nope"}}}, 400, "nope"},
		{"bad accountType", scimtest.Dedicated, map[string]any{"userName": "bob", "accountType": "ROBOT"}, 400, "accountType"},
		{"not JSON", scimtest.Dedicated, json.RawMessage(`"x"`), 400, "invalid request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{Flavor: tt.flavor, Users: seed})
			se := e.fails(tt.status, http.MethodPost, "Users", tt.body)
			if !strings.Contains(se.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", se.Detail, tt.detail)
			}
			if n := len(e.must(http.MethodGet, "Users", nil)["Resources"].([]any)); n != 2 {
				t.Errorf("%d users after a rejected create, want 2", n)
			}
		})
	}
}

func TestCreateUserMultipleEmailsMultiTenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Flavor: scimtest.MultiTenant})
	got := e.must(http.MethodPost, "Users", map[string]any{
		"userName": "bob",
		"emails":   []map[string]any{{"value": "b2@example.com"}, {"value": "b@example.com", "primary": "True"}},
	})
	jsonEq(t, got["emails"], `[{"primary":true,"value":"b@example.com"},{"primary":false,"value":"b2@example.com"}]`)
	list := e.must(http.MethodGet, "Users?filter="+urlq(`emails.value eq "B2@example.com"`), nil)
	if list["totalResults"] != 1.0 {
		t.Errorf("filter on the second address: %v", list)
	}
}

func TestPatchUser(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{
		Users: []scimtest.User{devUser1, {UserName: "other", Email: "other@example.com"}},
		Teams: []scimtest.Team{{Name: "team1", Members: []string{"dev-user1"}}, {Name: "team2"}},
		Roles: []scimtest.Role{{Name: "Auditor", InheritedFrom: "viewer"}},
	}
	tests := []struct {
		name   string
		flavor scimtest.Flavor
		ops    []scim.Operation
		status int
		detail string         // for errors
		want   map[string]any // fields of the reply
		absent []string       // fields the reply must not have
	}{
		{name: "deactivate", ops: []scim.Operation{scim.Replace("", map[string]any{"active": false})},
			want: map[string]any{"active": false}},
		{name: "deactivate as Entra sends it", ops: []scim.Operation{{Op: "Replace", Path: "active", Value: "False"}},
			want: map[string]any{"active": false}},
		{name: "reactivate", ops: []scim.Operation{scim.Replace("", map[string]any{"active": true})},
			want: map[string]any{"active": true}},
		{name: "email", ops: []scim.Operation{scim.Replace("emails", []map[string]any{{"value": "new@example.com", "primary": true}})},
			want: map[string]any{"emails": []any{map[string]any{"primary": true, "value": "new@example.com"}}}},
		{name: "two emails", ops: []scim.Operation{scim.Replace("emails", []map[string]any{{"value": "a@example.com", "primary": true}, {"value": "b@example.com"}})},
			status: 400, detail: "one email"},
		{name: "email taken", ops: []scim.Operation{scim.Replace("emails", []map[string]any{{"value": "OTHER@example.com", "primary": true}})},
			status: 409, detail: "already used"},
		{name: "display name", ops: []scim.Operation{scim.Replace("displayName", "John Doe")},
			want: map[string]any{"displayName": "John Doe"}},
		{name: "org role admin, any case", ops: []scim.Operation{scim.Replace("organizationRole", "ADMIN")},
			want: map[string]any{"organizationRole": "admin", "modelsSeat": "full"}},
		{name: "legacy org role viewer", ops: []scim.Operation{scim.Replace("organizationRole", "viewer")},
			want: map[string]any{"organizationRole": "member", "modelsSeat": "viewer", "weaveRole": "viewer",
				"teamRoles": []any{map[string]any{"teamName": "team1", "roleName": "viewer"}}}},
		{name: "custom org role", ops: []scim.Operation{scim.Replace("organizationRole", "Auditor")},
			want: map[string]any{"organizationRole": "Auditor"}},
		{name: "custom role names are case-sensitive", ops: []scim.Operation{scim.Replace("organizationRole", "auditor")},
			status: 400, detail: "auditor"},
		{name: "seats", ops: []scim.Operation{scim.Replace("modelsSeat", "none"), scim.Replace("weaveRole", "Viewer")},
			want: map[string]any{"modelsSeat": "none", "weaveRole": "viewer"}},
		{name: "bad seat", ops: []scim.Operation{scim.Replace("weaveRole", "gold")}, status: 400, detail: "weaveRole"},
		{name: "team role", ops: []scim.Operation{scim.Replace("teamRoles", []map[string]string{{"roleName": "admin", "teamName": "team1"}})},
			want: map[string]any{"teamRoles": []any{map[string]any{"teamName": "team1", "roleName": "admin"}}}},
		{name: "team role for a team the user is not in", ops: []scim.Operation{scim.Replace("teamRoles", []map[string]string{{"roleName": "admin", "teamName": "team2"}})},
			status: 400, detail: "not a member"},
		{name: "team role of a missing team", ops: []scim.Operation{scim.Replace("teamRoles", []map[string]string{{"roleName": "admin", "teamName": "nope"}})},
			status: 400, detail: "nope"},
		{name: "add registry roles", ops: []scim.Operation{
			scim.Add("registryRoles", []map[string]string{{"roleName": "admin", "registryName": "hello-registry"}}),
			scim.Replace("registryRoles", []map[string]string{{"roleName": "viewer", "registryName": "goodbye-registry"}}),
		}, want: map[string]any{"registryRoles": []any{
			map[string]any{"registryName": "hello-registry", "roleName": "admin"},
			map[string]any{"registryName": "goodbye-registry", "roleName": "viewer"},
		}}},
		{name: "remove one registry role", ops: []scim.Operation{
			scim.Add("registryRoles", []map[string]string{{"roleName": "admin", "registryName": "hello-registry"}, {"roleName": "admin", "registryName": `goodbye "registry"`}}),
			scim.Remove(`registryRoles[registryName eq ` + scim.Quote(`goodbye "registry"`) + `]`),
		}, want: map[string]any{"registryRoles": []any{map[string]any{"registryName": "hello-registry", "roleName": "admin"}}}},
		{name: "remove one registry role, docs' replace form", ops: []scim.Operation{
			scim.Add("registryRoles", []map[string]string{{"roleName": "admin", "registryName": "hello-registry"}}),
			{Op: "replace", Path: `registryRoles[registryName eq "hello-registry"]`},
		}, absent: []string{"registryRoles"}},
		{name: "remove all registry roles", ops: []scim.Operation{
			scim.Add("registryRoles", []map[string]string{{"roleName": "admin", "registryName": "hello-registry"}}),
			scim.Remove("registryRoles"),
		}, absent: []string{"registryRoles"}},
		{name: "unknown attribute", ops: []scim.Operation{scim.Replace("nickName", "x")}, status: 400, detail: "nickName"},
		{name: "bad op", ops: []scim.Operation{{Op: "move", Path: "displayName", Value: "x"}}, status: 400, detail: "move"},
		{name: "one bad op changes nothing", ops: []scim.Operation{scim.Replace("displayName", "Changed"), scim.Replace("modelsSeat", "gold")},
			status: 400, detail: "modelsSeat"},

		// Multi-tenant.
		{name: "MT reactivation", flavor: scimtest.MultiTenant, ops: []scim.Operation{scim.Replace("", map[string]any{"active": true})},
			status: 400, detail: "User reactivation operations are not supported in SaaS Cloud"},
		{name: "MT email", flavor: scimtest.MultiTenant, ops: []scim.Operation{scim.Replace("emails", []map[string]any{{"value": "n@example.com", "primary": true}})},
			status: 400, detail: "SaaS Cloud"},
		{name: "MT display name", flavor: scimtest.MultiTenant, ops: []scim.Operation{scim.Replace("displayName", "x")},
			status: 400, detail: "SaaS Cloud"},
		{name: "MT org role", flavor: scimtest.MultiTenant, ops: []scim.Operation{scim.Replace("organizationRole", "admin")},
			want: map[string]any{"organizationRole": "admin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := seed
			opts.Flavor = tt.flavor
			e := newEnv(t, opts)
			if tt.name == "reactivate" {
				e.must(http.MethodPatch, "Users/"+user2ID, patchOp(scim.Replace("", map[string]any{"active": false})))
			}
			before := e.must(http.MethodGet, "Users/"+user2ID, nil)
			if tt.status != 0 {
				se := e.fails(tt.status, http.MethodPatch, "Users/"+user2ID, patchOp(tt.ops...))
				if tt.flavor == scimtest.MultiTenant && tt.name == "MT reactivation" {
					if se.Detail != tt.detail {
						t.Errorf("detail = %q, want exactly %q", se.Detail, tt.detail)
					}
				} else if !strings.Contains(se.Detail, tt.detail) {
					t.Errorf("detail = %q, want it to mention %q", se.Detail, tt.detail)
				}
				if after := e.must(http.MethodGet, "Users/"+user2ID, nil); !equalJSON(before, after) {
					t.Errorf("a failed PATCH changed the user:\nbefore %v\nafter  %v", before, after)
				}
				return
			}
			raw, resp, err := e.do(http.MethodPatch, "Users/"+user2ID, patchOp(tt.ops...))
			if err != nil {
				t.Fatal(err)
			}
			got := decode(t, raw)
			for k, v := range tt.want {
				if !equalJSON(got[k], v) {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s = %v, want it absent", k, got[k])
				}
			}
			if resp.ETag == field(before, "meta", "version") || resp.ETag != field(got, "meta", "version") {
				t.Errorf("ETag %q, meta.version %v, before %v: want a new version in both", resp.ETag, field(got, "meta", "version"), field(before, "meta", "version"))
			}
			if after := e.must(http.MethodGet, "Users/"+user2ID, nil); !equalJSON(got, after) {
				t.Errorf("GET after PATCH differs from the PATCH reply:\n%v\n%v", got, after)
			}
		})
	}
}

func TestDeactivateMultiTenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{
		Flavor: scimtest.MultiTenant,
		Users:  []scimtest.User{devUser1},
		Teams:  []scimtest.Team{{Name: "team1", Members: []string{"dev-user1"}}},
	})
	raw, resp, err := e.do(http.MethodPatch, "Users/"+user2ID, patchOp(scim.Replace("", map[string]any{"active": false})))
	if err != nil {
		t.Fatal(err)
	}
	// Multi-tenant echoes the PatchOp, and sends no ETag: there is no user left.
	jsonEq(t, raw, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`)
	if resp.ETag != "" {
		t.Errorf("ETag = %q, want none", resp.ETag)
	}
	e.fails(http.StatusNotFound, http.MethodGet, "Users/"+user2ID, nil)
	if team, _ := e.srv.Team("team1"); len(team.Members) != 0 {
		t.Errorf("team1 members = %v, want none", team.Members)
	}
	// Re-adding the W&B account with POST restores it, with the same ID.
	got := e.must(http.MethodPost, "Users", map[string]any{
		"userName": "dev-user1", "emails": []map[string]any{{"value": "dev-user1@example.com", "primary": true}},
		scim.TeamsUserExtension: map[string]any{"teams": []string{"team1"}},
	})
	if got["id"] != user2ID || got["active"] != true || !equalJSON(got["groups"], []map[string]string{{"value": group1}}) {
		t.Errorf("re-added user = %v", got)
	}
}

func TestDeactivateDedicatedKeepsUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Users: []scimtest.User{devUser1}, Teams: []scimtest.Team{{Name: "team1", Members: []string{"dev-user1"}}}})
	got := e.must(http.MethodPatch, "Users/"+user2ID, patchOp(scim.Replace("", map[string]any{"active": false})))
	if got["active"] != false || got["id"] != user2ID {
		t.Errorf("reply = %v", got)
	}
	if u, ok := e.srv.User("dev-user1"); !ok || !u.Inactive {
		t.Errorf("stored user = %+v, %v; want kept and inactive", u, ok)
	}
	if team, _ := e.srv.Team("team1"); !slices.Equal(team.Members, []string{"dev-user1"}) {
		t.Errorf("team1 members = %v, want the deactivated user kept", team.Members)
	}
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		t.Run(flavor.String(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{Flavor: flavor, Users: []scimtest.User{devUser1},
				Teams: []scimtest.Team{{Name: "team1", Members: []string{"dev-user1"}}}})
			raw, resp, err := e.do(http.MethodDelete, "Users/"+user2ID, nil)
			if err != nil || resp.StatusCode != http.StatusNoContent || len(raw) != 0 {
				t.Fatalf("DELETE = %d %s, %v; want 204 with no body", resp.StatusCode, raw, err)
			}
			e.fails(http.StatusNotFound, http.MethodGet, "Users/"+user2ID, nil)
			e.fails(http.StatusNotFound, http.MethodDelete, "Users/"+user2ID, nil)
			if team, _ := e.srv.Team("team1"); len(team.Members) != 0 {
				t.Errorf("team1 members = %v, want none", team.Members)
			}
		})
	}
}

func TestUnsupportedUserMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Users: []scimtest.User{devUser1}})
	e.fails(http.StatusBadRequest, http.MethodPut, "Users/"+user2ID, map[string]any{"userName": "x"})
	e.fails(http.StatusMethodNotAllowed, http.MethodPatch, "Users", patchOp(scim.Replace("", map[string]any{"active": false})))
	e.fails(http.StatusMethodNotAllowed, http.MethodDelete, "Users", nil)
	e.fails(http.StatusNotFound, http.MethodGet, "users/"+user2ID, nil)
	e.fails(http.StatusNotFound, http.MethodGet, "ServiceProviderConfig", nil)
}

// TestReaddMultiTenantTakesBody: re-adding a removed W&B account keeps its ID
// but takes the body's emails, displayName and seats, in the 201 and after.
func TestReaddMultiTenantTakesBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Flavor: scimtest.MultiTenant, Users: []scimtest.User{devUser1}})
	if _, _, err := e.do(http.MethodDelete, "Users/"+user2ID, nil); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{
		"userName": "dev-user1", "displayName": "Dev Returned",
		"emails": []map[string]any{
			{"value": "dev.user1@new.example", "primary": true},
			{"value": "dev-user1@alias.example", "primary": false},
		},
		"modelsSeat": "viewer",
	}
	got := e.must(http.MethodPost, "Users", body)
	after := e.must(http.MethodGet, "Users/"+user2ID, nil)
	for name, u := range map[string]map[string]any{"201": got, "GET": after} {
		if u["id"] != user2ID || u["displayName"] != "Dev Returned" || u["modelsSeat"] != "viewer" || u["weaveRole"] != "full" ||
			!equalJSON(u["emails"], []map[string]any{{"primary": true, "value": "dev.user1@new.example"}, {"primary": false, "value": "dev-user1@alias.example"}}) {
			t.Errorf("%s: re-added user = %v", name, u)
		}
	}
	// The new addresses find the user; the old one is free again.
	if l := e.must(http.MethodGet, "Users?filter="+urlq(`emails.value eq "dev-user1@alias.example"`), nil); l["totalResults"] != 1.0 {
		t.Errorf("filter on the new address: %v", l)
	}
	if l := e.must(http.MethodGet, "Users?filter="+urlq(`emails.value eq "dev-user1@example.com"`), nil); l["totalResults"] != 0.0 {
		t.Errorf("filter on the old address: %v", l)
	}
	e.must(http.MethodPost, "Users", map[string]any{"userName": "other", "emails": []map[string]any{{"value": "dev-user1@example.com", "primary": true}}})

	// Without a displayName the account keeps its own.
	if _, _, err := e.do(http.MethodDelete, "Users/"+user2ID, nil); err != nil {
		t.Fatal(err)
	}
	got = e.must(http.MethodPost, "Users", map[string]any{"userName": "dev-user1", "emails": []map[string]any{{"value": "dev.user1@new.example", "primary": true}}})
	if got["displayName"] != "Dev Returned" || got["modelsSeat"] != "full" {
		t.Errorf("re-added without displayName = %v", got)
	}
}
