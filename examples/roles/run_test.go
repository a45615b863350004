package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	s := exampletest.RunSimulated(t, func(ctx context.Context, w io.Writer) error { return run(ctx, w, config{}) })
	for _, want := range []string{"Updated role run-operator", "add permissions: project:update, run:delete",
		"remove permissions: artifact:delete"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestCreateUpdateUnchanged(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{})
	exampletest.UseServer(t, srv)
	file := filepath.Join(t.TempDir(), "role.json")
	apply := func(json, want string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(json), 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(context.Background(), &out, config{file: file, live: true}); err != nil {
			t.Fatalf("run: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	v1 := `{"name":"ops","description":"one","inheritedFrom":"member","permissions":["run:stop"]}`
	v2 := `{"name":"ops","description":"two","inheritedFrom":"viewer","permissions":["run:delete","run:stop"]}`
	apply(v1, "Created role ops")
	apply(v1, "Role ops (ID ")
	apply(v1, ") unchanged.")
	apply(v2, `description: "one" → "two"`)
	r, ok := srv.Role("ops")
	if !ok || r.Description != "two" || r.InheritedFrom != "viewer" || !slices.Equal(slices.Sorted(slices.Values(r.Permissions)), []string{"run:delete", "run:stop"}) {
		t.Errorf("role on the server: %+v", r)
	}
	apply(v2, ") unchanged.")
}

// writes returns the methods of the write requests srv received after its
// first skip requests.
func writes(srv *scimtest.Server, skip int) []string {
	var out []string
	for _, r := range srv.Requests()[skip:] {
		if r.Method != http.MethodGet {
			out = append(out, r.Method)
		}
	}
	return out
}

// TestIdempotentAndMinimalWrites checks which requests each kind of change
// sends: none when the file lists a permission the role inherits (run:read
// for member) and nothing else differs, PATCH when only custom permissions
// differ, PUT when the description does.
func TestIdempotentAndMinimalWrites(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{})
	exampletest.UseServer(t, srv)
	file := filepath.Join(t.TempDir(), "role.json")
	apply := func(json string, wantWrites []string, wantOut ...string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(json), 0o600); err != nil {
			t.Fatal(err)
		}
		before := len(srv.Requests())
		var out bytes.Buffer
		if err := run(context.Background(), &out, config{file: file, live: true}); err != nil {
			t.Fatalf("run: %v\n%s", err, out.String())
		}
		if got := writes(srv, before); !slices.Equal(got, wantWrites) {
			t.Errorf("write requests %v, want %v\n%s", got, wantWrites, out.String())
		}
		for _, w := range wantOut {
			if !strings.Contains(out.String(), w) {
				t.Errorf("output lacks %q:\n%s", w, out.String())
			}
		}
	}
	withInherited := `{"name":"ops","description":"d","inheritedFrom":"member","permissions":["run:read","run:stop"]}`
	apply(withInherited, []string{http.MethodPost}, "Created role ops")
	apply(withInherited, nil, "Note: the role inherits run:read from member; these need not be listed in "+file,
		") unchanged.")
	apply(withInherited, nil, ") unchanged.")

	apply(`{"name":"ops","description":"d","inheritedFrom":"member","permissions":["run:read","run:delete"]}`,
		[]string{http.MethodPatch, http.MethodPatch}, "add permissions: run:delete", "remove permissions: run:stop")
	apply(`{"name":"ops","description":"d","inheritedFrom":"member","permissions":["run:delete","artifact:delete"]}`,
		[]string{http.MethodPatch}, "add permissions: artifact:delete")
	apply(`{"name":"ops","description":"e","inheritedFrom":"member","permissions":["run:delete","artifact:delete"]}`,
		[]string{http.MethodPut}, `description: "d" → "e"`)
	r, ok := srv.Role("ops")
	if !ok || r.Description != "e" || !slices.Equal(slices.Sorted(slices.Values(r.Permissions)), []string{"artifact:delete", "run:delete"}) {
		t.Errorf("role on the server: %+v", r)
	}
}

func TestCommandLine(t *testing.T) {
	exampletest.CheckHelp(t, "roles", command, "-file string", "-live", `"inheritedFrom": "member"`)
	exampletest.CheckUsageError(t, "roles", command, []string{"-file"}, "flag needs an argument: -file")
	exampletest.CheckUsageError(t, "roles", command, []string{"role.json"}, `unexpected arguments ["role.json"]`)
	exampletest.ClearEnv(t)
	exampletest.CheckUsageError(t, "roles", command, []string{"-live"}, "-live needs WANDB_API_KEY")

	// A bad file is a failure naming the file and the place, and nothing
	// is sent.
	dir := t.TempDir()
	empty, bad := filepath.Join(dir, "empty.json"), filepath.Join(dir, "bad.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("{\n  \"name\": \"ops\"\n  \"description\": \"d\"\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		empty:                           "roles: " + empty + ": the file is empty, want a JSON object",
		bad:                             "roles: " + bad + ":3:3: invalid character '\"' after object key:value pair",
		filepath.Join(dir, "nope.json"): "roles: open " + filepath.Join(dir, "nope.json") + ": no such file or directory",
	} {
		r := exampletest.RunMain(t, "roles", []string{"-file", file}, command)
		if r.Code != exampleenv.ExitFailed || !strings.HasPrefix(r.Stderr, want) || r.Stdout != "" {
			t.Errorf("-file %s: exit %d, stdout %q, stderr %q; want 1 and %q", file, r.Code, r.Stdout, r.Stderr, want)
		}
	}
}

// TestFileCheckedBeforeConnecting: a role file with mistakes fails (exit 1)
// naming the file, the line and the JSON field of each, before anything is
// sent: the server sees no request, and the program never says it connected.
func TestFileCheckedBeforeConnecting(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{})
	exampletest.UseServer(t, srv)
	file := filepath.Join(t.TempDir(), "ops.json")
	content := "{\n  \"name\": \"ops\",\n  \"inheritedFrom\": \"admin\",\n  \"permissions\": [\"run:stop\", \"runs\"]\n}\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-live", "-file", file}, {"-file", file}} {
		r := exampletest.RunMain(t, "roles", args, command)
		want := "roles: " + file + `:3:20: inheritedFrom "admin": want "member" or "viewer"` + "\n" +
			file + `:4:31: permissions[1] "runs": want the form object:operation, with exactly one colon, such as run:stop` + "\n"
		if r.Code != exampleenv.ExitFailed || r.Stderr != want || r.Stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1 and %q", args, r.Code, r.Stdout, r.Stderr, want)
		}
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("the server received %d requests, want none", len(reqs))
	}
}

// TestDeploymentFlag: -deployment picks the simulator's flavor, and a bad
// value is a bad command line (exit 1).
func TestDeploymentFlag(t *testing.T) {
	exampletest.ClearEnv(t)
	exampletest.CheckHelp(t, "roles", command, "-deployment string", "Never 2 (changes pending)")
	exampletest.CheckUsageError(t, "roles", command, []string{"-deployment", "saas"}, `-deployment "saas": want multi-tenant, dedicated or self-managed`)
	r := exampletest.RunMain(t, "roles", []string{"-deployment", "multi-tenant"}, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "Updated role run-operator") {
		t.Errorf("-deployment multi-tenant: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
}
