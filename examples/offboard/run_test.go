package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	s := exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error { return run(ctx, w, config{snapshot: snapshotPath(t)}) })
	for _, want := range []string{"alice@example.com: removed from ml-research, platform; deactivated",
		"Summary: 2 offboarded, 1 already offboarded, 1 not found, 0 refused, 0 failed."} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestCommandLine(t *testing.T) {
	exampletest.CheckHelp(t, "offboard", command, "-dry-run", "-file string", "-live", "# leavers, June\n", "-auto-approve", "-deployment string",
		"2 after\na -dry-run with changes pending", "never offboarded", "Under go run every failure is status 1",
		"-snapshot string", "-force", "-restore FILE", "-revoke-keys", "-delete", `"kind": "wandb-offboard-snapshot"`, "-journal FILE", "-undo FILE reverses it")
	exampletest.ClearEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-dryrun"}, "flag provided but not defined: -dryrun"},
		{[]string{"alice", "bob@x.io", "x@"}, `argument 1: "alice" is not an email address`},
		{[]string{"-live"}, "-live needs the users to offboard"},
		{[]string{"-live", "a@x.io"}, "-live needs WANDB_API_KEY"},
		{[]string{"-deployment", "cloud", "a@x.io"}, `-deployment "cloud": want multi-tenant, dedicated or self-managed`},
		{[]string{"-restore", "s.json", "a@x.io"}, "-restore takes its users from the snapshot: give no emails and no -file"},
		{[]string{"-restore", "s.json", "-file", "f.txt"}, "-restore takes its users from the snapshot"},
		{[]string{"-restore", "s.json", "-revoke-keys"}, "-restore cannot be combined with -revoke-keys, -delete, -snapshot or -force"},
		{[]string{"-restore", "s.json", "-delete"}, "-restore cannot be combined with"},
		{[]string{"-journal", "j.jsonl", "a@x.io"}, "-journal goes with -restore"},
	} {
		exampletest.CheckUsageError(t, "offboard", command, tt.args, tt.want)
	}
}

// TestFileErrors: a bad -file is a failure (exit 1) naming the file and the
// line, and nothing is sent.
func TestFileErrors(t *testing.T) {
	exampletest.ClearEnv(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "leavers.txt")
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(bad, []byte("# June\nalice@example.com\nbob at example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, []byte("# nobody yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-file", bad}, "offboard: " + bad + `:3: "bob at example.com" is not an email address` + "\n"},
		{[]string{"-file", empty}, "offboard: " + empty + ": no email addresses in the file\n"},
		{[]string{"-file", filepath.Join(dir, "nope.txt")}, "offboard: open " + filepath.Join(dir, "nope.txt") + ": no such file or directory\n"},
	} {
		r := exampletest.RunMain(t, "offboard", tt.args, command)
		if r.Code != exampleenv.ExitFailed || r.Stderr != tt.want || r.Stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1 and %q", tt.args, r.Code, r.Stdout, r.Stderr, tt.want)
		}
	}
}

