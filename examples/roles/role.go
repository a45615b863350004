package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/roles"
)

// roleFile is the JSON file's shape.
type roleFile struct {
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	InheritedFrom string   `json:"inheritedFrom"`
	Permissions   []string `json:"permissions"`
}

// parseRole reads a role file, data, called name in messages. Unknown
// fields are errors (a misspelt "permission" must not silently drop every
// permission), and every error names the file, and the line and column
// where it can; the SDK checks the values themselves before anything is
// sent.
func parseRole(name string, data []byte) (roles.Params, error) {
	var f roleFile
	if err := exampleenv.DecodeJSON(name, data, &f, `a JSON object such as {"name": "ops", "permissions": ["run:stop"]}`); err != nil {
		return roles.Params{}, err
	}
	if strings.TrimSpace(f.Name) == "" {
		return roles.Params{}, fmt.Errorf(`%s: no "name": the role's name is required`, name)
	}
	return roles.Params{
		Name:          f.Name,
		Description:   f.Description,
		InheritedFrom: f.InheritedFrom,
		Permissions:   f.Permissions,
	}, nil
}

// update is how the role on the server must change to match the file.
type update struct {
	// Changes has one readable line per change; none means up to date.
	Changes []string
	// Replace is set when the description or the inherited role differ: the
	// whole role is then replaced with Want (PUT), permissions included.
	// Otherwise Add and Remove are the custom permissions to add and remove
	// (PATCH), W&B's documented way to change permissions.
	Replace     bool
	Add, Remove []string
	// Inherited are the file's permissions that the role already inherits
	// from its predefined role; they are left out of Want and of the
	// comparison.
	Inherited []string
	// Want is the file's role without the Inherited permissions.
	Want roles.Params
}

// diff works out how the role on the server, have, differs from the file's
// role, want. Permissions are compared as sets of custom (non-inherited)
// permission names. When the inherited role stays the same, a file permission
// that have reports as inherited (Permission.IsInherited) is not a custom
// one: it is listed in Inherited and otherwise ignored, so a file that lists,
// say, run:read for a member-based role is still up to date. When the
// inherited role changes, the server's inherited permissions will change too,
// so the file's list is sent as it is.
func diff(have *roles.Role, want roles.Params) update {
	u := update{Want: want}
	if have.Description != want.Description {
		u.Replace = true
		u.Changes = append(u.Changes, fmt.Sprintf("description: %q → %q", have.Description, want.Description))
	}
	if have.InheritedFrom != want.InheritedFrom {
		u.Replace = true
		u.Changes = append(u.Changes, fmt.Sprintf("inherits from: %s → %s", have.InheritedFrom, want.InheritedFrom))
	} else {
		inherited := func(name string) bool {
			return slices.ContainsFunc(have.Permissions, func(p roles.Permission) bool { return p.IsInherited && p.Name == name })
		}
		u.Want.Permissions = nil
		for _, p := range want.Permissions {
			if inherited(p) {
				u.Inherited = append(u.Inherited, p)
			} else {
				u.Want.Permissions = append(u.Want.Permissions, p)
			}
		}
		u.Inherited = slices.Compact(slices.Sorted(slices.Values(u.Inherited)))
	}
	cur := have.CustomPermissions()
	next := slices.Compact(slices.Sorted(slices.Values(u.Want.Permissions)))
	for _, p := range next {
		if !slices.Contains(cur, p) {
			u.Add = append(u.Add, p)
		}
	}
	for _, p := range cur {
		if !slices.Contains(next, p) {
			u.Remove = append(u.Remove, p)
		}
	}
	if len(u.Add) > 0 {
		u.Changes = append(u.Changes, "add permissions: "+strings.Join(u.Add, ", "))
	}
	if len(u.Remove) > 0 {
		u.Changes = append(u.Changes, "remove permissions: "+strings.Join(u.Remove, ", "))
	}
	return u
}
