package scimtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// acme is the organization of W&B's team examples: dev-user1 (User:2) in
// acme-devs (Group:1), dev-user2 (User:3) in no team.
var acme = scimtest.Options{
	Users: []scimtest.User{
		{UserName: "dev-user1", Email: "dev-user1@example.com"},
		{UserName: "dev-user2", Email: "dev-user2@example.com"},
	},
	Teams: []scimtest.Team{{Name: "acme-devs", Members: []string{"dev-user1"}}},
}

func TestGetGroupShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acme)
	raw, resp, err := e.do(http.MethodGet, "Groups/"+group1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ETag != `W/"1"` {
		t.Errorf("ETag = %q", resp.ETag)
	}
	jsonEq(t, raw, `{"displayName":"acme-devs","id":"R3JvdXA6MQ==",
		"members":[{"Value":"VXNlcjoy","Ref":"","Type":"","Display":"dev-user1"}],
		"meta":{"resourceType":"Group","created":"2023-10-01T00:00:00Z","lastModified":"2023-10-01T00:00:00Z",
			"location":"Groups/R3JvdXA6MQ==","version":"W/\"1\""},
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`)
	// The "=" of the ID arrives escaped; the path is matched after unescaping.
	reqs := e.srv.Requests()
	if p := reqs[len(reqs)-1].Path; p != "/scim/Groups/R3JvdXA6MQ==" && p != "/scim/Groups/R3JvdXA6MQ%3D%3D" {
		t.Errorf("path = %q", p)
	}
	e.fails(http.StatusNotFound, http.MethodGet, "Groups/R3JvdXA6OQ%3D%3D", nil)
}

func TestEmptyTeamMembers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		legacy bool
		want   string
	}{{false, `[]`}, {true, `null`}} {
		e := newEnv(t, scimtest.Options{LegacyEmails: tt.legacy, Teams: []scimtest.Team{{Name: "empty"}}})
		got := e.must(http.MethodGet, "Groups/"+group1, nil)
		if v, ok := got["members"]; !ok {
			t.Errorf("legacy=%v: members absent, want %s", tt.legacy, tt.want)
		} else {
			jsonEq(t, v, tt.want)
		}
	}
}

func TestCreateGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acme)
	raw, resp, err := e.do(http.MethodPost, "Groups", map[string]any{
		"schemas": []string{scim.GroupSchema}, "displayName": "wandb-support",
		"members": []map[string]string{{"value": user3ID}, {"value": "DEV-USER1@example.com", "display": "x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || resp.ETag != `W/"1"` {
		t.Errorf("status %d ETag %q", resp.StatusCode, resp.ETag)
	}
	jsonEq(t, raw, `{"displayName":"wandb-support","id":"R3JvdXA6Mg==",
		"members":[{"Value":"VXNlcjoz","Ref":"","Type":"","Display":"dev-user2"},{"Value":"VXNlcjoy","Ref":"","Type":"","Display":"dev-user1"}],
		"meta":{"resourceType":"Group","created":"2023-10-01T00:00:00Z","lastModified":"2023-10-01T00:00:00Z",
			"location":"Groups/R3JvdXA6Mg==","version":"W/\"1\""},
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`)
	// The members see the team in their teamRoles.
	u := e.must(http.MethodGet, "Users/"+user3ID, nil)
	jsonEq(t, u["teamRoles"], `[{"teamName":"wandb-support","roleName":"member"}]`)
	jsonEq(t, u["groups"], `[{"value":"R3JvdXA6Mg=="}]`) // no "display": W&B documents only "value"
}

func TestCreateGroupRejects(t *testing.T) {
	t.Parallel()
	group := func(name string, extra map[string]any) map[string]any {
		g := map[string]any{"schemas": []string{scim.GroupSchema}, "displayName": name, "members": []any{}}
		for k, v := range extra {
			g[k] = v
		}
		return g
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		detail string
	}{
		{"duplicate name, other case", group("ACME-devs", nil), 409, "already exists"},
		{"no name", group(" ", nil), 400, "displayName"},
		{"unknown member", group("t", map[string]any{"members": []map[string]string{{"value": "nobody@example.com"}}}), 400, "nobody@example.com"},
		{"lower-case provider", group("t", map[string]any{"storageBucket": map[string]string{"name": "b", "provider": "aws"}}), 400,
			"COREWEAVE, AWS, AZURE, GCP, MINIO"},
		{"s3 provider", group("t", map[string]any{"storageBucket": map[string]string{"name": "b", "provider": "s3"}}), 400, "must be one of"},
		{"bucket without name", group("t", map[string]any{"storageBucket": map[string]string{"provider": "GCP"}}), 400, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, acme)
			se := e.fails(tt.status, http.MethodPost, "Groups", tt.body)
			if !strings.Contains(se.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", se.Detail, tt.detail)
			}
			if n := e.must(http.MethodGet, "Groups", nil)["totalResults"]; n != 1.0 {
				t.Errorf("%v teams after a rejected create, want 1", n)
			}
		})
	}
}

