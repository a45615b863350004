package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/orgsync/orgimport"
	"github.com/go-wandb/identity/scim/scimtest"
)

// fixtures are the library's vendor fixtures.
const fixtures = "../../scim/orgsync/orgimport/testdata/"

func TestHelp(t *testing.T) {
	t.Parallel()
	exampletest.CheckHelpExit(t, "orgimport", command, "-preset name\n", "-users file\n", "-groups file\n", "-map file\n",
		"-merge file\n", "-out file\n", "-force\n", `"teams": [{"group": "wandb-(.+)-admins", "team": "$1", "role": "admin"}`,
		"3 when interrupted", "nothing is written")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-users", "u.csv"}, "-preset is required"},
		{[]string{"-preset", "workday", "-users", "u.csv"}, `-preset: unknown preset "workday" (want okta, entra, google, bamboohr, csv)`},
		{[]string{"-preset", "okta"}, "no export given"},
		{[]string{"-preset", "okta", "-users", "u.csv", "-force"}, "-force replaces the -out file: give -out"},
		{[]string{"-preset", "okta", "u.csv"}, "unexpected arguments"},
		{[]string{"-preset", "okta", "-users", ""}, "empty file name"},
		{[]string{"-bogus"}, "flag provided but not defined: -bogus"},
	} {
		exampletest.CheckUsageError(t, "orgimport", command, tt.args, tt.want)
	}
}

