package orgsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

func resultLines(r *orgsync.Report) []string {
	var out []string
	for _, x := range r.Results {
		out = append(out, x.String())
	}
	return out
}

// applyError applies p and returns the report of the *ApplyError it must
// fail with.
func (fx *fixture) applyError(t *testing.T, p *orgsync.Plan, budget orgsync.Budget) (*orgsync.Report, error) {
	t.Helper()
	r, err := fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: budget})
	var ae *orgsync.ApplyError
	if r != nil || !errors.As(err, &ae) {
		t.Fatalf("Apply = %v, %v; want an *ApplyError", r, err)
	}
	return ae.Report, err
}

// TestSavedPlanRefused saves a plan as JSON, changes the organization
// through the SDK, and applies the saved plan: the changes to the two
// resources changed since are refused with 412 (If-Match carried the
// planned versions), the independent ones are applied.
func TestSavedPlanRefused(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{
		Roles: []scimtest.Role{{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"run:stop"}}},
		Users: []scimtest.User{
			{UserName: "ada", Email: "ada@example.com"}, {UserName: "bob", Email: "bob@example.com"},
			{UserName: "carol", Email: "carol@example.com"}, {UserName: "dave", Email: "dave@example.com"},
		},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"ada", "carol"}}},
	}
	file := `{
	  "users": [{"userName": "ada", "organizationRole": "admin"}, {"userName": "bob", "organizationRole": "auditor"}],
	  "teams": [{"name": "ml", "members": [{"userName": "ada"}, {"userName": "bob"}]}],
	  "roles": [{"name": "auditor", "inheritedFrom": "viewer", "permissions": ["run:stop", "run:delete"]}]
	}`
	inBothFlavours(t, seed, func(t *testing.T, fx *fixture) {
		ctx := context.Background()
		p := fx.plan(t, decode(t, file), false)
		saved, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var loaded orgsync.Plan
		if err := json.Unmarshal(saved, &loaded); err != nil {
			t.Fatalf("the plan does not survive JSON: %v\n%s", err, saved)
		}
		if again, _ := json.Marshal(&loaded); string(again) != string(saved) || !reflect.DeepEqual(loaded.Lines(), p.Lines()) {
			t.Fatalf("the plan read back differs:\n%s\n%s\n%q", saved, again, loaded.Lines())
		}

		ada := must(fx.users.FindByUserName(ctx, "ada"))(t)
		dave := must(fx.users.FindByUserName(ctx, "dave"))(t)
		team := must(fx.teams.FindByName(ctx, "ml"))(t)
		must(fx.users.SetModelsSeat(ctx, ada.ID, users.SeatViewer))(t)
		must(fx.teams.AddMembers(ctx, team.ID, []string{dave.ID}))(t)

		before := len(fx.srv.Requests())
		r, err := fx.applyError(t, &loaded, orgsync.MaxRemovals(5))
		if !errors.Is(err, scim.ErrPreconditionFailed) {
			t.Errorf("err = %v, want it to match scim.ErrPreconditionFailed", err)
		}
		lines := resultLines(r)
		for i, prefix := range []string{
			"~ role auditor: permissions +run:delete",
			"~ user ada: organizationRole member → admin: FAILED: users.Patch: scim: PATCH http://127.0.0.1:",
			"~ user bob: organizationRole member → auditor",
			"~ team ml members: +bob -carol: FAILED: teams.ChangeMembers: scim: PATCH http://127.0.0.1:",
		} {
			if i >= len(lines) || !strings.HasPrefix(lines[i], prefix) || (strings.Contains(prefix, "FAILED") && !strings.Contains(lines[i], "412 Precondition Failed")) {
				t.Errorf("result %d = %q, want it to start %q", i, lines[i:][:min(1, len(lines[i:]))], prefix)
			}
		}
		if len(lines) != 4 || r.Summary() != "Applied 2 of 4 changes: 2 failed." {
			t.Errorf("report:\n%s", strings.Join(lines, "\n"))
		}
		for _, req := range fx.srv.Requests()[before:] {
			if req.Status == http.StatusPreconditionFailed && req.Header.Get("If-Match") != `W/"1"` {
				t.Errorf("%s %s refused with If-Match %q, want the planned W/\"1\"", req.Method, req.Path, req.Header.Get("If-Match"))
			}
		}
		if u, _ := fx.srv.User("ada"); u.OrgRole != "member" {
			t.Errorf("ada's role changed: %+v", u)
		}
		if tm, _ := fx.srv.Team("ml"); strings.Join(tm.Members, ",") != "ada,carol,dave" {
			t.Errorf("team changed: %v", tm.Members)
		}
		if role, _ := fx.srv.Role("auditor"); strings.Join(role.Permissions, ",") != "run:stop,run:delete" {
			t.Errorf("role = %+v", role)
		}
	})
}