func TestDryRunThenRerun(t *testing.T) {
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		t.Run(flavor.String(), func(t *testing.T) {
			seed := slices.DeleteFunc(slices.Clone(simUsers), func(u scimtest.User) bool {
				return u.Inactive && flavor == scimtest.MultiTenant // not in a Multi-tenant organization
			})
			srv := scimtest.Start(t, scimtest.Options{Flavor: flavor, Users: seed, Teams: simTeams})
			exampletest.UseServer(t, srv)
			file := filepath.Join(t.TempDir(), "leavers.txt")
			if err := os.WriteFile(file, []byte("# June\ncarol@example.com\nALICE@example.com\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			runOnce := func(dry bool) string {
				t.Helper()
				var out bytes.Buffer
				c := config{file: file, emails: []string{"alice@example.com"}, dryRun: dry, live: true, autoApprove: true, snapshot: snapshotPath(t)}
				if err := run(context.Background(), &out, c); err != nil && !(dry && errors.Is(err, exampleenv.ErrPending)) {
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
			if !strings.Contains(out, "Summary: 2 offboarded, 0 already offboarded, 0 not found, 0 refused, 0 failed.") {
				t.Errorf("first run:\n%s", out)
			}
			if ml, _ := srv.Team("ml-research"); len(ml.Members) != 0 {
				t.Errorf("ml-research still has members %v", ml.Members)
			}
			if p, _ := srv.Team("platform"); len(p.Members) != 1 || p.Members[0] != "bob" {
				t.Errorf("platform members %v, want [bob]", p.Members)
			}

			out = runOnce(false)
			want := "Summary: 0 offboarded, 2 already offboarded, 0 not found, 0 refused, 0 failed."
			if flavor == scimtest.MultiTenant { // deactivated users left the organization
				want = "Summary: 0 offboarded, 0 already offboarded, 2 not found, 0 refused, 0 failed."
			}
			if !strings.Contains(out, want) {
				t.Errorf("rerun, want %q:\n%s", want, out)
			}
		})
	}
}

// TestIncompleteTeams checks that offboarding refuses to act on a partial
// list of teams (more than W&B's 9999 per request): it cannot know every
// team a leaver is in, so it changes nothing and exits with an error.
func TestIncompleteTeams(t *testing.T) {
	teams := make([]scimtest.Team, 10000)
	for i := range teams {
		teams[i] = scimtest.Team{Name: fmt.Sprintf("team-%05d", i)}
	}
	teams[9999].Members = []string{"alice"} // in the team the listing leaves out
	srv := scimtest.Start(t, scimtest.Options{Users: simUsers, Teams: teams})
	exampletest.UseServer(t, srv)
	var out bytes.Buffer
	err := run(context.Background(), &out, config{emails: []string{"alice@example.com"}, live: true})
	if !errors.Is(err, scim.ErrIncomplete) || !strings.Contains(err.Error(), "listing teams") {
		t.Fatalf("err = %v, want an incomplete listing of teams\n%s", err, out.String())
	}
	if u, ok := srv.User("alice"); !ok || u.Inactive {
		t.Errorf("alice was changed: %+v", u)
	}
}

// writes returns the requests of srv that change something: every SCIM
// request but GET (GraphQL's POST /graphql only reads, here).
func writes(srv *scimtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet && strings.HasPrefix(r.Path, "/scim") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// TestGuard: offboarding the calling account is refused by the guard, in
// the dry run (named in the plan) and in the real run (nothing sent for
// that user); a run whose every change is refused exits 1, and so does one
// where only some are. A dry run exits 2 only with changes pending.
func TestGuard(t *testing.T) {
	withBoss := append([]scimtest.User{{UserName: "boss", Email: "boss@example.com", OrgRole: "admin"}}, simUsers...)
	tests := []struct {
		name       string
		seed       []scimtest.User
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
		wantWrites int // write requests
	}{
		{
			name: "caller, dry run", args: []string{"-dry-run", "admin@example.com"}, wantCode: exampleenv.ExitFailed,
			wantStdout: []string{"admin@example.com: REFUSED: refusing to deactivate admin: it is the calling account\n",
				"Summary: 0 to offboard, 0 already offboarded, 0 not found, 1 refused, 0 failed.\n"},
			wantStderr: "offboard: dry run: 1 user refused and 0 failed\n",
		},
		{
			name: "caller, real run", args: []string{"-auto-approve", "ADMIN@example.com"}, wantCode: exampleenv.ExitFailed,
			wantStdout: []string{"ADMIN@example.com: REFUSED: refusing to deactivate admin: it is the calling account\n",
				"Summary: 0 offboarded, 0 already offboarded, 0 not found, 1 refused, 0 failed.\n"},
			wantStderr: "offboard: nothing was changed: 1 user refused by the guard\n",
		},
		{
			name: "caller among others, real run", args: []string{"-auto-approve", "admin@example.com", "bob@example.com"}, wantCode: exampleenv.ExitFailed,
			wantStdout: []string{"admin@example.com: REFUSED: refusing to deactivate admin", "bob@example.com: would remove from platform; deactivate\n",
				"bob@example.com: removed from platform; deactivated\n", "Summary: 1 offboarded, 0 already offboarded, 0 not found, 1 refused, 0 failed.\n"},
			wantStderr: "offboard: 1 of 2 users could not be offboarded (1 refused, 0 failed)\n",
			wantWrites: 2,
		},
		{
			// The last-admin rule cannot be reached here: the simulator's
			// caller is an admin, and is never offboarded (orgsync's guard
			// tests cover the rule). Another admin goes.
			name: "another admin, real run", seed: withBoss, args: []string{"-auto-approve", "boss@example.com"}, wantCode: exampleenv.ExitOK,
			wantStdout: []string{"boss@example.com: deactivated\n"},
			wantWrites: 1,
		},
		{
			name: "dry run with changes pending", args: []string{"-dry-run", "bob@example.com"}, wantCode: exampleenv.ExitPending,
			wantStdout: []string{"bob@example.com: would remove from platform; deactivate\n", "Summary: 1 to offboard"},
		},
		{
			name: "dry run with nothing to do", args: []string{"-dry-run", "nobody@example.com"}, wantCode: exampleenv.ExitOK,
			wantStdout: []string{"nobody@example.com: not in the organization, nothing to do\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := tt.seed
			if seed == nil {
				seed = simUsers
			}
			srv := scimtest.Start(t, scimtest.Options{Users: seed, Teams: simTeams})
			exampletest.UseServer(t, srv)
			r := exampletest.RunMain(t, "offboard", append([]string{"-live", "-snapshot", snapshotPath(t)}, tt.args...), command)
			if r.Code != tt.wantCode || r.Stderr != tt.wantStderr {
				t.Errorf("exit %d, stderr %q; want %d, %q\n%s", r.Code, r.Stderr, tt.wantCode, tt.wantStderr, r.Stdout)
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
				}
			}
			if w := writes(srv); len(w) != tt.wantWrites {
				t.Errorf("write requests %q, want %d", w, tt.wantWrites)
			}
			if u, ok := srv.User("admin"); !ok || u.Inactive {
				t.Errorf("the caller, admin, was deactivated: %+v", u)
			}
		})
	}
}

// TestConfirmation: a real run on a real W&B (-live) asks for "yes" on the
// terminal before changing anything; without a terminal and without
// -auto-approve it refuses (exit 1) and sends nothing; a dry run never asks.
func TestConfirmation(t *testing.T) {
	tests := []struct {
		name       string
		console    *exampleenv.Console // nil: none (not a terminal)
		args       []string
		wantCode   int
		wantStderr string // substring
		wantWrites int
		wantAsked  bool
	}{
		{name: "no terminal", args: []string{"alice@example.com"}, wantCode: exampleenv.ExitFailed,
			wantStderr: "offboard: not confirmed: standard input is not a terminal to ask on; review the plan and run again with -auto-approve; nothing was changed\n"},
		{name: "no terminal, -auto-approve", args: []string{"-auto-approve", "alice@example.com"}, wantCode: exampleenv.ExitOK, wantWrites: 3},
		{name: "terminal, yes", console: &exampleenv.Console{In: strings.NewReader("yes\n"), Interactive: true},
			args: []string{"alice@example.com"}, wantCode: exampleenv.ExitOK, wantWrites: 3, wantAsked: true},
		{name: "terminal, no", console: &exampleenv.Console{In: strings.NewReader("y\n"), Interactive: true},
			args: []string{"alice@example.com"}, wantCode: exampleenv.ExitFailed, wantAsked: true,
			wantStderr: `offboard: not confirmed: the answer was "y", not yes; nothing was changed`},
		{name: "dry run, terminal", console: &exampleenv.Console{In: strings.NewReader("yes\n"), Interactive: true},
			args: []string{"-dry-run", "alice@example.com"}, wantCode: exampleenv.ExitPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := scimtest.Start(t, scimtest.Options{Users: simUsers, Teams: simTeams})
			exampletest.UseServer(t, srv)
			ctx := context.Background()
			if tt.console != nil {
				ctx = exampleenv.WithConsole(ctx, *tt.console)
			}
			var stdout, stderr bytes.Buffer
			code := exampleenv.Run(ctx, "offboard", append([]string{"-live", "-snapshot", snapshotPath(t)}, tt.args...), &stdout, &stderr, command)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q\n%s", code, stderr.String(), tt.wantCode, tt.wantStderr, stdout.String())
			}
			asked := strings.Contains(stdout.String(), "Offboard 1 user as listed above, in the W&B at "+srv.URL+"/scim?\n  Only 'yes' will be accepted to approve.")
			if asked != tt.wantAsked {
				t.Errorf("asked %t, want %t:\n%s", asked, tt.wantAsked, stdout.String())
			}
			if w := writes(srv); len(w) != tt.wantWrites {
				t.Errorf("write requests %q, want %d", w, tt.wantWrites)
			}
			if u, _ := srv.User("alice"); u.Inactive != (tt.wantWrites > 0) {
				t.Errorf("alice inactive: %t, want %t", u.Inactive, tt.wantWrites > 0)
			}
		})
	}
}

