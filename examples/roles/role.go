package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

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

// parseRole reads a role file, data, called name in messages, and checks
// it whole before anything is sent: unknown fields are errors (a misspelt
// "permission" must not silently drop every permission), name is required,
// inheritedFrom must be "member" or "viewer", and every permission
// "object:operation". Every error names the file, the line and column where
// it can, and the field by its JSON name (inheritedFrom, permissions[2]);
// all of the file's mistakes are reported at once.
func parseRole(name string, data []byte) (roles.Params, error) {
	var f roleFile
	if err := exampleenv.DecodeJSON(name, data, &f, `a JSON object such as {"name": "ops", "inheritedFrom": "member", "permissions": ["run:stop"]}`); err != nil {
		return roles.Params{}, err
	}
	at := valueOffsets(data)
	// where names the file and the place of the field's value, or just the
	// file when the field is absent.
	where := func(field string) string {
		off, ok := at[field]
		if !ok {
			return name
		}
		line, col := exampleenv.Position(data, off)
		return fmt.Sprintf("%s:%d:%d", name, line, col)
	}
	var errs []error
	_, hasName := at["name"]
	switch {
	case !hasName:
		errs = append(errs, fmt.Errorf(`%s: no "name": the role's name is required`, name))
	case strings.TrimSpace(f.Name) == "":
		errs = append(errs, fmt.Errorf(`%s: name %q: the role's name must not be blank`, where("name"), f.Name))
	}
	switch _, has := at["inheritedFrom"]; {
	case !has:
		errs = append(errs, fmt.Errorf(`%s: no "inheritedFrom": want %q or %q, the predefined role the custom role builds on`,
			name, roles.InheritMember, roles.InheritViewer))
	case f.InheritedFrom != roles.InheritMember && f.InheritedFrom != roles.InheritViewer:
		errs = append(errs, fmt.Errorf(`%s: inheritedFrom %q: want %q or %q`, where("inheritedFrom"), f.InheritedFrom, roles.InheritMember, roles.InheritViewer))
	}
	for i, p := range f.Permissions {
		if why := permissionProblem(p); why != "" {
			field := fmt.Sprintf("permissions[%d]", i)
			errs = append(errs, fmt.Errorf("%s: %s %q: %s", where(field), field, p, why))
		}
	}
	if len(errs) > 0 {
		return roles.Params{}, errors.Join(errs...)
	}
	return roles.Params{
		Name:          f.Name,
		Description:   f.Description,
		InheritedFrom: f.InheritedFrom,
		Permissions:   f.Permissions,
	}, nil
}

// permissionProblem says what is wrong with a permission name, or "": it
// must be "object:operation", as the SDK checks before sending.
func permissionProblem(p string) string {
	object, operation, ok := strings.Cut(p, ":")
	switch {
	case !ok || strings.Contains(operation, ":"):
		return "want the form object:operation, with exactly one colon, such as run:stop"
	case object == "" || operation == "":
		return "the object and the operation must not be empty, as in run:stop"
	case strings.ContainsFunc(p, unicode.IsSpace):
		return "must not contain white space"
	case !roles.ValidPermission(p):
		return "not a permission name, such as run:stop"
	}
	return ""
}

// valueOffsets returns where, in data (one JSON object), the value of each
// top-level member starts, by its key, and of each element of an array
// member, as key[i]: the places parseRole's errors point at.
func valueOffsets(data []byte) map[string]int64 {
	at := map[string]int64{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return at
	}
	// start skips the white space, colon and comma before the next value.
	start := func() int64 {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		return off
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return at
		}
		off := start()
		at[key] = off
		var raw json.RawMessage
		if off < int64(len(data)) && data[off] == '[' {
			if _, err := dec.Token(); err != nil {
				return at
			}
			for i := 0; dec.More(); i++ {
				at[fmt.Sprintf("%s[%d]", key, i)] = start()
				if err := dec.Decode(&raw); err != nil {
					return at
				}
			}
			if _, err := dec.Token(); err != nil {
				return at
			}
			continue
		}
		if err := dec.Decode(&raw); err != nil {
			return at
		}
	}
	return at
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