// TestDependentChangesNotAttempted makes a role create and a user create
// fail (someone created them after the plan) and checks that what depends on
// them is not attempted, while the rest is applied.
func TestDependentChangesNotAttempted(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}}})
	ctx := context.Background()
	p := fx.plan(t, decode(t, `{
	  "users": [{"userName": "bob", "email": "bob@example.com", "organizationRole": "auditor"},
	            {"userName": "carol", "email": "carol@example.com"}],
	  "teams": [{"name": "ml", "members": [{"userName": "ada", "role": "admin"}, {"userName": "bob", "role": "admin"},
	                                       {"userName": "carol", "role": "admin"}]}],
	  "roles": [{"name": "auditor", "inheritedFrom": "viewer"}]
	}`), false)
	must(fx.roles.Create(ctx, roles.Params{Name: "auditor", InheritedFrom: "member"}))(t)
	must(fx.users.Create(ctx, users.CreateParams{UserName: "carol", Email: "carol@example.com"}))(t)

	r, err := fx.applyError(t, p, orgsync.Budget{})
	if !errors.Is(err, scim.ErrConflict) {
		t.Errorf("err = %v, want the 409s", err)
	}
	want := []string{
		`+ role auditor: inheritedFrom viewer: FAILED: roles.Create: `,
		`+ user bob: email bob@example.com, organizationRole auditor: not attempted: the change to role auditor failed`,
		`+ user carol: email carol@example.com: FAILED: users.Create: `,
		`+ team ml`,
		`~ team ml members: +ada +bob +carol: applied in part: not added, since creating them failed: bob, carol`, // ada was added
		`~ user ada team roles: ml member → admin`,
		`~ user bob team roles: ml member → admin: not attempted: the change to user bob failed`,
		`~ user carol team roles: ml member → admin: not attempted: the change to user carol failed`,
	}
	got := resultLines(r)
	if len(got) != len(want) {
		t.Fatalf("report:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("result %d:\n got %q\nwant %q…", i, got[i], want[i])
		}
	}
	if tm, _ := fx.srv.Team("ml"); strings.Join(tm.Members, ",") != "ada" || tm.Roles["ada"] != "admin" {
		t.Errorf("team = %+v", tm)
	}
}

// TestBudget checks that Apply refuses, before sending anything, a plan
// whose removals exceed the budget, and how budgets read and count.
func TestBudget(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}, {UserName: "bob", Email: "bob@example.com"},
			{UserName: "carol", Email: "carol@example.com"}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"ada", "bob", "carol"}}},
	})
	p := fx.plan(t, decode(t, `{"teams": [{"name": "ml", "members": [{"userName": "ada"}]}]}`), true)
	checkLines(t, "removals", p.Removals(), []string{
		"deactivate user bob", "deactivate user carol", "remove bob from team ml", "remove carol from team ml"})
	before := len(fx.srv.Requests())
	for _, b := range []orgsync.Budget{{}, orgsync.MaxRemovals(3), orgsync.MaxRemovalsPercent(300)} {
		_, err := fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: b})
		var be *orgsync.BudgetError
		if !errors.As(err, &be) || len(be.Removals) != 4 || be.Managed != 1 {
			t.Fatalf("budget %s: Apply = %v", b, err)
		}
		if !strings.Contains(err.Error(), "nothing was applied") {
			t.Errorf("error %q", err)
		}
	}
	if n := len(fx.srv.Requests()) - before; n != 0 {
		t.Errorf("a refused Apply sent %d requests", n)
	}
	if _, err := fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: orgsync.MaxRemovals(4)}); err != nil {
		t.Errorf("Apply within the budget: %v", err)
	}

	for _, tt := range []struct {
		text    string
		managed int
		limit   int
		str     string
	}{
		{"", 25, 3, "10%"}, {"", 0, 0, "10%"}, {"7", 1000, 7, "7"}, {"0", 10, 0, "0"},
		{"25%", 10, 3, "25%"}, {" 2.5% ", 100, 3, "2.5%"}, {"100%", 7, 7, "100%"},
	} {
		var b orgsync.Budget
		if tt.text != "" {
			if err := b.UnmarshalText([]byte(tt.text)); err != nil {
				t.Errorf("UnmarshalText(%q) = %v", tt.text, err)
			}
		}
		if got := b.Limit(tt.managed); got != tt.limit || b.String() != tt.str {
			t.Errorf("%q: Limit(%d) = %d, String %q; want %d, %q", tt.text, tt.managed, got, b.String(), tt.limit, tt.str)
		}
	}
	for _, bad := range []string{"-1", "ten", "10 %%", "101%", "-5%", "NaN%", "1.5", "Inf%", "+Inf%", "-Inf%", "1e400%", "100.001%"} {
		var b orgsync.Budget
		if err := b.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted", bad)
		}
	}
}

