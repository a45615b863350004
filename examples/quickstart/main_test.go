package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

// useServer points the example at srv as if it were a real W&B.
func useServer(t *testing.T, srv *scimtest.Server) {
	t.Setenv("WANDB_BASE_URL", srv.URL)
	t.Setenv("WANDB_API_KEY", srv.APIKey)
	t.Setenv("WANDB_USERNAME", "")
}

func TestSimulatorMode(t *testing.T) {
	t.Setenv("WANDB_BASE_URL", "")
	t.Setenv("WANDB_API_KEY", "")
	var out bytes.Buffer
	if err := run(context.Background(), &out, "q@example.com", "q-team", "q-role", false); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != exampleenv.SimulatorBanner {
		t.Errorf("first line %q, want the simulator banner", lines[0])
	}
	for i, want := range []string{"1. created user q", "2. created team q-team", "3. added q to team q-team",
		"4. made q an admin", "5. created custom role q-role", "6. deactivated q@example.com (active=false)", "Done."} {
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("line %d should start with %q:\n%s", i+2, want, out.String())
		}
	}
}

func TestRerun(t *testing.T) {
	for _, tt := range []struct {
		flavor    scimtest.Flavor
		secondRun []string
	}{
		{scimtest.Dedicated, []string{"existed but was inactive: reactivated", "team q-team already exists",
			"q is already a member", "custom role q-role already exists", "6. deactivated"}},
		// Multi-tenant deactivation removes the user from the organization,
		// so the second run adds it again.
		{scimtest.MultiTenant, []string{"1. created user q", "team q-team already exists",
			"custom role q-role already exists", "6. deactivated"}},
	} {
		t.Run(tt.flavor.String(), func(t *testing.T) {
			useServer(t, scimtest.Start(t, scimtest.Options{Flavor: tt.flavor}))
			for i := range 2 {
				var out bytes.Buffer
				if err := run(context.Background(), &out, "q@example.com", "q-team", "q-role", false); err != nil {
					t.Fatalf("run %d: %v\n%s", i+1, err, out.String())
				}
				if !strings.HasPrefix(out.String(), "Using W&B at http://127.0.0.1:") {
					t.Errorf("run %d: first line should name the server:\n%s", i+1, out.String())
				}
				if i == 1 {
					for _, want := range tt.secondRun {
						if !strings.Contains(out.String(), want) {
							t.Errorf("second run lacks %q:\n%s", want, out.String())
						}
					}
				}
			}
		})
	}
}
