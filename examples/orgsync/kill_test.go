package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// TestKilledMidApply builds the program, kills it (SIGKILL, no chance to
// clean up) while it applies 150 changes to a slow simulator, and checks the
// journal it leaves: every line parses, and every change it records as
// applied is on the server. A change in flight at the kill may have landed
// unrecorded: the next plan shows it, so the test checks that the next plan
// is exactly the changes the journal does not record as applied.
func TestKilledMidApply(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "orgsync")
	gotool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(gotool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const n = 150
	seed := scimtest.Options{Faults: scimtest.Faults{Latency: 15 * time.Millisecond}}
	var file strings.Builder
	file.WriteString(`{"users": [`)
	for i := range n {
		seed.Users = append(seed.Users, scimtest.User{UserName: fmt.Sprintf("u%03d", i), Email: fmt.Sprintf("u%03d@example.com", i)})
		if i > 0 {
			file.WriteString(",")
		}
		fmt.Fprintf(&file, `{"userName": "u%03d", "modelsSeat": "viewer"}`, i)
	}
	file.WriteString("]}")
	srv := scimtest.Start(t, seed)
	org := filepath.Join(dir, "org.json")
	if err := os.WriteFile(org, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "apply.jsonl")
	cmd := exec.Command(bin, "-live", "-file", org, "-apply", "-auto-approve", "-journal", journal)
	cmd.Env = append(os.Environ(), scim.EnvBaseURL+"="+srv.URL, scim.EnvAPIKey+"="+srv.APIKey, scim.EnvUsername+"=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once the journal holds 20 lines, or give up after 20 s.
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _ := os.ReadFile(journal)
		if bytes.Count(data, []byte("\n")) >= 20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	data, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := orgsync.ReadJournal(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the journal does not parse: %v\n%s", err, data)
	}
	if len(entries) < 20 || len(entries) >= n {
		t.Fatalf("%d entries: the kill came too late to test anything\n%s", len(entries), out.String())
	}
	recorded := map[string]bool{}
	for _, e := range entries {
		u, ok := srv.User(e.Name)
		switch {
		case e.Outcome != orgsync.OutcomeApplied:
			t.Errorf("%s: %s (%s)", e.Address, e.Outcome, e.Error)
		case !ok || u.ModelsSeat != "viewer":
			t.Errorf("%s is recorded applied, and the server has %+v", e.Address, u)
		}
		recorded[e.Name] = true
	}
	// The next plan shows exactly what the journal does not hold, but for
	// changes in flight at the kill, which landed unrecorded.
	s := orgsync.New(srv.Client(t), orgsync.Options{})
	f, err := orgsync.Decode([]byte(file.String()))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Plan(context.Background(), f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pending := map[string]bool{}
	for _, c := range p.Users {
		pending[c.UserName] = true
		if recorded[c.UserName] {
			t.Errorf("%s is recorded applied and still planned", c.UserName)
		}
	}
	unrecorded := n - len(recorded) - len(pending)
	if unrecorded < 0 || unrecorded > 4 { // at most the 4 changes in flight (Options.Concurrency)
		t.Errorf("%d changes landed unrecorded, want at most the 4 in flight", unrecorded)
	}
}
