package orgsync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// twinSeed is an organization two simulators hold alike: the same users
// with the same IDs and versions.
var twinSeed = scimtest.Options{
	Roles: []scimtest.Role{{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"run:stop"}}},
	Users: []scimtest.User{{UserName: "ivy", Email: "ivy@example.com"}, {UserName: "u010", Email: "u010@example.com"}},
	Teams: []scimtest.Team{{Name: "ml", Members: []string{"ivy"}}},
}

// saved returns p as a plan saved to JSON and read back.
func saved(t *testing.T, p *orgsync.Plan) *orgsync.Plan {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out orgsync.Plan
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestPlanForAnotherServer plans on server A and applies the saved plan to
// server B, which has the same IDs and versions: nothing is sent to B.
func TestPlanForAnotherServer(t *testing.T) {
	t.Parallel()
	a, b := start(t, twinSeed), start(t, twinSeed)
	f := decode(t, `{"users": [{"userName": "ivy", "modelsSeat": "viewer"}], "teams": [{"name": "ml", "members": []}]}`)
	p := saved(t, a.plan(t, f, false))
	if p.Target.BaseURL != a.srv.URL+"/scim" || p.Target.Deployment != scim.Dedicated || p.Target.Organization == "" {
		t.Errorf("target = %+v, want A's base URL, dedicated and the organization its roles report", p.Target)
	}
	for _, c := range p.Users {
		if c.UserName != "ivy" || c.ID == "" {
			t.Errorf("user change %+v lacks the name or the ID", c)
		}
	}
	_, err := b.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: orgsync.MaxRemovals(1)})
	var te *orgsync.TargetError
	if !errors.As(err, &te) || te.Field != "base URL" || !strings.Contains(err.Error(), a.srv.URL) {
		t.Fatalf("Apply on B = %v, want a *TargetError naming A's base URL", err)
	}
	if n := len(b.srv.Requests()); n != 0 {
		t.Errorf("B received %d requests", n)
	}
	if u, _ := b.srv.User("ivy"); u.ModelsSeat != "full" {
		t.Errorf("B's ivy changed: %+v", u)
	}
	// On A, the plan applies.
	if _, err := a.sync.Apply(context.Background(), p, orgsync.ApplyOptions{MaxRemovals: orgsync.MaxRemovals(1)}); err != nil {
		t.Fatalf("Apply on A: %v", err)
	}
}

// TestPlanForAnotherOrganization applies a plan through the same URL to a
// server that now reports another organization: refused before any write.
func TestPlanForAnotherOrganization(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, twinSeed)
	var other atomic.Bool
	c := rewriting(t, srv, func(r *http.Request, v any) {
		if !other.Load() || !strings.HasPrefix(r.URL.Path, "/scim/Roles") {
			return
		}
		for _, x := range v.(map[string]any)["Resources"].([]any) {
			x.(map[string]any)["organizationID"] = "T3JnYW5pemF0aW9uOjI="
		}
	})
	s, ctx := orgsync.New(c, orgsync.Options{}), context.Background()
	p, err := s.Plan(ctx, decode(t, `{"users": [{"userName": "ivy", "modelsSeat": "viewer"}]}`), orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other.Store(true)
	before := len(srv.Requests())
	_, err = s.Apply(ctx, p, orgsync.ApplyOptions{})
	var te *orgsync.TargetError
	if !errors.As(err, &te) || te.Field != "organization" {
		t.Fatalf("Apply = %v, want a *TargetError for the organization", err)
	}
	for _, r := range srv.Requests()[before:] {
		if r.Method != http.MethodGet && r.Path != "/graphql" {
			t.Errorf("sent %s %s", r.Method, r.Path)
		}
	}
}