func TestCreateGroupWithBucket(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acme)
	e.must(http.MethodPost, "Groups", map[string]any{
		"schemas": []string{scim.GroupSchema}, "displayName": "research-team", "members": []any{},
		"storageBucket": map[string]string{"name": "wandbstorage", "provider": "AZURE", "path": "research/artifacts",
			"azureTenantId": "t-id", "azureClientId": "c-id"},
	})
	team, ok := e.srv.Team("research-team")
	want := scimtest.StorageBucket{Name: "wandbstorage", Provider: "AZURE", Path: "research/artifacts", AzureTenantID: "t-id", AzureClientID: "c-id"}
	if !ok || team.StorageBucket == nil || *team.StorageBucket != want {
		t.Errorf("stored bucket = %+v, want %+v", team.StorageBucket, want)
	}
}

func TestPatchGroup(t *testing.T) {
	t.Parallel()
	member := func(id, name string) string {
		return `{"Value":"` + id + `","Ref":"","Type":"","Display":"` + name + `"}`
	}
	m1, m2 := member(user2ID, "dev-user1"), member(user3ID, "dev-user2")
	tests := []struct {
		name   string
		legacy bool
		ops    []scim.Operation
		want   string // members
		status int
		detail string
	}{
		{name: "add by ID", ops: []scim.Operation{scim.Add("members", []map[string]string{{"value": user3ID}})}, want: `[` + m1 + `,` + m2 + `]`},
		{name: "add by email", ops: []scim.Operation{scim.Add("members", []map[string]string{{"value": "Dev-User2@example.com"}})}, want: `[` + m1 + `,` + m2 + `]`},
		{name: "add twice", ops: []scim.Operation{scim.Add("members", []map[string]string{{"value": user3ID}, {"value": user2ID}})}, want: `[` + m1 + `,` + m2 + `]`},
		{name: "remove one by ID", ops: []scim.Operation{scim.Remove(`members[value eq "` + user2ID + `"]`)}, want: `[]`},
		{name: "remove one by email", ops: []scim.Operation{scim.Remove(`members[value eq "dev-user1@example.com"]`)}, want: `[]`},
		{name: "remove absent member", ops: []scim.Operation{scim.Remove(`members[value eq "dev-user2@example.com"]`)}, want: `[` + m1 + `]`},
		{name: "remove all, legacy null", legacy: true, ops: []scim.Operation{scim.Remove("members")}, want: `null`},
		{name: "remove with a value list", ops: []scim.Operation{{Op: "remove", Path: "members", Value: []map[string]string{{"value": user2ID}}}}, want: `[]`},
		{name: "replace members", ops: []scim.Operation{scim.Replace("members", []map[string]string{{"value": user3ID}})}, want: `[` + m2 + `]`},
		{name: "path-less add (Okta Group Push)", ops: []scim.Operation{{Op: "add", Value: map[string]any{"members": []map[string]string{{"value": user3ID}}}}}, want: `[` + m1 + `,` + m2 + `]`},
		{name: "path-less replace with id", ops: []scim.Operation{scim.Replace("", map[string]any{"id": group1, "members": []map[string]string{{"value": user3ID}}})}, want: `[` + m2 + `]`},
		{name: "add unknown user", ops: []scim.Operation{scim.Add("members", []map[string]string{{"value": "ghost"}})}, status: 400, detail: "ghost"},
		{name: "add value path", ops: []scim.Operation{scim.Add(`members[value eq "x"]`, nil)}, status: 400, detail: "members[value"},
		{name: "bad filter in path", ops: []scim.Operation{scim.Remove(`members[value co "x"]`)}, status: 400, detail: "eq"},
		{name: "no PatchOp schema", ops: nil, status: 400, detail: "Operations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := acme
			opts.LegacyEmails = tt.legacy
			e := newEnv(t, opts)
			if tt.status != 0 {
				se := e.fails(tt.status, http.MethodPatch, "Groups/"+group1, patchOp(tt.ops...))
				if !strings.Contains(se.Detail, tt.detail) {
					t.Errorf("detail = %q, want it to mention %q", se.Detail, tt.detail)
				}
				if got := e.must(http.MethodGet, "Groups/"+group1, nil); field(got, "meta", "version") != `W/"1"` {
					t.Errorf("a failed PATCH changed the team: %v", got)
				}
				return
			}
			raw, resp, err := e.do(http.MethodPatch, "Groups/"+group1, patchOp(tt.ops...))
			if err != nil {
				t.Fatal(err)
			}
			got := decode(t, raw)
			jsonEq(t, got["members"], tt.want)
			if resp.ETag != `W/"2"` || field(got, "meta", "version") != `W/"2"` {
				t.Errorf("ETag %q, meta.version %v; want W/\"2\"", resp.ETag, field(got, "meta", "version"))
			}
		})
	}
}

