package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-wandb/identity/roles"
)

// roleFile is the JSON file's shape.
type roleFile struct {
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	InheritedFrom string   `json:"inheritedFrom"`
	Permissions   []string `json:"permissions"`
}

// parseRole reads a role file. Unknown fields are errors (a misspelt
// "permission" must not silently drop every permission); the SDK checks the
// values themselves before anything is sent.
func parseRole(r io.Reader) (roles.Params, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f roleFile
	if err := dec.Decode(&f); err != nil {
		return roles.Params{}, fmt.Errorf("decoding JSON: %w", err)
	}
	if dec.More() {
		return roles.Params{}, fmt.Errorf("decoding JSON: more than one value")
	}
	if strings.TrimSpace(f.Name) == "" {
		return roles.Params{}, fmt.Errorf(`no "name"`)
	}
	return roles.Params{
		Name:          f.Name,
		Description:   f.Description,
		InheritedFrom: f.InheritedFrom,
		Permissions:   f.Permissions,
	}, nil
}

// diff lists how the role on the server differs from want, one readable line
// per change; none means the role is up to date. Permissions are compared as
// sets of custom (non-inherited) permission names.
func diff(have *roles.Role, want roles.Params) []string {
	var out []string
	if have.Description != want.Description {
		out = append(out, fmt.Sprintf("description: %q → %q", have.Description, want.Description))
	}
	if have.InheritedFrom != want.InheritedFrom {
		out = append(out, fmt.Sprintf("inherits from: %s → %s", have.InheritedFrom, want.InheritedFrom))
	}
	cur := have.CustomPermissions()
	next := slices.Sorted(slices.Values(want.Permissions))
	next = slices.Compact(next)
	var added, removed []string
	for _, p := range next {
		if !slices.Contains(cur, p) {
			added = append(added, p)
		}
	}
	for _, p := range cur {
		if !slices.Contains(next, p) {
			removed = append(removed, p)
		}
	}
	if len(added) > 0 {
		out = append(out, "add permissions: "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		out = append(out, "remove permissions: "+strings.Join(removed, ", "))
	}
	return out
}
