package orgsync_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// TestPlanJSONRoundTrip saves and reads back plans with every kind of
// change, on both deployments: the plan read back is the plan saved, and a
// user updated and deactivated is one change of the JSON form.
func TestPlanJSONRoundTrip(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{
		Roles: []scimtest.Role{{Name: "auditor", Description: "d1", InheritedFrom: "viewer", Permissions: []string{"run:stop"}},
			{Name: "ops", InheritedFrom: "member", Permissions: []string{"run:stop"}}},
		Users: []scimtest.User{{UserName: "bob", Email: "bob@example.com"}, {UserName: "carol", Email: "carol@example.com"},
			{UserName: "dee", Email: "dee@example.com", Inactive: true}, {UserName: "eve", Email: "eve@example.com"}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"carol", "eve"}}},
	}
	file := `{
	  "users": [{"userName": "bob", "modelsSeat": "viewer", "organizationRole": "admin"},
	            {"userName": "carol", "weaveRole": "none", "active": false},
	            {"userName": "dee", "email": "dee@example.com", "active": true, "displayName": "Dee"},
	            {"userName": "fay", "email": "fay@example.com", "organizationRole": "ops"}],
	  "teams": [{"name": "ml", "members": [{"userName": "bob", "role": "admin"}, {"userName": "eve"}]},
	            {"name": "new", "members": [{"userName": "fay"}]}],
	  "roles": [{"name": "auditor", "description": "d2", "inheritedFrom": "viewer", "permissions": ["run:stop"]},
	            {"name": "ops", "inheritedFrom": "member", "permissions": ["run:stop", "run:delete"]},
	            {"name": "new-role", "inheritedFrom": "member", "permissions": []}]
	}`
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		o := seed
		o.Flavor = flavor
		if flavor == scimtest.MultiTenant { // a deactivated user is not in a Multi-tenant organization
			o.Users = slices.DeleteFunc(slices.Clone(o.Users), func(u scimtest.User) bool { return u.Inactive })
		}
		roundTrip(t, start(t, o), file)
	}
}

func roundTrip(t *testing.T, fx *fixture, file string) {
	t.Run(fx.srv.State().Flavor.String(), func(t *testing.T) {
		p := fx.plan(t, decode(t, file), true)
		saved, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back orgsync.Plan
		if err := json.Unmarshal(saved, &back); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(back.Lines(), p.Lines()) || back.Target != p.Target || back.InputDigest != p.InputDigest {
			t.Errorf("read back:\n%s\nsaved:\n%s", strings.Join(back.Lines(), "\n"), strings.Join(p.Lines(), "\n"))
		}
		again, _ := json.Marshal(&back)
		if string(again) != string(saved) {
			t.Errorf("the JSON changed on a round trip:\n%s\n%s", saved, again)
		}
		seen := map[string]bool{}
		for _, c := range p.Changes() {
			if seen[c.Address] {
				t.Errorf("two changes address %s", c.Address)
			}
			seen[c.Address] = true
		}
		carol := 0
		for _, c := range p.Changes() {
			if c.Address == "user.carol" {
				carol++
				if c.Applicable && (c.Action != "deactivate" || c.After["weaveRole"] != "none" || c.After["active"] != false) {
					t.Errorf("carol's change: %+v", c)
				}
			}
		}
		if carol != 1 {
			t.Errorf("%d changes address user.carol, want 1", carol)
		}
	})
}
