package main

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	s := exampleenv.RunSimulated(t, func(ctx context.Context, w io.Writer) error { return run(ctx, w, nil, false) })
	for _, want := range []string{"alice@example.com: removed from ml-research, platform; deactivated",
		"Summary: 2 offboarded, 1 already offboarded, 1 not found, 0 failed."} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestRealModeNeedsEmails(t *testing.T) {
	exampleenv.UseServer(t, scimtest.Start(t, scimtest.Options{}))
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil, false); err == nil || !strings.Contains(err.Error(), "no email addresses") {
		t.Errorf("err = %v, want a request for emails", err)
	}
}

func TestDryRunThenRerun(t *testing.T) {
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		t.Run(flavor.String(), func(t *testing.T) {
			seed := slices.DeleteFunc(slices.Clone(simUsers), func(u scimtest.User) bool {
				return u.Inactive && flavor == scimtest.MultiTenant // not in a Multi-tenant organization
			})
			srv := scimtest.Start(t, scimtest.Options{Flavor: flavor, Users: seed, Teams: simTeams})
			exampleenv.UseServer(t, srv)
			emails := []string{"alice@example.com", "carol@example.com"}
			runOnce := func(dry bool) string {
				t.Helper()
				var out bytes.Buffer
				if err := run(context.Background(), &out, emails, dry); err != nil {
					t.Fatalf("run: %v\n%s", err, out.String())
				}
				return out.String()
			}

			out := runOnce(true)
			if !strings.Contains(out, "alice@example.com: would remove from ml-research, platform; deactivate") ||
				!strings.Contains(out, "Summary: 2 to offboard") {
				t.Errorf("dry run:\n%s", out)
			}
			if u, ok := srv.User("alice"); !ok || u.Inactive {
				t.Fatalf("the dry run changed alice: %+v", u)
			}

			out = runOnce(false)
			if !strings.Contains(out, "Summary: 2 offboarded, 0 already offboarded, 0 not found, 0 failed.") {
				t.Errorf("first run:\n%s", out)
			}
			if ml, _ := srv.Team("ml-research"); len(ml.Members) != 0 {
				t.Errorf("ml-research still has members %v", ml.Members)
			}
			if p, _ := srv.Team("platform"); len(p.Members) != 1 || p.Members[0] != "bob" {
				t.Errorf("platform members %v, want [bob]", p.Members)
			}

			out = runOnce(false)
			want := "Summary: 0 offboarded, 2 already offboarded, 0 not found, 0 failed."
			if flavor == scimtest.MultiTenant { // deactivated users left the organization
				want = "Summary: 0 offboarded, 0 already offboarded, 2 not found, 0 failed."
			}
			if !strings.Contains(out, want) {
				t.Errorf("rerun, want %q:\n%s", want, out)
			}
		})
	}
}
