package orgsync_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync"
)

func TestPlanUndo(t *testing.T) {
	t.Parallel()
	applied := func(c orgsync.Change, after string) orgsync.JournalEntry {
		c.Applicable = true
		return orgsync.JournalEntry{Change: c, Outcome: orgsync.OutcomeApplied, VersionAfter: after}
	}
	entries := []orgsync.JournalEntry{
		applied(orgsync.Change{Address: "role.auditor", Kind: "role", Action: "update", Name: "auditor", ID: "r1", Version: `W/"1"`,
			Before:  map[string]any{"description": "old", "permissions": []any{"run:stop"}},
			After:   map[string]any{"description": "new", "permissions": []any{"run:stop", "run:delete"}},
			Desired: map[string]any{"description": "new", "inheritedFrom": "viewer", "permissions": []any{"run:stop", "run:delete"}}}, `W/"2"`),
		applied(orgsync.Change{Address: "role.ops", Kind: "role", Action: "create", Name: "ops", ID: "r2",
			After: map[string]any{"description": "", "inheritedFrom": "member", "permissions": []any{}}}, `W/"1"`),
		applied(orgsync.Change{Address: "user.ada", Kind: "user", Action: "update", Name: "ada", ID: "u1", Version: `W/"1"`,
			Before: map[string]any{"modelsSeat": "full"}, After: map[string]any{"modelsSeat": "viewer"}}, `W/"2"`),
		applied(orgsync.Change{Address: "user.alan", Kind: "user", Action: "create", Name: "alan", ID: "u9",
			After: map[string]any{"email": "alan@example.com"}}, `W/"1"`),
		applied(orgsync.Change{Address: "user.bob", Kind: "user", Action: "deactivate", Name: "bob", ID: "u2", Version: `W/"4"`,
			Before: map[string]any{"active": true}, After: map[string]any{"active": false}}, `W/"5"`),
		applied(orgsync.Change{Address: "team.ml", Kind: "team", Action: "create", Name: "ml", ID: "g9",
			After: map[string]any{"name": "ml"}}, `W/"1"`),
		applied(orgsync.Change{Address: "team.research.member.carol", Kind: "member", Action: "remove", Name: "carol", ID: "g1",
			Version: `W/"3"`, UserID: "u3", Before: map[string]any{"team": "research", "userName": "carol"}}, `W/"4"`),
		applied(orgsync.Change{Address: "team.research.member.alan", Kind: "member", Action: "add", Name: "alan", ID: "g1",
			Version: `W/"3"`, UserID: "u9", After: map[string]any{"team": "research", "userName": "alan"}}, `W/"4"`),
		applied(orgsync.Change{Address: "user.ada.team_role.research", Kind: "team_role", Action: "update", Name: "ada", ID: "u1",
			Version: `W/"2"`, Before: map[string]any{"role": "member"}, After: map[string]any{"role": "admin"}}, `W/"3"`),
		{Change: orgsync.Change{Address: "user.dave", Kind: "user", Action: "deactivate", Name: "dave", ID: "u4"}, Outcome: orgsync.OutcomeFailed},
		{Change: orgsync.Change{Address: "user.erin", Kind: "user", Action: "deactivate", Name: "erin", ID: "u5"}, Outcome: orgsync.OutcomeUnknown},
	}
	u, err := orgsync.PlanUndo(entries)
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []string{
		`~ role auditor: description "new" → "old", permissions -run:delete`,
		"~ user ada: modelsSeat viewer → full",
		"- user alan: deactivate (undo)",
		"~ user bob: reactivate",
		"~ team research members: +carol -alan",
		"~ user ada team roles: research admin → member",
	}
	if got := u.Plan.Lines(); !reflect.DeepEqual(got, wantLines) {
		t.Errorf("undo plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	// Each inverse is conditional on the version the journal recorded.
	if r := u.Plan.Roles[0]; r.ID != "r1" || r.Version != `W/"2"` || r.Description != "old" || r.InheritedFrom != "viewer" {
		t.Errorf("role undo %+v", r)
	}
	// A membership's version is read at apply time (the journal records
	// none), and so is alan's, whom the membership change moved unseen.
	if m := u.Plan.Memberships[0]; m.TeamID != "g1" || m.Version != "" || m.Add[0].ID != "u3" || m.Remove[0].ID != "u9" {
		t.Errorf("membership undo %+v", m)
	}
	for _, c := range u.Plan.Users {
		if c.UserName == "alan" && (c.ID != "u9" || c.Version != "") || c.UserName == "bob" && (c.ID != "u2" || c.Version != `W/"5"`) {
			t.Errorf("user undo %+v", c)
		}
	}
	wantKept := []string{
		"team.ml: W&B cannot delete a team; delete it in the W&B App if it should go",
		"role.ops: a custom role is not deleted by an undo; delete it with roles.Delete or in the W&B App",
	}
	if !reflect.DeepEqual(u.Kept, wantKept) {
		t.Errorf("kept %q, want %q", u.Kept, wantKept)
	}
	for _, c := range u.Plan.Changes() {
		if c.Applicable && c.Reason != orgsync.ReasonUndo {
			t.Errorf("%s: reason %q, want undo", c.Address, c.Reason)
		}
	}
	saved, err := json.Marshal(u.Plan)
	if err != nil {
		t.Fatal(err)
	}
	var back orgsync.Plan
	if err := json.Unmarshal(saved, &back); err != nil || !back.Undo || !slices.Equal(back.Lines(), u.Plan.Lines()) {
		t.Errorf("the undo plan saved and read back: %v, Undo %v\n%q", err, back.Undo, back.Lines())
	}
	if got := u.Plan.Removals(); !reflect.DeepEqual(got, []string{"deactivate user alan", "remove alan from team research"}) {
		t.Errorf("removals %q", got)
	}
}

func TestPlanUndoRefusesIncompleteEntries(t *testing.T) {
	t.Parallel()
	_, err := orgsync.PlanUndo([]orgsync.JournalEntry{{Change: orgsync.Change{Address: "user.ada", Kind: "user", Action: "update", Name: "ada"},
		Outcome: orgsync.OutcomeApplied}})
	if err == nil || !strings.Contains(err.Error(), "orgsync: undo: journal entry 1 (user.ada): no id recorded") {
		t.Errorf("err = %v", err)
	}
}

// TestPlanUndoEdges: a reactivation's undo puts back what it set; on
// Multi-tenant Cloud a deactivation is not reactivated; a journal that
// spans the organization's first custom role (whose ID its target then
// gains) is one organization's.
func TestPlanUndoEdges(t *testing.T) {
	t.Parallel()
	ded := orgsync.Target{BaseURL: "https://acme.wandb.io/scim", Deployment: "dedicated"}
	org := ded
	org.Organization = "T3Jn"
	entry := func(target orgsync.Target, c orgsync.Change) orgsync.JournalEntry {
		c.Applicable = true
		return orgsync.JournalEntry{Target: target, Change: c, Outcome: orgsync.OutcomeApplied, VersionAfter: `W/"9"`}
	}
	u, err := orgsync.PlanUndo([]orgsync.JournalEntry{
		entry(ded, orgsync.Change{Address: "role.ops", Kind: "role", Action: "create", Name: "ops", ID: "r1",
			After: map[string]any{"description": "", "inheritedFrom": "member", "permissions": []any{}}}),
		entry(org, orgsync.Change{Address: "user.dee", Kind: "user", Action: "reactivate", Name: "dee", ID: "u4",
			Before: map[string]any{"active": false, "modelsSeat": "none"}, After: map[string]any{"active": true, "modelsSeat": "full"}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Plan.Lines(), []string{"~ user dee: modelsSeat full → none", "- user dee: deactivate (undo)"}; !slices.Equal(got, want) {
		t.Errorf("undo of a reactivation:\n%q\nwant\n%q", got, want)
	}
	if u.Plan.Target.Organization != "T3Jn" {
		t.Errorf("target %+v, want the organization the later entry names", u.Plan.Target)
	}

	mt := orgsync.Target{BaseURL: "https://api.wandb.ai/scim", Deployment: "multi-tenant"}
	u, err = orgsync.PlanUndo([]orgsync.JournalEntry{entry(mt, orgsync.Change{Address: "user.bob", Kind: "user", Action: "deactivate",
		Name: "bob", ID: "u2", Before: map[string]any{"active": true}, After: map[string]any{"active": false}})})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Plan.Lines()) != 0 || len(u.Kept) != 1 || !strings.Contains(u.Kept[0], "Multi-tenant Cloud cannot reactivate a user") {
		t.Errorf("Multi-tenant undo: plan %q, kept %q", u.Plan.Lines(), u.Kept)
	}

	other := org
	other.Organization = "T3Jo"
	if _, err := orgsync.PlanUndo([]orgsync.JournalEntry{
		entry(org, orgsync.Change{Address: "user.a", Kind: "user", Action: "update", Name: "a", ID: "u1"}),
		entry(other, orgsync.Change{Address: "user.b", Kind: "user", Action: "update", Name: "b", ID: "u2"}),
	}); err == nil || !strings.Contains(err.Error(), "undo one organization's journal at a time") {
		t.Errorf("two organizations: %v", err)
	}
}

// TestPlanUndoGivesBackTeamRoles: a member removed with a team role other
// than member is added back with that role.
func TestPlanUndoGivesBackTeamRoles(t *testing.T) {
	t.Parallel()
	u, err := orgsync.PlanUndo([]orgsync.JournalEntry{{Outcome: orgsync.OutcomeApplied, Change: orgsync.Change{
		Address: "team.research.member.carol", Kind: "member", Action: "remove", Name: "carol", ID: "g1", UserID: "u3",
		Before: map[string]any{"team": "research", "userName": "carol", "role": "admin"}, Applicable: true}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"~ team research members: +carol", "~ user carol team roles: research member → admin"}
	if got := u.Plan.Lines(); !slices.Equal(got, want) {
		t.Errorf("undo plan %q, want %q", got, want)
	}
	if tr := u.Plan.TeamRoles[0]; tr.UserID != "u3" || tr.Version != "" {
		t.Errorf("team role change %+v: want carol's ID, and her version read at apply time", tr)
	}
}