// TestIDNamesAnotherResource applies a plan whose IDs now name other
// resources: those changes are refused, unsent, the others applied.
func TestIDNamesAnotherResource(t *testing.T) {
	t.Parallel()
	fx := start(t, twinSeed)
	f := decode(t, `{"users": [{"userName": "ivy", "modelsSeat": "viewer"}, {"userName": "u010", "weaveRole": "none"}],
	  "teams": [{"name": "ml", "members": [{"userName": "ivy"}, {"userName": "u010"}]}]}`)
	p := saved(t, fx.plan(t, f, false))
	ivy, u010 := p.Users[0].ID, p.Users[1].ID
	p.Users[0].ID = u010                        // the ID ivy had now names u010
	p.Memberships[0].Add[0].ID = "VXNlcjo5OTk=" // a user that no longer exists
	before := len(fx.srv.Requests())
	r, err := fx.applyError(t, p, orgsync.Budget{})
	if !errors.Is(err, orgsync.ErrNotSameResource) {
		t.Errorf("err = %v, want it to match ErrNotSameResource", err)
	}
	checkLines(t, "results", resultLines(r), []string{
		"~ user ivy: modelsSeat full → viewer: FAILED: user ID " + u010 + " now names user u010, not ivy; the change was not sent: " +
			orgsync.ErrNotSameResource.Error(),
		"~ user u010: weaveRole full → none",
		"~ team ml members: +u010: FAILED: user u010 (ID VXNlcjo5OTk=) is no longer in the organization: " + orgsync.ErrNotSameResource.Error(),
	})
	if u, _ := fx.srv.User("u010"); u.ModelsSeat != "full" || u.WeaveRole != "none" {
		t.Errorf("u010 = %+v, want only its weave role changed", u)
	}
	if u, _ := fx.srv.User("ivy"); u.ModelsSeat != "full" {
		t.Errorf("ivy = %+v", u)
	}
	checkLines(t, "writes", fx.writes(before), []string{"PATCH /scim/Users/u010 W/\"1\""})
	_ = ivy
}

