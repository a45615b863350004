package exampleenv

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// UseSimulator makes Connect use the built-in simulator for the rest of the
// test t, by clearing WANDB_BASE_URL and WANDB_API_KEY (t.Setenv restores
// them afterwards).
func UseSimulator(t testing.TB) {
	t.Helper()
	t.Setenv(scim.EnvBaseURL, "")
	t.Setenv(scim.EnvAPIKey, "")
}

// UseServer makes Connect treat srv as a real W&B for the rest of the test t,
// by pointing WANDB_BASE_URL and WANDB_API_KEY at it (and clearing
// WANDB_USERNAME, so the key is sent as a Bearer token).
func UseServer(t testing.TB, srv *scimtest.Server) {
	t.Helper()
	t.Setenv(scim.EnvBaseURL, srv.URL)
	t.Setenv(scim.EnvAPIKey, srv.APIKey)
	t.Setenv(scim.EnvUsername, "")
}

// RunSimulated runs an example's run function against the built-in simulator
// (see UseSimulator) and returns what it wrote. It fails t when run returns an
// error, or when the output does not start with the SimulatorBanner line.
func RunSimulated(t testing.TB, run func(ctx context.Context, w io.Writer) error) string {
	t.Helper()
	UseSimulator(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	if !strings.HasPrefix(s, SimulatorBanner+"\n") {
		t.Errorf("output should start with the simulator banner:\n%s", s)
	}
	return s
}
