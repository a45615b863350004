package orgimport_test

import (
	"testing"

	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

func src(name, data string) orgimport.Source { return orgimport.Source{Name: name, Data: []byte(data)} }

const rulesUsers = `email,userName,firstName,lastName,department,status
ada@acme.com,,Ada,Lovelace,Research,active
bob@acme.com,bobby,Bob,Builder,Finance,on leave
carol@acme.com,,Carol,Shaw,Finance,active
svc-ci@acme.com,,CI,Bot,,active
dan@contractors.example,,Dan,Bricklin,Research,active
`

const rulesGroups = `group,email,role
wandb-ml-admins,ada@acme.com,
wandb-ml,ada@acme.com,
wandb-ml,bob@acme.com,
wandb-ml,svc-ci@acme.com,
wandb-ml,dan@contractors.example,
wandb-finance,carol@acme.com,admin
wandb-finance,bob@acme.com,
Everyone,carol@acme.com,
`

// TestMappingRules checks the mapping's rules one by one, on one CSV of
// users (userName column, first and last names, a status the preset does
// not know) and one of members that names each member's group.
func TestMappingRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		mapping string
		want    string
		summary string
	}{{
		name:    "status value map merged into the preset's",
		mapping: `{"active": {"on leave": false}}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bobby", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@contractors.example", "displayName": "Dan Bricklin", "organizationRole": "member", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "Everyone", "membership": "exact", "members": [{"userName": "carol"}]},
			{"name": "wandb-finance", "membership": "exact", "members": [{"userName": "carol", "role": "admin"}]},
			{"name": "wandb-ml", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "dan"}, {"userName": "svc-ci"}]},
			{"name": "wandb-ml-admins", "membership": "exact", "members": [{"userName": "ada"}]}]}`,
		summary: "5 users (1 inactive), 4 teams, 6 members; left out: 2 memberships of inactive users.",
	}, {
		name: "team rules: captures, role, the first rule wins, the higher role, other groups ignored",
		mapping: `{"active": {"on leave": true}, "teams": [
			{"group": "wandb-(.+)-admins", "team": "$1", "role": "admin"},
			{"group": "wandb-(.+)", "team": "$1"}]}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bobby", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": true},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@contractors.example", "displayName": "Dan Bricklin", "organizationRole": "member", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "finance", "membership": "exact", "members": [{"userName": "bobby"}, {"userName": "carol", "role": "admin"}]},
			{"name": "ml", "membership": "exact", "members": [
				{"userName": "ada", "role": "admin"}, {"userName": "bobby"}, {"userName": "dan"}, {"userName": "svc-ci"}]}]}`,
		summary: "5 users (0 inactive), 2 teams, 6 members; left out: 1 group that makes no team.",
	}, {
		name: "otherGroups team, membership additive by rule and by default, ignoreGroups",
		mapping: `{"active": {"on leave": true}, "membership": "additive", "otherGroups": "team", "ignoreGroups": ["every.*"],
			"teams": [{"group": "wandb-ml", "team": "ml", "membership": "exact"}]}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bobby", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": true},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@contractors.example", "displayName": "Dan Bricklin", "organizationRole": "member", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "ml", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "bobby"}, {"userName": "dan"}, {"userName": "svc-ci"}]},
			{"name": "wandb-finance", "membership": "additive", "members": [{"userName": "bobby"}, {"userName": "carol", "role": "admin"}]},
			{"name": "wandb-ml-admins", "membership": "additive", "members": [{"userName": "ada"}]}]}`,
		summary: "5 users (0 inactive), 3 teams, 7 members; left out: 1 group by ignoreGroups.",
	}, {
		name: "ignoreUsers by email, domain and pattern: left out of the users and of every team",
		mapping: `{"active": {"on leave": true}, "teams": [{"group": "wandb-(.+)", "team": "$1"}],
			"ignoreUsers": {"emails": ["BOB@acme.com"], "domains": ["@contractors.example"], "patterns": ["svc-.*"]}}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "finance", "membership": "exact", "members": [{"userName": "carol", "role": "admin"}]},
			{"name": "ml", "membership": "exact", "members": [{"userName": "ada"}]},
			{"name": "ml-admins", "membership": "exact", "members": [{"userName": "ada"}]}]}`,
		summary: "2 users (0 inactive), 3 teams, 3 members; left out: 3 users by ignoreUsers, 1 group that makes no team, 4 memberships of ignored users.",
	}, {
		name: "user rules by group and by field; the first rule that sets a field wins; defaults",
		mapping: `{"active": {"on leave": true}, "teams": [{"group": "wandb-ml", "team": "ml"}],
			"defaults": {"organizationRole": "", "weaveRole": "viewer"},
			"userRules": [
				{"group": "wandb-.*-admins", "organizationRole": "admin", "modelsSeat": "full"},
				{"field": "department", "equals": "finance", "modelsSeat": "viewer", "organizationRole": "member"},
				{"field": "lastName", "pattern": "b.*", "modelsSeat": "none", "weaveRole": "none"}]}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "admin", "modelsSeat": "full", "weaveRole": "viewer", "active": true},
			{"userName": "bobby", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "modelsSeat": "viewer", "weaveRole": "none", "active": true},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "modelsSeat": "viewer", "weaveRole": "viewer", "active": true},
			{"userName": "dan", "email": "dan@contractors.example", "displayName": "Dan Bricklin", "modelsSeat": "none", "weaveRole": "none", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "modelsSeat": "none", "weaveRole": "none", "active": true}],
		  "teams": [
			{"name": "ml", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "bobby"}, {"userName": "dan"}, {"userName": "svc-ci"}]}]}`,
		summary: "5 users (0 inactive), 1 team, 4 members; left out: 3 groups that make no team.",
	}, {
		name: "noTeam: a group that makes no team still sets user rules",
		mapping: `{"active": {"on leave": true}, "userRules": [{"group": "wandb-ml-admins", "organizationRole": "admin"}],
			"teams": [{"group": "wandb-ml-admins", "noTeam": true}, {"group": "wandb-(.+)", "team": "$1"}]}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "admin", "active": true},
			{"userName": "bobby", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": true},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@contractors.example", "displayName": "Dan Bricklin", "organizationRole": "member", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "finance", "membership": "exact", "members": [{"userName": "bobby"}, {"userName": "carol", "role": "admin"}]},
			{"name": "ml", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "bobby"}, {"userName": "dan"}, {"userName": "svc-ci"}]}]}`,
		summary: "5 users (0 inactive), 2 teams, 6 members; left out: 2 groups that make no team.",
	}, {
		name:    "member roles by the group's role column, mapped",
		mapping: `{"active": {"on leave": true}, "teams": [{"group": "wandb-finance", "team": "finance"}], "groups": {"roles": {"ADMIN": "viewer"}}}`,
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bobby", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": true},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@contractors.example", "displayName": "Dan Bricklin", "organizationRole": "member", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "organizationRole": "member", "active": true}],
		  "teams": [{"name": "finance", "membership": "exact", "members": [{"userName": "bobby"}, {"userName": "carol", "role": "viewer"}]}]}`,
		summary: "5 users (0 inactive), 1 team, 2 members; left out: 3 groups that make no team.",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := orgimport.DecodeMapping("map.json", []byte(tt.mapping), orgimport.CSV)
			if err != nil {
				t.Fatal(err)
			}
			r, err := orgimport.Import(orgimport.Input{Preset: orgimport.CSV, Mapping: m, Now: now,
				Users: []orgimport.Source{src("users.csv", rulesUsers)}, Groups: []orgimport.Source{src("groups.csv", rulesGroups)}})
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, r.File, tt.want)
			if got := r.Summary.String(); got != tt.summary {
				t.Errorf("summary %q, want %q", got, tt.summary)
			}
		})
	}
}
