package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	out := exampleenv.RunSimulated(t, func(ctx context.Context, w io.Writer) error {
		return run(ctx, w, "q@example.com", "q-team", "q-role", false)
	}) // starts with the banner line
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, want := range []string{"1. created user q", "2. created team q-team", "3. added q to team q-team",
		"4. made q an admin", "5. created custom role q-role", "6. deactivated q@example.com (active=false)", "Done."} {
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("line %d should start with %q:\n%s", i+2, want, out)
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
			exampleenv.UseServer(t, scimtest.Start(t, scimtest.Options{Flavor: tt.flavor}))
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

// TestAPIKeyAloneUsesSimulator: a WANDB_API_KEY exported for the wandb tools,
// without WANDB_BASE_URL, must not send the quickstart to a real W&B.
func TestAPIKeyAloneUsesSimulator(t *testing.T) {
	t.Setenv(scim.EnvBaseURL, "")
	t.Setenv(scim.EnvAPIKey, "x")
	var out bytes.Buffer
	if err := run(context.Background(), &out, "q@example.com", "q-team", "q-role", false); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	want := exampleenv.SimulatorBanner + "\n" + exampleenv.IgnoredNote(false, true) + "\n1. created user q"
	if !strings.HasPrefix(out.String(), want) || !strings.HasSuffix(out.String(), "Done.\n") {
		t.Errorf("output should start with\n%s\ngot:\n%s", want, out.String())
	}
}
