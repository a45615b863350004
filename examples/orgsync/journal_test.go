package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/jsonschema"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/users"
)

// readJournal reads a journal file, failing t when a line does not parse.
func readJournal(t *testing.T, path string) []orgsync.JournalEntry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := orgsync.ReadJournal(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(data), "\n"); lines != len(entries) {
		t.Errorf("%d lines, %d entries", lines, len(entries))
	}
	return entries
}

// TestJournalThenUndo applies a plan with a journal, undoes it, and plans
// the organization's earlier export: nothing to change, the created user
// deactivated, the created team and role kept and named.
func TestJournalThenUndo(t *testing.T) {
	l := newLive(t)
	before := filepath.Join(l.dir, "before.json")
	l.run(0, []string{"-export", before}, nil, nil)
	org := l.file("org.json", `{
	  "users": [{"userName": "bob", "modelsSeat": "viewer", "weaveRole": "none"},
	            {"userName": "dave", "email": "dave@example.com"},
	            {"userName": "carol", "weaveRole": "none", "active": false}],
	  "teams": [{"name": "ml-platform", "members": [{"userName": "bob", "role": "admin"}, {"userName": "dave"}]},
	            {"name": "new-team", "members": [{"userName": "bob"}]}],
	  "roles": [{"name": "auditor", "inheritedFrom": "viewer", "permissions": ["run:stop"]}]
	}`)
	journal := filepath.Join(l.dir, "apply.jsonl")
	l.run(0, []string{"-file", org, "-apply", "-auto-approve", "-max-removals", "100%", "-journal", journal},
		[]string{"Recording each change in the journal " + journal, "Applied 9 changes."}, nil)
	applied := l.writes()
	entries := readJournal(t, journal)
	var addresses []string
	for _, e := range entries {
		addresses = append(addresses, e.Address)
		if e.Outcome != orgsync.OutcomeApplied || e.Time.IsZero() || e.Target.BaseURL != l.srv.URL+"/scim" ||
			!strings.HasPrefix(e.RequestID, "sim-") {
			t.Errorf("entry %+v", e)
		}
	}
	if team, member := slices.Index(addresses, "team.new-team"), slices.Index(addresses, "team.new-team.member.bob"); team < 0 || member < team {
		t.Errorf("the journal records a new team's member before the team: %q", addresses)
	}
	for _, want := range []string{"role.auditor", "user.bob", "user.dave", "team.new-team", "team.ml-platform.member.bob",
		"team.ml-platform.member.dave", "team.ml-platform.member.carol", "team.new-team.member.bob",
		"user.bob.team_role.ml-platform", "user.carol"} {
		if !strings.Contains(strings.Join(addresses, " ")+" ", want+" ") {
			t.Errorf("the journal lacks %s: %q", want, addresses)
		}
	}

	// The undo plan, shown, then applied.
	l.run(2, []string{"-undo", journal}, []string{
		"~ user bob: modelsSeat viewer → full, weaveRole none → full",
		"- user dave: deactivate (undo)",
		"~ user carol: reactivate, weaveRole none → full",
		"~ team ml-platform members: +carol -bob -dave",
		"~ team new-team members: -bob",
		"not undone: team.new-team: W&B cannot delete a team",
		"not undone: role.auditor: a custom role is not deleted by an undo",
		"not undone: user.bob.team_role.ml-platform: the undo removes bob from team ml-platform again",
	}, nil)
	undoPlan := filepath.Join(l.dir, "undo-plan.json")
	l.run(2, []string{"-undo", journal, "-out", undoPlan}, []string{"Saved the plan to " + undoPlan}, nil)
	if data, err := os.ReadFile(undoPlan); err != nil || !strings.Contains(string(data), `"reason": "undo"`) {
		t.Errorf("the saved undo plan: %v\n%s", err, data)
	}
	l.run(1, []string{"-undo", journal, "-apply"}, nil, []string{"the plan removes 4, more than -max-removals 10% allows"})
	l.run(1, []string{"-undo", journal, "-apply", "-max-removals", "4"}, nil, []string{"not confirmed"})
	if n := l.writes(); n != applied {
		t.Errorf("%d writes before the undo was confirmed, want the apply's %d", n, applied)
	}
	undoJournal := filepath.Join(l.dir, "undo.jsonl")
	l.run(0, []string{"-undo", journal, "-apply", "-auto-approve", "-max-removals", "100%", "-journal", undoJournal},
		[]string{"Applied 5 changes."}, nil)
	if got := len(readJournal(t, undoJournal)); got != 7 {
		t.Errorf("the undo's journal has %d entries, want 7", got)
	}
	if u, _ := l.srv.User("dave"); !u.Inactive {
		t.Errorf("dave, created by the apply, is still active: %+v", u)
	}
	// The organization is back: its earlier export plans no change.
	l.run(0, []string{"-file", before}, []string{"No changes"}, nil)
}

