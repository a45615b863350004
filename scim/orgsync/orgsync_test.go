package orgsync_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// sampleFile is the file of the README and the issue.
const sampleFile = `{
  "users": [{"userName": "ada", "email": "ada@example.com", "displayName": "Ada Lovelace",
             "organizationRole": "member", "modelsSeat": "full", "weaveRole": "viewer", "active": true},
            {"userName": "bob", "email": "bob@example.com", "organizationRole": "auditor"}],
  "teams": [{"name": "ml-platform", "members": [{"userName": "ada", "role": "admin"}, {"userName": "bob"}]}],
  "roles": [{"name": "auditor", "description": "read-only audits", "inheritedFrom": "viewer",
             "permissions": ["run:stop"]}]
}`

// fixture is a simulator with a Syncer and the services on one client.
type fixture struct {
	srv   *scimtest.Server
	sync  *orgsync.Syncer
	users *users.Service
	teams *teams.Service
	roles *roles.Service
	mt    bool
}

func start(t *testing.T, opts scimtest.Options) *fixture {
	t.Helper()
	srv := scimtest.Start(t, opts)
	mt := opts.Flavor == scimtest.MultiTenant
	d := scim.Dedicated
	if mt {
		d = scim.MultiTenant
	}
	c := srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}), scim.WithDeployment(d))
	return &fixture{srv: srv, sync: orgsync.New(c, orgsync.Options{}),
		users: users.New(c), teams: teams.New(c), roles: roles.New(c), mt: mt}
}

// inBothFlavours runs test in parallel against a Dedicated and a
// Multi-tenant simulator seeded with opts.
func inBothFlavours(t *testing.T, opts scimtest.Options, test func(t *testing.T, fx *fixture)) {
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		t.Run(flavor.String(), func(t *testing.T) {
			t.Parallel()
			o := opts
			o.Flavor = flavor
			test(t, start(t, o))
		})
	}
}

