package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	s := exampleenv.RunSimulated(t, func(ctx context.Context, w io.Writer) error { return run(ctx, w, "") })
	for _, want := range []string{"Updated role run-operator", "add permissions: project:update, run:delete",
		"remove permissions: artifact:delete"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestCreateUpdateUnchanged(t *testing.T) {
	srv := scimtest.Start(t, scimtest.Options{})
	exampleenv.UseServer(t, srv)
	file := filepath.Join(t.TempDir(), "role.json")
	apply := func(json, want string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(json), 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(context.Background(), &out, file); err != nil {
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
