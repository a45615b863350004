package orgimport_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

// TestEntraTemplate reads Entra ID's bulk-create template: the version row
// and the examples row are skipped, columns are found by the property in
// "Name [property] Required", and "Block sign in" Yes is inactive. Its
// userPrincipalName is the email only because the mapping says so.
func TestEntraTemplate(t *testing.T) {
	t.Parallel()
	in := orgimport.Input{Preset: orgimport.Entra, Users: sources(t, "entra/template.csv"), Now: now}
	_, err := orgimport.Import(in)
	var ierr *orgimport.Error
	if !errors.As(err, &ierr) || len(ierr.Problems) != 1 ||
		ierr.Problems[0].String() != `entra/template.csv:2: no email column: want "mail" (the mapping's users.email)` {
		t.Errorf("without a mapping: %v; want the UPN refused as the email", err)
	}
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"users": {"email": "userPrincipalName"}}`), orgimport.Entra)
	if err != nil {
		t.Fatal(err)
	}
	in.Mapping = m
	r, err := orgimport.Import(in)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, r.File, `{"users": [
		{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
		{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false}]}`)
	if got := planApplyPlan(t, r.File); got != (orgsync.Counts{Create: 1}) {
		t.Errorf("plan counts %+v, want 1 to create", got)
	}
}

// TestMerge merges with an organization file: what the sources do not
// mention is kept as it is; a user they mention keeps its userName and the
// fields they leave unset; a team they make replaces the file's.
func TestMerge(t *testing.T) {
	t.Parallel()
	existing := `{
  "users": [
    {"userName": "ada.lovelace", "email": "ADA@acme.com", "organizationRole": "admin", "modelsSeat": "full"},
    {"userName": "root", "email": "root@acme.com", "organizationRole": "admin"},
    {"userName": "bob", "email": "bob@acme.com", "weaveRole": "viewer", "active": true}
  ],
  "teams": [
    {"name": "ml", "members": [{"userName": "root"}]},
    {"name": "ops", "membership": "additive", "members": [{"userName": "root", "role": "admin"}]}
  ],
  "roles": [{"name": "auditor", "inheritedFrom": "viewer", "permissions": ["run:stop"]}]
}`
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"defaults": {"organizationRole": ""}}`), orgimport.CSV)
	if err != nil {
		t.Fatal(err)
	}
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.CSV, Mapping: m, Now: now,
		Merge:  &orgimport.Source{Name: "org.json", Data: []byte(existing)},
		Users:  []orgimport.Source{src("users.csv", "email,displayName,status\nada@acme.com,Ada,active\nbob@acme.com,Bob,inactive\n")},
		Groups: []orgimport.Source{src("ml.csv", "email\nada@acme.com\nroot\n")}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, r.File, `{
	  "users": [
		{"userName": "ada.lovelace", "email": "ada@acme.com", "displayName": "Ada", "organizationRole": "admin", "modelsSeat": "full", "active": true},
		{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob", "weaveRole": "viewer", "active": false},
		{"userName": "root", "email": "root@acme.com", "organizationRole": "admin"}],
	  "teams": [
		{"name": "ml", "membership": "exact", "members": [{"userName": "ada.lovelace"}, {"userName": "root"}]},
		{"name": "ops", "membership": "additive", "members": [{"userName": "root", "role": "admin"}]}],
	  "roles": [{"name": "auditor", "inheritedFrom": "viewer", "permissions": ["run:stop"]}]}`)
	if got, want := r.Summary.String(), "2 users (1 inactive), 1 team, 2 members; kept from the merge file: 1 user, 1 team, 1 role."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestDecodeMapping checks the mapping file's problems, each with the file
