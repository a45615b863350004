package exampleenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name     string
		existing string // "" for none
		force    bool
		want     string // the file's contents afterwards
		wantErr  string
	}{
		{name: "new file", want: "new"},
		{name: "existing, no -force", existing: "old", want: "old", wantErr: "exists; use -force to replace it"},
		{name: "existing, -force", existing: "old", force: true, want: "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tt.name+".json")
			if tt.existing != "" {
				if err := os.WriteFile(path, []byte(tt.existing), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFile(path, []byte("new"), tt.force)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrExists) {
					t.Errorf("err = %v, want one naming %s and matching ErrExists: %q", err, path, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != tt.want {
				t.Errorf("file holds %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestWriteFileLeavesNoTemporary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	if err := WriteFile(path, []byte("a"), false); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("b"), false); !errors.Is(err, ErrExists) {
		t.Fatalf("second write: %v, want ErrExists", err)
	}
	if err := WriteFile(dir, []byte("c"), true); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("writing over a directory: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "plan.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %q, want only plan.json", names)
	}
}

// TestWriteFileModes: WriteFile's files are readable by everyone,
// WritePrivateFile's by their owner only, whether new or replaced.
func TestWriteFileModes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		write func(string, []byte, bool) error
		want  os.FileMode
	}{
		{"public.json", WriteFile, 0o644},
		{"private.json", WritePrivateFile, 0o600},
	} {
		path := filepath.Join(dir, tt.name)
		for _, force := range []bool{false, true} {
			if err := tt.write(path, []byte("x"), force); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.want {
				t.Errorf("%s (force %t): %v, %v; want mode %v", tt.name, force, fi, err, tt.want)
			}
		}
	}
}

func TestCheckNew(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	existing := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(existing, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		force   bool
		wantErr string
	}{
		{"", false, ""},
		{"-", false, ""},
		{filepath.Join(dir, "new.json"), false, ""},
		{existing, true, ""},
		{existing, false, existing + ": file exists; use -force to replace it"},
		{dir, true, dir + " is a directory: name a file"},
	}
	for _, tt := range tests {
		err := CheckNew(tt.path, tt.force)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
			t.Errorf("CheckNew(%q, %v) = %v, want %q", tt.path, tt.force, err, tt.wantErr)
		}
		if tt.wantErr != "" && tt.path == existing && !errors.Is(err, ErrExists) {
			t.Errorf("CheckNew(%q) does not match ErrExists", tt.path)
		}
	}
}
