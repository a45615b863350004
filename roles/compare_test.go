package roles

import (
	"slices"
	"testing"
)

func TestComparePermissions(t *testing.T) {
	t.Parallel()
	role := &Role{Name: "ops", InheritedFrom: InheritMember, Permissions: []Permission{
		{Name: "run:read", IsInherited: true}, {Name: "run:stop"}, {Name: "run:delete"},
	}}
	tests := []struct {
		name        string
		role        *Role
		want        []string
		add, remove []string
	}{
		{"equal", role, []string{"run:delete", "run:stop"}, nil, nil},
		{"inherited need not be listed", role, []string{"run:stop", "run:read", "run:delete"}, nil, nil},
		{"add and remove", role, []string{"project:update", "run:stop", "artifact:delete", "project:update"},
			[]string{"artifact:delete", "project:update"}, []string{"run:delete"}},
		{"none wanted", role, nil, nil, []string{"run:delete", "run:stop"}},
		{"nil role", nil, []string{"run:stop", "artifact:read", "run:stop"}, []string{"artifact:read", "run:stop"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			add, remove := ComparePermissions(tt.role, tt.want)
			if !slices.Equal(add, tt.add) || !slices.Equal(remove, tt.remove) {
				t.Errorf("ComparePermissions = %q, %q; want %q, %q", add, remove, tt.add, tt.remove)
			}
		})
	}
}

func TestValidPermission(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"run:stop": true, "project:update": true,
		"": false, "run": false, ":stop": false, "run:": false, "a:b:c": false, "run: stop": false, "run:stop ": false,
	} {
		if got := ValidPermission(name); got != want {
			t.Errorf("ValidPermission(%q) = %v, want %v", name, got, want)
		}
	}
}
