package orgsync_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/go-wandb/identity/scim/scimtest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim/orgsync"
)

func TestJournalAppendRead(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "apply.jsonl")
	j, err := orgsync.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := j.Append(orgsync.JournalEntry{Change: orgsync.Change{Address: fmt.Sprintf("user.u%02d", i), Kind: orgsync.KindUser, Action: "update",
				Name: fmt.Sprintf("u%02d", i), Before: map[string]any{"modelsSeat": "full"}, After: map[string]any{"modelsSeat": "viewer"}},
				Outcome: orgsync.OutcomeApplied, VersionAfter: `W/"2"`})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// A second apply appends to the same journal.
	j, err = orgsync.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 6, 11, 0, 0, 0, time.UTC)
	if err := j.Append(orgsync.JournalEntry{Time: when, Change: orgsync.Change{Address: "team.ml.member.ada", Kind: orgsync.KindMember, Action: "remove",
		Name: "ada"}, Outcome: orgsync.OutcomeFailed, Error: "412 Precondition Failed", RequestID: "req-1"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if err := j.Append(orgsync.JournalEntry{Change: orgsync.Change{Address: "x"}, Outcome: orgsync.OutcomeApplied}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Append after Close: %v", err)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := orgsync.ReadJournal(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 51 {
		t.Fatalf("%d entries, want 51", len(entries))
	}
	seen := map[string]bool{}
	for _, e := range entries[:50] {
		seen[e.Address] = true
		if e.Outcome != orgsync.OutcomeApplied || e.Time.IsZero() || e.After["modelsSeat"] != "viewer" || e.VersionAfter != `W/"2"` {
			t.Errorf("entry %+v", e)
		}
	}
	if len(seen) != 50 {
		t.Errorf("%d distinct addresses, want 50", len(seen))
	}
	last := entries[50]
	if !last.Time.Equal(when) || last.Outcome != orgsync.OutcomeFailed || last.Error != "412 Precondition Failed" || last.RequestID != "req-1" || last.Before != nil {
		t.Errorf("last entry %+v", last)
	}
}

func TestReadJournalErrors(t *testing.T) {
	t.Parallel()
	good := `{"time":"2026-12-06T11:00:00Z","address":"user.ada","kind":"user","action":"update","name":"ada","before":{},"after":{},"outcome":"applied"}`
	tests := []struct {
		name    string
		text    string
		want    int
		wantErr string
	}{
		{"complete", good + "\n" + good + "\n", 2, ""},
		{"a last line cut by a kill", good + "\n" + good[:40], 1, ""},
		{"blank lines", "\n" + good + "\n\n", 1, ""},
		{"a bad line in the middle", good + "\n{oops\n" + good + "\n", 0, "journal line 2:"},
		{"an unknown outcome", strings.Replace(good, `"applied"`, `"done"`, 1) + "\n", 0, `journal line 1: unknown outcome "done"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := orgsync.ReadJournal(strings.NewReader(tt.text))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Errorf("%d entries, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

// TestJournalWriteFailureKeepsTheReport: a journal that cannot be written
// stops the apply, and the error still holds the report of what was made.
func TestJournalWriteFailureKeepsTheReport(t *testing.T) {
	t.Parallel()
	const n = 12
	var seed scimtest.Options
	var file strings.Builder
	file.WriteString(`{"users": [`)
	for i := 1; i <= n; i++ {
		seed.Users = append(seed.Users, scimtest.User{UserName: fmt.Sprintf("a%02d", i), Email: fmt.Sprintf("a%02d@example.com", i)})
		if i > 1 {
			file.WriteString(",")
		}
		fmt.Fprintf(&file, `{"userName": "a%02d", "modelsSeat": "viewer"}`, i)
	}
	file.WriteString("]}")
	fx := start(t, seed)
	p := fx.plan(t, decode(t, file.String()), false)
	j, err := orgsync.OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	j.Close() // every Append fails
	_, err = fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{Journal: j})
	var ae *orgsync.ApplyError
	if !errors.As(err, &ae) || ae.Journal == nil || !strings.Contains(err.Error(), "the journal could not be written") {
		t.Fatalf("Apply = %v, want an *ApplyError with the journal's error", err)
	}
	applied := 0
	for i, r := range ae.Report.Results {
		u, _ := fx.srv.User(fmt.Sprintf("a%02d", i+1))
		if (r.Status == orgsync.Applied) != (u.ModelsSeat == "viewer") {
			t.Errorf("%s: %s, and the server has %+v", r.Change, r.Status, u)
		}
		if r.Status == orgsync.Applied {
			applied++
		}
	}
	// The changes in flight when the first record failed (Options.Concurrency,
	// 4) are made; none starts after.
	if applied == 0 || applied > 4 {
		t.Errorf("%d of %d applied: the apply should stop after the first change it could not record", applied, n)
	}
}

// TestJournalOfAPartialChange: a team's member change made for some members
// (a new user's create failed, so it could not be added) is journaled member
// by member: the ones made applied, the one not made not_attempted.
func TestJournalOfAPartialChange(t *testing.T) {
	t.Parallel()
	fx := start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "bob", Email: "bob@example.com"}, {UserName: "carol", Email: "carol@example.com"}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"carol"}}},
	})
	// zed's email is bob's: W&B refuses the create (409).
	p := fx.plan(t, decode(t, `{"users": [{"userName": "zed", "email": "bob@example.com"}],
		"teams": [{"name": "ml", "members": [{"userName": "bob"}, {"userName": "zed"}]}]}`), false)
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := orgsync.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fx.sync.Apply(context.Background(), p, orgsync.ApplyOptions{Journal: j, MaxRemovals: orgsync.MaxRemovals(1)})
	j.Close()
	var ae *orgsync.ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("Apply = %v, want an *ApplyError (zed's create fails)", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := orgsync.ReadJournal(f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]orgsync.Outcome{}
	for _, e := range entries {
		got[e.Address] = e.Outcome
	}
	want := map[string]orgsync.Outcome{
		"user.zed":             orgsync.OutcomeFailed,
		"team.ml.member.bob":   orgsync.OutcomeApplied,
		"team.ml.member.zed":   orgsync.OutcomeNotAttempted,
		"team.ml.member.carol": orgsync.OutcomeApplied,
	}
	if len(got) != len(want) {
		t.Errorf("journal %v, want %v", got, want)
	}
	for a, o := range want {
		if got[a] != o {
			t.Errorf("%s: %q, want %q", a, got[a], o)
		}
	}
	if team, _ := fx.srv.Team("ml"); !slices.Equal(team.Members, []string{"bob"}) {
		t.Errorf("team ml = %+v", team)
	}
}

// TestOpenJournal: a new journal is its owner's only; one whose last line a
// kill cut short is mended before the next entry; a file that is not a
// journal is refused and left as it was.
func TestOpenJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "j.jsonl")
	j, err := orgsync.OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	e := orgsync.JournalEntry{Change: orgsync.Change{Address: "user.ada", Kind: "user", Action: "update", Name: "ada"}, Outcome: orgsync.OutcomeApplied}
	if err := j.Append(e); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, %v; want 0600", fi.Mode(), err)
	}
	// A kill in the middle of the second line.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-12-06T11:00:00Z","addr`)
	f.Close()
	if j, err = orgsync.OpenJournal(path); err != nil {
		t.Fatal(err)
	}
	e.Address = "user.bob"
	if err := j.Append(e); err != nil {
		t.Fatal(err)
	}
	j.Close()
	data, _ := os.ReadFile(path)
	entries, err := orgsync.ReadJournal(bytes.NewReader(data))
	if err != nil || len(entries) != 2 || entries[1].Address != "user.bob" {
		t.Fatalf("after a cut line and another apply: %+v, %v\n%s", entries, err, data)
	}

	org := filepath.Join(dir, "org.json")
	const orgFile = "{\n  \"users\": []\n}\n"
	if err := os.WriteFile(org, []byte(orgFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := orgsync.OpenJournal(org); err == nil || !strings.Contains(err.Error(), org+" is not a journal") {
		t.Errorf("OpenJournal(org.json) = %v", err)
	}
	if data, _ := os.ReadFile(org); string(data) != orgFile {
		t.Errorf("org.json changed: %q", data)
	}
}
