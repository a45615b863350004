package orgsync_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// samplePlan is the plan the README shows for the sample file on the
// simulator's organization.
func samplePlan() *orgsync.Plan {
	return &orgsync.Plan{
		Format:  orgsync.FormatVersion,
		Managed: 7,
		Roles: []orgsync.RoleChange{{Action: orgsync.Update, Name: "run-operator", ID: "r1", Version: "W/\"1\"",
			Fields:      []orgsync.FieldChange{{Field: "description", From: "Members who may also stop runs", To: "Members who may also stop and delete runs"}},
			Description: "Members who may also stop and delete runs", InheritedFrom: "member",
			Permissions: []string{"run:stop", "run:delete"}, Add: []string{"run:delete"}}},
		Users: []orgsync.UserChange{
			{Action: orgsync.Update, UserName: "ada", ID: "u1", Version: "W/\"3\"", Fields: []orgsync.FieldChange{
				{Field: "displayName", From: "Ada", To: "Ada Lovelace"}, {Field: "weaveRole", From: "full", To: "viewer"}}},
			{Action: orgsync.Create, UserName: "alan", Fields: []orgsync.FieldChange{
				{Field: "email", To: "alan@example.com"}, {Field: "organizationRole", To: "run-operator"}, {Field: "modelsSeat", To: "viewer"}}},
			{Action: orgsync.Create, UserName: "grace", Fields: []orgsync.FieldChange{
				{Field: "email", To: "grace@example.com"}, {Field: "displayName", To: "Grace Hopper"}, {Field: "organizationRole", To: "admin"}}},
		},
		Memberships: []orgsync.MembershipChange{
			{Team: "ml-platform", TeamID: "g1", Version: "W/\"2\"", Add: []orgsync.UserRef{{UserName: "alan"}, {UserName: "bob", ID: "u2"}},
				Remove: []orgsync.UserRef{{UserName: "carol", ID: "u3"}}},
			{Team: "research", TeamID: "g2", Version: "W/\"1\"", Add: []orgsync.UserRef{{UserName: "grace"}}},
		},
		TeamRoles: []orgsync.TeamRoleChange{
			{UserName: "ada", UserID: "u1", Roles: []orgsync.TeamRoleShift{{Team: "ml-platform", From: "member", To: "admin"}}},
			{UserName: "alan", Roles: []orgsync.TeamRoleShift{{Team: "ml-platform", From: "member", To: "run-operator"}}},
		},
		Warnings: []orgsync.Problem{{Path: "users[2].organizationRole", Message: `"viewer" is stored by W&B as member with viewer seats`}},
	}
}

// removalPlan prunes 30 users and removes 40 members, with a few other
// changes, and one change the plan does not make.
func removalPlan() *orgsync.Plan {
	p := &orgsync.Plan{Format: orgsync.FormatVersion, Prune: true, Managed: 100}
	for i := range 30 {
		p.Users = append(p.Users, orgsync.UserChange{Action: orgsync.Deactivate, UserName: fmt.Sprintf("leaver%02d", i),
			ID: fmt.Sprintf("u%d", i), Version: `W/"1"`, Reason: "not in the file"})
	}
	p.Users = append(p.Users, orgsync.UserChange{Action: orgsync.Update, UserName: "ada", ID: "u100", Version: `W/"1"`,
		Fields: []orgsync.FieldChange{{Field: "modelsSeat", From: "full", To: "viewer"}}})
	m := orgsync.MembershipChange{Team: "research", TeamID: "g1", Version: `W/"4"`}
	for i := range 40 {
		m.Remove = append(m.Remove, orgsync.UserRef{UserName: fmt.Sprintf("member%02d", i), ID: fmt.Sprintf("u%d", 200+i)})
	}
	p.Memberships = []orgsync.MembershipChange{m}
	p.Skipped = []orgsync.Skipped{{UserName: "admin", Change: "deactivate", Reason: "protected: it is the calling account"}}
	return p
}

