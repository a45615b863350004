package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	for _, width := range []int{0, 80, 40} {
		s := exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error {
			return run(ctx, w, config{concurrency: 3, width: width})
		})
		if !strings.Contains(s, "Read 8 rows from examples/provision/users.csv (the built-in sample).") ||
			!strings.Contains(s, "Summary: 7 created, 0 reactivated, 1 already present, 0 failed, 0 skipped.") {
			t.Errorf("width %d: unexpected output:\n%s", width, s)
		}
		if perRow := strings.Contains(s, "examples/provision/users.csv:2 ada@example.com: already present (role set to admin, added to platform)"); perRow != (width == 0) {
			t.Errorf("width %d: one line per user: %t, want %t:\n%s", width, perRow, width == 0, s)
		}
		if width == 0 {
			if strings.Contains(s, "\r") {
				t.Errorf("no terminal, yet a bar was drawn:\n%q", s)
			}
			continue
		}
		// Every redraw fits the terminal.
		_, bar, _ := strings.Cut(s, "\r")
		bar, _, _ = strings.Cut(bar, "\n")
		for _, line := range strings.Split(bar, "\r") {
			if len(line) > width-1 || !strings.HasPrefix(line, "[") {
				t.Errorf("width %d: bar line %q (%d columns)", width, line, len(line))
			}
		}
	}
}