// TestBudgetPercentBounds checks that a percentage budget is finite and
// within 0–100 however it is made: MaxRemovalsPercent clamps (NaN is no
// removals), UnmarshalText refuses.
func TestBudgetPercentBounds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p     float64
		str   string
		limit int // of 10 managed
	}{
		{150, "100%", 10}, {math.Inf(1), "100%", 10}, {math.NaN(), "0%", 0}, {math.Inf(-1), "0%", 0}, {-3, "0%", 0}, {50, "50%", 5},
	} {
		b := orgsync.MaxRemovalsPercent(tt.p)
		if b.String() != tt.str || b.Limit(10) != tt.limit {
			t.Errorf("MaxRemovalsPercent(%v) = %s, Limit(10) %d; want %s, %d", tt.p, b, b.Limit(10), tt.str, tt.limit)
		}
		var back orgsync.Budget
		if err := back.UnmarshalText([]byte(b.String())); err != nil || back != b {
			t.Errorf("MaxRemovalsPercent(%v): its text %q reads back as %v, %v", tt.p, b, back, err)
		}
	}
}

// TestApplyChecksThePlan checks that a plan Apply cannot apply is refused
// before anything is sent.
func TestApplyChecksThePlan(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{})
	for _, tt := range []struct {
		name string
		plan *orgsync.Plan
		want string
	}{
		{"nil", nil, "nil plan"},
		{"format", &orgsync.Plan{Format: 1}, "format 1"},
		{"base URL", &orgsync.Plan{Format: 2, Target: orgsync.Target{BaseURL: "https://acme.wandb.io/scim", Deployment: scim.Dedicated}}, "the base URL differs"},
		{"deployment", &orgsync.Plan{Format: 2, Target: orgsync.Target{BaseURL: fx.srv.URL + "/scim", Deployment: scim.MultiTenant}}, "the deployment differs"},
		{"update without ID", &orgsync.Plan{Format: 2, Users: []orgsync.UserChange{{Action: orgsync.Update, UserName: "ada"}}}, "no user ID"},
		{"role without ID", &orgsync.Plan{Format: 2, Roles: []orgsync.RoleChange{{Action: orgsync.Update, Name: "r"}}}, "no role ID"},
		{"team without ID", &orgsync.Plan{Format: 2, Memberships: []orgsync.MembershipChange{{Team: "ml", Add: []orgsync.UserRef{{UserName: "a"}}}}}, "no team ID"},
	} {
		if _, err := fx.sync.Apply(context.Background(), tt.plan, orgsync.ApplyOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Apply = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	if n := len(fx.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestExportThenPlan exports a varied organization and plans the export
// against it: nothing to change, nothing skipped.
func TestExportThenPlan(t *testing.T) {
	t.Parallel()
	seed := scimtest.Options{
		Roles: []scimtest.Role{{Name: "auditor", Description: "audits", InheritedFrom: "viewer", Permissions: []string{"run:stop", "project:update"}}},
		Users: []scimtest.User{
			{UserName: "ada", Email: "ada@example.com", DisplayName: "Ada Lovelace", OrgRole: "admin"},
			{UserName: "bob", Email: "bob@example.com", OrgRole: "auditor", WeaveRole: "none"},
			{UserName: "carol", Email: "carol@example.com", OrgRole: "viewer"},
			{UserName: "svc", AccountType: scimtest.AccountOrgService},
		},
		Teams: []scimtest.Team{
			{Name: "ml", Members: []string{"ada", "bob", "carol", "svc"}, Roles: map[string]string{"ada": "admin", "bob": "auditor"}},
			{Name: "empty"},
		},
	}
	inBothFlavours(t, seed, func(t *testing.T, fx *fixture) {
		ctx := context.Background()
		if !fx.mt { // Multi-tenant keeps no deactivated users
			must(fx.users.Create(ctx, users.CreateParams{UserName: "dave", Email: "dave@example.com"}))(t)
			dave := must(fx.users.FindByUserName(ctx, "dave"))(t)
			must(fx.users.Deactivate(ctx, dave.ID))(t)
		}
		f, err := fx.sync.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.MarshalIndent(f, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`"userName": "carol",
      "email": "carol@example.com",
      "displayName": "carol",
      "organizationRole": "member",
      "modelsSeat": "viewer",
      "weaveRole": "viewer"`,
			`"name": "ml",
      "members": [
        {
          "userName": "ada",
          "role": "admin"
        },
        {
          "userName": "bob",
          "role": "auditor"
        },
        {
          "userName": "carol"
        }
      ]`,
			`"name": "empty",
      "members": []`,
			`"name": "auditor",
      "description": "audits",
      "inheritedFrom": "viewer",
      "permissions": [
        "project:update",
        "run:stop"
      ]`,
		} {
			if !strings.Contains(string(data), want) {
				t.Errorf("the export lacks\n%s\nin\n%s", want, data)
			}
		}
		if strings.Contains(string(data), "svc") {
			t.Errorf("the export holds the service account:\n%s", data)
		}
		if !fx.mt && !strings.Contains(string(data), `"userName": "dave",
      "email": "dave@example.com",
      "displayName": "dave",
      "organizationRole": "member",
      "modelsSeat": "full",
      "weaveRole": "full",
      "active": false`) {
			t.Errorf("the export lacks the deactivated dave:\n%s", data)
		}
		p := fx.plan(t, decode(t, string(data)), true)
		if !p.Empty() || len(p.Warnings) != 0 || len(p.Skipped) != 0 {
			t.Errorf("plan of the export: %q, skipped %q, warnings %v", p.Lines(), skippedLines(p), p.Warnings)
		}
	})
}

// TestPlanChecksTheFileAgainstTheOrganization checks the problems only the
// organization reveals, all at once, with their paths, before any change.
func TestPlanChecksTheFileAgainstTheOrganization(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com"}, {UserName: "svc", AccountType: scimtest.AccountOrgService}}})
	_, err := fx.sync.Plan(context.Background(), decode(t, `{
	  "users": [{"userName": "bob"}, {"userName": "SVC"}, {"userName": "ada", "organizationRole": "auditr"},
	            {"userName": "gone", "active": false}],
	  "teams": [{"name": "ml", "members": [{"userName": "ada", "role": "ops"}, {"userName": "svc"}, {"userName": "zed"},
	                                       {"userName": "gone"}]}]
	}`), orgsync.PlanOptions{})
	var ve *orgsync.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Plan = %v, want a *ValidationError", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.String())
	}
	checkLines(t, "problems", got, []string{
		`users[0].email: required: "bob" is not in the organization and is created`,
		`users[1].userName: "SVC" is a service account: service accounts are managed in the W&B App, not here`,
		`users[2].organizationRole: "auditr" is neither a predefined role (admin, member, viewer) nor a custom role of the file or the organization`,
		`teams[0].members[0].role: "ops" is neither a predefined role (admin, member, viewer) nor a custom role of the file or the organization`,
		`teams[0].members[1].userName: "svc" is a service account: W&B manages team service accounts in the App, and an exact team keeps them`,
		`teams[0].members[2].userName: "zed" is neither a user of the file nor of the organization`,
		`teams[0].members[3].userName: "gone" is not in the organization, and the file does not create it ("active": false)`,
	})
	if !strings.HasPrefix(err.Error(), "orgsync: 7 problems in the organization file: users[0].email: required") ||
		!strings.HasSuffix(err.Error(), "; and 2 more") {
		t.Errorf("error text %q", err)
	}
	for _, r := range fx.srv.Requests() {
		if r.Method != http.MethodGet && r.Path != "/graphql" {
			t.Errorf("a rejected plan sent %s %s", r.Method, r.Path)
		}
	}
}

// TestIncompleteUserList serves a user list that claims one more user than
// it holds, as W&B does past 9999 users: a pruning plan is refused, another
// looks the users it names up one by one.
func TestIncompleteUserList(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}}})
	c := rewriting(t, srv, func(r *http.Request, v any) {
		page, ok := v.(map[string]any)
		if r.URL.Path != "/scim/Users" || r.URL.Query().Get("filter") != "" || !ok {
			return
		}
		page["totalResults"] = page["totalResults"].(float64) + 1
		// Hide ada, so that only the lookup finds her.
		var kept []any
		for _, u := range page["Resources"].([]any) {
			if u.(map[string]any)["userName"] != "ada" {
				kept = append(kept, u)
			}
		}
		page["Resources"] = kept
	})
	s := orgsync.New(c, orgsync.Options{})
	f := decode(t, `{"users": [{"userName": "ada", "email": "ada@example.com", "displayName": "Ada"}]}`)

	_, err := s.Plan(context.Background(), f, orgsync.PlanOptions{Prune: true})
	if !errors.Is(err, scim.ErrIncomplete) || !strings.Contains(err.Error(), "cannot prune: the server returned 1 of 3 users") {
		t.Errorf("pruning plan = %v, want it refused for the incomplete list", err)
	}
	p, err := s.Plan(context.Background(), f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "plan", p.Lines(), []string{`~ user ada: displayName "ada" → "Ada"`})
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0].Message, "the server returned 1 of 3 users") {
		t.Errorf("warnings %v", p.Warnings)
	}
	if last := srv.Requests()[len(srv.Requests())-1]; last.RawQuery != "filter=userName%20eq%20%22ada%22" {
		t.Errorf("last request %s %s?%s, want the lookup of ada", last.Method, last.Path, last.RawQuery)
	}
}