// and its line or JSON path.
func TestDecodeMapping(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ data, want string }{
		{`{"users": {"emial": "mail"}}`, `orgimport: 1 problem in the inputs
  map.json:1: unknown field "emial"`},
		{"{\n  \"teams\": [{\"group\": 7}]\n}", `orgimport: 1 problem in the inputs
  map.json:2: teams.group: want string, not a JSON number`},
		{`{"teams": [{"group": "wandb-(.+", "team": "$1"}, {"group": "x", "team": "$2"}, {"team": "y"}]}`, "orgimport: 3 problems in the inputs\n" +
			"  map.json: teams[0].group: \"wandb-(.+\" is not a regular expression: error parsing regexp: missing closing ): `(?i)^(?:wandb-(.+)$`\n" +
			"  map.json: teams[1].team: $2: the pattern has 0 captures\n" +
			"  map.json: teams[2]: want \"name\" (a group's name) or \"group\" (a pattern of group names), one of them"},
		{`{"userRules": [{"group": "a", "field": "b", "modelsSeat": "gold"}, {"field": "dept", "equals": "x", "pattern": "y"}, {"group": "g"}],
		  "membership": "sometimes", "otherGroups": "drop"}`, "orgimport: 7 problems in the inputs\n" +
			"  map.json: userRules[0]: want \"group\" or \"field\", one of them\n" +
			"  map.json: userRules[0].modelsSeat: \"gold\" is not a seat (want full, viewer or none)\n" +
			"  map.json: userRules[1]: want \"equals\" or \"pattern\", not both\n" +
			"  map.json: userRules[1]: sets nothing: want \"organizationRole\", \"modelsSeat\" or \"weaveRole\"\n" +
			"  map.json: userRules[2]: sets nothing: want \"organizationRole\", \"modelsSeat\" or \"weaveRole\"\n" +
			"  map.json: otherGroups: \"drop\": want \"team\" or \"ignore\"\n" +
			"  map.json: membership: \"sometimes\": want \"exact\" or \"additive\""},
		{`{} {}`, "orgimport: 1 problem in the inputs\n  map.json: the file holds more than one JSON value"},
	} {
		_, err := orgimport.DecodeMapping("map.json", []byte(tt.data), orgimport.Okta)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s:\n got %v\nwant %s", tt.data, err, tt.want)
		}
	}
}

// TestDeterministic: the file does not depend on the order of the member
// files, and is the same JSON each time.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	run := func(groups ...string) string {
		r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Users: sources(t, "entra/users.csv"), Groups: sources(t, groups...)})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r.File)
		return string(b)
	}
	a := run("entra/ml-platform.csv", "entra/research.json")
	for range 5 {
		if b := run("entra/research.json", "entra/ml-platform.csv"); b != a {
			t.Fatalf("%s\n!=\n%s", b, a)
		}
	}
}

// TestPresets: every preset has a mapping; an unknown one is refused.
func TestPresets(t *testing.T) {
	t.Parallel()
	for _, p := range orgimport.Presets() {
		if _, err := orgimport.ParsePreset(strings.ToUpper(string(p))); err != nil {
			t.Error(err)
		}
		if m, err := p.Mapping(); err != nil || len(m.Users.Email) == 0 || m.Defaults.OrganizationRole != "member" {
			t.Errorf("%s: %+v, %v", p, m, err)
		}
	}
	if _, err := orgimport.ParsePreset("workday"); err == nil || err.Error() != `unknown preset "workday" (want okta, entra, google, bamboohr, csv)` {
		t.Errorf("workday: %v", err)
	}
}

// TestNestedGroups: nested groups among the inputs are flattened
// transitively, a cycle included; a nested group that is not among the
// inputs is left out and counted.
func TestNestedGroups(t *testing.T) {
	t.Parallel()
	users := "Email Address [Required],First Name [Required],Last Name [Required],Status [READ ONLY]\n" +
		"ada@acme.com,Ada,L,Active\nbob@acme.com,Bob,B,Active\ncarol@acme.com,Carol,S,Active\n"
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Google, Users: []orgimport.Source{src("users.csv", users)},
		Groups: []orgimport.Source{
			src("a.csv", "email,role,type,status\nada@acme.com,MEMBER,USER,ACTIVE\nb@acme.com,MEMBER,GROUP,ACTIVE\n"),
			src("b.csv", "email,role,type,status\nbob@acme.com,MEMBER,USER,ACTIVE\nc@acme.com,MEMBER,GROUP,ACTIVE\n"),
			src("c.csv", "email,role,type,status\ncarol@acme.com,MEMBER,USER,ACTIVE\na@acme.com,MEMBER,GROUP,ACTIVE\nelsewhere@acme.com,MEMBER,GROUP,ACTIVE\n")}})
	if err != nil {
		t.Fatal(err)
	}
	all := `[{"userName": "ada"}, {"userName": "bob"}, {"userName": "carol"}]`
	sameJSON(t, r.File.Teams, `[{"name": "a", "membership": "exact", "members": `+all+`},
		{"name": "b", "membership": "exact", "members": `+all+`}, {"name": "c", "membership": "exact", "members": `+all+`}]`)
	if got, want := r.Summary.String(), "3 users (0 inactive), 3 teams, 9 members; left out: 1 non-user member; 3 nested groups flattened."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestConcurrent runs imports sharing one Mapping and one Input at the
