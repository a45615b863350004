package roles

import (
	"context"
	"net/http"
	"slices"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// AddPermissions adds custom permissions to the role id:
// PATCH /scim/Roles/{id} with a PatchOp whose one operation is
// {"op": "add", "path": "permissions", "value": [{"name": …}, …]}.
// names must not be empty; repeated names are sent once. It returns the
// updated role, read back with GET /scim/Roles/{id} when the reply holds none.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the role is read (GET):
// the call succeeds, returning what was read, when it has every permission
// named; otherwise the error stands (a real concurrent change; after lost
// replies alone, it matches scim.ErrOutcomeUnknown), and when the read fails
// it matches scim.ErrOutcomeUnknown. Without If- Match the PATCH is never
// sent again; with it, it is retried first.
func (s *Service) AddPermissions(ctx context.Context, id string, names []string, opts ...scim.RequestOption) (*Role, error) {
	return s.patchPermissions(ctx, "roles.AddPermissions", "add", id, names, opts)
}

// RemovePermissions removes custom permissions from the role id:
// PATCH /scim/Roles/{id} with a PatchOp whose one operation is
// {"op": "remove", "path": "permissions", "value": [{"name": …}, …]}, W&B's
// shape (a value rather than an RFC 7644 filter path). names must not be
// empty; repeated names are sent once. It returns the updated role, read back
// with GET /scim/Roles/{id} when the reply holds none.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the role is read (GET):
// the call succeeds, returning what was read, when it has none of them as a
// custom permission; otherwise the error stands (a real concurrent change;
// after lost replies alone, it matches scim.ErrOutcomeUnknown), and when the
// read fails it matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is
// never sent again; with it, it is retried first.
func (s *Service) RemovePermissions(ctx context.Context, id string, names []string, opts ...scim.RequestOption) (*Role, error) {
	return s.patchPermissions(ctx, "roles.RemovePermissions", "remove", id, names, opts)
}

// patchPermissions checks its arguments and sends one add or remove operation
// on the path "permissions".
func (s *Service) patchPermissions(ctx context.Context, op, verb, id string, names []string, opts []scim.RequestOption) (*Role, error) {
	if len(names) == 0 {
		return nil, resource.Invalid(op, "no permission names given")
	}
	refs, err := permissionRefs(op, names)
	if err != nil {
		return nil, err
	}
	body := scim.NewPatchOp(scim.Operation{Op: verb, Path: "permissions", Value: refs})
	return s.update(ctx, op, id, http.MethodPatch, body, func(r *Role) bool {
		if r == nil {
			return false
		}
		for _, p := range refs {
			i := slices.IndexFunc(r.Permissions, func(q Permission) bool { return q.Name == p.Name })
			if verb == "add" && i < 0 || verb == "remove" && i >= 0 && !r.Permissions[i].IsInherited {
				return false
			}
		}
		return true
	}, opts)
}
