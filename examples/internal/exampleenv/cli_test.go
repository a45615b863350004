package exampleenv

import (
	"errors"
	"os"
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
