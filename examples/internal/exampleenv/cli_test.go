package exampleenv

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadInput(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(file, []byte("from disk"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, wantName, wantData string
		wantErr                        bool
	}{
		{name: "sample", file: "", wantName: "examples/x/in.csv", wantData: "built in"},
		{name: "file", file: file, wantName: file, wantData: "from disk"},
		{name: "missing file", file: filepath.Join(t.TempDir(), "nope.csv"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name, data, err := ReadInput(tt.file, "examples/x/in.csv", []byte("built in"))
			if tt.wantErr {
				if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.csv") || name != "" || data != nil {
					t.Errorf("ReadInput = %q, %q, %v; want a not-exist error naming the file", name, data, err)
				}
				return
			}
			if err != nil || name != tt.wantName || string(data) != tt.wantData {
				t.Errorf("ReadInput = %q, %q, %v; want %q, %q", name, data, err, tt.wantName, tt.wantData)
			}
		})
	}
}

// demo is a small example's main function: -n must be positive, and it
// fails with -fail.
func demo(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := NewFlagSet("demo", Help{
		Usage:   "go run ./examples/demo [flags]",
		About:   "Demo does nothing, well.",
		Env:     LiveEnv,
		Example: "go run ./examples/demo -n 3",
	})
	n := fs.Int("n", 1, "how many times")
	fail := fs.String("fail", "", "fail with this error: cancel, or any text")
	var live bool
	LiveFlag(fs, &live)
	if err := Parse(fs, args, stdout); err != nil {
		return err
	}
	if err := NoArgs(fs); err != nil {
		return err
	}
	if *n < 1 {
		return Usagef("-n must be at least 1")
	}
	switch *fail {
	case "":
		fmt.Fprintln(stdout, "done", *n)
		return nil
	case "cancel":
		return fmt.Errorf("listing users: %w", context.Canceled)
	case "pending":
		fmt.Fprintln(stdout, "1 change pending")
		return ErrPending
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
		{name: "done", args: []string{"-n", "2"}, wantCode: ExitOK, wantStdout: "done 2\n"},
		{name: "help", args: []string{"-h"}, wantCode: ExitOK, wantStdout: "Usage: go run ./examples/demo [flags]\n\nDemo does nothing, well.\n\nFlags:\n  -fail string"},
		{name: "unknown flag", args: []string{"-x"}, wantCode: ExitUsage,
			wantStderr: "demo: flag provided but not defined: -x\nRun 'demo -h' for help.\n"},
		{name: "bad flag value", args: []string{"-n", "two"}, wantCode: ExitUsage,
			wantStderr: "demo: invalid value \"two\" for flag -n: parse error\nRun 'demo -h' for help.\n"},
		{name: "checked flag value", args: []string{"-n", "0"}, wantCode: ExitUsage,
			wantStderr: "demo: -n must be at least 1\nRun 'demo -h' for help.\n"},
		{name: "arguments", args: []string{"x"}, wantCode: ExitUsage,
			wantStderr: "demo: unexpected arguments [\"x\"] (flags go before them; see -h)\nRun 'demo -h' for help.\n"},
		{name: "failure", args: []string{"-fail", "boom"}, wantCode: ExitFailed, wantStderr: "demo: boom\n"},
		{name: "interrupted", args: []string{"-fail", "cancel"}, wantCode: ExitInterrupted, wantStderr: "demo: interrupted\n"},
		{name: "changes pending", args: []string{"-fail", "pending"}, wantCode: ExitPending, wantStdout: "1 change pending\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := RunMain(t, "demo", tt.args, demo)
			if r.Code != tt.wantCode || r.Stderr != tt.wantStderr || !strings.Contains(r.Stdout, tt.wantStdout) ||
				(tt.wantStdout == "" && r.Stdout != "") {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", r.Code, r.Stdout, r.Stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

func TestHelpText(t *testing.T) {
	t.Parallel()
	CheckHelp(t, "demo", demo, "-live\n", "WANDB_API_KEY   the API key of an organization admin", "-n int\n")
	// The flag package's own messages never reach the output.
	fs := NewFlagSet("demo", Help{})
	var out bytes.Buffer
	fs.SetOutput(&out)
	if err := Parse(fs, []string{"-x"}, &out); !errors.Is(err, ErrUsage) || out.Len() != 0 {
		t.Errorf("Parse(-x) = %v, output %q", err, out.String())
	}
	if err := Parse(NewFlagSet("demo", Help{}), []string{"-help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("Parse(-help) = %v, want flag.ErrHelp", err)
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
		Main("demo", demo)
	}
	t.Parallel()
	for _, tt := range []struct {
		args     string
		wantCode int
	}{
		{"-n 1", ExitOK},
		{"-fail boom", ExitFailed},
		{"-n 0", ExitUsage},
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

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		Name  string   `json:"name"`
		Perms []string `json:"permissions"`
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", " \n", "f.json: the file is empty, want a role"},
		{"syntax error", "{\n  \"name\": \"a\",\n  \"permissions\": [\"x\",]\n}", `f.json:3:23: invalid character ']' looking for beginning of value`},
		{"unknown field", "{\n  \"name\": \"a\",\n    \"permission\": []\n}", `f.json:3:5: unknown field "permission" (misspelt?)`},
		{"wrong type", "{\"name\": 5}", "f.json:1:10: name: a JSON number cannot be a string"},
		{"cut short", "{\"name\": \"a\",\n", "f.json:1:14: unexpected end of the file"},
		{"two values", "{\"name\": \"a\"}\n\n {}", "f.json:3:2: more after the JSON value"},
		{"not an object", "[1]", "f.json:1:1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d doc
			err := DecodeJSON("f.json", []byte(tt.in), &d, "a role")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("DecodeJSON(%q) = %v, want an error starting %q", tt.in, err, tt.want)
			}
		})
	}
	var d doc
	if err := DecodeJSON("f.json", []byte(`{"name": "a", "permissions": ["x"]}`+"\n"), &d, ""); err != nil || d.Name != "a" || len(d.Perms) != 1 {
		t.Errorf("DecodeJSON = %+v, %v", d, err)
	}
}

func TestPosition(t *testing.T) {
	t.Parallel()
	data := []byte("ab\ncd\n")
	for _, tt := range []struct {
		offset          int64
		wantLine, wantC int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {99, 3, 1}, {-5, 1, 1}} {
		if line, col := Position(data, tt.offset); line != tt.wantLine || col != tt.wantC {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.offset, line, col, tt.wantLine, tt.wantC)
		}
	}
}