// TestImportPlan runs the flow: import to a file, then plan the
// file on the simulator; the file is not replaced without -force.
func TestImportPlan(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "org.json")
	args := []string{"-preset", "google", "-users", fixtures + "google/users.csv", "-groups", fixtures + "google/ml-platform.csv",
		"-groups", fixtures + "google/eng-leads.csv", "-out", out}
	r := exampletest.RunMain(t, "orgimport", args, command)
	want := "Wrote " + out + ": 4 users (1 inactive), 2 teams, 4 members; left out: 1 non-user member; 1 nested group flattened.\n"
	if r.Code != exampleenv.ExitOK || r.Stdout != want || r.Stderr != "" {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.Code, r.Stdout, want, r.Stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := orgsync.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	srv := scimtest.Start(t, scimtest.Options{})
	p, err := orgsync.New(srv.Client(t), orgsync.Options{}).Plan(context.Background(), f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Summary(), "Plan: 5 to create, 0 to update, 0 to deactivate, 4 members to add, 0 to remove, 0 team roles to change."; got != want {
		t.Errorf("plan %q, want %q", got, want)
	}

	// Again: the file exists.
	r = exampletest.RunMain(t, "orgimport", args, command)
	if r.Code != exampleenv.ExitFailed || !strings.Contains(r.Stderr, "file exists; use -force to replace it") || r.Stdout != "" {
		t.Errorf("over an existing file: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if again, _ := os.ReadFile(out); string(again) != string(data) {
		t.Error("the file changed")
	}
	r = exampletest.RunMain(t, "orgimport", append(args, "-force"), command)
	if r.Code != exampleenv.ExitOK || r.Stdout != want {
		t.Errorf("-force: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}

// TestStdout: without -out the file goes to standard output, the summary
// to standard error; JSON and CSV inputs are told apart by content.
func TestStdout(t *testing.T) {
	t.Parallel()
	r := exampletest.RunMain(t, "orgimport", []string{"-preset", "okta", "-users", fixtures + "okta/users.json",
		"-groups", fixtures + "okta/ml-platform.json", "-groups", fixtures + "okta/research.json"}, command)
	if r.Code != exampleenv.ExitOK || r.Stderr != "Imported 4 users (1 inactive), 2 teams, 4 members; left out: 1 membership of inactive users.\n" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	f, err := orgsync.Decode([]byte(r.Stdout))
	if err != nil || len(f.Users) != 4 || len(f.Teams) != 2 || f.Teams[0].Name != "ml-platform" {
		t.Errorf("stdout is not the file: %v\n%s", err, r.Stdout)
	}
}

// TestProblemsWriteNothing: every problem is printed with its file and
// line, and no file is written.
func TestProblemsWriteNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	users := filepath.Join(dir, "users.csv")
	members := filepath.Join(dir, "ml.csv")
	os.WriteFile(users, []byte("email,name\nada@acme.com,Ada\n,Nobody\nada@ACME.com,Ada again\n"), 0o644)
	os.WriteFile(members, []byte("email\nada@acme.com\nzed@acme.com\n"), 0o644)
	out := filepath.Join(dir, "org.json")
	r := exampletest.RunMain(t, "orgimport", []string{"-preset", "csv", "-users", users, "-groups", members, "-out", out}, command)
	want := users + ":3: no email (email, mail, workEmail is blank)\n" +
		users + ":4: email \"ada@ACME.com\" is also on " + users + ":2\n" +
		members + ":3: member \"zed@acme.com\": no user row names it\n" +
		"orgimport: 3 problems in the inputs; nothing written\n"
	if r.Code != exampleenv.ExitFailed || r.Stderr != want || r.Stdout != "" {
		t.Errorf("exit %d\nstderr:\n%s\nwant:\n%s", r.Code, r.Stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written", out)
	}
	// A mapping file's problems, likewise.
	mapping := filepath.Join(dir, "map.json")
	os.WriteFile(mapping, []byte("{\n  \"teams\": [{\"group\": \"(\"}]\n}\n"), 0o644)
	r = exampletest.RunMain(t, "orgimport", []string{"-preset", "csv", "-users", users, "-map", mapping, "-out", out}, command)
	if r.Code != exampleenv.ExitFailed || !strings.HasPrefix(r.Stderr, mapping+`: teams[0].group: "(" is not a regular expression`) {
		t.Errorf("bad mapping: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestSampleMapping: the documented sample decodes over every preset.
func TestSampleMapping(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("map.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range orgimport.Presets() {
		if _, err := orgimport.DecodeMapping("map.json", data, p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestReadmeMapping: the README's mapping sample is map.json.
func TestReadmeMapping(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile("map.json")
	if err != nil {
		t.Fatal(err)
	}
	section, _, _ := strings.Cut(string(readme[strings.Index(string(readme), "## Import from an identity provider"):]), "\n## ")
	if !strings.Contains(section, "```json\n"+string(sample)+"```\n") {
		t.Error("README: the mapping sample under \"## Import from an identity provider\" is not examples/orgimport/map.json")
	}
}

// TestInterrupted: a run interrupted before it writes writes nothing and
// exits with status 3.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "org.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr strings.Builder
	code := exampleenv.Run(ctx, "orgimport", []string{"-preset", "bamboohr", "-users", fixtures + "bamboohr/employees.csv", "-out", out},
		&stdout, &stderr, command)
	if code != exampleenv.ExitInterrupted || stderr.String() != "orgimport: interrupted\n" {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written", out)
	}
}

// TestMergeInPlace: -merge and -out on the same file, with -force, update
// it: what the exports do not mention is kept.
func TestMergeInPlace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	org := filepath.Join(dir, "org.json")
	users := filepath.Join(dir, "users.csv")
	os.WriteFile(org, []byte(`{"users": [{"userName": "root", "email": "root@acme.com", "organizationRole": "admin"}],
  "roles": [{"name": "auditor", "inheritedFrom": "viewer"}]}`), 0o644)
	os.WriteFile(users, []byte("email,status\nada@acme.com,active\n"), 0o644)
	r := exampletest.RunMain(t, "orgimport", []string{"-preset", "csv", "-users", users, "-merge", org, "-out", org, "-force"}, command)
	if r.Code != exampleenv.ExitOK || r.Stdout != "Wrote "+org+": 1 user (0 inactive), 0 teams, 0 members; kept from the merge file: 1 user, 0 teams, 1 role.\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	data, _ := os.ReadFile(org)
	want := `{
  "users": [
    {
      "userName": "ada",
      "email": "ada@acme.com",
      "organizationRole": "member",
      "active": true
    },
    {
      "userName": "root",
      "email": "root@acme.com",
      "organizationRole": "admin"
    }
  ],
  "roles": [
    {
      "name": "auditor",
      "inheritedFrom": "viewer"
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("%s:\n%s\nwant:\n%s", org, data, want)
	}
}
