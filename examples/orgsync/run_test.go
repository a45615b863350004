package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

func TestHelp(t *testing.T) {
	t.Parallel()
	exampletest.CheckHelpExit(t, "orgsync", command, "-max-removals value\n", "-prune\n", "-plan file\n", "-export file\n",
		`"membership": "exact"`, "-deployment string\n", "-auto-approve\n", "-force\n",
		"2 when changes are pending", "1 when something failed\n(the command line,", "3 when interrupted", "go run reports every failure as 1")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-export", "o.json", "-apply"}, "-export writes the organization and takes no other flag but -live"},
		{[]string{"-export", "o.json", "-file", "org.json"}, "-export writes the organization"},
		{[]string{"-plan", "p.json", "-prune"}, "-plan uses a saved plan"},
		{[]string{"-plan", "p.json", "-prune"}, "-plan uses a saved plan"},
		{[]string{"-format", "yaml"}, `-format "yaml": want text, json or markdown`},
		{[]string{"-json", "-format", "markdown"}, "-json is -format json"},
		{[]string{"-journal", "j.jsonl"}, "-journal goes with -apply"},
		{[]string{"-undo", "j.jsonl", "-file", "org.json"}, "-undo plans from a journal"},
		{[]string{"-apply", "-format", "markdown"}, "-format markdown shows a plan for review"},
		{[]string{"-max-removals", "ten"}, `invalid removal budget "ten"`},
		{[]string{"-max-removals", "150%"}, `invalid removal budget "150%"`},
		{[]string{"-max-removals", "NaN%"}, `invalid removal budget "NaN%"`},
		{[]string{"-max-removals", "Inf%"}, `invalid removal budget "Inf%"`},
		{[]string{"-max-removals", "-1%"}, `invalid removal budget "-1%"`},
		{[]string{"-deployment", "cloud"}, `-deployment "cloud": want multi-tenant, dedicated or self-managed`},
		{[]string{"org.json"}, "unexpected arguments"},
	} {
		exampletest.CheckUsageErrorExit(t, "orgsync", command, tt.args, tt.want, exampleenv.ExitFailed)
	}
}

// TestSimulatorMode runs the sample on the built-in simulator: a plan with
// every kind of change, and exit status 2.
func TestSimulatorMode(t *testing.T) {
	exampletest.ClearEnv(t)
	r := exampletest.RunMain(t, "orgsync", nil, command)
	if r.Code != exampleenv.ExitPending || r.Stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	want := `Using the built-in W&B simulator (use -live for a real W&B).
Read examples/orgsync/org.json (the built-in sample): 3 users, 2 teams, 1 role.
  ~ role run-operator: description "Members who may also stop runs" → "Members who may also stop and delete runs", permissions +run:delete
  ~ user ada: displayName "Ada" → "Ada Lovelace", weaveRole full → viewer
  + user alan: email alan@example.com, organizationRole run-operator, modelsSeat viewer
  + user grace: email grace@example.com, displayName "Grace Hopper", organizationRole admin
  ~ team ml-platform members: +alan +bob -carol
  ~ team research members: +grace
  ~ user ada team roles: ml-platform member → admin
  ~ user alan team roles: ml-platform member → run-operator
Plan: 2 to create, 2 to update, 0 to deactivate, 3 members to add, 1 to remove, 2 team roles to change.
Changes are pending: run again with -apply to make them.
`
	if r.Stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.Stdout, want)
	}
	r = exampletest.RunMain(t, "orgsync", []string{"-apply", "-auto-approve"}, command)
	if r.Code != exampleenv.ExitOK || !strings.HasSuffix(r.Stdout, "Applying 8 changes:\n"+indented(want, 2, 10)+"Applied 8 changes.\n") {
		t.Errorf("-apply: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// indented returns lines from to to (0-based, exclusive) of s.
func indented(s string, from, to int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[from:to], "")
}

// live is a simulator that -live reaches, with files in a temporary
// directory.
type live struct {
	t   *testing.T
	srv *scimtest.Server
	dir string
}

func newLive(t *testing.T) *live {
	srv := scimtest.Start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "bob", Email: "bob@example.com"}, {UserName: "carol", Email: "carol@example.com"},
			{UserName: "ci-bot", AccountType: scimtest.AccountOrgService}},
		Teams: []scimtest.Team{{Name: "ml-platform", Members: []string{"carol", "ci-bot"}}},
	})
	exampletest.UseServer(t, srv)
	return &live{t: t, srv: srv, dir: t.TempDir()}
}

