package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim/scimtest"
)

// runWith runs the program with args on ctx and returns what it did.
func runWith(ctx context.Context, args ...string) exampletest.Result {
	var stdout, stderr bytes.Buffer
	code := exampleenv.Run(ctx, name, args, &stdout, &stderr, command)
	return exampletest.Result{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
}

// console returns a context whose operator answers answer on a terminal.
func console(answer string) context.Context {
	return exampleenv.WithConsole(context.Background(), exampleenv.Console{In: strings.NewReader(answer), Interactive: true})
}

// TestApplyAsksFirst checks terraform's confirmation: -apply from a file
// applies only after "yes" on a terminal or with -auto-approve, and with no
// terminal sends nothing; a saved plan needs no question.
func TestApplyAsksFirst(t *testing.T) {
	l := newLive(t)
	org := l.file("org.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}]}`)
	const question = "Apply the 1 change above to the organization at "

	r := l.run(1, []string{"-file", org, "-apply"}, []string{"~ user bob: modelsSeat full → viewer\n"},
		[]string{"orgsync: not confirmed: standard input is not a terminal to ask on; review the plan and run again with -auto-approve\n"})
	if strings.Contains(r.Stdout, "Applying") {
		t.Errorf("stdout:\n%s", r.Stdout)
	}
	if n := l.writes(); n != 0 {
		t.Fatalf("no terminal: %d changes sent", n)
	}
	r = runWith(console("no\n"), "-live", "-file", org, "-apply")
	if r.Code != 1 || !strings.Contains(r.Stdout, question+l.srv.URL+"/scim?") || !strings.Contains(r.Stderr, `the answer was "no", not yes; nothing was changed`) {
		t.Errorf("answer no: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if n := l.writes(); n != 0 {
		t.Fatalf("answer no: %d changes sent", n)
	}
	// With -json, the plan the question is about is shown on stderr.
	r = runWith(console("no\n"), "-live", "-file", org, "-apply", "-json")
	if r.Code != 1 || !strings.Contains(r.Stderr, "~ user bob: modelsSeat full → viewer\n") || !strings.Contains(r.Stderr, question) || r.Stdout != "" {
		t.Errorf("-json, answer no: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	r = runWith(console("yes\n"), "-live", "-file", org, "-apply")
	if r.Code != 0 || !strings.Contains(r.Stdout, "Applied 1 change.\n") {
		t.Errorf("answer yes: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if u, _ := l.srv.User("bob"); u.ModelsSeat != "viewer" {
		t.Errorf("bob = %+v", u)
	}
	// A saved plan was reviewed: no question, even without a terminal.
	org2 := l.file("org2.json", `{"users": [{"userName": "bob", "weaveRole": "none"}]}`)
	plan := filepath.Join(l.dir, "plan.json")
	l.run(2, []string{"-file", org2, "-out", plan}, nil, nil)
	r = l.run(0, []string{"-apply", "-plan", plan}, []string{"Applied 1 change.\n"}, nil)
	if strings.Contains(r.Stdout, question) {
		t.Errorf("a saved plan was asked about:\n%s", r.Stdout)
	}
	exampletest.CheckUsageError(t, name, command, []string{"-auto-approve"}, "-auto-approve goes with -apply")
}

// TestFilesNeverOverwritten checks that -export and -out refuse an
// existing file without -force, before reading anything, and replace it
// with -force.
func TestFilesNeverOverwritten(t *testing.T) {
	l := newLive(t)
	const state = `{"kind": "wandb-simulator-state", "users": []}` + "\n"
	existing := l.file("org.json", state)
	for _, args := range [][]string{{"-export", existing}, {"-file", l.file("in.json", `{"users": []}`), "-out", existing}} {
		l.run(1, args, nil, []string{"orgsync: " + existing + ": file exists; use -force to replace it (nothing was read or changed)\n"})
		if data, _ := os.ReadFile(existing); string(data) != state {
			t.Errorf("%q replaced the file:\n%s", args, data)
		}
	}
	if n := len(l.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	l.run(0, []string{"-export", existing, "-force"}, []string{"Exported 3 users, 1 team and 0 roles to " + existing + ".\n"}, nil)
	if data, _ := os.ReadFile(existing); !strings.Contains(string(data), `"userName": "bob"`) {
		t.Errorf("-force did not replace the file:\n%s", data)
	}
	exampletest.CheckUsageError(t, name, command, []string{"-force"}, "-force goes with -out or -export")
}

// TestSimulatorStateFile gives the simulator's state file where an
// organization file is expected: one line says so.
func TestSimulatorStateFile(t *testing.T) {
	l := newLive(t)
	st := l.srv.State()
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	// The other half of the marker is scimtest's: a state file says what it
	// is. Written here as the simulator writes it.
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["kind"] = "wandb-simulator-state"
	data, _ = json.Marshal(m)
	file := l.file("state.json", string(data))
	r := l.run(1, []string{"-file", file}, nil, []string{
		"orgsync: " + file + ": this is the W&B simulator's state file (\"kind\": \"wandb-simulator-state\"), not an organization file"})
	if strings.Count(r.Stderr, "\n") != 1 {
		t.Errorf("want one line:\n%s", r.Stderr)
	}
	if n := len(l.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestSavedPlanOnAnotherServer saves a plan against server A and applies it
// to server B, which holds the same IDs and versions: refused, nothing sent.
func TestSavedPlanOnAnotherServer(t *testing.T) {
	a := newLive(t)
	org := a.file("org.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}]}`)
	plan := filepath.Join(a.dir, "plan.json")
	a.run(2, []string{"-file", org, "-out", plan}, nil, nil)
	b := newLive(t) // -live now reaches B
	b.run(1, []string{"-apply", "-plan", plan}, nil, []string{
		"orgsync: the plan was made for " + a.srv.URL + "/scim (dedicated), and this client is for " + b.srv.URL + "/scim (dedicated): the base URL differs, so nothing was applied\n"})
	if n := b.writes(); n != 0 {
		t.Errorf("B received %d changes", n)
	}
	if u, _ := b.srv.User("bob"); u.ModelsSeat != "full" {
		t.Errorf("B's bob = %+v", u)
	}
	// On B, a plan made for B as Self-Managed applies without repeating
	// -deployment, and is refused for another deployment.
	orgB := b.file("org.json", `{"users": [{"userName": "bob", "modelsSeat": "viewer"}]}`)
	planB := filepath.Join(b.dir, "plan.json")
	b.run(2, []string{"-deployment", "self-managed", "-file", orgB, "-out", planB}, nil, nil)
	b.run(1, []string{"-deployment", "dedicated", "-apply", "-plan", planB}, nil, []string{"the deployment differs, so nothing was applied"})
	if n := b.writes(); n != 0 {
		t.Errorf("B received %d changes", n)
	}
	b.run(0, []string{"-apply", "-plan", planB}, []string{"Applied 1 change.\n"}, nil)
}

// TestDeploymentFlag plans the sample on a simulated Multi-tenant Cloud:
// the email and display name changes are not applicable, and applying
// sends none of them and exits 0.
func TestDeploymentFlag(t *testing.T) {
	exampletest.ClearEnv(t)
	r := exampletest.RunMain(t, name, []string{"-deployment", "multi-tenant"}, command)
	if r.Code != exampleenv.ExitPending || !strings.Contains(r.Stdout,
		"Not planned:\n  ! user ada: displayName \"Ada\" → \"Ada Lovelace\" (not applicable: Multi-tenant Cloud cannot change a user's displayName)\n") {
		t.Errorf("exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = exampletest.RunMain(t, name, []string{"-deployment", "multi-tenant", "-apply", "-auto-approve"}, command)
	if r.Code != 0 || !strings.Contains(r.Stdout, "Applied 8 changes.\n") {
		t.Errorf("-apply: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	exampletest.CheckUsageError(t, name, command, []string{"-deployment", "saas"}, `-deployment "saas": want multi-tenant, dedicated or self-managed`)

	// A server that refuses a field as unsupported while the deployment
	// given says it can: the other fields are applied, exit 0.
	srv := scimtest.Start(t, scimtest.Options{Flavor: scimtest.MultiTenant,
		Users: []scimtest.User{{UserName: "bob", Email: "bob@example.com", DisplayName: "Bob"}}})
	exampletest.UseServer(t, srv)
	l := &live{t: t, srv: srv, dir: t.TempDir()}
	org := l.file("org.json", `{"users": [{"userName": "bob", "displayName": "Robert", "weaveRole": "none"}]}`)
	l.run(0, []string{"-deployment", "dedicated", "-file", org, "-apply", "-auto-approve"},
		[]string{"~ user bob: displayName \"Bob\" → \"Robert\", weaveRole full → none (not applicable, not made: displayName)\nApplied 1 change.\n",
			"Not applicable on this deployment, not made (dedicated):\n  ~ user bob: displayName \"Bob\" → \"Robert\", weaveRole full → none: displayName\n"}, nil)
	if u, _ := srv.User("bob"); u.WeaveRole != "none" || u.DisplayName != "Bob" {
		t.Errorf("bob = %+v", u)
	}
}

// TestInterrupt interrupts an apply of 200 user creates against a slow
// server after 30 creates (the program's context is cancelled, as SIGINT
// does), and checks the report against the server: exit 3, every change
// reported applied is there, none reported not started or failed is.
func TestInterrupt(t *testing.T) {
	const n, interruptAfter = 200, 30
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	creates := 0
	srv := scimtest.Start(t, scimtest.Options{Faults: scimtest.Faults{Latency: 5 * time.Millisecond}, DiscardRequests: true,
		OnRequest: func(r scimtest.Request) {
			if r.Method != http.MethodPost || r.Path != "/scim/Users" {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if creates++; creates == interruptAfter {
				cancel()
			}
		}})
	exampletest.UseServer(t, srv)
	l := &live{t: t, srv: srv, dir: t.TempDir()}
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"userName": "u%03d", "email": "u%03d@example.com"}`, i, i)
	}
	b.WriteString("]}")
	org := l.file("org.json", b.String())
	r := runWith(ctx, "-live", "-file", org, "-apply", "-auto-approve", "-json")
	// (The notice "Interrupted: no new change starts" is printed when the
	// interrupt comes before the apply ends, which a loaded machine may not
	// keep to.)
	if r.Code != exampleenv.ExitInterrupted || !strings.Contains(r.Stderr, "orgsync: interrupted: Applied ") {
		t.Fatalf("exit %d, want 3\n%s", r.Code, r.Stderr)
	}
	var report struct {
		Results []struct{ Change, Status, Error string }
		Stopped bool
	}
	if err := json.Unmarshal([]byte(r.Stdout), &report); err != nil || len(report.Results) != n || !report.Stopped {
		t.Fatalf("report: %v, %d results, stopped %v\n%s", err, len(report.Results), report.Stopped, r.Stdout)
	}
	srv.Close() // wait for the requests in flight
	on := map[string]bool{}
	for _, u := range srv.State().Users {
		on[u.UserName] = true
	}
	counts := map[string]int{}
	for _, x := range report.Results {
		user := strings.Fields(x.Change)[2] // "+ user u007: email …"
		user = strings.TrimSuffix(user, ":")
		counts[x.Status]++
		switch x.Status {
		case "applied":
			if !on[user] {
				t.Errorf("%s reported applied, not on the server", user)
			}
		case "not started", "failed", "not attempted":
			if on[user] {
				t.Errorf("%s reported %s (%s), on the server", user, x.Status, x.Error)
			}
		case "outcome unknown":
		default:
			t.Errorf("%s: status %q", user, x.Status)
		}
	}
	t.Logf("statuses: %v", counts)
	if counts["applied"] < interruptAfter || counts["not started"] == 0 || counts["failed"] != 0 {
		t.Errorf("statuses %v", counts)
	}
}

// TestPlanRecordsItsTarget checks the saved plan's binding, in the shape
// the JSON plan of issue 18 builds on: "target" with the base URL, the
// organization and the deployment, "input_digest" the sha256 of the file
// as read, and each change's resource by name and ID.
func TestPlanRecordsItsTarget(t *testing.T) {
	l := newLive(t)
	content := `{"users": [{"userName": "bob", "modelsSeat": "viewer"}]}`
	org := l.file("org.json", content)
	plan := filepath.Join(l.dir, "plan.json")
	l.run(2, []string{"-deployment", "self-managed", "-file", org, "-out", plan}, nil, nil)
	data, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	var saved struct {
		InputDigest string `json:"input_digest"`
		Changes     []struct{ Address, Name, ID string }
	}
	if err := json.Unmarshal(data, &saved); err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	_ = json.Unmarshal(data, &raw)
	sum := sha256.Sum256([]byte(content))
	bob, _ := l.srv.User("bob")
	switch {
	case raw["target"]["base_url"] != l.srv.URL+"/scim" || raw["target"]["deployment"] != "self-managed":
		t.Errorf("target = %v", raw["target"])
	case saved.InputDigest != "sha256:"+hex.EncodeToString(sum[:]):
		t.Errorf("input_digest = %q", saved.InputDigest)
	case len(saved.Changes) != 1 || saved.Changes[0].Address != "user.bob" || saved.Changes[0].Name != "bob" || saved.Changes[0].ID != bob.ID:
		t.Errorf("changes = %+v", saved.Changes)
	}
	// Shown for review, the saved plan names its target and input.
	l.run(2, []string{"-plan", plan}, []string{"Read the plan " + plan + ", made for " + l.srv.URL + "/scim (self-managed) from a file with digest " +
		saved.InputDigest + ".\n  ~ user bob: modelsSeat full → viewer\n"}, nil)
}
