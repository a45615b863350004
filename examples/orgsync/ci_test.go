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
	vars := strings.NewReplacer(`"$DEPLOYMENT"`, "dedicated", "$DEPLOYMENT", "dedicated")
	command := regexp.MustCompile(`(?m)^\s*(?:run:\s*)?orgsync (.*)$`)
	found := command.FindAllStringSubmatch(string(data), -1)
	if len(found) < 3 {
		t.Fatalf("found %d orgsync commands in the workflow, want its plan, apply and drift commands", len(found))
	}
	for _, m := range found {
		line, _, _ := strings.Cut(vars.Replace(m[1]), " >") // the shell's redirection is not the program's
		args := strings.Fields(line)
		if _, err := parse(args, io.Discard); err != nil {
			t.Errorf("orgsync %s: %v", line, err)
		}
		for _, want := range []string{"-live", "-deployment"} {
			if !strings.Contains(line, want) {
				t.Errorf("orgsync %s: lacks %s", line, want)
			}
		}
	}
	for _, want := range []string{"-format markdown", "-out plan.json", "-apply -plan plan.json -file org.json", "-journal"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the workflow lacks %q", want)
		}
	}
}
