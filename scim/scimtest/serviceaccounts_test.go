package scimtest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func serviceAccount(name, accountType string, ext map[string]any) map[string]any {
	return map[string]any{
		"schemas":               []string{scim.UserSchema, scim.TeamsUserExtension},
		"userName":              name,
		"accountType":           accountType,
		scim.TeamsUserExtension: ext,
	}
}

func TestCreateServiceAccountShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		flavor      scimtest.Flavor
		accountType string
		orgRole     string
	}{
		{"team SA, dedicated", scimtest.Dedicated, "SERVICE", "member"},
		{"org SA, multi-tenant", scimtest.MultiTenant, "ORG_SERVICE", "member"},
		{"team SA, self-managed", scimtest.SelfManaged, "SERVICE", "service"},
		{"org SA, self-managed", scimtest.SelfManaged, "ORG_SERVICE", "org_service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{Flavor: tt.flavor, Teams: []scimtest.Team{{Name: "ml-platform"}}})
			body := serviceAccount("sa-deploy-bot", tt.accountType, map[string]any{"defaultTeam": "ml-platform"})
			body["displayName"] = "ignored"
			raw, resp, err := e.do(http.MethodPost, "Users", body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusCreated {
				t.Errorf("status %d, want 201", resp.StatusCode)
			}
			jsonEq(t, raw, `{"accountType":"`+tt.accountType+`","active":true,"displayName":"sa-deploy-bot","id":"VXNlcjoy",
				"meta":{"resourceType":"User","created":"2023-10-01T00:00:00Z","location":"Users/VXNlcjoy","version":"W/\"1\""},
				"organizationRole":"`+tt.orgRole+`",
				"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:wandb:2.0:User"],
				"teamRoles":[{"teamName":"ml-platform","roleName":"member"}],
				"urn:ietf:params:scim:schemas:extension:wandb:2.0:User":{"organizationRole":"`+tt.orgRole+`"},
				"userName":"sa-deploy-bot"}`)
			got := e.must(http.MethodGet, "Users/"+user2ID, nil)
			if _, ok := got["emails"]; ok || got["accountType"] != tt.accountType || got["organizationRole"] != tt.orgRole {
				t.Errorf("GET = %v, want no emails, accountType %s", got, tt.accountType)
			}
			list := e.must(http.MethodGet, "Users", nil)
			if list["totalResults"] != 2.0 {
				t.Errorf("list = %v, want the admin and the service account", list)
			}
		})
	}
}

func TestCreateServiceAccountRejects(t *testing.T) {
	t.Parallel()
	withSeat := serviceAccount("sa", "SERVICE", map[string]any{"defaultTeam": "ml"})
	withSeat["modelsSeat"] = "full"
	withWeave := serviceAccount("sa", "ORG_SERVICE", map[string]any{"defaultTeam": "ml"})
	withWeave["weaveRole"] = "none"
	tests := []struct {
		name   string
		flavor scimtest.Flavor
		body   map[string]any
		status int
		detail string
	}{
		{"modelsSeat", scimtest.Dedicated, withSeat, 400, "modelsSeat"},
		{"weaveRole", scimtest.MultiTenant, withWeave, 400, "weaveRole"},
		{"no extension", scimtest.Dedicated, map[string]any{"userName": "sa", "accountType": "SERVICE"}, 400, "defaultTeam"},
		{"no defaultTeam", scimtest.Dedicated, serviceAccount("sa", "SERVICE", map[string]any{}), 400, "defaultTeam"},
		{"unknown defaultTeam", scimtest.Dedicated, serviceAccount("sa", "SERVICE", map[string]any{"defaultTeam": "nope"}), 400, "nope"},
		{"teams on dedicated", scimtest.Dedicated, serviceAccount("sa", "ORG_SERVICE", map[string]any{"defaultTeam": "ml", "teams": []string{"ml"}}), 400, "teams"},
		{"teams without defaultTeam", scimtest.MultiTenant, serviceAccount("sa", "ORG_SERVICE", map[string]any{"defaultTeam": "ml", "teams": []string{"ops"}}), 400, "must contain"},
		{"unknown team in teams", scimtest.MultiTenant, serviceAccount("sa", "ORG_SERVICE", map[string]any{"defaultTeam": "ml", "teams": []string{"ml", "nope"}}), 400, "nope"},
		{"duplicate name", scimtest.Dedicated, serviceAccount("existing-sa", "SERVICE", map[string]any{"defaultTeam": "ml"}), 409, "already exists"},
		{"name of a user", scimtest.Dedicated, serviceAccount("Alice", "SERVICE", map[string]any{"defaultTeam": "ml"}), 409, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{
				Flavor: tt.flavor,
				Users: []scimtest.User{
					{UserName: "alice", Email: "alice@example.com"},
					{UserName: "existing-sa", AccountType: scimtest.AccountService},
				},
				Teams: []scimtest.Team{{Name: "ml", Members: []string{"existing-sa"}}, {Name: "ops"}},
			})
			se := e.fails(tt.status, http.MethodPost, "Users", tt.body)
			if !strings.Contains(se.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", se.Detail, tt.detail)
			}
			if n := len(e.must(http.MethodGet, "Users", nil)["Resources"].([]any)); n != 3 {
				t.Errorf("%d accounts after a rejected create, want 3", n)
			}
		})
	}
}

func TestServiceAccountTeamsMultiTenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{Flavor: scimtest.MultiTenant, Teams: []scimtest.Team{{Name: "ml"}, {Name: "ops"}}})
	got := e.must(http.MethodPost, "Users", serviceAccount("sa", "ORG_SERVICE", map[string]any{"defaultTeam": "ml", "teams": []string{"ops", "ml"}}))
	jsonEq(t, got["teamRoles"], `[{"teamName":"ml","roleName":"member"},{"teamName":"ops","roleName":"member"}]`)
}

func TestServiceAccountsCannotBeChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "bot", AccountType: scimtest.AccountOrgService}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"bot"}}},
	})
	for _, op := range []scim.Operation{
		scim.Replace("", map[string]any{"active": false}),
		scim.Replace("organizationRole", "admin"),
		scim.Replace("teamRoles", []map[string]string{{"teamName": "ml", "roleName": "admin"}}),
	} {
		se := e.fails(http.StatusBadRequest, http.MethodPatch, "Users/"+user2ID, patchOp(op))
		if !strings.Contains(se.Detail, "service accounts") {
			t.Errorf("detail = %q", se.Detail)
		}
	}
	e.fails(http.StatusBadRequest, http.MethodPut, "Users/"+user2ID, map[string]any{"userName": "bot"})
	// Team membership operations are for users only.
	e.fails(http.StatusBadRequest, http.MethodPatch, "Groups/"+group1, patchOp(scim.Add("members", []map[string]string{{"value": user2ID}})))
	// Deleting one is a hard delete.
	if _, _, err := e.do(http.MethodDelete, "Users/"+user2ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.srv.User(user2ID); ok {
		t.Error("service account still there after DELETE")
	}
}

func TestOrgServiceAccountsJoinNewTeams(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{
		Users: []scimtest.User{
			{UserName: "alice", Email: "alice@example.com"},
			{UserName: "org-bot", AccountType: scimtest.AccountOrgService},
			{UserName: "team-bot", AccountType: scimtest.AccountService},
		},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"org-bot", "team-bot"}}},
	})
	got := e.must(http.MethodPost, "Groups", map[string]any{
		"schemas": []string{scim.GroupSchema}, "displayName": "new-team",
		"members": []map[string]string{{"value": "alice@example.com"}},
	})
	jsonEq(t, got["members"], `[{"Value":"VXNlcjoy","Ref":"","Type":"","Display":"alice"},{"Value":"VXNlcjoz","Ref":"","Type":"","Display":"org-bot"}]`)
	// Teams made in the App (or seeded) do not get them; nor does GraphQL createTeam.
	if _, err := e.graphql(`mutation { createTeam(input: {teamName: "gql-team"}) { entity { id } } }`, nil); err != nil {
		t.Fatal(err)
	}
	if team, _ := e.srv.Team("gql-team"); len(team.Members) != 0 {
		t.Errorf("gql-team members = %v", team.Members)
	}
	// Removing every member keeps the service account.
	got = e.must(http.MethodPatch, "Groups/"+group2, patchOp(scim.Remove("members")))
	jsonEq(t, got["members"], `[{"Value":"VXNlcjoz","Ref":"","Type":"","Display":"org-bot"}]`)
	if team, _ := e.srv.Team("ml"); !slices.Equal(team.Members, []string{"org-bot", "team-bot"}) {
		t.Errorf("ml members = %v", team.Members)
	}
}
