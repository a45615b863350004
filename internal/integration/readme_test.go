package integration_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// TestReadmeFirstExample runs the README's first Go example, as a user would
// copy it into a program of their own, twice against the simulator: both runs
// must succeed and print the same result.
func TestReadmeFirstExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	t.Parallel()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := readme[bytes.Index(readme, []byte("## First example")):]
	code := regexp.MustCompile("(?s)```go\n(.*?)```").FindSubmatch(section)
	if code == nil {
		t.Fatal("README: no Go code block under \"## First example\"")
	}

	// A module of the user's own that uses this one from the working tree.
	dir := t.TempDir()
	gomod := "module readme\n\ngo 1.23\n\nrequire github.com/go-wandb/identity v0.0.0\n\nreplace github.com/go-wandb/identity => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": code[1]} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "readme")
	gotool, err := exec.LookPath("go")
	if err != nil {
		gotool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(gotool, "build", "-mod=mod", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off") // the proxy may be needed for a dependency's go.mod
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the README example: %v\n%s", err, out)
	}

	srv := scimtest.Start(t, scimtest.Options{})
	for run := 1; run <= 2; run++ {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), scim.EnvBaseURL+"="+srv.URL, scim.EnvAPIKey+"="+srv.APIKey, scim.EnvUsername+"=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
		if got, want := strings.TrimSpace(string(out)), "ada [{ml-platform admin}]"; got != want {
			t.Errorf("run %d printed %q, want %q", run, got, want)
		}
	}
}
