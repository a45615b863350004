package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

var testConfig = config{email: "q@example.com", team: "q-team", role: "q-role"}

func TestSimulatorMode(t *testing.T) {
	out := exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error {
		return run(ctx, w, testConfig)
	}) // starts with the simulator's line
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
			srv := scimtest.Start(t, scimtest.Options{Flavor: tt.flavor})
			exampletest.UseServer(t, srv)
			c := testConfig
			c.live = true
			for i := range 2 {
				var out bytes.Buffer
				if err := run(context.Background(), &out, c); err != nil {
					t.Fatalf("run %d: %v\n%s", i+1, err, out.String())
				}
				if want := "Using W&B at " + srv.URL + "/scim (-live).\n"; !strings.HasPrefix(out.String(), want) {
					t.Errorf("run %d: first line should be %q:\n%s", i+1, want, out.String())
				}
				if i == 1 {
					for _, want := range tt.secondRun {
						if !strings.Contains(out.String(), want) {
							t.Errorf("second run lacks %q:\n%s", want, out.String())
						}
					}
				}
			}
			if _, ok := srv.Team("q-team"); !ok {
				t.Error("-live did not create the team on the server")
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	exampletest.CheckHelp(t, "quickstart", command, "-email string", "-keep", "-live", "Input: none", "-deployment string", "Never 2 (changes")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-emial", "a@b.c"}, "flag provided but not defined: -emial"},
		{[]string{"-email", "ada"}, `-email "ada" is not an email address`},
		{[]string{"-team", " "}, "-team must not be empty"},
		{[]string{"-role", ""}, "-role must not be empty"},
		{[]string{"extra"}, `unexpected arguments ["extra"]`},
		{[]string{"-deployment", "saas"}, `-deployment "saas": want multi-tenant, dedicated or self-managed`},
	} {
		exampletest.CheckUsageError(t, "quickstart", command, tt.args, tt.want)
	}
	exampletest.ClearEnv(t)
	exampletest.CheckUsageError(t, "quickstart", command, []string{"-live"}, "-live needs WANDB_API_KEY")
	// -deployment multi-tenant runs on a Multi-tenant simulator, where a
	// deactivated user leaves the organization.
	r := exampletest.RunMain(t, "quickstart", []string{"-deployment", "multi-tenant"}, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "6. deactivated quickstart-user@example.com") {
		t.Errorf("-deployment multi-tenant: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// recorder is a server standing in for a real W&B: it counts requests and
// answers each with a 401 (not retried, so -live fails fast).
func recorder(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "recorder", http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestNothingSentWithoutLive: with WANDB_BASE_URL and WANDB_API_KEY
// exported, the quickstart sends that server nothing unless -live is given,
// and says it ignored them.
func TestNothingSentWithoutLive(t *testing.T) {
	srv, requests := recorder(t)
	t.Setenv(scim.EnvBaseURL, srv.URL)
	t.Setenv(scim.EnvAPIKey, "a-real-looking-key-0123456789012345678901234")
	t.Setenv(scim.EnvUsername, "")

	r := exampletest.RunMain(t, "quickstart", nil, command)
	want := exampleenv.SimulatorBanner + ": WANDB_BASE_URL (" + srv.URL + ") and WANDB_API_KEY are ignored without -live.\n"
	if r.Code != exampleenv.ExitOK || !strings.HasPrefix(r.Stdout, want) || !strings.HasSuffix(r.Stdout, "Done.\n") {
		t.Errorf("exit %d, output:\n%s\nstderr: %s\nwant it to start with %q", r.Code, r.Stdout, r.Stderr, want)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the server named by WANDB_BASE_URL got %d requests without -live", n)
	}

	r = exampletest.RunMain(t, "quickstart", []string{"-live"}, command)
	if r.Code != exampleenv.ExitFailed || requests.Load() == 0 || !strings.Contains(r.Stderr, "401") {
		t.Errorf("-live: exit %d, %d requests, stderr %q; want 1 after reaching the server", r.Code, requests.Load(), r.Stderr)
	}
}

// mainEnv names the environment variable that makes TestProgram's child
// process run the program's main instead of the tests.
const mainEnv = "QUICKSTART_TEST_MAIN"

// TestProgram runs the program itself (main, in a child process, as go run
// would) with WANDB_BASE_URL pointing at a recording server and at an
// unreachable one: without -live it sends them nothing and succeeds; with
// -live it reaches the recording server.
func TestProgram(t *testing.T) {
	if args, ok := os.LookupEnv(mainEnv); ok {
		os.Args = append([]string{"quickstart"}, strings.Fields(args)...)
		main()
	}
	t.Parallel()
	for _, tt := range []struct {
		name, args   string
		reachable    bool
		wantCode     int
		wantRequests bool
	}{
		{"recording server", "", true, 0, false},
		{"unreachable server", "", false, 0, false},
		{"recording server, -live", "-live", true, 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, requests := recorder(t)
			baseURL := "http://127.0.0.1:1" // nothing listens on port 1
			if tt.reachable {
				baseURL = srv.URL
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestProgram$")
			cmd.Env = append(os.Environ(), mainEnv+"="+tt.args, scim.EnvBaseURL+"="+baseURL,
				scim.EnvAPIKey+"=a-real-looking-key-0123456789012345678901234", scim.EnvUsername+"=")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			if tt.wantCode == 0 && !strings.HasPrefix(stdout.String(), exampleenv.SimulatorBanner+": WANDB_BASE_URL ("+baseURL+")") {
				t.Errorf("the first line should say WANDB_BASE_URL was ignored:\n%s", stdout.String())
			}
			if got := requests.Load(); (got > 0) != tt.wantRequests {
				t.Errorf("the recording server got %d requests", got)
			}
		})
	}
}

// TestCallerNeverDeactivated: given the calling account's email, quickstart
// leaves it active (the guard refuses) and exits 1.
func TestCallerNeverDeactivated(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{})
	exampletest.UseServer(t, srv)
	r := exampletest.RunMain(t, "quickstart", []string{"-live", "-email", "admin@example.com"}, command)
	want := "quickstart: refusing to deactivate admin: it is the calling account (run with another -email, or with -keep)\n"
	if r.Code != exampleenv.ExitFailed || r.Stderr != want ||
		!strings.Contains(r.Stdout, "6. left admin@example.com active: refusing to deactivate admin: it is the calling account\n") {
		t.Errorf("exit %d, stderr %q; want 1 and %q\n%s", r.Code, r.Stderr, want, r.Stdout)
	}
	if u, ok := srv.User("admin"); !ok || u.Inactive {
		t.Errorf("the caller was deactivated: %+v", u)
	}
}
