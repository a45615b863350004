package roles

import (
	"slices"
	"strings"
	"unicode"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Params describes a custom role for Create and Replace. Every field is sent.
type Params struct {
	// Name is the role's name; it must not be blank. W&B treats custom role
	// names as case-sensitive.
	Name string
	// Description is free text; it may be empty.
	Description string
	// InheritedFrom is the predefined role the custom role builds on: exactly
	// InheritMember ("member") or InheritViewer ("viewer").
	InheritedFrom string
	// Permissions are the custom permission names, each "object:operation"
	// (for example "run:stop"). It may be empty: the role then has only the
	// inherited permissions. Repeated names are sent once.
	Permissions []string
}

// roleBody is the POST and PUT body of /scim/Roles.
type roleBody struct {
	Schemas       []string        `json:"schemas"`
	Name          string          `json:"name"`
	Description   string          `json:"description"`
	Permissions   []permissionRef `json:"permissions"`
	InheritedFrom string          `json:"inheritedFrom"`
}

// permissionRef is a permission as requests name it: {"name": "run:stop"}.
type permissionRef struct {
	Name string `json:"name"`
}

// body checks p and returns the request body, or an *scim.InputError naming op.
func (p Params) body(op string) (*roleBody, error) {
	if err := checkName(op, p.Name); err != nil {
		return nil, err
	}
	switch p.InheritedFrom {
	case InheritMember, InheritViewer:
	case "":
		return nil, resource.Invalid(op, "empty InheritedFrom: want %q or %q", InheritMember, InheritViewer)
	default:
		return nil, resource.Invalid(op, "InheritedFrom %s: want %q or %q", resource.Quote(p.InheritedFrom), InheritMember, InheritViewer)
	}
	perms, err := permissionRefs(op, p.Permissions)
	if err != nil {
		return nil, err
	}
	return &roleBody{
		Schemas:       []string{scim.RoleSchema},
		Name:          p.Name,
		Description:   p.Description,
		Permissions:   perms,
		InheritedFrom: p.InheritedFrom,
	}, nil
}

// made reports whether r is the role this create body makes, rather than
// another that holds the name: the same name, description and base role,
// with every permission the body asks for (the server may count one the base
// role has as inherited).
func (b *roleBody) made(r *Role) bool {
	if r.Name != b.Name || r.Description != b.Description || r.InheritedFrom != b.InheritedFrom {
		return false
	}
	for _, p := range b.Permissions {
		if !slices.ContainsFunc(r.Permissions, func(q Permission) bool { return q.Name == p.Name }) {
			return false
		}
	}
	return true
}

// checkName rejects a blank role name.
func checkName(op, name string) error {
	if resource.Blank(name) {
		return resource.Invalid(op, "empty role name")
	}
	return nil
}

// permissionRefs checks every name and returns them as request objects, each
// name once, in the order first given. It never returns nil, so an empty list
// is sent as [].
func permissionRefs(op string, names []string) ([]permissionRef, error) {
	refs := make([]permissionRef, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if err := checkPermission(op, n); err != nil {
			return nil, err
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		refs = append(refs, permissionRef{Name: n})
	}
	return refs, nil
}

// checkPermission accepts "object:operation": exactly one colon, both parts
// non-empty, no white space.
func checkPermission(op, name string) error {
	object, operation, ok := strings.Cut(name, ":")
	switch {
	case !ok || strings.Contains(operation, ":"):
		return resource.Invalid(op, "permission %s: want the form object:operation with exactly one colon", resource.Quote(name))
	case object == "" || operation == "":
		return resource.Invalid(op, "permission %s: object and operation must not be empty", resource.Quote(name))
	case strings.ContainsFunc(name, unicode.IsSpace):
		return resource.Invalid(op, "permission %s: must not contain white space", resource.Quote(name))
	}
	return nil
}

// replaced reports whether r holds what a PUT of this body asks for: the
// same name, description and base role, every permission the body gives,
// and no other custom one.
func (b *roleBody) replaced(r *Role) bool {
	if r == nil || !b.made(r) {
		return false
	}
	for _, name := range r.CustomPermissions() {
		if !slices.ContainsFunc(b.Permissions, func(p permissionRef) bool { return p.Name == name }) {
			return false
		}
	}
	return true
}