// file writes content to name in the directory and returns its path.
func (l *live) file(name, content string) string {
	l.t.Helper()
	p := filepath.Join(l.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		l.t.Fatal(err)
	}
	return p
}

// run runs orgsync -live with args and checks the exit status and that stdout
// and stderr contain the wanted texts.
func (l *live) run(code int, args []string, stdout, stderr []string) exampletest.Result {
	l.t.Helper()
	r := exampletest.RunMain(l.t, "orgsync", append([]string{"-live"}, args...), command)
	if r.Code != code {
		l.t.Errorf("%q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.Code, code, r.Stdout, r.Stderr)
	}
	for _, w := range stdout {
		if !strings.Contains(r.Stdout, w) {
			l.t.Errorf("%q: stdout lacks %q:\n%s", args, w, r.Stdout)
		}
	}
	for _, w := range stderr {
		if !strings.Contains(r.Stderr, w) {
			l.t.Errorf("%q: stderr lacks %q:\n%s", args, w, r.Stderr)
		}
	}
	return r
}

// writes counts the requests other than reads the server received.
func (l *live) writes() int {
	n := 0
	for _, r := range l.srv.Requests() {
		if r.Method != http.MethodGet && r.Path != "/graphql" {
			n++
		}
	}
	return n
}

const liveFile = `{
  "users": [{"userName": "ada", "email": "ada@example.com", "organizationRole": "admin"}],
  "teams": [{"name": "ml-platform", "members": [{"userName": "ada", "role": "admin"}, {"userName": "bob"}]}],
  "roles": [{"name": "auditor", "inheritedFrom": "viewer", "permissions": ["run:stop"]}]
}`

// TestPlanApplyPlan checks the exit statuses of a plan with changes (2),
// its apply (0), and the plan after it (0, no changes), as text and JSON.
func TestPlanApplyPlan(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", liveFile)
	l.run(2, []string{"-file", org}, []string{
		"Using W&B at " + l.srv.URL + "/scim (-live).\nRead " + org + ": 1 user, 1 team, 1 role.\n",
		"~ team ml-platform members: +ada +bob -carol\n",
		"Plan: 2 to create, 0 to update, 0 to deactivate, 2 members to add, 1 to remove, 1 team role to change.\n",
		"Changes are pending: run again with -apply to make them.\n",
	}, nil)
	r := l.run(0, []string{"-file", org, "-apply", "-auto-approve", "-json"}, []string{`"status": "applied"`}, []string{"Applying 4 changes:"})
	var report struct {
		Results []struct{ Change, Status string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &report); err != nil || len(report.Results) != 4 ||
		report.Results[0] != (struct{ Change, Status string }{"+ role auditor: inheritedFrom viewer, permissions +run:stop", "applied"}) {
		t.Errorf("-json report: %v, %+v\n%s", err, report, r.Stdout)
	}
	if tm, _ := l.srv.Team("ml-platform"); strings.Join(tm.Members, ",") != "ci-bot,ada,bob" || tm.Roles["ada"] != "admin" {
		t.Errorf("team = %+v", tm)
	}
	l.run(0, []string{"-file", org}, []string{"No changes: the organization matches the file.\n"}, nil)
	r = l.run(0, []string{"-file", org, "-json"}, nil, []string{"Using W&B at "})
	var p orgsync.Plan
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil || !p.Empty() || p.Format != orgsync.FormatVersion {
		t.Errorf("-json: %v, %+v\n%s", err, p, r.Stdout)
	}
}

// TestSavedPlan saves a plan with -out, changes the organization, and
// applies the saved plan: the change to the resource changed since is
// refused with 412, the other applied, exit status 1.
func TestSavedPlan(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}, {"userName": "carol", "weaveRole": "none"}]}`)
	saved := filepath.Join(l.dir, "plan.json")
	l.run(2, []string{"-file", org, "-out", saved}, []string{"Saved the plan to " + saved + ".\n"}, nil)
	l.run(2, []string{"-plan", saved}, []string{"~ user bob: modelsSeat full → viewer\n  ~ user carol: weaveRole full → none\n"}, nil)

	ctx := context.Background()
	us := users.New(l.srv.Client(t))
	bob, err := us.FindByUserName(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := us.UpdateDisplayName(ctx, bob.ID, "Robert"); err != nil {
		t.Fatal(err)
	}
	l.run(1, []string{"-apply", "-plan", saved}, []string{
		"~ user bob: modelsSeat full → viewer: FAILED: users.Patch: ",
		"412 Precondition Failed",
		"  ~ user carol: weaveRole full → none\nApplied 1 of 2 changes: 1 failed.\n",
	}, []string{"orgsync: Applied 1 of 2 changes: 1 failed. First: ~ user bob: modelsSeat full → viewer: FAILED: "})
	if u, _ := l.srv.User("bob"); u.ModelsSeat != "full" {
		t.Errorf("bob's seat changed: %+v", u)
	}
	if u, _ := l.srv.User("carol"); u.WeaveRole != "none" {
		t.Errorf("carol's weave role: %+v", u)
	}
	bad := l.file("bad-plan.json", `{"format_version": 2, "userz": []}`)
	l.run(1, []string{"-apply", "-plan", bad}, nil, []string{bad + `:1:23: unknown field "userz"`})
}

// TestExportThenPlan exports the organization and plans the export with
// -prune: nothing to change.
func TestExportThenPlan(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	ts := teams.New(l.srv.Client(t))
	team, err := ts.FindByName(ctx, "ml-platform")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.AddMembers(ctx, team.ID, []string{"bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(l.dir, "exported.json")
	l.run(0, []string{"-export", exported}, []string{"Exported 3 users, 1 team and 0 roles to " + exported + ".\n"}, nil)
	l.run(0, []string{"-file", exported, "-prune"}, []string{"No changes: the organization matches the file.\n"}, nil)
	r := l.run(0, []string{"-export", "-"}, nil, []string{"Using W&B at "})
	var f orgsync.File
	if err := json.Unmarshal([]byte(r.Stdout), &f); err != nil || len(f.Users) != 3 || len(f.Teams) != 1 {
		t.Errorf("-export -: %v, %+v", err, f)
	}
}

// TestRemovalBudget checks that -apply refuses, before any change, a plan
// that removes more than -max-removals, and lists what it would remove.
func TestRemovalBudget(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", `{"users": [{"userName": "bob"}], "teams": [{"name": "ml-platform", "members": []}]}`)
	l.run(2, []string{"-file", org, "-prune"}, []string{"- user carol: deactivate (not in the file)\n",
		"Note: -apply would refuse this plan: it removes 2, and -max-removals 10% allows 1.\n"}, nil)
	l.run(1, []string{"-file", org, "-prune", "-apply", "-auto-approve"}, nil, []string{
		"orgsync: the plan removes 2, more than -max-removals 10% allows (1 of the 1 users and members the file lists); nothing was applied.",
		"\n  deactivate user carol\n  remove carol from team ml-platform\n",
	})
	if n := l.writes(); n != 0 {
		t.Errorf("%d changes sent", n)
	}
	l.run(0, []string{"-file", org, "-prune", "-apply", "-auto-approve", "-max-removals", "2"}, []string{"Applied 2 changes.\n"}, nil)
	if u, _ := l.srv.User("carol"); !u.Inactive {
		t.Errorf("carol = %+v", u)
	}
}

// TestBadFile checks that a file's problems are reported, each with its
// JSON path (or line and column for bad JSON), before anything is read.
func TestBadFile(t *testing.T) {
	l := newLive(t)
	bad := l.file("bad.json", `{"users": [{"userName": "ada", "emial": "a@b.c"}, {"userName": "ADA", "modelsSeat": "gold"}],
  "teams": [{"name": "ml", "members": [{"userName": "zed", "role": " "}]}]}`)
	l.run(1, []string{"-file", bad}, nil, []string{
		"orgsync: " + bad + ": 4 problems, nothing was read or changed:\n" +
			"  users[0].emial: unknown key \"emial\" (did you mean \"email\"?)\n" +
			"  users[1].userName: userName \"ADA\" is also at users[0].userName\n" +
			"  users[1].modelsSeat: \"gold\" is not a seat (want full, viewer or none)\n" +
			"  teams[0].members[0].role: must not be blank (want admin, member, viewer or a custom role's name)\n",
	})
	syntax := l.file("syntax.json", "{\n  \"users\": [\n    {\"userName\": \"ada\",}\n  ]\n}")
	l.run(1, []string{"-file", syntax}, nil, []string{syntax + ":3:24: invalid character '}'"})
	if n := len(l.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for bad files", n)
	}
	unknown := l.file("unknown.json", `{"teams": [{"name": "ml", "members": [{"userName": "zed"}]}]}`)
	l.run(1, []string{"-file", unknown}, nil, []string{
		"1 problem, nothing was read or changed:\n  teams[0].members[0].userName: \"zed\" is neither a user of the file nor of the organization\n"})
	if n := l.writes(); n != 0 {
		t.Errorf("%d changes sent", n)
	}
}

// TestReadme checks that the README's organization-as-code section shows
// this program's sample file and the plan it prints on the simulator.
func TestReadme(t *testing.T) {
	exampletest.ClearEnv(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Organization as code\n")
	if !ok {
		t.Fatal("README: no section \"Organization as code\"")
	}
	_, sample, _ := strings.Cut(section, "```json\n")
	sample, _, _ = strings.Cut(sample, "```")
	if sample != string(sampleOrg) {
		t.Errorf("the README's sample differs from %s:\n%s", samplePath, sample)
	}
	_, plan, _ := strings.Cut(section, "On the simulator, the sample plans:\n\n```\n")
	plan, _, _ = strings.Cut(plan, "```")
	r := exampletest.RunMain(t, "orgsync", nil, command)
	if !strings.Contains(r.Stdout, "\n"+plan) {
		t.Errorf("the README's plan:\n%s\nthe program's:\n%s", plan, r.Stdout)
	}
	// The JSON plan the README shows is the program's, but for the
	// simulator's port, and it validates against the schema.
	_, jsonPlan, _ := strings.Cut(section, "as <code>bin/orgsync -format json</code> prints it (<code>base_url</code> has a new port each run)</summary>\n\n```json\n")
	jsonPlan, _, _ = strings.Cut(jsonPlan, "```")
	r = exampletest.RunMain(t, "orgsync", []string{"-format", "json"}, command)
	got := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).ReplaceAllString(r.Stdout, "http://127.0.0.1:7357")
	if jsonPlan == "" || got != jsonPlan {
		t.Errorf("the README's JSON plan:\n%s\nthe program's:\n%s", jsonPlan, got)
	}
	if problems, err := planSchemaFile(t).Validate([]byte(jsonPlan)); err != nil || len(problems) > 0 {
		t.Errorf("the README's JSON plan does not validate: %v %q", err, problems)
	}
	for _, want := range []string{"go build -o bin/ ./examples/orgsync", "`go run` reports every failure as exit status 1"} {
		if !strings.Contains(section, want) {
			t.Errorf("the README's section lacks %q", want)
		}
	}
	// Every command the section shows, the CI snippet's included, is one
	// the built program accepts.
	section, _, _ = strings.Cut(section, "\n## ")
	commands := 0
	for _, line := range strings.Split(section, "\n") {
		args, ok := strings.CutPrefix(strings.TrimSpace(line), "bin/orgsync")
		if !ok {
			continue
		}
		args, _, _ = strings.Cut(args, " #")
		args, _, _ = strings.Cut(args, "||")
		args, _, _ = strings.Cut(args, " >")
		commands++
		if _, err := parse(strings.Fields(args), io.Discard); err != nil {
			t.Errorf("README: %q: %v", line, err)
		}
	}
	if commands < 8 {
		t.Errorf("the README's section shows %d commands of bin/orgsync, want the walk-through and CI's", commands)
	}
}
