package roles_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/go-wandb/identity/roles"
)

func TestRoleDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want func(*testing.T) roles.Role
	}{
		{"docs role with lastModified", role7JSON, wantRole7},
		{"docs role without lastModified", role12JSON, wantRole12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var r roles.Role
			if err := json.Unmarshal([]byte(tt.body), &r); err != nil {
				t.Fatal(err)
			}
			checkRole(t, &r, tt.want(t))
		})
	}
}

func TestRoleDecodeMissingLastModifiedIsZero(t *testing.T) {
	t.Parallel()
	var r roles.Role
	if err := json.Unmarshal([]byte(role12JSON), &r); err != nil {
		t.Fatal(err)
	}
	if !r.Meta.LastModified.IsZero() || r.Meta.LastModified.Raw != "" {
		t.Errorf("LastModified = %v (%q), want zero", r.Meta.LastModified.Time, r.Meta.LastModified.Raw)
	}
	if r.Meta.Created.IsZero() {
		t.Error("Created is zero")
	}
}

func TestCustomPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		role *roles.Role
		want []string
	}{
		{"nil role", nil, nil},
		{"no permissions", &roles.Role{}, nil},
		{"only inherited", &roles.Role{Permissions: []roles.Permission{{Name: "artifact:read", IsInherited: true}}}, nil},
		{"mixed, sorted, repeats dropped", &roles.Role{Permissions: []roles.Permission{
			{Name: "run:stop"},
			{Name: "artifact:read", IsInherited: true},
			{Name: "project:update"},
			{Name: "project:delete"},
			{Name: "run:stop"},
			{Name: "launchagent:read", IsInherited: true},
		}}, []string{"project:delete", "project:update", "run:stop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.role.CustomPermissions(); !slices.Equal(got, tt.want) || (tt.want == nil && got != nil) {
				t.Errorf("CustomPermissions() = %#v, want %#v", got, tt.want)
			}
		})
	}
}
