package exampletest

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestProgramsDoNotLinkTesting checks, with go list, that no example program
// links the testing package into its binary: test helpers live here, in a
// package only tests import, and not in exampleenv.
func TestProgramsDoNotLinkTesting(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Skipf("no go command to list the programs' dependencies: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-f", `{{.Name}} {{.ImportPath}}{{range .Deps}} {{.}}{{end}}`,
		"github.com/go-wandb/identity/examples/...").Output()
	if err != nil {
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var programs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "main" {
			continue
		}
		programs = append(programs, f[1])
		if slices.Contains(f[2:], "testing") {
			t.Errorf("%s links the testing package into its binary", f[1])
		}
	}
	for _, want := range []string{"audit", "offboard", "orgsync", "provision", "quickstart", "roles", "simulator"} {
		if !slices.Contains(programs, "github.com/go-wandb/identity/examples/"+want) {
			t.Errorf("go list did not list the program examples/%s (listed %q)", want, programs)
		}
	}
}
