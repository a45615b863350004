package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	for _, bar := range []bool{false, true} {
		s := exampleenv.RunSimulated(t, func(ctx context.Context, w io.Writer) error { return run(ctx, w, bar, "", 3, false, false) })
		if !strings.Contains(s, "Summary: 7 created, 0 reactivated, 1 already present, 0 failed.") {
			t.Errorf("unexpected summary:\n%s", s)
		}
		if bar != strings.Contains(s, "\r[") {
			t.Errorf("progress bar drawn: %t, want %t:\n%q", !bar, bar, s)
		}
	}
}

func TestDryRunThenRerun(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{Teams: []scimtest.Team{{Name: "ml"}, {Name: "ops"}}})
	exampleenv.UseServer(t, srv)
	file := filepath.Join(t.TempDir(), "users.csv")
	csv := "email,username,teams,role\n" +
		"a@x.io,a,ml;ops,admin\n" +
		"b@x.io,,ml,\n" +
		"c@x.io,c,missing,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	runOnce := func(dry bool) string {
		t.Helper()
		var out bytes.Buffer
		err := run(context.Background(), &out, false, file, 2, dry, true)
		if dry && err != nil {
			t.Fatalf("dry run: %v", err)
		}
		if !dry && (err == nil || !strings.Contains(err.Error(), "1 of 3 users failed")) {
			t.Fatalf("run: err = %v, want 1 of 3 failed\n%s", err, out.String())
		}
		return out.String()
	}

	out := runOnce(true)
	for _, want := range []string{"a@x.io: create user a with role admin; add to ml, ops", "b@x.io: create user b; add to ml",
		"c@x.io: fail: no team named missing", "Would create 2, reactivate 0, already present 0, would fail 1."} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if u, ok := srv.User("a"); ok {
		t.Fatalf("the dry run created a user: %+v", u)
	}

	out = runOnce(false)
	if !strings.Contains(out, "Summary: 2 created, 0 reactivated, 0 already present, 1 failed.") {
		t.Errorf("first run:\n%s", out)
	}
	out = runOnce(false)
	if !strings.Contains(out, "Summary: 0 created, 0 reactivated, 2 already present, 1 failed.") || strings.Contains(out, "added to") {
		t.Errorf("the rerun should change nothing:\n%s", out)
	}
	ml, ok := srv.Team("ml")
	if !ok || len(ml.Members) != 2 {
		t.Errorf("team ml: %+v", ml)
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
	exampleenv.UseServer(t, srv)
	file := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(file, []byte("email,teams\nmax@x.io,ml\nnew@x.io,ml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runOnce := func(dry bool, want ...string) {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), &out, false, file, 2, dry, true); err != nil {
			t.Fatalf("run (dry %t): %v\n%s", dry, err, out.String())
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("run (dry %t) lacks %q:\n%s", dry, w, out.String())
			}
		}
	}

	runOnce(true, "max@x.io: reactivate deactivated user max; add to ml",
		"Would create 1, reactivate 1, already present 0, would fail 0.")
	if u, _ := srv.User("max"); !u.Inactive {
		t.Fatalf("the dry run reactivated max: %+v", u)
	}
	runOnce(false, "max@x.io: reactivated (was deactivated, added to ml)",
		"Summary: 1 created, 1 reactivated, 0 already present, 0 failed.")
	if u, ok := srv.User("max"); !ok || u.Inactive {
		t.Errorf("max should be active: %+v", u)
	}
	if ml, _ := srv.Team("ml"); len(ml.Members) != 2 {
		t.Errorf("team ml: %+v", ml)
	}
	runOnce(false, "Summary: 0 created, 0 reactivated, 2 already present, 0 failed.")
}
