package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	s := exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error { return run(ctx, w, config{}) })
	for _, want := range []string{"alice@example.com: removed from ml-research, platform; deactivated",
		"Summary: 2 offboarded, 1 already offboarded, 1 not found, 0 failed."} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestCommandLine(t *testing.T) {
	exampletest.CheckHelp(t, "offboard", command, "-dry-run", "-file string", "-live", "# leavers, June\n")
	exampletest.ClearEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-dryrun"}, "flag provided but not defined: -dryrun"},
		{[]string{"alice", "bob@x.io", "x@"}, `argument 1: "alice" is not an email address`},
		{[]string{"-live"}, "-live needs the users to offboard"},
		{[]string{"-live", "a@x.io"}, "-live needs WANDB_API_KEY"},
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
				c := config{file: file, emails: []string{"alice@example.com"}, dryRun: dry, live: true}
				if err := run(context.Background(), &out, c); err != nil {
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