// TestUndoRefusesAChangedResource: a user changed since the journal is
// refused, named, and the rest is undone.
func TestUndoRefusesAChangedResource(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}, {"userName": "carol", "weaveRole": "none"}]}`)
	journal := filepath.Join(l.dir, "apply.jsonl")
	l.run(0, []string{"-file", org, "-apply", "-auto-approve", "-journal", journal}, []string{"Applied 2 changes."}, nil)
	bob, err := users.New(l.srv.Client(t)).FindByUserName(context.Background(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users.New(l.srv.Client(t)).UpdateDisplayName(context.Background(), bob.ID, "Robert"); err != nil {
		t.Fatal(err)
	}
	l.run(1, []string{"-undo", journal, "-apply", "-auto-approve"}, []string{
		"~ user bob: modelsSeat viewer → full: FAILED: ", "412 Precondition Failed",
		"~ user carol: weaveRole none → full\n",
	}, nil)
	if u, _ := l.srv.User("bob"); u.ModelsSeat != "viewer" || u.DisplayName != "Robert" {
		t.Errorf("bob = %+v", u)
	}
	if u, _ := l.srv.User("carol"); u.WeaveRole != "full" {
		t.Errorf("carol = %+v", u)
	}
}

// TestUndoRefusesAChangedRole: a role changed since the journal (a
// permission added in the App) is refused, not overwritten by the undo's
// whole-role replace.
func TestUndoRefusesAChangedRole(t *testing.T) {
	l := newLive(t)
	rs := roles.New(l.srv.Client(t))
	ctx := context.Background()
	r, err := rs.Create(ctx, roles.Params{Name: "auditor", Description: "d1", InheritedFrom: roles.InheritViewer, Permissions: []string{"run:stop"}})
	if err != nil {
		t.Fatal(err)
	}
	org := l.file("org.json", `{"roles": [{"name": "auditor", "description": "d2", "inheritedFrom": "viewer", "permissions": ["run:stop"]}]}`)
	journal := filepath.Join(l.dir, "apply.jsonl")
	l.run(0, []string{"-file", org, "-apply", "-auto-approve", "-journal", journal}, []string{"Applied 1 change."}, nil)
	if e := readJournal(t, journal); len(e) != 1 || e[0].VersionAfter == "" {
		t.Fatalf("journal %+v: want the role's version after the change", e)
	}
	if _, err := rs.AddPermissions(ctx, r.ID, []string{"run:delete"}); err != nil {
		t.Fatal(err)
	}
	l.run(1, []string{"-undo", journal, "-apply", "-auto-approve"}, []string{
		`~ role auditor: description "d2" → "d1": FAILED: `, "412 Precondition Failed"}, nil)
	got, err := rs.Get(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != "d2" || !slices.Contains(got.CustomPermissions(), "run:delete") {
		t.Errorf("the role was overwritten: %+v", got)
	}
}

// TestPlanOfAnotherFileRefused: -apply -plan FILE -file org.json refuses a
// plan whose input_digest is not org.json's, and sends nothing.
func TestPlanOfAnotherFileRefused(t *testing.T) {
	l := newLive(t)
	reviewed := l.file("reviewed.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}]}`)
	merged := l.file("merged.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}, {"userName": "carol", "modelsSeat": "viewer"}]}`)
	plan := filepath.Join(l.dir, "plan.json")
	l.run(2, []string{"-file", reviewed, "-out", plan}, nil, nil)
	l.run(1, []string{"-apply", "-plan", plan, "-file", merged}, nil, []string{
		merged + " is not the file the plan was made from (its digest is sha256:", "the reviewed plan is not the merged file"})
	if n := l.writes(); n != 0 {
		t.Fatalf("%d changes sent", n)
	}
	l.run(0, []string{"-apply", "-plan", plan, "-file", reviewed}, []string{"Applied 1 change."}, nil)
}

// TestFormats prints the plan as markdown and as JSON that validates
// against the schema; -json is -format json.
func TestFormats(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}], "teams": [{"name": "ml-platform", "members": []}]}`)
	r := l.run(2, []string{"-file", org, "-format", "markdown", "-max-removals", "100%"}, []string{
		"### W&B organization plan for " + l.srv.URL + "/scim (dedicated): 2 changes (1 to update, 1 to remove from a team)",
		"> [!WARNING]", "| `team.ml-platform.member.carol` | remove |", "| `user.bob` | update | modelsSeat: `\"full\"` | modelsSeat: `\"viewer\"` |"}, nil)
	if strings.Contains(r.Stdout, "Using W&B") {
		t.Errorf("the markdown holds the program's notes:\n%s", r.Stdout)
	}
	schema := planSchemaFile(t)
	for _, args := range [][]string{{"-format", "json"}, {"-json"}} {
		r := l.run(2, append([]string{"-file", org}, args...), nil, nil)
		problems, err := schema.Validate([]byte(r.Stdout))
		if err != nil || len(problems) > 0 {
			t.Errorf("%q: %v %q\n%s", args, err, problems, r.Stdout)
		}
	}
}

// planSchemaFile compiles the plan's JSON Schema.
func planSchemaFile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.Compile(orgsync.PlanSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEverythingRefusedByTheGuard: a file whose only change deactivates
// the calling account plans nothing, says so, and exits 1 (not "no
// changes", 0), in a plan, an apply and the markdown alike.
func TestEverythingRefusedByTheGuard(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", `{"users": [{"userName": "admin", "active": false}]}`)
	const refusal = "the guard refuses 1 change the file asks for, and there is nothing else to change; nothing was changed"
	for _, args := range [][]string{{"-file", org}, {"-file", org, "-apply", "-auto-approve"}, {"-file", org, "-format", "markdown"}} {
		r := l.run(1, args, nil, []string{refusal, "! user admin: deactivate (protected: it is the calling account)"})
		if strings.Contains(r.Stdout, "the organization matches the file") {
			t.Errorf("%q says the organization matches the file:\n%s", args, r.Stdout)
		}
	}
	if n := l.writes(); n != 0 {
		t.Errorf("%d writes", n)
	}
}