func decode(t *testing.T, file string) *orgsync.File {
	t.Helper()
	f, err := orgsync.Decode([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (fx *fixture) plan(t *testing.T, f *orgsync.File, prune bool) *orgsync.Plan {
	t.Helper()
	p, err := fx.sync.Plan(context.Background(), f, orgsync.PlanOptions{Prune: prune})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (fx *fixture) apply(t *testing.T, p *orgsync.Plan, budget orgsync.Budget) *orgsync.Report {
	t.Helper()
	r, err := fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: budget})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// writes returns the write requests the server received after the first
// skip requests, as "METHOD /scim/Kind/name If-Match" (a create as
// "POST /scim/Kind name"), with resources named rather than by ID (IDs
// depend on the order of concurrent creates). Requests to different
// resources of one collection run concurrently, so each run of requests to
// one collection is ordered by resource name, keeping each resource's own
// requests in the order they were sent.
func (fx *fixture) writes(skip int) []string {
	st := fx.srv.State()
	names := map[string]string{}
	for _, u := range st.Users {
		names[u.ID] = u.UserName
	}
	for _, tm := range st.Teams {
		names[tm.ID] = tm.Name
	}
	for _, r := range st.Roles {
		names[r.ID] = r.Name
	}
	type write struct{ dir, name, line string }
	var ws []write
	for _, r := range fx.srv.Requests()[skip:] {
		if r.Method == http.MethodGet || r.Path == "/graphql" {
			continue
		}
		dir, id, hasID := strings.Cut(strings.TrimPrefix(r.Path, "/scim/"), "/")
		w := write{dir: dir}
		if hasID {
			id, _ = url.PathUnescape(id)
			w.name = names[id]
			w.line = strings.TrimSpace(r.Method + " /scim/" + dir + "/" + w.name + " " + r.Header.Get("If-Match"))
		} else {
			w.name = createdName(r.Body)
			w.line = r.Method + " " + r.Path + " " + w.name
		}
		ws = append(ws, w)
	}
	for i := 0; i < len(ws); {
		j := i + 1
		for j < len(ws) && ws[j].dir == ws[i].dir {
			j++
		}
		slices.SortStableFunc(ws[i:j], func(a, b write) int { return strings.Compare(a.name, b.name) })
		i = j
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.line
	}
	return out
}

// createdName is the name a create's body gives its resource: a user's
// userName, a team's displayName or a role's name.
func createdName(body []byte) string {
	var v struct{ UserName, DisplayName, Name string }
	if err := json.Unmarshal(body, &v); err != nil {
		return "(" + err.Error() + ")"
	}
	return cmp.Or(v.UserName, v.DisplayName, v.Name)
}

func checkLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func skippedLines(p *orgsync.Plan) []string {
	var out []string
	for _, s := range p.Skipped {
		out = append(out, s.String())
	}
	return out
}

// TestPlanApplyPlanAgain plans the sample file on an organization that has
// only its admin and an org service account, applies it, checks every
// request and the organization, and plans again: no changes.
func TestPlanApplyPlanAgain(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{Users: []scimtest.User{{UserName: "ci-bot", AccountType: scimtest.AccountOrgService}}}
	inBothFlavours(t, seed, func(t *testing.T, fx *fixture) {
		f := decode(t, sampleFile)
		p := fx.plan(t, f, false)
		ada := "+ user ada: email ada@example.com, displayName \"Ada Lovelace\", organizationRole member, modelsSeat full, weaveRole viewer"
		var skipped []string
		if fx.mt {
			ada = "+ user ada: email ada@example.com, organizationRole member, modelsSeat full, weaveRole viewer"
			skipped = []string{`! user ada: displayName "Ada Lovelace" (not applicable: Multi-tenant Cloud cannot change a user's displayName)`}
		}
		checkLines(t, "plan", p.Lines(), []string{
			`+ role auditor: description "read-only audits", inheritedFrom viewer, permissions +run:stop`,
			ada,
			"+ user bob: email bob@example.com, organizationRole auditor",
			"+ team ml-platform",
			"~ team ml-platform members: +ada +bob",
			"~ user ada team roles: ml-platform member → admin",
		})
		checkLines(t, "skipped", skippedLines(p), skipped)
		if got, want := p.Summary(), "Plan: 4 to create, 0 to update, 0 to deactivate, 2 members to add, 0 to remove, 1 team role to change."; got != want {
			t.Errorf("Summary = %q, want %q", got, want)
		}
		if p.Managed != 4 || len(p.Removals()) != 0 {
			t.Errorf("Managed %d, removals %q", p.Managed, p.Removals())
		}

		before := len(fx.srv.Requests())
		r := fx.apply(t, p, orgsync.Budget{})
		if r.Summary() != "Applied 6 changes." || r.Count(orgsync.Applied) != 6 {
			t.Errorf("report: %s", r.Summary())
		}
		// One request per change, plus: ada's displayName (Dedicated) and
		// bob's custom role, set after the create with If-Match on its
		// version, and a read of ada before her team role, since joining
		// the team moved her version.
		want := []string{"POST /scim/Roles auditor", "POST /scim/Users ada", `PATCH /scim/Users/ada W/"1"`,
			"POST /scim/Users bob", `PATCH /scim/Users/bob W/"1"`, "POST /scim/Groups ml-platform", `PATCH /scim/Users/ada W/"3"`}
		if fx.mt {
			want = slices.Delete(want, 2, 3)
			want[len(want)-1] = `PATCH /scim/Users/ada W/"2"`
		}
		checkLines(t, "writes", fx.writes(before), want)

		u, _ := fx.srv.User("ada")
		wantName := "Ada Lovelace"
		if fx.mt {
			wantName = "ada"
		}
		if u.Email != "ada@example.com" || u.DisplayName != wantName || u.OrgRole != "member" || u.ModelsSeat != "full" || u.WeaveRole != "viewer" || u.Inactive {
			t.Errorf("ada = %+v", u)
		}
		if b, _ := fx.srv.User("bob"); b.OrgRole != "auditor" {
			t.Errorf("bob = %+v", b)
		}
		team, _ := fx.srv.Team("ml-platform")
		if !slices.Equal(team.Members, []string{"ada", "bob", "ci-bot"}) || team.Roles["ada"] != "admin" || team.Roles["bob"] != "member" {
			t.Errorf("team = %+v", team)
		}
		if role, _ := fx.srv.Role("auditor"); role.Description != "read-only audits" || role.InheritedFrom != "viewer" ||
			!slices.Equal(role.Permissions, []string{"run:stop"}) {
			t.Errorf("role = %+v", role)
		}

		again := fx.plan(t, f, false)
		wantSummary := "No changes: the organization matches the file."
		if fx.mt { // the display name Multi-tenant Cloud cannot set
			wantSummary = "No changes to make, but 1 change the file asks for is not made (listed above)."
		}
		if !again.Empty() || again.Summary() != wantSummary {
			t.Errorf("second plan:\n%q", again.Lines())
		}
		checkLines(t, "skipped again", skippedLines(again), mapSkipped(skipped, `"Ada Lovelace"`, `"ada" → "Ada Lovelace"`))
	})
}

func mapSkipped(lines []string, from, to string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.Replace(l, from, to, 1))
	}
	return out
}

// TestDrift applies the sample, changes the organization through the SDK
// (an extra member, a changed organization role and team role, a removed
// permission), and checks that the next plan lists exactly those, and that
// applying it restores the file's state.
func TestDrift(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{Users: []scimtest.User{{UserName: "carol", Email: "carol@example.com"}}}
	inBothFlavours(t, seed, func(t *testing.T, fx *fixture) {
		ctx := context.Background()
		f := decode(t, sampleFile)
		fx.apply(t, fx.plan(t, f, false), orgsync.Budget{})

		team := must(fx.teams.FindByName(ctx, "ml-platform"))(t)
		carol := must(fx.users.FindByUserName(ctx, "carol"))(t)
		bob := must(fx.users.FindByUserName(ctx, "bob"))(t)
		ada := must(fx.users.FindByUserName(ctx, "ada"))(t)
		role := must(fx.roles.FindByName(ctx, "auditor"))(t)
		must(fx.teams.AddMembers(ctx, team.ID, []string{carol.ID}))(t)
		must(fx.users.SetOrganizationRole(ctx, bob.ID, "member"))(t)
		must(fx.users.SetTeamRoles(ctx, ada.ID, []users.TeamRole{{TeamName: "ml-platform", RoleName: "member"}}))(t)
		must(fx.roles.RemovePermissions(ctx, role.ID, []string{"run:stop"}))(t)

		p := fx.plan(t, f, false)
		checkLines(t, "plan after drift", p.Lines(), []string{
			"~ role auditor: permissions +run:stop",
			"~ user bob: organizationRole member → auditor",
			"~ team ml-platform members: -carol",
			"~ user ada team roles: ml-platform member → admin",
		})
		checkLines(t, "removals", p.Removals(), []string{"remove carol from team ml-platform"})
		fx.apply(t, p, orgsync.Budget{}) // 10% of 4, rounded up: 1 removal
		if again := fx.plan(t, f, false); !again.Empty() {
			t.Errorf("plan after restoring: %q", again.Lines())
		}
		if tm, _ := fx.srv.Team("ml-platform"); slices.Contains(tm.Members, "carol") {
			t.Errorf("carol is still in the team: %v", tm.Members)
		}
	})
}

// TestPrune checks what -prune deactivates: users the file does not name,
// never the calling account, a service account, an inactive user or a team
// member the file names; and that without Prune nobody is.
func TestPrune(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{
		Users: []scimtest.User{
			{UserName: "carol", Email: "carol@example.com"},
			{UserName: "dave", Email: "dave@example.com", OrgRole: "admin"},
			{UserName: "erin", Email: "erin@example.com"},
			{UserName: "svc", AccountType: scimtest.AccountOrgService},
			{UserName: "team-bot", AccountType: scimtest.AccountService},
		},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"erin", "team-bot"}}},
	}
	file := `{"users": [{"userName": "ada", "email": "ada@example.com"}],
	          "teams": [{"name": "ml", "membership": "additive", "members": [{"userName": "erin"}]}]}`
	inBothFlavours(t, seed, func(t *testing.T, fx *fixture) {
		f := decode(t, file)
		if p := fx.plan(t, f, false); !slices.Equal(p.Lines(), []string{"+ user ada: email ada@example.com"}) {
			t.Errorf("plan without prune: %q", p.Lines())
		}
		p := fx.plan(t, f, true)
		checkLines(t, "plan", p.Lines(), []string{
			"+ user ada: email ada@example.com",
			"- user carol: deactivate (not in the file)",
			"- user dave: deactivate (not in the file)",
		})
		checkLines(t, "skipped", skippedLines(p), []string{"! user admin: deactivate (protected: it is the calling account)"})

		before := len(fx.srv.Requests())
		fx.apply(t, p, orgsync.MaxRemovals(2))
		checkLines(t, "writes", fx.writes(before), []string{"POST /scim/Users ada", `PATCH /scim/Users/carol W/"1"`, `PATCH /scim/Users/dave W/"1"`})
		for name, active := range map[string]bool{"admin": true, "ada": true, "carol": false, "dave": false, "erin": true, "svc": true, "team-bot": true} {
			u, ok := fx.srv.User(name)
			if got := ok && !u.Inactive; got != active {
				t.Errorf("%s: active %v, want %v", name, got, active)
			}
		}
		if again := fx.plan(t, f, true); !again.Empty() {
			t.Errorf("plan after pruning: %q", again.Lines())
		}
	})
}

