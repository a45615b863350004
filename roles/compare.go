package roles

import (
	"slices"
)

// ComparePermissions returns the custom permissions to add to and remove
// from the role r so that its custom permissions are exactly want. It sends
// nothing. A wanted permission that r inherits (from its InheritedFrom role)
// is neither added nor reported: the role has it already. A nil r is a role
// without permissions, so everything wanted is added. add and remove are
// sorted and without repeats; both are nil when nothing differs.
func ComparePermissions(r *Role, want []string) (add, remove []string) {
	custom := r.CustomPermissions()
	has := make(map[string]bool)
	if r != nil {
		for _, p := range r.Permissions {
			has[p.Name] = true
		}
	}
	wanted := make(map[string]bool, len(want))
	for _, name := range want {
		if !has[name] && !wanted[name] {
			add = append(add, name)
		}
		wanted[name] = true
	}
	for _, name := range custom {
		if !wanted[name] {
			remove = append(remove, name)
		}
	}
	slices.Sort(add)
	return add, remove
}

// ValidPermission reports whether name has the form W&B requires of a
// permission, "object:operation" (for example "run:stop"): exactly one
// colon, both parts non-empty, no white space. Create, Replace,
// AddPermissions and RemovePermissions reject any other name before
// sending.
func ValidPermission(name string) bool { return checkPermission("", name) == nil }
