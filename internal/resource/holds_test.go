package resource

import (
	"testing"

	"github.com/go-wandb/identity/scim"
)

// TestHoldsOps checks how a PATCH's operations are judged against a
// resource as read.
func TestHoldsOps(t *testing.T) {
	t.Parallel()
	type res struct {
		ID     string           `json:"id"`
		Name   string           `json:"displayName"`
		Active bool             `json:"active"`
		Roles  []map[string]any `json:"registryRoles,omitempty"`
		Emails []map[string]any `json:"emails,omitempty"`
	}
	r := &res{ID: "u1", Name: "Ada", Active: true,
		Roles:  []map[string]any{{"registryName": "models", "roleName": "admin"}, {"registryName": "data", "roleName": "member"}},
		Emails: []map[string]any{{"value": "ada@example.com", "primary": true, "type": "work"}, {"value": "ada@home.example.com", "primary": false}}}
	tests := []struct {
		name string
		ops  []scim.Operation
		want bool
	}{
		{"replace equal", []scim.Operation{scim.Replace("displayName", "Ada")}, true},
		{"replace differs", []scim.Operation{scim.Replace("displayName", "Bob")}, false},
		{"attribute names ignore case", []scim.Operation{scim.Replace("DISPLAYNAME", "Ada")}, true},
		{"path-less replace", []scim.Operation{scim.Replace("", map[string]any{"active": true, "displayName": "Ada"})}, true},
		{"path-less replace differs", []scim.Operation{scim.Replace("", map[string]any{"active": false})}, false},
		{"add present, fields a subset", []scim.Operation{scim.Add("registryRoles", []map[string]string{{"registryName": "models"}})}, true},
		{"add absent", []scim.Operation{scim.Add("registryRoles", []map[string]string{{"registryName": "ml"}})}, false},
		// A replace without a filter replaces the whole list (RFC 7644
		// §3.5.2.3): an element it left out must be gone.
		{"replace array: another element stays", []scim.Operation{scim.Replace("emails", []scim.Email{{Value: "ada@example.com", Primary: true}})}, false},
		{"replace array: the same elements", []scim.Operation{scim.Replace("emails", []scim.Email{{Value: "ada@home.example.com"}, {Value: "ada@example.com", Primary: true}})}, true},
		{"replace array: an element missing", []scim.Operation{scim.Replace("emails", []scim.Email{{Value: "ada@example.com"}, {Value: "ada@home.example.com"}, {Value: "x@example.com"}})}, false},
		// W&B's replace of registryRoles and teamRoles sets the elements
		// listed and keeps the others (spec §5).
		{"replace registryRoles: the others stay", []scim.Operation{scim.Replace("registryRoles", []map[string]string{{"registryName": "models", "roleName": "admin"}})}, true},
		{"replace registryRoles: one missing", []scim.Operation{scim.Replace("registryRoles", []map[string]string{{"registryName": "ml", "roleName": "admin"}})}, false},
		{"replace teamRoles: not held", []scim.Operation{scim.Replace("teamRoles", []map[string]string{{"teamName": "a", "roleName": "admin"}})}, false},
		{"path-less replace of registryRoles", []scim.Operation{scim.Replace("", map[string]any{"registryRoles": []map[string]string{{"registryName": "models"}}})}, true},
		{"add array: element present", []scim.Operation{scim.Add("emails", []scim.Email{{Value: "ada@example.com", Primary: true}})}, true},
		{"path-less replace of an array: another element stays", []scim.Operation{scim.Replace("", map[string]any{"emails": []map[string]string{{"value": "ada@example.com"}}})}, false},
		{"path-less replace of an array: the same elements", []scim.Operation{scim.Replace("", map[string]any{"emails": []map[string]string{{"value": "ada@example.com"}, {"value": "ada@home.example.com"}}})}, true},
		{"path-less add of an array: element present", []scim.Operation{scim.Add("", map[string]any{"emails": []map[string]string{{"value": "ada@example.com"}}})}, true},
		{"remove filtered: present", []scim.Operation{scim.Remove(`registryRoles[registryName eq "models"]`)}, false},
		{"remove filtered: absent", []scim.Operation{scim.Remove(`registryRoles[registryName eq "ml"]`)}, true},
		{"remove whole: not empty", []scim.Operation{scim.Remove("registryRoles")}, false},
		{"remove whole: empty", []scim.Operation{scim.Remove("title")}, true},
		{"remove with a value: present", []scim.Operation{{Op: "remove", Path: "registryRoles", Value: []map[string]string{{"registryName": "models"}}}}, false},
		{"remove with a value: absent", []scim.Operation{{Op: "remove", Path: "registryRoles", Value: []map[string]string{{"registryName": "x"}}}}, true},
		{"sub-attribute path is not judged", []scim.Operation{scim.Replace("name.givenName", "Ada")}, false},
		{"every op must hold", []scim.Operation{scim.Replace("displayName", "Ada"), scim.Replace("active", false)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := HoldsOps[res](tt.ops)(r); got != tt.want {
				t.Errorf("HoldsOps = %v, want %v", got, tt.want)
			}
		})
	}
	if HoldsOps[res]([]scim.Operation{scim.Remove("registryRoles")})(nil) {
		t.Error("a resource that is gone holds a PATCH")
	}
}
