package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestSimulatorMode(t *testing.T) {
	exampletest.ClearEnv(t)

	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), &stdout, &stderr, config{format: "table", days: 90}); err != nil {
		t.Fatal(err)
	}
	s := stdout.String()
	if !strings.HasPrefix(s, exampleenv.SimulatorBanner+" (use -live") || stderr.Len() != 0 {
		t.Errorf("table mode: banner first on stdout, nothing on stderr:\n%s\nstderr: %s", s, stderr.String())
	}
	if strings.Contains(s, noActivityNote) {
		t.Errorf("the simulator reports activity; no note expected:\n%s", s)
	}
	for _, want := range []string{"inactive 120 days", "inactive 400 days", "never active", "deactivated",
		"7 accounts; 3 active ones flagged: 2 inactive for more than 90 days, 1 never active."} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}

	stdout.Reset()
	stderr.Reset()
	if err := run(context.Background(), &stdout, &stderr, config{format: "csv", days: 30, flaggedOnly: true}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&stdout).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not CSV: %v", err)
	}
	var names []string
	for _, r := range recs[1:] {
		names = append(names, r[0])
	}
	// -flagged-only with 30 days: grace (45 days), alan, katherine, linus.
	if got := strings.Join(names, ","); recs[0][0] != "username" || got != "alan,grace,katherine,linus" {
		t.Errorf("CSV header %v, users %s", recs[0], got)
	}
	if !strings.HasPrefix(stderr.String(), exampleenv.SimulatorBanner+" (use -live") {
		t.Errorf("csv mode: the banner belongs on stderr: %q", stderr.String())
	}
}

// TestNoActivityData runs the audit against a server whose users carry no
// activity (lastActiveAt null, daysActive 0 for everyone, as when a server
// leaves the fields out): it notes that and flags nobody.
func TestNoActivityData(t *testing.T) {
	exampletest.UseServer(t, scimtest.Start(t, scimtest.Options{Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com"},
		{UserName: "linus", Email: "linus@example.com"},
	}}))
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), &stdout, &stderr, config{format: "table", days: 90, live: true}); err != nil {
		t.Fatal(err)
	}
	s := stdout.String()
	if !strings.Contains(s, noActivityNote+"\n") || strings.Count(s, "never active") != 1 || // the summary's only
		!strings.Contains(s, "3 accounts; 0 active ones flagged:") || !strings.Contains(s, "not reported") {
		t.Errorf("want the no-activity note and no flags:\n%s", s)
	}
}

// TestIncompleteListing runs the audit against an organization larger than
// W&B's 9999-user page: the report shows what was listed, and the run fails
// saying it is incomplete.
func TestIncompleteListing(t *testing.T) {
	seed := make([]scimtest.User, 10050) // with the admin: 10,051
	for i := range seed {
		seed[i] = scimtest.User{UserName: fmt.Sprintf("u%05d", i), Email: fmt.Sprintf("u%05d@example.com", i)}
	}
	exampletest.UseServer(t, scimtest.Start(t, scimtest.Options{Users: seed}))
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), &stdout, &stderr, config{format: "csv", days: 90, live: true, noKeys: true})
	if err == nil || !strings.Contains(err.Error(), "the server has 10051 users but listed only 9999") {
		t.Fatalf("err = %v, want the incomplete listing reported", err)
	}
	if n := strings.Count(stdout.String(), "\n"); n != 10000 { // header and 9999 users
		t.Errorf("the CSV has %d lines, want 10000", n)
	}
}

func TestCommandLine(t *testing.T) {
	exampletest.CheckHelp(t, "audit", command, "-format string", "-inactive-days int", "-flagged-only", "-live",
		"-activity string", "-suggest FILE", "-force", "-deployment string", "-no-api-keys", "username,email,type,status")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xml"}, `-format "xml": want "table", "csv", "json" or "html"`},
		{[]string{"-activity", "login"}, `-activity "login": want "lastactive" or "auditlog"`},
		{[]string{"-force"}, "-force only applies to -suggest FILE"},
		{[]string{"-deployment", "cloud"}, `-deployment "cloud": want multi-tenant, dedicated or self-managed`},
		{[]string{"-inactive-days", "-1"}, "-inactive-days -1: want 0 or more"},
		{[]string{"-inactive-days", "ninety"}, `invalid value "ninety" for flag -inactive-days`},
		{[]string{"users"}, `unexpected arguments ["users"]`},
	} {
		exampletest.CheckUsageError(t, "audit", command, tt.args, tt.want)
	}
	exampletest.ClearEnv(t)
	exampletest.CheckUsageError(t, "audit", command, []string{"-live"}, "-live needs WANDB_API_KEY")
	// A limit past what a time.Duration holds flags only the never active.
	r := exampletest.RunMain(t, "audit", []string{"-inactive-days", "200000"}, command)
	if r.Code != exampleenv.ExitOK || !strings.Contains(r.Stdout, "1 active ones flagged: 0 inactive for more than 200000 days, 1 never active.") {
		t.Errorf("-inactive-days 200000: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}
