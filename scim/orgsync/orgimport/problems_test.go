package orgimport_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

// TestProblems gives inputs with one mistake of each kind and checks that
// Import reports every one at once, with its file and line (or JSON path),
// in the order of the files as given, and returns no file.
func TestProblems(t *testing.T) {
	t.Parallel()
	users := "\ufeffemail,userName,displayName,status,terminationDate\r\n" +
		"ada@acme.com,,\"Ada\r\nLovelace\",active,\r\n" + // lines 2-3
		",bob,Bob,active,\r\n" + // 4
		"ADA@acme.com,,Ada again,active,\r\n" + // 5
		"alan@acme.com,ada,Alan,active,\r\n" + // 6
		"carol@acme.com,,Carol,on holiday,\r\n" + // 7
		"dan@acme.com,,Dan,active,31/12/2025\r\n" + // 8
		"not-an-email,,X,active,\r\n" + // 9
		"eve@acme.com,,Eve,active,,extra\r\n" // 10
	groups := "group,email\nml,ada@acme.com\nml,zed@acme.com\nml2,ada@acme.com\n"
	graph := `{"value": [{"@odata.type": "#microsoft.graph.user", "email": "ada@acme.com"}],
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/groups/1/members?$skiptoken=X"}`
	okta := `{"members": [{"id": "00u1", "email": "ada@acme.com"}],
  "_links": {"next": {"href": "https://acme.okta.com/api/v1/groups/00g1/users?after=00u1"}}}`
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"teams": [
		{"group": "ml", "membership": "additive"}, {"group": "ml2", "team": "ml"}]}`), orgimport.CSV)
	if err != nil {
		t.Fatal(err)
	}
	merge := orgimport.Source{Name: "org.json", Data: []byte(`{"users": [{"userName": "x", "modelsSeat": "gold"}]}`)}
	_, err = orgimport.Import(orgimport.Input{Preset: orgimport.CSV, Mapping: m, Now: now, Merge: &merge,
		Users: []orgimport.Source{src("users.csv", users), src("nomail.csv", "name,dept\nx,y\n"), src("quote.csv", "email\n\"ada@acme.com\n"),
			src("semi.csv", "email;name\nzed@acme.com;Zed\n"), src("utf16.csv", "\xff\xfee\x00m\x00")},
		Groups: []orgimport.Source{src("groups.csv", groups), src("graph.json", graph), src("okta.json", okta),
			src("bad.json", "[\n{\"email\": \"a@b.c\"},\n{\"email\" \"x\"}\n]"),
			src("google.json", `{"kind": "admin#directory#members", "members": [{"email": "ada@acme.com", "type": "USER"}], "nextPageToken": "Q2hB"}`),
			src("members.json", "[\n  {\"email\": \"ada@acme.com\"},\n  {\"email\": \"zed@acme.com\"}\n]\n"+
				`{"value": [{"email": "ada@acme.com"},`+"\n"+`{"email": "yan@acme.com"}]}`)}})
	var ierr *orgimport.Error
	if !errors.As(err, &ierr) {
		t.Fatalf("err = %v, want an *orgimport.Error", err)
	}
	var got []string
	for _, p := range ierr.Problems {
		got = append(got, p.String())
	}
	want := []string{
		"users.csv:4: no email (email, mail, workEmail is blank)",
		`users.csv:5: email "ADA@acme.com" is also on users.csv:2`,
		`users.csv:6: userName "ada" (of "alan@acme.com") is also the userName of "ada@acme.com" on users.csv:2`,
		`users.csv:7: status "on holiday" is not in the mapping's "active" map (it has "active", "disabled", "enabled", "false", "inactive", "suspended", "terminated", "true")`,
		`users.csv:8: termination date "31/12/2025": want YYYY-MM-DD`,
		`users.csv:9: "not-an-email" is not an email address (want local@domain)`,
		"users.csv:10: 6 fields, but the header has 5",
		`nomail.csv:1: no email column: want "email" or "mail" or "workEmail" (the mapping's users.email)`,
		`quote.csv:2: not valid CSV: extraneous or missing " in quoted-field`,
		`semi.csv:1: no email column: want "email" or "mail" or "workEmail" (the mapping's users.email); the file's fields are separated by ";": save it as CSV with commas`,
		`utf16.csv: the file is UTF-16 (a spreadsheet's "Unicode text"): save it as CSV UTF-8`,
		`groups.csv:3: member "zed@acme.com": no user row names it`,
		`groups.csv:4: group "ml2" makes team "ml" exact, but group "ml" (groups.csv:2) makes it additive`,
		`graph.json: an incomplete member list: its last page links to a next one ("https://graph.microsoft.com/v1.0/groups/1/members?$skiptoken=X"); ` +
			"an exact team made from it would remove the members of the pages not saved, so save every page in the file",
		`okta.json: an incomplete member list: its last page links to a next one ("https://acme.okta.com/api/v1/groups/00g1/users?after=00u1"); ` +
			"an exact team made from it would remove the members of the pages not saved, so save every page in the file",
		`bad.json:3: not valid JSON: want ':' after object key`,
		`google.json: an incomplete member list: its last page links to a next one ("Q2hB"); ` +
			"an exact team made from it would remove the members of the pages not saved, so save every page in the file",
		`members.json:3: #1[1]: member "zed@acme.com": no user row names it`,
		`members.json:6: #2.value[1]: member "yan@acme.com": no user row names it`,
		`org.json: users[0].modelsSeat: "gold" is not a seat (want full, viewer or none)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGroupMatchingTwoRules: rules are tried in order and the first match
// wins (wandb-(.+)-admins before wandb-(.+) is how the README's sample
// works), but a group that an earlier pattern or ignoreGroups takes from a
// later rule that names it exactly is a problem: the rule written for it
// would never apply.
func TestGroupMatchingTwoRules(t *testing.T) {
	t.Parallel()
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"ignoreGroups": ["legacy-.*"], "teams": [
		{"group": "wandb-(.+)-admins", "team": "$1", "role": "admin"},
		{"group": "wandb-(.+)", "team": "$1"},
		{"name": "wandb-ml-platform", "team": "mlp"},
		{"group": "legacy-ml", "team": "ml"}]}`), orgimport.CSV)
	if err != nil {
		t.Fatal(err)
	}
	groups := "group,email\nwandb-ml-admins,ada@acme.com\nwandb-ml,ada@acme.com\nwandb-ml-platform,ada@acme.com\nlegacy-ml,ada@acme.com\n"
	_, err = orgimport.Import(orgimport.Input{Preset: orgimport.CSV, Mapping: m,
		Users: []orgimport.Source{src("users.csv", "email\nada@acme.com\n")}, Groups: []orgimport.Source{src("groups.csv", groups)}})
	want := "orgimport: 2 problems in the inputs\n" +
		`  groups.csv:4: group "wandb-ml-platform" matches teams[1] ("wandb-(.+)") and teams[2] ("wandb-ml-platform"), which names it: ` +
		"the first wins, so teams[2] never applies\n" +
		`  groups.csv:5: group "legacy-ml" matches ignoreGroups[0] ("legacy-.*") and teams[3] ("legacy-ml"), which names it: ` +
		"the first wins, so teams[3] never applies"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}