func httpBody(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// rewriting returns a client whose replies from srv's SCIM endpoints pass
// through rewrite as decoded JSON (a server that differs from the simulator).
func rewriting(t *testing.T, srv *scimtest.Server, rewrite func(r *http.Request, v any)) *scim.Client {
	t.Helper()
	target, _ := url.Parse(srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		var v any
		if err != nil || !strings.HasPrefix(resp.Request.URL.Path, "/scim/") || json.Unmarshal(body, &v) != nil {
			resp.Body = httpBody(body)
			return err
		}
		rewrite(resp.Request, v)
		body, _ = json.Marshal(v)
		resp.Body = httpBody(body)
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	c, err := scim.NewClient(scim.WithBaseURL(front.URL), scim.WithAPIKey(srv.APIKey), scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// stripping returns a client whose replies from srv lose the keys named in
// drop wherever they appear (a server that leaves optional fields out), and
// every meta.version when noVersions (a server that sends the version only
// as an ETag header).
func stripping(t *testing.T, srv *scimtest.Server, noVersions bool, drop ...string) *scim.Client {
	t.Helper()
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for _, k := range drop {
				delete(x, k)
			}
			if m, ok := x["meta"].(map[string]any); ok && noVersions {
				delete(m, "version")
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	return rewriting(t, srv, func(_ *http.Request, v any) { walk(v) })
}

// TestWithoutTeamRoles plans against a server that leaves teamRoles out (it
// is optional): a member without an entry has W&B's default role, member, so
// a plan after apply, and a plan of an export, find nothing to change.
func TestWithoutTeamRoles(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}, {UserName: "bob", Email: "bob@example.com"}}})
	s := orgsync.New(stripping(t, srv, false, "teamRoles"), orgsync.Options{})
	ctx := context.Background()
	f := decode(t, `{"teams": [{"name": "ml", "members": [{"userName": "ada"}, {"userName": "bob", "role": "member"}]}]}`)
	p, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, p, orgsync.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, err = s.Plan(ctx, f, orgsync.PlanOptions{}); err != nil || !p.Empty() {
		t.Fatalf("plan after apply: %v %q", err, p.Lines())
	}
	x, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = s.Plan(ctx, x, orgsync.PlanOptions{}); err != nil || !p.Empty() {
		t.Errorf("plan of the export: %v %q", err, p.Lines())
	}
}

// TestSavedPlanWithoutVersions applies a saved plan on a server that sends
// no meta.version in lists: Apply reads each resource it changes, refuses
// those changed since the plan, and makes the rest conditional on the
// version it read.
func TestSavedPlanWithoutVersions(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{
		Roles: []scimtest.Role{{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"run:stop"}}},
		Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}, {UserName: "bob", Email: "bob@example.com"}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"ada"}}},
	})
	c := stripping(t, srv, true)
	s, us := orgsync.New(c, orgsync.Options{}), users.New(c)
	ctx := context.Background()
	f := decode(t, `{
	  "users": [{"userName": "ada", "modelsSeat": "viewer"}, {"userName": "bob", "modelsSeat": "viewer"}],
	  "teams": [{"name": "ml", "members": [{"userName": "ada"}, {"userName": "bob"}]}],
	  "roles": [{"name": "auditor", "inheritedFrom": "viewer", "permissions": ["run:stop", "run:delete"]}]
	}`)
	p, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Users[0].Version != "" {
		t.Fatalf("the proxy left a version: %+v", p.Users[0])
	}
	ada := must(us.FindByUserName(ctx, "ada"))(t)
	must(us.SetModelsSeat(ctx, ada.ID, users.SeatNone))(t) // changed since the plan
	before := len(srv.Requests())
	r, err := s.Apply(ctx, p, orgsync.ApplyOptions{})
	if !errors.Is(err, scim.ErrPreconditionFailed) {
		t.Fatalf("err = %v, want ada's change refused", err)
	}
	var ae *orgsync.ApplyError
	if errors.As(err, &ae) {
		r = ae.Report
	}
	lines := resultLines(r)
	if len(lines) != 4 || !strings.Contains(lines[1], "~ user ada") || !strings.Contains(lines[1], "changed since the plan was made") ||
		strings.Contains(lines[2], "FAILED") || strings.Contains(lines[3], "FAILED") {
		t.Errorf("report:\n%s", strings.Join(lines, "\n"))
	}
	if u, _ := srv.User("ada"); u.ModelsSeat != "none" {
		t.Errorf("ada was changed: %+v", u)
	}
	if u, _ := srv.User("bob"); u.ModelsSeat != "viewer" {
		t.Errorf("bob was not changed: %+v", u)
	}
	for _, req := range srv.Requests()[before:] {
		if (req.Method == http.MethodPatch || req.Method == http.MethodPut) && req.Header.Get("If-Match") == "" {
			t.Errorf("%s %s without If-Match", req.Method, req.Path)
		}
	}
}