// writeCSV writes content to a users.csv in a fresh directory.
func writeCSV(t *testing.T, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// provision runs provision on file against the server -live uses and
// returns its output, checking whether it failed as wanted.
func provision(t *testing.T, c config, wantErr string) string {
	t.Helper()
	c.live = true
	if c.concurrency == 0 {
		c.concurrency = 2
	}
	var out bytes.Buffer
	err := run(context.Background(), &out, c)
	if (err == nil) != (wantErr == "") || (err != nil && !strings.Contains(err.Error(), wantErr)) {
		t.Fatalf("run: err = %v, want %q\n%s", err, wantErr, out.String())
	}
	return out.String()
}

func contains(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// writes returns the non-GET requests srv received.
func writes(srv *scimtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// TestBadRowsSkipped: bad rows (found in the file or against the server)
// are reported with their lines and skipped, the others proceed, and a
// rerun creates nothing.
func TestBadRowsSkipped(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{
		Teams: []scimtest.Team{{Name: "ml"}, {Name: "ops"}},
		Roles: []scimtest.Role{{Name: "run-operator"}},
	})
	exampletest.UseServer(t, srv)
	file := writeCSV(t, "email,username,teams,role\n"+
		"a@x.io,a,ml;ops,admin\n"+
		"b@x.io,,ml,run-operator\n"+
		"c@x.io,c,missing,\n"+
		"d@x.io,d,ml,superuser\n"+
		"not-an-email,e,,\n")
	c := config{file: file}

	dry := c
	dry.dryRun = true
	out := provision(t, dry, "dry run: 0 rows would fail and 3 are skipped")
	contains(t, out, "Read 5 rows from "+file+".",
		file+":4: skipped: no team named missing",
		file+`:5: skipped: unknown role "superuser": want admin, member, viewer or a custom role of the organization (run-operator)`,
		file+`:6: skipped: invalid email "not-an-email"`,
		file+":2 a@x.io: create user a with role admin; add to ml, ops",
		file+":3 b@x.io: create user b with role run-operator; add to ml",
		"Would create 2, reactivate 0, already present 0, would fail 0, skipped 3.")
	if w := writes(srv); len(w) != 0 {
		t.Fatalf("the dry run changed things: %v", w)
	}

	out = provision(t, c, "3 bad rows were skipped")
	contains(t, out, "Summary: 2 created, 0 reactivated, 0 already present, 0 failed, 3 skipped.")
	if a, _ := srv.User("a"); a.OrgRole != "admin" {
		t.Errorf("a: %+v", a)
	}
	if b, _ := srv.User("b"); b.OrgRole != "run-operator" {
		t.Errorf("b: %+v", b)
	}
	if _, ok := srv.User("d"); ok {
		t.Error("the row with an unknown role created its user")
	}
	if ml, _ := srv.Team("ml"); len(ml.Members) != 2 {
		t.Errorf("team ml: %+v", ml)
	}

	before := len(writes(srv))
	out = provision(t, c, "3 bad rows were skipped")
	contains(t, out, "Summary: 0 created, 0 reactivated, 2 already present, 0 failed, 3 skipped.")
	if w := writes(srv)[before:]; len(w) != 0 || strings.Contains(out, "added to") {
		t.Errorf("the rerun changed things: %v\n%s", w, out)
	}
}

// TestStrict: -strict stops at the first bad row, by line, before any
// change; with nothing bad it provisions as usual.
func TestStrict(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{Teams: []scimtest.Team{{Name: "ml"}}})
	exampletest.UseServer(t, srv)
	file := writeCSV(t, "email,teams\n"+
		"a@x.io,ml\n"+
		"b@x.io,missing\n"+ // found against the server, after the file's own checks
		"bad-email,ml\n")
	provision(t, config{file: file, strict: true}, file+":3: no team named missing (-strict: stopped at the first bad row; nothing was changed)")
	if w := writes(srv); len(w) != 0 {
		t.Errorf("-strict changed things: %v", w)
	}
	out := provision(t, config{file: writeCSV(t, "email,teams\na@x.io,ml\n"), strict: true}, "")
	contains(t, out, "Summary: 1 created")
}

// roleRefusing puts a proxy in front of srv that refuses every PATCH setting
// an organizationRole, and DELETE too when refuseDelete is set, as a server
// might that accepted the role's name when it was checked.
func roleRefusing(t *testing.T, srv *scimtest.Server, refuseDelete bool) *httptest.Server {
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if (r.Method == http.MethodPatch && bytes.Contains(body, []byte("organizationRole"))) || (refuseDelete && r.Method == http.MethodDelete) {
			w.Header().Set("Content-Type", scim.MediaType)
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"refused by the test","status":"400"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// TestRoleFailureLeavesNothing: when the server refuses a new user's role,
// the user is deleted again and never joins its teams; if the delete fails
// too, the row says the user exists without its role.
func TestRoleFailureLeavesNothing(t *testing.T) {
	for _, refuseDelete := range []bool{false, true} {
		srv := scimtest.Start(t, scimtest.Options{Teams: []scimtest.Team{{Name: "ml"}}})
		p := roleRefusing(t, srv, refuseDelete)
		t.Setenv(scim.EnvBaseURL, p.URL)
		t.Setenv(scim.EnvAPIKey, srv.APIKey)
		t.Setenv(scim.EnvUsername, "")
		file := writeCSV(t, "email,teams,role\nv@x.io,ml,viewer\nm@x.io,ml,member\n")

		out := provision(t, config{file: file}, "1 of 2 users failed")
		if ml, _ := srv.Team("ml"); len(ml.Members) != 1 || ml.Members[0] != "m" {
			t.Errorf("team ml has %v; only m should have joined", ml.Members)
		}
		u, exists := srv.User("v@x.io")
		if refuseDelete {
			contains(t, out, file+":2 v@x.io: FAILED (created user v, but setting its role viewer failed",
				"deleting it again failed too", "rerun provision to finish")
			if !exists || u.ModelsSeat != "viewer" {
				t.Errorf("v should exist, with the viewer seats it was created with: %+v", u)
			}
		} else {
			contains(t, out, file+":2 v@x.io: FAILED (setting role viewer failed", "so the new user v was deleted again: nothing was changed")
			if exists {
				t.Errorf("v should have been deleted again: %+v", u)
			}
		}
	}
}

// TestSeats: the seat column and the legacy viewer role set seats on new
// users and fix them on existing ones.
func TestSeats(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{{UserName: "old", Email: "old@x.io"}}})
	exampletest.UseServer(t, srv)
	out := provision(t, config{file: writeCSV(t, "email,role,seat\nv@x.io,viewer,\nn@x.io,,none\nold@x.io,,viewer\n")}, "")
	contains(t, out, "Summary: 2 created, 0 reactivated, 1 already present", "old@x.io: already present (seat set to viewer)")
	for name, want := range map[string][3]string{"v": {"member", "viewer", "viewer"}, "n": {"member", "none", "full"}, "old": {"member", "viewer", "full"}} {
		if u, _ := srv.User(name); [3]string{u.OrgRole, u.ModelsSeat, u.WeaveRole} != want {
			t.Errorf("%s: role, seat, weave = %s, %s, %s; want %v", name, u.OrgRole, u.ModelsSeat, u.WeaveRole, want)
		}
	}
}

// TestReactivate provisions a user who exists but is deactivated (Dedicated
// Cloud): the dry run plans a reactivation, the run reactivates it and counts
// it as reactivated, and a rerun finds it present.
func TestReactivate(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "max", Email: "max@x.io", Inactive: true}},
		Teams: []scimtest.Team{{Name: "ml"}},
	})
	exampletest.UseServer(t, srv)
	file := writeCSV(t, "email,teams\nmax@x.io,ml\nnew@x.io,ml\n")

	out := provision(t, config{file: file, dryRun: true}, "changes pending")
	contains(t, out, "max@x.io: reactivate deactivated user max; add to ml", "Would create 1, reactivate 1, already present 0")
	if u, _ := srv.User("max"); !u.Inactive {
		t.Fatalf("the dry run reactivated max: %+v", u)
	}
	out = provision(t, config{file: file}, "")
	contains(t, out, "max@x.io: reactivated (was deactivated, added to ml)", "Summary: 1 created, 1 reactivated, 0 already present, 0 failed, 0 skipped.")
	if u, ok := srv.User("max"); !ok || u.Inactive {
		t.Errorf("max should be active: %+v", u)
	}
	if ml, _ := srv.Team("ml"); len(ml.Members) != 2 {
		t.Errorf("team ml: %+v", ml)
	}
	contains(t, provision(t, config{file: file}, ""), "Summary: 0 created, 0 reactivated, 2 already present, 0 failed, 0 skipped.")
}

