package orgimport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/orgsync/orgimport"
	"github.com/go-wandb/identity/scim/scimtest"
)

// now is the clock of the tests: termination dates before it are past.
var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func source(t testing.TB, name string) orgimport.Source {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return orgimport.Source{Name: name, Data: data}
}

func sources(t testing.TB, names ...string) []orgimport.Source {
	var out []orgimport.Source
	for _, n := range names {
		out = append(out, source(t, n))
	}
	return out
}

// sameJSON fails t unless got, marshalled, equals the JSON want.
func sameJSON(t *testing.T, got any, want string) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		var gi, wi bytes.Buffer
		json.Indent(&gi, b, "", "  ")
		wb, _ := json.Marshal(w)
		json.Indent(&wi, wb, "", "  ")
		t.Errorf("got:\n%s\nwant:\n%s", gi.String(), wi.String())
	}
}

// planApplyPlan plans f on a new simulator, applies the plan, and plans
// again: the second plan must be empty, which proves the file is one W&B
// takes as it is. It returns the first plan's counts.
func planApplyPlan(t *testing.T, f *orgsync.File) orgsync.Counts {
	t.Helper()
	srv := scimtest.Start(t, scimtest.Options{})
	s := orgsync.New(srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1})), orgsync.Options{})
	ctx := context.Background()
	p, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if len(p.Warnings) > 0 {
		t.Errorf("plan warnings: %v", p.Warnings)
	}
	if _, err := s.Apply(ctx, p, orgsync.ApplyOptions{}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	again, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatalf("second plan: %v", err)
	}
	if !again.Empty() {
		var b bytes.Buffer
		again.WriteText(&b)
		t.Errorf("the second plan is not empty:\n%s", b.String())
	}
	return p.Counts()
}

