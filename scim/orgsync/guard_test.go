package orgsync_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// guardOrg has two admins (the caller, "admin", and ada), a member and two
// service accounts.
var guardOrg = scimtest.Options{Users: []scimtest.User{
	{UserName: "ada", Email: "ada@example.com", OrgRole: "admin"},
	{UserName: "bob", Email: "bob@example.com"},
	{UserName: "ci-bot", AccountType: scimtest.AccountOrgService},
	{UserName: "old-bot", AccountType: scimtest.AccountService},
}}

func newGuard(t *testing.T, opts scimtest.Options) *orgsync.Guard {
	t.Helper()
	srv := scimtest.Start(t, opts)
	g, err := orgsync.NewGuard(context.Background(), srv.Client(t))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// verdicts renders CheckAll's errors: "ok" or the refusal's reason.
func verdicts(t *testing.T, errs []error) []string {
	t.Helper()
	out := make([]string, len(errs))
	for i, err := range errs {
		var ge *orgsync.GuardError
		switch {
		case err == nil:
			out[i] = "ok"
		case errors.As(err, &ge) && errors.Is(err, orgsync.ErrGuarded):
			out[i] = string(ge.Reason)
		default:
			t.Fatalf("change %d: %v is not a *GuardError matching ErrGuarded", i, err)
		}
	}
	return out
}

func TestGuardReadsTheOrganization(t *testing.T) {
	t.Parallel()
	g := newGuard(t, guardOrg)
	if g.Caller() != scimtest.DefaultAdminUserName {
		t.Errorf("Caller = %q, want %q", g.Caller(), scimtest.DefaultAdminUserName)
	}
	if got, want := g.Admins(), []string{"ada", "admin"}; !slices.Equal(got, want) {
		t.Errorf("Admins = %q, want %q", got, want)
	}
	if !g.Complete() {
		t.Error("Complete = false after a whole walk")
	}
}

func TestGuardSingleChanges(t *testing.T) {
	t.Parallel()
	g := newGuard(t, guardOrg)
	const (
		caller  = string(orgsync.ReasonCaller)
		last    = string(orgsync.ReasonLastAdmin)
		service = string(orgsync.ReasonServiceAccount)
	)
	tests := []struct {
		name  string
		check func() error
		want  string
	}{
		{"deactivate the caller", func() error { return g.CheckDeactivate("admin", true) }, caller},
		{"deactivate the caller in another case", func() error { return g.CheckDeactivate("ADMIN", true) }, caller},
		{"delete the caller", func() error { return g.CheckDelete("admin", true) }, caller},
		{"demote the caller", func() error { return g.CheckDemote("admin") }, caller},
		{"deactivate another admin", func() error { return g.CheckDeactivate("ada", false) }, "ok"},
		{"demote another admin", func() error { return g.CheckDemote("ada") }, "ok"},
		{"deactivate a member", func() error { return g.CheckDeactivate("bob", false) }, "ok"},
		{"delete a member", func() error { return g.CheckDelete("bob", true) }, "ok"},
		{"deactivate an unnamed org service account", func() error { return g.CheckDeactivate("ci-bot", false) }, service},
		{"delete an unnamed team service account", func() error { return g.CheckDelete("old-bot", false) }, service},
		{"deactivate a named service account", func() error { return g.CheckDeactivate("ci-bot", true) }, "ok"},
		{"delete a named service account", func() error { return g.CheckDelete("old-bot", true) }, "ok"},
		{"a user the guard never saw", func() error { return g.CheckDeactivate("nobody", false) }, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdicts(t, []error{tt.check()}); got[0] != tt.want {
				t.Errorf("got %q, want %q", got[0], tt.want)
			}
		})
	}
}

