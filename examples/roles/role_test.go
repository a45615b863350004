package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/roles"
)

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    roles.Params
		wantErr string // the error's beginning
	}{
		{
			name: "full",
			in:   `{"name":"ops","description":"d","inheritedFrom":"viewer","permissions":["run:stop"]}`,
			want: roles.Params{Name: "ops", Description: "d", InheritedFrom: "viewer", Permissions: []string{"run:stop"}},
		},
		{name: "empty file", in: "\n", wantErr: "ops.json: the file is empty, want a JSON object"},
		{name: "misspelt field", in: "{\n  \"name\": \"ops\",\n  \"permission\": [\"run:stop\"]\n}", wantErr: `ops.json:3:3: unknown field "permission"`},
		{name: "no name", in: `{"description":"d","inheritedFrom":"member"}`, wantErr: `ops.json: no "name": the role's name is required`},
		{name: "blank name", in: `{"name":"  ","inheritedFrom":"member"}`, wantErr: `ops.json:1:9: name "  ": the role's name must not be blank`},
		{name: "no inheritedFrom", in: `{"name":"ops"}`, wantErr: `ops.json: no "inheritedFrom": want "member" or "viewer"`},
		{
			name:    "bad inheritedFrom, by its JSON name and line",
			in:      "{\n  \"name\": \"ops\",\n  \"inheritedFrom\": \"admin\"\n}",
			wantErr: `ops.json:3:20: inheritedFrom "admin": want "member" or "viewer"`,
		},
		{
			name: "bad permissions, each by its index and place",
			in:   "{\n  \"name\": \"ops\", \"inheritedFrom\": \"member\",\n  \"permissions\": [\"run:stop\",\n    \"run stop\", \"a:b:c\"]\n}",
			wantErr: "ops.json:4:5: permissions[1] \"run stop\": want the form object:operation, with exactly one colon, such as run:stop\n" +
				"ops.json:4:17: permissions[2] \"a:b:c\": want the form object:operation",
		},
		{
			name:    "every mistake at once",
			in:      `{"name":"", "inheritedFrom":"Member", "permissions":[" run:stop"]}`,
			wantErr: "ops.json:1:9: name \"\": the role's name must not be blank\nops.json:1:29: inheritedFrom \"Member\": want \"member\" or \"viewer\"\nops.json:1:54: permissions[0] \" run:stop\": must not contain white space",
		},
		{name: "not JSON", in: `name: ops`, wantErr: "ops.json:1:2: invalid character 'a' in literal null"},
		{name: "trailing comma", in: "{\n  \"name\": \"ops\",\n}", wantErr: "ops.json:3:1: invalid character '}'"},
		{name: "permissions not a list", in: `{"name":"ops","permissions":"run:stop"}`, wantErr: "ops.json:1:38: permissions: a JSON string cannot be a []string"},
		{name: "two values", in: `{"name":"a"} {"name":"b"}`, wantErr: "ops.json:1:14: more after the JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseRole("ops.json", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one starting %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "InheritedFrom") || strings.Contains(err.Error(), "Permissions") {
					t.Errorf("err = %v names a Go field, not the JSON one", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSampleRoleParses(t *testing.T) {
	t.Parallel()
	p, err := parseRole("role.json", sampleRole)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != simSeed.Roles[0].Name || p.InheritedFrom != roles.InheritMember || len(p.Permissions) == 0 {
		t.Errorf("sample role: %+v; want the role the simulator starts with", p)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	have := &roles.Role{
		Name: "ops", Description: "old", InheritedFrom: "member",
		Permissions: []roles.Permission{
			{Name: "project:read", IsInherited: true}, // inherited ones never count
			{Name: "run:read", IsInherited: true},
			{Name: "run:stop"},
			{Name: "artifact:delete"},
		},
	}
	params := func(desc, from string, perms ...string) roles.Params {
		return roles.Params{Name: "ops", Description: desc, InheritedFrom: from, Permissions: perms}
	}
	tests := []struct {
		name string
		want roles.Params
		diff update
	}{
		{
			name: "same, in another order and with repeats",
			want: params("old", "member", "run:stop", "artifact:delete", "run:stop"),
			diff: update{Want: params("old", "member", "run:stop", "artifact:delete", "run:stop")},
		},
		{
			name: "inherited permissions listed in the file are ignored",
			want: params("old", "member", "run:read", "run:stop", "project:read", "artifact:delete", "run:read"),
			diff: update{Inherited: []string{"project:read", "run:read"}, Want: params("old", "member", "run:stop", "artifact:delete")},
		},
		{
			name: "only permissions differ: add and remove, no replace",
			want: params("old", "member", "run:stop", "run:read", "project:update"),
			diff: update{
				Changes:   []string{"add permissions: project:update", "remove permissions: artifact:delete"},
				Add:       []string{"project:update"},
				Remove:    []string{"artifact:delete"},
				Inherited: []string{"run:read"},
				Want:      params("old", "member", "run:stop", "project:update"),
			},
		},
		{
			name: "description differs: replace, inherited permissions left out",
			want: params("new", "member", "run:stop", "artifact:delete", "run:read"),
			diff: update{
				Changes:   []string{`description: "old" → "new"`},
				Replace:   true,
				Inherited: []string{"run:read"},
				Want:      params("new", "member", "run:stop", "artifact:delete"),
			},
		},
		{
			name: "everything differs: replace with the file's list as it is",
			want: params("new", "viewer", "run:stop", "run:delete", "project:update", "run:read"),
			diff: update{
				Changes: []string{
					`description: "old" → "new"`,
					"inherits from: member → viewer",
					"add permissions: project:update, run:delete, run:read",
					"remove permissions: artifact:delete",
				},
				Replace: true,
				Add:     []string{"project:update", "run:delete", "run:read"},
				Remove:  []string{"artifact:delete"},
				Want:    params("new", "viewer", "run:stop", "run:delete", "project:update", "run:read"),
			},
		},
		{
			name: "no custom permissions left",
			want: params("old", "member"),
			diff: update{
				Changes: []string{"remove permissions: artifact:delete, run:stop"},
				Remove:  []string{"artifact:delete", "run:stop"},
				Want:    params("old", "member"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := diff(have, tt.want); !reflect.DeepEqual(got, tt.diff) {
				t.Errorf("diff =\n%+v\nwant\n%+v", got, tt.diff)
			}
		})
	}
}