// TestVendorExports converts a fixture of each vendor's documented export
// formats, quirks included, and plans the result on the simulator.
func TestVendorExports(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		in      orgimport.Input
		want    string // the file
		summary string
		counts  orgsync.Counts
	}{{
		// Okta's user CSV export: a byte-order mark, CRLF, a quoted field
		// with a comma and a newline, doubled quotes, header names with
		// other case and spaces, blank trailing lines; a group-member page
		// of the API matched by profile.login to the login column.
		name: "okta csv",
		in:   orgimport.Input{Preset: orgimport.Okta, Users: sources(t, "okta/users.csv"), Groups: sources(t, "okta/ml-platform.json")},
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace, Countess", "organizationRole": "member", "active": true},
			{"userName": "Bob", "email": "Bob@Acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@acme.com", "displayName": "Dan Bricklin", "organizationRole": "member", "active": false},
			{"userName": "grace.hopper", "email": "grace.hopper@acme.com", "displayName": "Grace Hopper", "organizationRole": "member", "active": true},
			{"userName": "svc-ci", "email": "svc-ci@acme.com", "displayName": "CI Bot", "organizationRole": "member", "active": true}],
		  "teams": [{"name": "ml-platform", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "grace.hopper"}]}]}`,
		summary: "6 users (2 inactive), 1 team, 2 members; left out: 1 membership of inactive users.",
		counts:  orgsync.Counts{Create: 5, AddMembers: 2},
	}, {
		// Okta's API: users in two pages saved one after the other, member
		// pages matched by user ID; LOCKED_OUT is active.
		name: "okta api",
		in: orgimport.Input{Preset: orgimport.Okta, Users: sources(t, "okta/users.json"),
			Groups: sources(t, "okta/ml-platform.json", "okta/research.json")},
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "grace.hopper", "email": "grace.hopper@acme.com", "displayName": "Grace Hopper", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "ml-platform", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "grace.hopper"}]},
			{"name": "research", "membership": "exact", "members": [{"userName": "carol"}, {"userName": "grace.hopper"}]}]}`,
		summary: "4 users (1 inactive), 2 teams, 4 members; left out: 1 membership of inactive users.",
		counts:  orgsync.Counts{Create: 5, AddMembers: 4},
	}, {
		// Entra ID: the users download (mail, not userPrincipalName, is the
		// email; accountEnabled False), a member download with a group and
		// a device, and Graph member pages whose nested group ml-platform
		// is among the inputs: flattened.
		name: "entra",
		in: orgimport.Input{Preset: orgimport.Entra, Users: sources(t, "entra/users.csv"),
			Groups: sources(t, "entra/ml-platform.csv", "entra/research.json")},
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false},
			{"userName": "Carol.Shaw", "email": "Carol.Shaw@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "pat", "email": "pat@example.org", "displayName": "Pat Partner", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "ml-platform", "membership": "exact", "members": [{"userName": "ada"}]},
			{"name": "research", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "Carol.Shaw"}, {"userName": "pat"}]}]}`,
		summary: "4 users (1 inactive), 2 teams, 4 members; left out: 3 non-user members, 2 memberships of inactive users; 1 nested group flattened.",
		counts:  orgsync.Counts{Create: 5, AddMembers: 4},
	}, {
		// Google Workspace: the admin console's download ("Never logged
		// in" is active, Suspended is not) and member lists with a nested
		// group (flattened) and the CUSTOMER member (left out).
		name: "google",
		in: orgimport.Input{Preset: orgimport.Google, Users: sources(t, "google/users.csv"),
			Groups: sources(t, "google/ml-platform.csv", "google/eng-leads.csv")},
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": true},
			{"userName": "dan", "email": "dan@acme.com", "displayName": "Dan Bricklin, Jr.", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "eng-leads", "membership": "exact", "members": [{"userName": "dan"}]},
			{"name": "ml-platform", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "carol"}, {"userName": "dan"}]}]}`,
		summary: "4 users (1 inactive), 2 teams, 4 members; left out: 1 non-user member; 1 nested group flattened.",
		counts:  orgsync.Counts{Create: 5, AddMembers: 4},
	}, {
		// Google's Directory API: users.list and members.list pages saved
		// as JSON; suspended is a boolean there; a CUSTOMER member has no
		// email (its id names it) and is left out.
		name: "google api",
		in: orgimport.Input{Preset: orgimport.Google, Users: sources(t, "google/users.json"),
			Groups: sources(t, "google/research.json")},
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false}],
		  "teams": [{"name": "research", "membership": "exact", "members": [{"userName": "ada"}]}]}`,
		summary: "2 users (1 inactive), 1 team, 1 member; left out: 1 non-user member, 1 membership of inactive users.",
		counts:  orgsync.Counts{Create: 2, AddMembers: 1},
	}, {
		// BambooHR: Inactive and a past termination date are inactive, a
		// future one and BambooHR's "0000-00-00" are not; departments are
		// groups, ";" separating two.
		name: "bamboohr",
		in:   orgimport.Input{Preset: orgimport.BambooHR, Users: sources(t, "bamboohr/employees.csv")},
		want: `{"users": [
			{"userName": "ada", "email": "ada@acme.com", "displayName": "Ada Lovelace", "organizationRole": "member", "active": true},
			{"userName": "bob", "email": "bob@acme.com", "displayName": "Bob Builder", "organizationRole": "member", "active": false},
			{"userName": "carol", "email": "carol@acme.com", "displayName": "Carol Shaw", "organizationRole": "member", "active": false},
			{"userName": "dan", "email": "dan@acme.com", "displayName": "Dan Bricklin", "organizationRole": "member", "active": true},
			{"userName": "eve", "email": "eve@acme.com", "displayName": "Eve Moneypenny", "organizationRole": "member", "active": true}],
		  "teams": [
			{"name": "Engineering", "membership": "exact", "members": []},
			{"name": "Finance", "membership": "exact", "members": [{"userName": "dan"}, {"userName": "eve"}]},
			{"name": "Research", "membership": "exact", "members": [{"userName": "ada"}, {"userName": "eve"}]}]}`,
		summary: "5 users (2 inactive), 3 teams, 4 members; left out: 2 memberships of inactive users.",
		counts:  orgsync.Counts{Create: 6, AddMembers: 4},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.in.Now = now
			r, err := orgimport.Import(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, r.File, tt.want)
			if got := r.Summary.String(); got != tt.summary {
				t.Errorf("summary %q, want %q", got, tt.summary)
			}
			if got := planApplyPlan(t, r.File); got != tt.counts {
				t.Errorf("plan counts %+v, want %+v", got, tt.counts)
			}
		})
	}
}