func TestCommandLine(t *testing.T) {
	exampletest.CheckHelp(t, "provision", command, "-strict", "-dry-run", "-concurrency int", "-file string", "-live",
		"email,username,teams,role,seat", "the custom role run-operator", "-deployment string", "2 after a -dry-run with changes to make", "Under go run every failure is status 1")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-concurrency", "0"}, "-concurrency 0: want 1 to 16"},
		{[]string{"-concurrency", "99"}, "-concurrency 99: want 1 to 16"},
		{[]string{"-stritc"}, "flag provided but not defined: -stritc"},
		{[]string{"users.csv"}, `unexpected arguments ["users.csv"]`},
		{[]string{"-deployment", "onprem"}, `-deployment "onprem": want multi-tenant, dedicated or self-managed`},
	} {
		exampletest.CheckUsageError(t, "provision", command, tt.args, tt.want)
	}
	exampletest.ClearEnv(t)
	exampletest.CheckUsageError(t, "provision", command, []string{"-live"}, "-live needs WANDB_API_KEY")

	// Files that cannot be read as CSV fail (exit 1) naming the file and
	// line, before anything is sent.
	empty, quote, header := writeCSV(t, ""), writeCSV(t, "email\n\"a@x.io\n"), writeCSV(t, "mail,role\na@x.io,\n")
	missing := filepath.Join(t.TempDir(), "nope.csv")
	for file, want := range map[string]string{
		empty:   "provision: " + empty + ": the file is empty, want a header line such as email,username,teams,role,seat\n",
		quote:   "provision: " + quote + `:2:9: extraneous or missing " in quoted-field` + "\n",
		header:  "provision: " + header + `:1: unknown column "mail" in the header (known: email, username, teams, role, seat)` + "\n",
		missing: "provision: open " + missing + ": no such file or directory\n",
	} {
		r := exampletest.RunMain(t, "provision", []string{"-file", file}, command)
		if r.Code != exampleenv.ExitFailed || r.Stderr != want || r.Stdout != "" {
			t.Errorf("-file %s: exit %d, stdout %q, stderr %q; want 1 and %q", file, r.Code, r.Stdout, r.Stderr, want)
		}
	}
	// A dry run with changes exits 2, silently; a good run exits 0; one
	// with a skipped row exits 1.
	if r := exampletest.RunMain(t, "provision", []string{"-dry-run"}, command); r.Code != exampleenv.ExitPending || r.Stderr != "" {
		t.Errorf("the sample's dry run: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := exampletest.RunMain(t, "provision", []string{"-deployment", "multi-tenant"}, command); r.Code != exampleenv.ExitOK {
		t.Errorf("the sample on a Multi-tenant simulator: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	bad := writeCSV(t, "email,teams\na@x.io,nowhere\n")
	if r := exampletest.RunMain(t, "provision", []string{"-file", bad}, command); r.Code != exampleenv.ExitFailed ||
		!strings.Contains(r.Stdout, bad+":2: skipped: no team named nowhere") || r.Stderr != "provision: 1 bad rows were skipped\n" {
		t.Errorf("a skipped row: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestDuplicateUserNames: rows that share a user name, given or derived
// from the email, are refused up front, each naming both lines, and neither
// is sent, in the dry run and the real run; the other rows proceed.
func TestDuplicateUserNames(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{Teams: []scimtest.Team{{Name: "ml"}}})
	exampletest.UseServer(t, srv)
	file := writeCSV(t, "email,username,teams\n"+
		"bob@example.com,,ml\n"+
		"ada@example.com,ada,ml\n"+
		"bob@corp.example,,\n")
	dup := "user name bob (from the email) is on lines 2 and 4: give each user one row, with a username of its own; none of these rows is sent"
	for dry, wantErr := range map[bool]string{true: "dry run: 0 rows would fail and 2 are skipped", false: "2 bad rows were skipped"} {
		out := provision(t, config{file: file, dryRun: dry}, wantErr)
		contains(t, out, file+":2: skipped: "+dup, file+":4: skipped: "+dup)
	}
	if _, ok := srv.User("bob"); ok {
		t.Error("a bob was created")
	}
	if _, ok := srv.User("ada"); !ok {
		t.Error("ada, a good row, was not created")
	}
	for _, w := range writes(srv) {
		if strings.Contains(w, "bob") {
			t.Errorf("a request for bob was sent: %s", w)
		}
	}
}

// TestGuardDemotion: a row that would take the admin role from the calling
// account is refused by the guard, named in the dry run (exit 1) and in the
// real run, where nothing is sent for it; on a terminal the failed row is
// listed after the progress bar.
func TestGuardDemotion(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{Users: []scimtest.User{{UserName: "boss", Email: "boss@example.com", OrgRole: "admin"}}})
	exampletest.UseServer(t, srv)
	file := writeCSV(t, "email,role\nadmin@example.com,member\nnew@example.com,\n")
	refused := "refusing to demote admin: it is the calling account"

	out := provision(t, config{file: file, dryRun: true}, "dry run: 1 rows would fail and 0 are skipped")
	contains(t, out, file+":2 admin@example.com: REFUSED: "+refused)
	if w := writes(srv); len(w) != 1 || w[0] != "POST /graphql" {
		t.Fatalf("the dry run wrote %q, want only the guard's GraphQL read", w)
	}

	out = provision(t, config{file: file, width: 80}, "1 of 2 users failed")
	after := out[strings.LastIndex(out, "\r")+1:]
	_, after, _ = strings.Cut(after, "\n")
	if !strings.HasPrefix(after, "  "+file+":2 admin@example.com: FAILED ("+refused+")\nSummary: 1 created,") {
		t.Errorf("after the bar, want the refused row listed, then the summary:\n%s", out)
	}
	if u, _ := srv.User("admin"); u.OrgRole != "admin" {
		t.Errorf("the caller was demoted: %+v", u)
	}
	for _, w := range writes(srv) {
		if strings.HasPrefix(w, "PATCH /scim/Users/") || strings.HasPrefix(w, "PUT ") {
			t.Errorf("a user was changed: %s", w)
		}
	}
	// Another admin (not the last: the caller stays) may be demoted.
	other := writeCSV(t, "email,role\nboss@example.com,member\n")
	contains(t, provision(t, config{file: other}, ""), "boss@example.com: already present (role set to member)")
}