// TestLastAdmin checks that, with an org service account as the caller, the
// organization's only admin is neither deactivated by -prune nor demoted,
// while one of two admins may be.
func TestLastAdmin(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{Users: []scimtest.User{{UserName: "svc", AccountType: scimtest.AccountOrgService}}})
	key, err := fx.srv.NewAPIKey("svc")
	if err != nil {
		t.Fatal(err)
	}
	c, err := scim.NewClient(scim.WithBaseURL(fx.srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	s := orgsync.New(c, orgsync.Options{})
	plan := func(file string, prune bool) *orgsync.Plan {
		t.Helper()
		p, err := s.Plan(context.Background(), decode(t, file), orgsync.PlanOptions{Prune: prune})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := plan(`{"users": [{"userName": "ada", "email": "ada@example.com"}]}`, true)
	checkLines(t, "prune", p.Lines(), []string{"+ user ada: email ada@example.com"})
	checkLines(t, "prune skipped", skippedLines(p), []string{"! user admin: deactivate (protected: it is the last organization admin)"})

	p = plan(`{"users": [{"userName": "admin", "organizationRole": "member", "modelsSeat": "viewer"}]}`, false)
	checkLines(t, "demote", p.Lines(), []string{"~ user admin: modelsSeat full → viewer"})
	checkLines(t, "demote skipped", skippedLines(p), []string{"! user admin: organizationRole admin → member (protected: it is the last organization admin)"})

	// With a second admin, one of them may go.
	p = plan(`{"users": [{"userName": "ada", "email": "ada@example.com", "organizationRole": "admin"},
	                     {"userName": "admin", "organizationRole": "member"}]}`, false)
	checkLines(t, "second admin", p.Lines(), []string{
		"+ user ada: email ada@example.com, organizationRole admin",
		"~ user admin: organizationRole admin → member",
	})
	if len(p.Skipped) != 0 {
		t.Errorf("skipped: %q", skippedLines(p))
	}
}

// TestAdditiveAndExactTeams checks that an additive team only gains
// members, an exact one also loses them, and neither loses a service
// account, which W&B adds to every team created through SCIM.
func TestAdditiveAndExactTeams(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{
		Users: []scimtest.User{
			{UserName: "ada", Email: "ada@example.com"}, {UserName: "carol", Email: "carol@example.com"},
			{UserName: "svc", AccountType: scimtest.AccountOrgService},
		},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"carol", "svc"}, Roles: map[string]string{"carol": "admin"}}},
	}
	inBothFlavours(t, seed, func(t *testing.T, fx *fixture) {
		additive := decode(t, `{"teams": [{"name": "ml", "membership": "additive", "members": [{"userName": "ada"}]}]}`)
		p := fx.plan(t, additive, false)
		checkLines(t, "additive", p.Lines(), []string{"~ team ml members: +ada"})
		before := len(fx.srv.Requests())
		fx.apply(t, p, orgsync.MaxRemovals(0))
		checkLines(t, "additive writes", fx.writes(before), []string{`PATCH /scim/Groups/ml W/"1"`})
		if again := fx.plan(t, additive, false); !again.Empty() {
			t.Errorf("additive again: %q", again.Lines())
		}

		exact := decode(t, `{"teams": [{"name": "ML", "members": [{"userName": "ada", "role": "Admin"}]}]}`)
		p = fx.plan(t, exact, false)
		checkLines(t, "exact", p.Lines(), []string{"~ team ml members: -carol", "~ user ada team roles: ml member → admin"})
		if _, err := fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: orgsync.MaxRemovals(0)}); !errors.As(err, new(*orgsync.BudgetError)) {
			t.Fatalf("Apply with no removals allowed = %v", err)
		}
		before = len(fx.srv.Requests())
		fx.apply(t, p, orgsync.MaxRemovals(1))
		checkLines(t, "exact writes", fx.writes(before), []string{`PATCH /scim/Groups/ml W/"2"`, `PATCH /scim/Users/ada W/"2"`})
		team, _ := fx.srv.Team("ml")
		if !slices.Equal(team.Members, []string{"svc", "ada"}) || team.Roles["ada"] != "admin" {
			t.Errorf("team = %+v", team)
		}
		if again := fx.plan(t, exact, false); !again.Empty() {
			t.Errorf("exact again: %q", again.Lines())
		}
	})
}

func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