// TestAdminHandover plans and applies a plan that promotes bob and demotes
// ada, the only admin, for a caller that is an org service account: both
// are planned and applied, the promotion first.
func TestAdminHandover(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com", OrgRole: "admin"},
		{UserName: "bob", Email: "bob@example.com"},
		{UserName: "svc", AccountType: scimtest.AccountOrgService},
		{UserName: "dee", Email: "dee@example.com", Inactive: true},
	}})
	key, err := fx.srv.NewAPIKey("svc")
	if err != nil {
		t.Fatal(err)
	}
	c, err := scim.NewClient(scim.WithBaseURL(fx.srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin := must(fx.users.FindByUserName(ctx, "admin"))(t)
	must(fx.users.SetOrganizationRole(ctx, admin.ID, "member"))(t) // ada is the only admin
	s := orgsync.New(c, orgsync.Options{})
	p, err := s.Plan(ctx, decode(t, `{"users": [{"userName": "ada", "organizationRole": "member"}, {"userName": "bob", "organizationRole": "admin"}]}`),
		orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "plan", p.Lines(), []string{"~ user ada: organizationRole admin → member", "~ user bob: organizationRole member → admin"})
	checkLines(t, "skipped", skippedLines(p), nil)
	before := len(fx.srv.Requests())
	if _, err := s.Apply(ctx, p, orgsync.ApplyOptions{}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if u, _ := fx.srv.User("ada"); u.OrgRole != "member" {
		t.Errorf("ada = %+v", u)
	}
	if u, _ := fx.srv.User("bob"); u.OrgRole != "admin" {
		t.Errorf("bob = %+v", u)
	}
	// fx.writes orders by name; the order sent is what counts here.
	var order []string
	bob := must(users.New(c).FindByUserName(ctx, "bob"))(t)
	for _, r := range fx.srv.Requests()[before:] {
		switch {
		case r.Method != http.MethodPatch:
		case strings.HasSuffix(r.Path, "/"+bob.ID):
			order = append(order, "bob")
		default:
			order = append(order, "ada")
		}
	}
	checkLines(t, "writes in order", order, []string{"bob", "ada"})

	// Demoting bob now, the last admin, is refused by Plan; a plan saved
	// before ada's demotion is refused by Apply.
	p, err = s.Plan(ctx, decode(t, `{"users": [{"userName": "bob", "organizationRole": "member"}]}`), orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "skipped", skippedLines(p), []string{"! user bob: organizationRole admin → member (protected: it is the last organization admin)"})

	// Promoting a deactivated user gives the organization no admin: bob's
	// demotion is refused, in the plan and at apply.
	p, err = s.Plan(ctx, decode(t, `{"users": [{"userName": "bob", "organizationRole": "member"}, {"userName": "dee", "organizationRole": "admin"}]}`),
		orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "skipped", skippedLines(p), []string{"! user bob: organizationRole admin → member (protected: it is the last organization admin)"})
	if _, err := s.Apply(ctx, p, orgsync.ApplyOptions{}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if u, _ := fx.srv.User("bob"); u.OrgRole != "admin" {
		t.Errorf("bob, the last active admin, was demoted: %+v", u)
	}
}

// TestMultiTenant plans and applies on Multi-tenant Cloud: the email and
// display name are planned as not applicable and never sent, the rest
// applied.
func TestMultiTenant(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{Flavor: scimtest.MultiTenant, Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com", DisplayName: "Ada"},
	}})
	f := decode(t, `{"users": [{"userName": "ada", "email": "ada@new.example.com", "displayName": "Ada L", "organizationRole": "admin", "weaveRole": "viewer"}]}`)
	p := fx.plan(t, f, false)
	if p.Target.Deployment != scim.MultiTenant {
		t.Errorf("target = %+v", p.Target)
	}
	checkLines(t, "plan", p.Lines(), []string{"~ user ada: organizationRole member → admin, weaveRole full → viewer"})
	checkLines(t, "not applicable", skippedLines(p), []string{
		"! user ada: email ada@example.com → ada@new.example.com (not applicable: Multi-tenant Cloud cannot change a user's email)",
		"! user ada: displayName \"Ada\" → \"Ada L\" (not applicable: Multi-tenant Cloud cannot change a user's displayName)",
	})
	before := len(fx.srv.Requests())
	fx.apply(t, p, orgsync.Budget{})
	for _, r := range fx.srv.Requests()[before:] {
		if r.Status == http.StatusBadRequest || strings.Contains(string(r.Body), "emails") || strings.Contains(string(r.Body), "displayName") {
			t.Errorf("sent %s %s %s (%d)", r.Method, r.Path, r.Body, r.Status)
		}
	}
	if u, _ := fx.srv.User("ada"); u.OrgRole != "admin" || u.WeaveRole != "viewer" {
		t.Errorf("ada = %+v", u)
	}
}

// TestUnsupportedOperationSplit applies, to a Multi-tenant server, a plan
// made for a Dedicated one (the deployment misdeclared): the server refuses
// the display name, and the organization role and seat sent with it are
// applied all the same; the display name is reported not applicable, and
// the apply succeeds.
func TestUnsupportedOperationSplit(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{Flavor: scimtest.MultiTenant, Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com", DisplayName: "Ada"}, {UserName: "bob", Email: "bob@example.com", DisplayName: "Bob"},
	}})
	c := srv.Client(t, scim.WithDeployment(scim.Dedicated))
	s, ctx := orgsync.New(c, orgsync.Options{}), context.Background()
	p, err := s.Plan(ctx, decode(t, `{"users": [{"userName": "ada", "displayName": "Ada L", "organizationRole": "admin", "modelsSeat": "viewer"},
	  {"userName": "bob", "displayName": "Robert"}]}`), orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Apply(ctx, p, orgsync.ApplyOptions{})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	checkLines(t, "report", resultLines(r), []string{
		"~ user ada: displayName \"Ada\" → \"Ada L\", organizationRole member → admin, modelsSeat full → viewer (not applicable, not made: displayName)",
		"~ user bob: displayName \"Bob\" → \"Robert\": not applicable: the deployment cannot make it: users.Patch: scim: PATCH " + srv.URL +
			"/scim/Users/VXNlcjoz: 400 Bad Request: User display name update operations are not supported in SaaS Cloud",
	})
	if got := r.Summary(); got != "Applied 1 change (1 not applicable)." {
		t.Errorf("summary %q", got)
	}
	checkLines(t, "not applicable", r.NotApplicable(), []string{
		"~ user ada: displayName \"Ada\" → \"Ada L\", organizationRole member → admin, modelsSeat full → viewer: displayName",
		"~ user bob: displayName \"Bob\" → \"Robert\"",
	})
	if u, _ := srv.User("ada"); u.OrgRole != "admin" || u.ModelsSeat != "viewer" || u.DisplayName != "Ada" {
		t.Errorf("ada = %+v", u)
	}
}

