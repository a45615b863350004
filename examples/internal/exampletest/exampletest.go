// Package exampletest holds the test helpers of the example programs: runs
// on the simulator, runs through exampleenv.Run, and checks of -h texts and
// usage errors. It is imported by tests only, so that the programs' binaries
// do not link the testing package.
package exampletest

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

// ClearEnv unsets WANDB_BASE_URL, WANDB_API_KEY and WANDB_USERNAME for the
// rest of the test t (t.Setenv restores them afterwards), so that the
// simulator's first line does not depend on the machine's environment.
func ClearEnv(t testing.TB) {
	t.Helper()
	for _, name := range []string{scim.EnvBaseURL, scim.EnvAPIKey, scim.EnvUsername} {
		t.Setenv(name, "")
	}
}

// UseServer makes srv the W&B that -live uses for the rest of the test t, by
// pointing WANDB_BASE_URL and WANDB_API_KEY at it (and clearing
// WANDB_USERNAME, so the key is sent as a Bearer token).
func UseServer(t testing.TB, srv *scimtest.Server) {
	t.Helper()
	t.Setenv(scim.EnvBaseURL, srv.URL)
	t.Setenv(scim.EnvAPIKey, srv.APIKey)
	t.Setenv(scim.EnvUsername, "")
}

// RunSimulated runs an example's run function on the built-in simulator
// (without -live, see ClearEnv) and returns what it wrote. It fails t when
// run returns an error, or when the output does not start with the
// simulator's line.
func RunSimulated(t testing.TB, run func(ctx context.Context, w io.Writer) error) string {
	t.Helper()
	ClearEnv(t)
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	if !strings.HasPrefix(s, exampleenv.SimulatorBanner+" (use -live") {
		t.Errorf("output should start with the simulator's line:\n%s", s)
	}
	return s
}

// Result is what Run returned and wrote.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// RunMain runs an example's main function through Run with args and returns
// the exit status and output.
func RunMain(t testing.TB, name string, args []string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error) Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := exampleenv.Run(context.Background(), name, args, &stdout, &stderr, main)
	return Result{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
}

// CheckHelp runs main with -h and checks that the help has every part an
// example's -h text needs, with want among them.
func CheckHelp(t *testing.T, name string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error, want ...string) {
	t.Helper()
	checkHelp(t, name, main, append([]string{"3 when interrupted"}, want...)...)
}

// CheckHelpExit is CheckHelp for a program with its own exit statuses
// (sync), whose -h text want must name.
func CheckHelpExit(t *testing.T, name string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error, want ...string) {
	t.Helper()
	checkHelp(t, name, main, want...)
}

func checkHelp(t *testing.T, name string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error, want ...string) {
	t.Helper()
	r := RunMain(t, name, []string{"-h"}, main)
	if r.Code != exampleenv.ExitOK || r.Stderr != "" {
		t.Errorf("-h: exit %d, stderr %q; want 0 and nothing", r.Code, r.Stderr)
	}
	parts := append([]string{"Usage: go run ./examples/" + name, "\nFlags:\n", "\nEnvironment:", "\nExample:\n  go run ./examples/" + name,
		"Exit status: 0 "}, want...)
	for _, p := range parts {
		if !strings.Contains(r.Stdout, p) {
			t.Errorf("-h lacks %q:\n%s", p, r.Stdout)
		}
	}
}

// CheckUsageError runs main with args and checks that it is a usage error
// (exit status 1, exampleenv.ExitUsage) whose message contains want, and that nothing was
// written to stdout.
func CheckUsageError(t *testing.T, name string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error, args []string, want string) {
	t.Helper()
	CheckUsageErrorExit(t, name, main, args, want, exampleenv.ExitUsage)
}

// CheckUsageErrorExit is CheckUsageError for a program whose bad command
// line exits with code.
func CheckUsageErrorExit(t *testing.T, name string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error, args []string, want string, code int) {
	t.Helper()
	r := RunMain(t, name, args, main)
	if r.Code != code || !strings.HasPrefix(r.Stderr, name+": ") || !strings.Contains(r.Stderr, want) ||
		!strings.Contains(r.Stderr, "-h' for help") || r.Stdout != "" {
		t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and an error mentioning %q", args, r.Code, r.Stdout, r.Stderr, code, want)
	}
}
