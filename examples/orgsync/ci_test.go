package main

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestWorkflowCommands checks that every orgsync command of the GitHub
// Actions workflow in ci/ parses: each flag exists and the combination is
// allowed. A flag renamed in the program breaks this test, not a team's CI.
func TestWorkflowCommands(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("ci/orgsync.yml")
	if err != nil {
		t.Fatal(err)
	}
	// -deployment is given only when the repository says which (unset, the
	// program tells from the host): try the command both ways.
	const deployment = `${WANDB_DEPLOYMENT:+-deployment "$WANDB_DEPLOYMENT"}`
	if !strings.Contains(string(data), deployment) {
		t.Errorf("the workflow does not pass -deployment as %s", deployment)
	}
	vars := []*strings.Replacer{strings.NewReplacer(deployment, "-deployment self-managed"), strings.NewReplacer(deployment, "")}
	command := regexp.MustCompile(`(?m)^\s*(?:run:\s*)?orgsync (.*)$`)
	found := command.FindAllStringSubmatch(string(data), -1)
	if len(found) < 3 {
		t.Fatalf("found %d orgsync commands in the workflow, want its plan, apply and drift commands", len(found))
	}
	for _, m := range found {
		if !strings.Contains(m[1], deployment) || !strings.Contains(m[1], "-live") {
			t.Errorf("orgsync %s: lacks -live or %s", m[1], deployment)
		}
		for _, r := range vars {
			line, _, _ := strings.Cut(r.Replace(m[1]), " >") // the shell's redirection is not the program's
			if _, err := parse(strings.Fields(line), io.Discard); err != nil {
				t.Errorf("orgsync %s: %v", line, err)
			}
		}
	}
	for _, want := range []string{"-format markdown", "-out plan.json", "-apply -plan plan.json -file org.json", "-journal"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the workflow lacks %q", want)
		}
	}
}
