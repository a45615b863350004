package exampleenv

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// TestConnect checks that only both WANDB_BASE_URL and WANDB_API_KEY together
// select a real W&B (here a scimtest server standing in for one), and that
// either alone is ignored, with a note, in favour of the simulator. It sets
// environment variables, so it does not run in parallel.
func TestConnect(t *testing.T) {
	tests := []struct {
		name            string
		baseURL, apiKey bool
		wantReal        bool
		wantNote        string
	}{
		{name: "both set: real W&B", baseURL: true, apiKey: true, wantReal: true},
		{name: "key only: simulator", apiKey: true,
			wantNote: "Note: WANDB_API_KEY is set but WANDB_BASE_URL is not, so WANDB_API_KEY is ignored; set both to use a real W&B."},
		{name: "URL only: simulator", baseURL: true,
			wantNote: "Note: WANDB_BASE_URL is set but WANDB_API_KEY is not, so WANDB_BASE_URL is ignored; set both to use a real W&B."},
		{name: "neither: simulator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := scimtest.Start(t, scimtest.Options{})
			UseServer(t, srv) // both set, then clear what the case leaves unset
			if !tt.baseURL {
				t.Setenv(scim.EnvBaseURL, "")
			}
			if !tt.apiKey {
				t.Setenv(scim.EnvAPIKey, "")
			}

			var out bytes.Buffer
			env, err := Connect(&out, scimtest.Options{})
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer env.Close()
			if _, err := users.New(env.Client).List(context.Background(), nil); err != nil {
				t.Fatalf("GET Users through the connection: %v", err)
			}

			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			reached := len(srv.Requests()) > 0
			if tt.wantReal {
				if env.Simulated || !reached || len(lines) != 1 || !strings.HasPrefix(lines[0], "Using W&B at "+srv.URL) {
					t.Errorf("want the real server: Simulated=%t, reached=%t, output %q", env.Simulated, reached, out.String())
				}
				return
			}
			if !env.Simulated || reached {
				t.Errorf("want the simulator: Simulated=%t, the env's server reached=%t", env.Simulated, reached)
			}
			want := []string{SimulatorBanner}
			if tt.wantNote != "" {
				want = append(want, tt.wantNote)
			}
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Errorf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
			}
		})
	}
}

func TestIgnoredNote(t *testing.T) {
	t.Parallel()
	if IgnoredNote(true, true) != "" || IgnoredNote(false, false) != "" {
		t.Error("no note when both or neither are set")
	}
	if n := IgnoredNote(false, true); !strings.HasPrefix(n, "Note: WANDB_API_KEY is set but WANDB_BASE_URL is not") {
		t.Errorf("key only: %q", n)
	}
	if n := IgnoredNote(true, false); !strings.HasPrefix(n, "Note: WANDB_BASE_URL is set but WANDB_API_KEY is not") {
		t.Errorf("URL only: %q", n)
	}
}