// TestInterruptedApply stops an apply of 300 user creates on a slow
// simulator after 40 changes, cancelling the requests in flight too, and
// checks the report against the server: every change reported applied is
// there, none reported failed or not started is, and those whose outcome
// is unknown are at most the ones that were in flight.
func TestInterruptedApply(t *testing.T) {
	t.Parallel()
	const n, stopAfter = 300, 40
	srv := scimtest.Start(t, scimtest.Options{Faults: scimtest.Faults{Latency: 5 * time.Millisecond}, DiscardRequests: true})
	s := orgsync.New(srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1})), orgsync.Options{Concurrency: 4})
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"userName": "u%03d", "email": "u%03d@example.com", "modelsSeat": "viewer"}`, i, i)
	}
	b.WriteString("]}")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := s.Plan(ctx, decode(t, b.String()), orgsync.PlanOptions{})
	if err != nil || len(p.Users) != n {
		t.Fatalf("plan: %v, %d changes", err, len(p.Users))
	}
	stop := make(chan struct{})
	settled := 0
	_, err = s.Apply(ctx, p, orgsync.ApplyOptions{Stop: stop, OnResult: func(orgsync.Result) {
		if settled++; settled == stopAfter {
			close(stop)
			cancel() // cut the requests in flight as well
		}
	}})
	var ae *orgsync.ApplyError
	if !errors.As(err, &ae) || !ae.Report.Stopped {
		t.Fatalf("Apply = %v, want a stopped *ApplyError", err)
	}
	srv.Close() // wait for the requests in flight to be handled
	st := srv.State()
	on := map[string]bool{}
	for _, u := range st.Users {
		on[u.UserName] = true
	}
	counts := map[orgsync.Status]int{}
	for i, r := range ae.Report.Results {
		name := p.Users[i].UserName
		counts[r.Status]++
		switch r.Status {
		case orgsync.Applied:
			if !on[name] {
				t.Errorf("%s reported applied, not on the server", name)
			}
		case orgsync.Failed, orgsync.NotStarted, orgsync.NotAttempted:
			if on[name] {
				t.Errorf("%s reported %s (%v), but on the server", name, r.Status, r.Err)
			}
		case orgsync.Unknown:
		default:
			t.Errorf("%s: status %q", name, r.Status)
		}
	}
	t.Logf("statuses: %v", counts)
	if counts[orgsync.Applied] < stopAfter-4 || counts[orgsync.NotStarted] < n-stopAfter-8 || counts[orgsync.Unknown] > 4 || counts[orgsync.Failed] > 0 {
		t.Errorf("statuses %v: want about %d applied, the rest not started, at most the 4 in flight unknown", counts, stopAfter)
	}
}

// TestGuardAtApplyWithIncompleteList applies a demotion of ada after the
// other admin was demoted, against a server whose user list now leaves ada
// out: Apply reads her, and the guard keeps the last admin.
func TestGuardAtApplyWithIncompleteList(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{
		{UserName: scimtest.DefaultAdminUserName, Email: "admin@example.com", OrgRole: "member"},
		{UserName: "ada", Email: "ada@example.com", OrgRole: "admin"},
		{UserName: "bob", Email: "bob@example.com", OrgRole: "admin"},
		{UserName: "svc", AccountType: scimtest.AccountOrgService},
	}})
	key, err := srv.NewAPIKey("svc")
	if err != nil {
		t.Fatal(err)
	}
	var hide atomic.Bool
	front := rewriting(t, srv, func(r *http.Request, v any) {
		page, ok := v.(map[string]any)
		if !hide.Load() || r.URL.Path != "/scim/Users" || r.URL.Query().Get("filter") != "" || !ok {
			return
		}
		var kept []any
		for _, u := range page["Resources"].([]any) {
			if u.(map[string]any)["userName"] != "ada" {
				kept = append(kept, u)
			}
		}
		page["Resources"] = kept
	})
	c, err := scim.NewClient(scim.WithBaseURL(front.BaseURL()), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	s, us, ctx := orgsync.New(c, orgsync.Options{}), users.New(c), context.Background()
	p, err := s.Plan(ctx, decode(t, `{"users": [{"userName": "ada", "organizationRole": "member"}]}`), orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, "plan", p.Lines(), []string{"~ user ada: organizationRole admin → member"})
	bob := must(us.FindByUserName(ctx, "bob"))(t)
	must(us.SetOrganizationRole(ctx, bob.ID, "member"))(t)
	hide.Store(true)
	_, err = s.Apply(ctx, p, orgsync.ApplyOptions{})
	if !errors.Is(err, orgsync.ErrGuarded) || !strings.Contains(err.Error(), "refusing to demote ada: it is the last organization admin") {
		t.Errorf("Apply = %v, want the demotion of the last admin refused", err)
	}
	if u, _ := srv.User("ada"); u.OrgRole != "admin" {
		t.Errorf("ada = %+v", u)
	}
}
