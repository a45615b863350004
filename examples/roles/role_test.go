package main

import (
	"bytes"
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
		wantErr string
	}{
		{
			name: "full",
			in:   `{"name":"ops","description":"d","inheritedFrom":"viewer","permissions":["run:stop"]}`,
			want: roles.Params{Name: "ops", Description: "d", InheritedFrom: "viewer", Permissions: []string{"run:stop"}},
		},
		{name: "misspelt field", in: `{"name":"ops","permission":["run:stop"]}`, wantErr: `unknown field "permission"`},
		{name: "no name", in: `{"description":"d"}`, wantErr: `no "name"`},
		{name: "blank name", in: `{"name":"  "}`, wantErr: `no "name"`},
		{name: "not JSON", in: `name: ops`, wantErr: "decoding JSON"},
		{name: "two values", in: `{"name":"a"} {"name":"b"}`, wantErr: "more than one value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseRole(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
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
	p, err := parseRole(bytes.NewReader(sampleRole))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name == "" || p.InheritedFrom != roles.InheritMember || len(p.Permissions) == 0 {
		t.Errorf("sample role: %+v", p)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	have := &roles.Role{
		Name: "ops", Description: "old", InheritedFrom: "member",
		Permissions: []roles.Permission{
			{Name: "project:read", IsInherited: true}, // inherited ones never count
			{Name: "run:stop"},
			{Name: "artifact:delete"},
		},
	}
	tests := []struct {
		name string
		want roles.Params
		diff []string
	}{
		{
			name: "same, in another order and with repeats",
			want: roles.Params{Name: "ops", Description: "old", InheritedFrom: "member", Permissions: []string{"run:stop", "artifact:delete", "run:stop"}},
		},
		{
			name: "everything differs",
			want: roles.Params{Name: "ops", Description: "new", InheritedFrom: "viewer", Permissions: []string{"run:stop", "run:delete", "project:update"}},
			diff: []string{
				`description: "old" → "new"`,
				"inherits from: member → viewer",
				"add permissions: project:update, run:delete",
				"remove permissions: artifact:delete",
			},
		},
		{
			name: "no custom permissions left",
			want: roles.Params{Name: "ops", Description: "old", InheritedFrom: "member"},
			diff: []string{"remove permissions: artifact:delete, run:stop"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := diff(have, tt.want); !reflect.DeepEqual(got, tt.diff) {
				t.Errorf("diff =\n%q\nwant\n%q", got, tt.diff)
			}
		})
	}
}