// TestInterrupt: an interrupt during a user's offboarding lets that user's
// offboarding finish (never half a user), starts no other, and the run
// exits as interrupted, reporting what was done and what was not started,
// as the server has it.
func TestInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	srv := scimtest.Start(t, scimtest.Options{Users: simUsers, Teams: simTeams, OnRequest: func(r scimtest.Request) {
		if r.Method == http.MethodPatch {
			once.Do(cancel) // Ctrl-C as alice's first change is answered
		}
	}})
	exampletest.UseServer(t, srv)
	var stdout, stderr bytes.Buffer
	code := exampleenv.Run(ctx, "offboard", []string{"-live", "-auto-approve", "-snapshot", snapshotPath(t), "alice@example.com", "bob@example.com"}, &stdout, &stderr, command)
	if code != exampleenv.ExitInterrupted || stderr.String() != "offboard: interrupted: 1 of 2 users offboarded\n" {
		t.Errorf("exit %d, stderr %q; want 3 and the count", code, stderr.String())
	}
	for _, want := range []string{"alice@example.com: removed from ml-research, platform; deactivated\n",
		"Interrupted: 1 offboarded, 0 failed, 1 not started.\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if a, _ := srv.User("alice"); !a.Inactive {
		t.Error("alice, whose offboarding had begun, was left active")
	}
	if b, _ := srv.User("bob"); b.Inactive {
		t.Error("bob was offboarded after the interrupt")
	}
	if p, _ := srv.Team("platform"); !slices.Equal(p.Members, []string{"bob"}) {
		t.Errorf("platform members %v, want [bob]", p.Members)
	}
}
