package exampleenv_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/examples/internal/exampletest"
)

// demo is a small example's main function: -n must be positive, and it
// fails with -fail.
func demo(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := exampleenv.NewFlagSet("demo", exampleenv.Help{
		Usage:   "go run ./examples/demo [flags]",
		About:   "Demo does nothing, well.",
		Env:     exampleenv.LiveEnv,
		Example: "go run ./examples/demo -n 3",
	})
	n := fs.Int("n", 1, "how many times")
	fail := fs.String("fail", "", "fail with this error: cancel, or any text")
	var live bool
	exampleenv.LiveFlag(fs, &live)
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return err
	}
	if err := exampleenv.NoArgs(fs); err != nil {
		return err
	}
	if *n < 1 {
		return exampleenv.Usagef("-n must be at least 1")
	}
	switch *fail {
	case "":
		fmt.Fprintln(stdout, "done", *n)
		return nil
	case "cancel":
		return fmt.Errorf("listing users: %w", context.Canceled)
	case "pending":
		fmt.Fprintln(stdout, "1 change pending")
		return exampleenv.ErrPending
	}
	return errors.New(*fail)
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring; "" for none
		wantStderr string // exact
	}{
		{name: "done", args: []string{"-n", "2"}, wantCode: exampleenv.ExitOK, wantStdout: "done 2\n"},
		{name: "help", args: []string{"-h"}, wantCode: exampleenv.ExitOK, wantStdout: "Usage: go run ./examples/demo [flags]\n\nDemo does nothing, well.\n\nFlags:\n  -fail string"},
		{name: "unknown flag", args: []string{"-x"}, wantCode: exampleenv.ExitUsage,
			wantStderr: "demo: flag provided but not defined: -x\nRun 'demo -h' for help.\n"},
		{name: "bad flag value", args: []string{"-n", "two"}, wantCode: exampleenv.ExitUsage,
			wantStderr: "demo: invalid value \"two\" for flag -n: parse error\nRun 'demo -h' for help.\n"},
		{name: "checked flag value", args: []string{"-n", "0"}, wantCode: exampleenv.ExitUsage,
			wantStderr: "demo: -n must be at least 1\nRun 'demo -h' for help.\n"},
		{name: "arguments", args: []string{"x"}, wantCode: exampleenv.ExitUsage,
			wantStderr: "demo: unexpected arguments [\"x\"] (flags go before them; see -h)\nRun 'demo -h' for help.\n"},
		{name: "failure", args: []string{"-fail", "boom"}, wantCode: exampleenv.ExitFailed, wantStderr: "demo: boom\n"},
		{name: "interrupted", args: []string{"-fail", "cancel"}, wantCode: exampleenv.ExitInterrupted, wantStderr: "demo: interrupted\n"},
		{name: "changes pending", args: []string{"-fail", "pending"}, wantCode: exampleenv.ExitPending, wantStdout: "1 change pending\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := exampletest.RunMain(t, "demo", tt.args, demo)
			if r.Code != tt.wantCode || r.Stderr != tt.wantStderr || !strings.Contains(r.Stdout, tt.wantStdout) ||
				(tt.wantStdout == "" && r.Stdout != "") {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", r.Code, r.Stdout, r.Stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

func TestHelpText(t *testing.T) {
	t.Parallel()
	exampletest.CheckHelp(t, "demo", demo, "-live\n", "WANDB_API_KEY   the API key of an organization admin", "-n int\n")
	// The flag package's own messages never reach the output.
	fs := exampleenv.NewFlagSet("demo", exampleenv.Help{})
	var out bytes.Buffer
	fs.SetOutput(&out)
	if err := exampleenv.Parse(fs, []string{"-x"}, &out); !errors.Is(err, exampleenv.ErrUsage) || out.Len() != 0 {
		t.Errorf("exampleenv.Parse(-x) = %v, output %q", err, out.String())
	}
	if err := exampleenv.Parse(exampleenv.NewFlagSet("demo", exampleenv.Help{}), []string{"-help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("exampleenv.Parse(-help) = %v, want flag.ErrHelp", err)
	}
}

// exitEnv names the environment variable that makes TestMainExits' child
// process run Main instead of the tests.
const exitEnv = "EXAMPLEENV_TEST_MAIN"

// TestMainExits runs Main in a child process (it exits) and checks the exit
// status.
func TestMainExits(t *testing.T) {
	if args := os.Getenv(exitEnv); args != "" {
		os.Args = append([]string{"demo"}, strings.Fields(args)...)
		exampleenv.Main("demo", demo)
	}
	t.Parallel()
	for _, tt := range []struct {
		args     string
		wantCode int
	}{
		{"-n 1", exampleenv.ExitOK},
		{"-fail boom", exampleenv.ExitFailed},
		{"-n 0", exampleenv.ExitUsage},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainExits$")
		cmd.Env = append(os.Environ(), exitEnv+"="+tt.args)
		err := cmd.Run()
		code := 0
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.wantCode {
			t.Errorf("%s: exit status %d, want %d", tt.args, code, tt.wantCode)
		}
	}
}
