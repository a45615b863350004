package roles

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// collection is the SCIM path of custom roles.
const collection = "Roles"

// Service calls the /scim/Roles endpoints.
type Service struct {
	client *scim.Client
}

// New returns a Service that sends its requests through client.
func New(client *scim.Client) *Service {
	return &Service{client: client}
}

// Get returns the custom role with the given ID: GET /scim/Roles/{id}.
// A missing role is an error matching scim.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (*Role, error) {
	path, err := scim.ResourcePath("roles.Get", collection, id)
	if err != nil {
		return nil, err
	}
	return scim.Send[Role](ctx, s.client, http.MethodGet, path, nil)
}

// List returns one page of custom roles: GET /scim/Roles. W&B documents no
// filter and no paging for roles and returns every role (up to 9999) in one
// page; opts may be nil.
func (s *Service) List(ctx context.Context, opts *scim.ListOptions) (*scim.Page[Role], error) {
	return scim.ListPage[Role](ctx, s.client, collection, opts)
}

// All yields every custom role, walking the pages of GET /scim/Roles from
// opts (which may be nil). An error is yielded once, with a nil role, and
// ends the walk.
func (s *Service) All(ctx context.Context, opts *scim.ListOptions) iter.Seq2[*Role, error] {
	return scim.Paginate(ctx, opts, s.List)
}

// FindByName returns the custom role named exactly name (case-sensitive, as
// W&B treats custom role names). The server has no role filter, so it lists
// all roles with GET /scim/Roles, sending no filter, and returns the first
// match. When no role has that name the error matches scim.ErrNotFound.
func (s *Service) FindByName(ctx context.Context, name string) (*Role, error) {
	const op = "roles.FindByName"
	if err := checkName(op, name); err != nil {
		return nil, err
	}
	var folded string // a name that differs only in case, for the error
	for r, err := range s.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if r.Name == name {
			return r, nil
		}
		if folded == "" && strings.EqualFold(r.Name, name) {
			folded = r.Name
		}
	}
	if folded != "" {
		return nil, fmt.Errorf("%s: no role named %q (role names are case-sensitive; %q exists): %w", op, name, folded, scim.ErrNotFound)
	}
	return nil, fmt.Errorf("%s: no role named %q: %w", op, name, scim.ErrNotFound)
}

// Create creates a custom role: POST /scim/Roles with the Role schema, name,
// description, permissions (always sent, [] when empty) and inheritedFrom.
// A role name already in use is an error matching scim.ErrConflict. When the
// 201 reply holds no role (empty, not JSON, or without an id), the role is
// looked up with FindByName(p.Name) (GET /scim/Roles); if that fails, the
// error says the create succeeded and wraps the lookup's error. opts apply to
// the POST only.
func (s *Service) Create(ctx context.Context, p Params, opts ...scim.RequestOption) (*Role, error) {
	const op = "roles.Create"
	body, err := p.body(op)
	if err != nil {
		return nil, err
	}
	r, ok, err := scim.SendResource[Role](ctx, s.client, http.MethodPost, collection, body, opts...)
	if err != nil || ok {
		return r, err
	}
	r, err = s.FindByName(ctx, p.Name)
	if err != nil {
		return nil, fmt.Errorf("%s: the create succeeded but its reply held no role, and looking it up by name %q failed: %w",
			op, p.Name, err)
	}
	return r, nil
}

// Replace replaces the whole definition of the custom role id with p:
// PUT /scim/Roles/{id} with the same body as Create. When InheritedFrom
// changes, the role keeps its custom permissions and its inherited ones follow
// the new base role. Pass scim.IfMatch(role.Meta.Version) to make it
// conditional (a stale version fails with scim.ErrPreconditionFailed).
// When the reply holds no role, it is read back with GET /scim/Roles/{id}.
func (s *Service) Replace(ctx context.Context, id string, p Params, opts ...scim.RequestOption) (*Role, error) {
	const op = "roles.Replace"
	path, err := scim.ResourcePath(op, collection, id)
	if err != nil {
		return nil, err
	}
	body, err := p.body(op)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, op, id, http.MethodPut, path, body, opts)
}

// Delete deletes the custom role id: DELETE /scim/Roles/{id} (204). Users who
// held the role are moved to the predefined role it inherited from.
func (s *Service) Delete(ctx context.Context, id string, opts ...scim.RequestOption) error {
	path, err := scim.ResourcePath("roles.Delete", collection, id)
	if err != nil {
		return err
	}
	_, err = s.client.Call(ctx, http.MethodDelete, path, nil, nil, opts...)
	return err
}

// update sends a PUT or PATCH to path and returns the role in the reply. The
// docs do not show these replies; when one carries no role (an empty body, a
// body that is not JSON, or JSON without an id), the role is read back with
// GET /scim/Roles/{id}.
func (s *Service) update(ctx context.Context, op, id, method, path string, body any, opts []scim.RequestOption) (*Role, error) {
	r, ok, err := scim.SendResource[Role](ctx, s.client, method, path, body, opts...)
	if err != nil || ok {
		return r, err
	}
	r, err = s.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%s: the change was applied, but reading the role back failed: %w", op, err)
	}
	return r, nil
}