// TestProtectionAtApply makes the organization change between plan and
// apply so that a planned demotion would leave it without an admin: Apply
// refuses it.
func TestProtectionAtApply(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com", OrgRole: "admin"},
		{UserName: "svc", AccountType: scimtest.AccountOrgService},
	}})
	key, err := fx.srv.NewAPIKey("svc")
	if err != nil {
		t.Fatal(err)
	}
	c, err := scim.NewClient(scim.WithBaseURL(fx.srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	s, ctx := orgsync.New(c, orgsync.Options{}), context.Background()
	p, err := s.Plan(ctx, decode(t, `{"users": [{"userName": "ada", "organizationRole": "member"}]}`), orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "plan", p.Lines(), []string{"~ user ada: organizationRole admin → member"}) // admin is another admin
	admin := must(fx.users.FindByUserName(ctx, "admin"))(t)
	must(fx.users.SetOrganizationRole(ctx, admin.ID, "member"))(t) // now ada is the last
	_, err = s.Apply(ctx, p, orgsync.ApplyOptions{})
	if err == nil || !strings.Contains(err.Error(), "refusing to demote ada: it is the last organization admin") {
		t.Errorf("err = %v, want the demotion refused", err)
	}
	if u, _ := fx.srv.User("ada"); u.OrgRole != "admin" {
		t.Errorf("ada was demoted: %+v", u)
	}
}