// bigPlan creates 2,000 users and adds them to 50 teams, and changes 1,000
// team roles: 5,050 changes.
func bigPlan() *orgsync.Plan {
	p := &orgsync.Plan{Format: orgsync.FormatVersion, Managed: 4000}
	for i := range 2000 {
		p.Users = append(p.Users, orgsync.UserChange{Action: orgsync.Create, UserName: fmt.Sprintf("user%04d", i),
			Fields: []orgsync.FieldChange{{Field: "email", To: fmt.Sprintf("user%04d@example.com", i)}}})
	}
	for t := range 50 {
		name := fmt.Sprintf("team%02d", t)
		p.Teams = append(p.Teams, orgsync.TeamChange{Name: name})
		m := orgsync.MembershipChange{Team: name}
		for i := t * 40; i < t*40+40; i++ {
			m.Add = append(m.Add, orgsync.UserRef{UserName: fmt.Sprintf("user%04d", i)})
		}
		p.Memberships = append(p.Memberships, m)
	}
	for i := range 1000 {
		p.TeamRoles = append(p.TeamRoles, orgsync.TeamRoleChange{UserName: fmt.Sprintf("user%04d", i),
			Roles: []orgsync.TeamRoleShift{{Team: fmt.Sprintf("team%02d", i/40), From: "member", To: "admin"}}})
	}
	return p
}

func TestWriteMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		plan *orgsync.Plan
		want []string // lines or fragments the comment must hold, in order
	}{
		{"sample", samplePlan(), []string{
			"### W&B organization plan: 10 changes (2 to create, 4 to update, 3 to add to a team, 1 to remove from a team)",
			"> [!WARNING]", "**Removals and deactivations** (1)", "| `team.ml-platform.member.carol` | remove |",
			"**Roles** (1)", "**Users** (3)", "**Members added** (3)", "**Team roles** (2)", "**Warnings**"}},
		{"empty", &orgsync.Plan{Format: orgsync.FormatVersion}, []string{
			"### W&B organization plan: no changes", "No changes: the organization matches the file."}},
		{"removals", removalPlan(), []string{
			"> This plan removes 70 things: review them first.", "**Removals and deactivations** (70)",
			"<details><summary>60 more</summary>", "**Users** (1)",
			"**Not applied (not applicable or protected)** (1)", "protected: it is the calling account"}},
		{"names", &orgsync.Plan{Format: orgsync.FormatVersion, Users: []orgsync.UserChange{{Action: orgsync.Create, UserName: "p|pe`x",
			Fields: []orgsync.FieldChange{{Field: "displayName", To: "<b>x</b> @team [l](u) a\\|b\nc"}}}}},
			[]string{"| `user.p\\|pe'x` | create | – | displayName: `\"<b>x</b> @team [l](u) a\\\\\\|b\\nc\"` |"}},
		{"5000 changes", bigPlan(), []string{"### W&B organization plan: 5050 changes (2050 to create, 1000 to update, 2000 to add to a team)", "… and", "more not shown, to keep this comment under 60000 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := tt.plan.WriteMarkdown(&b); err != nil {
				t.Fatal(err)
			}
			got := b.String()
			if len(got) > orgsync.MaxMarkdown {
				t.Errorf("%d characters, want at most %d", len(got), orgsync.MaxMarkdown)
			}
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("the comment lacks %q (in order)", w)
					continue
				}
				rest = rest[i+len(w):]
			}
			for _, line := range strings.Split(got, "\n") {
				if strings.HasPrefix(line, "| ") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 6 {
					t.Errorf("a row of other than 5 cells: %s", line)
				}
			}
			golden(t, filepath.Join("testdata", "markdown-"+strings.ReplaceAll(tt.name, " ", "-")+".md"), got)
		})
	}
}

// golden compares got with the file path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("the output differs from %s (go test -run %s -update rewrites it):\n%s", path, t.Name(), got)
	}
}