func TestGuardLastAdmin(t *testing.T) {
	t.Parallel()
	// ada is the only admin; the caller is an organization service account.
	const botKey = "ci-bot-key-0123456789abcdef0123456789abcd"
	opts := scimtest.Options{Users: []scimtest.User{
		{UserName: scimtest.DefaultAdminUserName, Email: "admin@example.com", OrgRole: "member"},
		{UserName: "ci-bot", AccountType: scimtest.AccountOrgService, APIKey: botKey},
		{UserName: "ada", Email: "ada@example.com", OrgRole: "admin"},
		{UserName: "bob", Email: "bob@example.com"},
		{UserName: "cy", Email: "cy@example.com"},
		{UserName: "dee", Email: "dee@example.com", Inactive: true},
	}}
	srv := scimtest.Start(t, opts)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(botKey))
	if err != nil {
		t.Fatal(err)
	}
	g, err := orgsync.NewGuard(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.Admins(), []string{"ada"}; !slices.Equal(got, want) {
		t.Fatalf("Admins = %q, want %q", got, want)
	}
	const (
		ok   = "ok"
		last = string(orgsync.ReasonLastAdmin)
	)
	change := func(name string, a orgsync.GuardAction) orgsync.GuardChange {
		return orgsync.GuardChange{UserName: name, Action: a, Named: true}
	}
	tests := []struct {
		name    string
		changes []orgsync.GuardChange
		want    []string
	}{
		{"deactivate the last admin", []orgsync.GuardChange{change("ada", orgsync.GuardDeactivate)}, []string{last}},
		{"delete the last admin", []orgsync.GuardChange{change("ada", orgsync.GuardDelete)}, []string{last}},
		{"demote the last admin", []orgsync.GuardChange{change("ada", orgsync.GuardDemote)}, []string{last}},
		{"handover: demote, then promote", []orgsync.GuardChange{
			change("ada", orgsync.GuardDemote), change("bob", orgsync.GuardPromote)}, []string{ok, ok}},
		{"handover: promote, then deactivate", []orgsync.GuardChange{
			change("bob", orgsync.GuardPromote), change("ada", orgsync.GuardDeactivate)}, []string{ok, ok}},
		{"a user promoted and demoted in one set counts as demoted", []orgsync.GuardChange{
			change("bob", orgsync.GuardPromote), change("ada", orgsync.GuardDemote), change("bob", orgsync.GuardDemote)},
			[]string{ok, last, ok}},
		{"two promoted, both old and one new removed", []orgsync.GuardChange{
			change("bob", orgsync.GuardPromote), change("cy", orgsync.GuardPromote),
			change("ada", orgsync.GuardDeactivate), change("cy", orgsync.GuardDemote)},
			[]string{ok, ok, ok, ok}},
		{"promoting a service account hands nothing over", []orgsync.GuardChange{
			change("ci-bot", orgsync.GuardPromote), change("ada", orgsync.GuardDemote)}, []string{ok, last}},
		{"a member demoted is no admin lost", []orgsync.GuardChange{change("bob", orgsync.GuardDemote)}, []string{ok}},
		{"promoting a deactivated user hands nothing over", []orgsync.GuardChange{
			change("dee", orgsync.GuardPromote), change("ada", orgsync.GuardDemote)}, []string{ok, last}},
		{"promoting a user reactivated in the same change does", []orgsync.GuardChange{
			{UserName: "dee", Action: orgsync.GuardPromote, Activates: true}, change("ada", orgsync.GuardDemote)}, []string{ok, ok}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdicts(t, g.CheckAll(tt.changes)); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// CheckAll rules without changing the guard.
	if got := g.Admins(); !slices.Equal(got, []string{"ada"}) {
		t.Errorf("after CheckAll, Admins = %q, want [ada]", got)
	}
}

func TestGuardObserve(t *testing.T) {
	t.Parallel()
	g := newGuard(t, guardOrg)
	// ada lost the admin role elsewhere: the caller is the last admin.
	g.Observe(&users.User{UserName: "ada", Active: true, OrganizationRole: "member"})
	if got := g.Admins(); !slices.Equal(got, []string{"admin"}) {
		t.Fatalf("Admins = %q, want [admin]", got)
	}
	// A service account the walk missed is known as one once observed.
	g.Observe(&users.User{UserName: "new-bot", Active: true, AccountType: users.AccountType(scimtest.AccountService)})
	if got := verdicts(t, []error{g.CheckDeactivate("new-bot", false)}); got[0] != string(orgsync.ReasonServiceAccount) {
		t.Errorf("deactivating an observed service account: got %q", got[0])
	}
	// An admin observed (promoted elsewhere) may be demoted while another remains.
	g.Observe(&users.User{UserName: "bob", Active: true, OrganizationRole: "admin"})
	if err := g.CheckDemote("bob"); err != nil {
		t.Errorf("demoting bob with the caller still admin: %v", err)
	}
}

func TestGuardErrorText(t *testing.T) {
	t.Parallel()
	err := &orgsync.GuardError{UserName: "ada", Action: orgsync.GuardDeactivate, Reason: orgsync.ReasonLastAdmin}
	if got, want := err.Error(), "refusing to deactivate ada: it is the last organization admin"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
