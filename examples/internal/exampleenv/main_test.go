package exampleenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
		{name: "sample", file: "", wantName: "the sample examples/x/in.csv", wantData: "built in"},
		{name: "file", file: file, wantName: file, wantData: "from disk"},
		{name: "missing file", file: filepath.Join(t.TempDir(), "nope.csv"), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name, data, err := ReadInput(tt.file, "examples/x/in.csv", []byte("built in"))
			if tt.wantErr {
				if !errors.Is(err, os.ErrNotExist) || name != "" || data != nil {
					t.Errorf("ReadInput = %q, %q, %v; want a not-exist error", name, data, err)
				}
				return
			}
			if err != nil || name != tt.wantName || string(data) != tt.wantData {
				t.Errorf("ReadInput = %q, %q, %v; want %q, %q", name, data, err, tt.wantName, tt.wantData)
			}
		})
	}
}

// exitEnv names the environment variable that makes TestExit's child process
// call Main or UsageError instead of running the test.
const exitEnv = "EXAMPLEENV_TEST_EXIT"

// TestExit runs Main and UsageError in a child process (they exit) and checks
// the exit status and standard error.
func TestExit(t *testing.T) {
	switch os.Getenv(exitEnv) {
	case "":
	case "ok":
		Main("demo", func(context.Context) error { return nil })
	case "fail":
		Main("demo", func(context.Context) error { return errors.New("boom") })
	case "cancelled":
		Main("demo", func(context.Context) error { return fmt.Errorf("listing users: %w", context.Canceled) })
	case "usage":
		UsageError("demo", "unexpected arguments %q", []string{"x"})
	default:
		t.Fatalf("unknown %s", exitEnv)
	}

	t.Parallel()
	tests := []struct {
		mode       string
		wantCode   int
		wantStderr string // prefix
	}{
		{"ok", 0, ""},
		{"fail", 1, "demo: boom\n"},
		{"cancelled", 1, "demo: interrupted\n"},
		{"usage", 2, "demo: unexpected arguments [\"x\"]\nUsage of "},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestExit$")
			cmd.Env = append(os.Environ(), exitEnv+"="+tt.mode)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode || !strings.HasPrefix(stderr.String(), tt.wantStderr) ||
				(tt.wantStderr == "" && stderr.Len() != 0) {
				t.Errorf("exit status %d, stderr %q; want %d, %q", code, stderr.String(), tt.wantCode, tt.wantStderr)
			}
		})
	}
}