func TestPatchGroupRename(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Teams: []scimtest.Team{{Name: "a"}, {Name: "b"}}})
	got := e.must(http.MethodPatch, "Groups/"+group1, patchOp(scim.Replace("displayName", "c")))
	if got["displayName"] != "c" {
		t.Errorf("displayName = %v", got["displayName"])
	}
	e.fails(http.StatusConflict, http.MethodPatch, "Groups/"+group1, patchOp(scim.Replace("displayName", "B")))
}

func TestReplaceGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acme)
	got := e.must(http.MethodPut, "Groups/"+group1, map[string]any{
		"schemas": []string{scim.GroupSchema}, "displayName": "acme-devs",
		"members": []map[string]string{{"value": user3ID}, {"value": user2ID}},
	})
	jsonEq(t, got["members"], `[{"Value":"VXNlcjoy","Ref":"","Type":"","Display":"dev-user1"},{"Value":"VXNlcjoz","Ref":"","Type":"","Display":"dev-user2"}]`)
	got = e.must(http.MethodPut, "Groups/"+group1, map[string]any{"displayName": "renamed", "members": []map[string]string{{"value": user3ID}}})
	if got["displayName"] != "renamed" || field(got, "meta", "version") != `W/"3"` {
		t.Errorf("PUT = %v", got)
	}
	e.fails(http.StatusBadRequest, http.MethodPut, "Groups/"+group1, map[string]any{"members": []any{}})
	e.fails(http.StatusBadRequest, http.MethodPut, "Groups/"+group1, map[string]any{"displayName": "x", "members": []map[string]string{{"value": "ghost"}}})
}

func TestDeleteGroupIsNotSupported(t *testing.T) {
	t.Parallel()
	e := newEnv(t, acme)
	se := e.fails(http.StatusBadRequest, http.MethodDelete, "Groups/"+group1, nil)
	if !strings.Contains(se.Detail, "W&B App") {
		t.Errorf("detail = %q", se.Detail)
	}
	if _, ok := e.srv.Team(group1); !ok {
		t.Error("team deleted")
	}
	e.fails(http.StatusNotFound, http.MethodDelete, "Groups/R3JvdXA6OQ%3D%3D", nil)
}

// TestTeamNamesIgnoreCase: the displayName filter and team-name uniqueness
// agree, so a team that blocks a name can be found by it.
func TestTeamNamesIgnoreCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Teams: []scimtest.Team{{Name: "platform"}}})
	e.fails(http.StatusConflict, http.MethodPost, "Groups", map[string]any{"schemas": []string{scim.GroupSchema}, "displayName": "Platform"})
	got := e.must(http.MethodGet, "Groups?filter="+urlq(`displayName eq "Platform"`), nil)
	if res, _ := got["Resources"].([]any); len(res) != 1 || field(res[0], "displayName") != "platform" || field(res[0], "id") != group1 {
		t.Errorf("displayName eq \"Platform\" = %v, want the team platform", got["Resources"])
	}
}
