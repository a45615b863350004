package roles

import (
	"slices"

	"github.com/go-wandb/identity/scim"
)

// Predefined roles a custom role can inherit from (Params.InheritedFrom).
const (
	InheritMember = "member"
	InheritViewer = "viewer"
)

// Role is a W&B custom role as the /scim/Roles endpoints return it.
// W&B sends Schemas as [""] and omits Meta.LastModified on some roles.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// InheritedFrom is the predefined role ("member" or "viewer") whose
	// permissions the role inherits.
	InheritedFrom  string `json:"inheritedFrom"`
	OrganizationID string `json:"organizationID"`
	// Permissions lists inherited and custom permissions alike.
	Permissions []Permission `json:"permissions"`
	Meta        scim.Meta    `json:"meta"`
	Schemas     []string     `json:"schemas"`
}

// Permission is one permission of a Role, named "object:operation" (for
// example "project:update"). IsInherited is true for a permission that comes
// from the predefined role in InheritedFrom and false for a custom one.
type Permission struct {
	Name        string `json:"name"`
	IsInherited bool   `json:"isInherited"`
}

// CustomPermissions returns the names of the role's permissions that are not
// inherited, sorted and without repeats. It returns nil for a nil Role or a
// role without custom permissions.
func (r *Role) CustomPermissions() []string {
	if r == nil {
		return nil
	}
	var names []string
	for _, p := range r.Permissions {
		if !p.IsInherited {
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