// same time (go test -race finds any write to them).
func TestConcurrent(t *testing.T) {
	t.Parallel()
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"teams": [{"group": "(.+)", "team": "team-$1"}],
		"userRules": [{"group": "ml-platform", "modelsSeat": "full"}]}`), orgimport.Entra)
	if err != nil {
		t.Fatal(err)
	}
	in := orgimport.Input{Preset: orgimport.Entra, Mapping: m, Users: sources(t, "entra/users.csv"),
		Groups: sources(t, "entra/ml-platform.csv", "entra/research.json")}
	results := make(chan string, 8)
	for range cap(results) {
		go func() {
			r, err := orgimport.Import(in)
			if err != nil {
				results <- err.Error()
				return
			}
			b, _ := json.Marshal(r.File)
			results <- string(b)
		}()
	}
	first := <-results
	if !strings.Contains(first, `"team-ml-platform"`) {
		t.Fatalf("unexpected file: %s", first)
	}
	for range cap(results) - 1 {
		if got := <-results; got != first {
			t.Errorf("%s\n!=\n%s", got, first)
		}
	}
}

// TestEntraMemberTemplate reads Entra ID's member upload template (a
// version row, "Member object ID or user principal name
// [memberObjectIdOrUpn] Required", a row of examples): members by object ID
// or userPrincipalName, the group named by the file.
func TestEntraMemberTemplate(t *testing.T) {
	t.Parallel()
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Users: sources(t, "entra/users.csv"),
		Groups: sources(t, "entra/wandb-ml.csv")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, r.File.Teams, `[{"name": "wandb-ml", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "Carol.Shaw"}]}]`)
}

// TestTeamRuleByName: a rule's name is a group's exact name, not a
// pattern: parentheses and dots are themselves.
func TestTeamRuleByName(t *testing.T) {
	t.Parallel()
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"teams": [{"name": "ML Platform (all)", "team": "ml-platform", "membership": "additive"},
		{"name": "a.b", "team": "ab"}]}`), orgimport.CSV)
	if err != nil {
		t.Fatal(err)
	}
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.CSV, Mapping: m,
		Users:  []orgimport.Source{src("users.csv", "email\nada@acme.com\n")},
		Groups: []orgimport.Source{src("groups.csv", "group,email\nml platform (ALL),ada@acme.com\naxb,ada@acme.com\n")}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, r.File.Teams, `[{"name": "ml-platform", "membership": "additive", "members": [{"userName": "ada"}]}]`)
	if got, want := r.Summary.String(), "1 user (0 inactive), 1 team, 1 member; left out: 1 group that makes no team."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestEntraGraphUsers reads Microsoft Graph's GET /users pages (saved one
// after the other): accountEnabled is a boolean there, and members match
// by id.
func TestEntraGraphUsers(t *testing.T) {
	t.Parallel()
	users := `{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
 "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=X",
 "value": [{"id": "u1", "displayName": "Ada Lovelace", "mail": "ada@acme.com", "userPrincipalName": "ada@acme.onmicrosoft.com", "accountEnabled": true}]}
{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
 "value": [{"id": "u2", "displayName": "Bob Builder", "mail": "bob@acme.com", "userPrincipalName": "bob@acme.onmicrosoft.com", "accountEnabled": false}]}`
	members := `{"value": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}, {"@odata.type": "#microsoft.graph.user", "id": "u2"}]}`
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Users: []orgimport.Source{src("users.json", users)},
		Groups: []orgimport.Source{src("ml.json", members)}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, r.File, `{"users": [
		{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
		{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false}],
	  "teams": [{"name": "ml", "membership": "exact", "members": [{"userName": "ada"}]}]}`)
}
