package roles

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Service calls the /scim/Roles endpoints. It is safe for concurrent use.
type Service struct {
	client *scim.Client
	roles  *resource.Collection[Role]
}

// New returns a Service that sends its requests through client.
func New(client *scim.Client) *Service {
	return &Service{client: client, roles: &resource.Collection[Role]{
		Client:  client,
		Path:    "Roles",
		Type:    "Role",
		Schema:  scim.RoleSchema,
		Noun:    "role",
		ID:      func(r *Role) string { return r.ID },
		Meta:    func(r *Role) *scim.Meta { return &r.Meta },
		Schemas: func(r *Role) []string { return r.Schemas },
	}}
}

// Format prints the Service as its client's String, without credentials,
// whatever the verb.
func (s Service) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "roles.Service{%v}", s.client) }

// byName is how FindByName picks a role: W&B keeps custom role names unique
// and treats them as case-sensitive, so the first exact match is the one.
var byName = resource.Match[Role]{Attr: "name", Named: "named", Unique: true,
	Keys: func(r *Role) []string { return []string{r.Name} }}

// Get returns the custom role with the given ID: GET /scim/Roles/{id}. The
// reply must hold a role; a missing role is an error matching
// scim.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string, opts ...scim.RequestOption) (*Role, error) {
	const op = "roles.Get"
	r, err := s.roles.Get(ctx, op, id, opts)
	return resource.Done(op, r, err)
}

// List returns one page of custom roles: GET /scim/Roles. W&B documents no
// filter and no paging for roles and returns every role (up to 9999) in one
// page; opts may be nil.
func (s *Service) List(ctx context.Context, opts *scim.ListOptions, reqOpts ...scim.RequestOption) (*scim.Page[Role], error) {
	page, err := s.roles.List(ctx, opts, reqOpts)
	return resource.Done("roles.List", page, err)
}

// All yields every custom role, walking the pages of GET /scim/Roles from
// opts (which may be nil). An error is yielded once, with a nil role, and
// ends the walk.
func (s *Service) All(ctx context.Context, opts *scim.ListOptions, reqOpts ...scim.RequestOption) iter.Seq2[*Role, error] {
	return resource.WrapSeq("roles.All", s.roles.All(ctx, opts, reqOpts))
}

// FindByName returns the custom role named exactly name (case-sensitive, as
// W&B treats custom role names). The server has no role filter, so it lists
// roles with GET /scim/Roles, sending no filter, until it finds the name.
// When no role has that name the error matches scim.ErrNotFound (and names a
// role whose name differs only in case, if there is one).
func (s *Service) FindByName(ctx context.Context, name string, opts ...scim.RequestOption) (*Role, error) {
	const op = "roles.FindByName"
	if err := checkName(op, name); err != nil {
		return nil, err
	}
	r, err := s.findByName(ctx, name, opts)
	return resource.Done(op, r, err)
}

func (s *Service) findByName(ctx context.Context, name string, opts []scim.RequestOption) (*Role, error) {
	return s.roles.Pick(s.roles.All(ctx, nil, opts), name, byName)
}

// Create creates a custom role: POST /scim/Roles with the Role schema, name,
// description, permissions (always sent, [] when empty) and inheritedFrom.
// A role name already in use is an error matching scim.ErrConflict. When the
// 201 reply holds no role (empty, not JSON, or without an id), the role is
// looked up by name (GET /scim/Roles); if that fails, the error says the
// create succeeded and wraps the lookup's error. opts apply to the POST only
// (scim.OnResponse sees every response).
//
// Outcome: a create whose reply was lost is looked up by name: found (this
// request's role: its description, base role and permissions), it is the
// result; not found, the POST is sent again (the server refuses a second
// role of the name); a 409 after a lost attempt is resolved by the same
// lookup. When the lookup fails, the error matches scim.ErrOutcomeUnknown.
func (s *Service) Create(ctx context.Context, p Params, opts ...scim.RequestOption) (*Role, error) {
	const op = "roles.Create"
	body, err := p.body(op)
	if err != nil {
		return nil, err
	}
	r, _, err := s.roles.Create(ctx, body, func(ctx context.Context) (*Role, error) {
		return s.findByName(ctx, p.Name, nil)
	}, body.made, opts)
	return resource.Done(op, r, err)
}

// Replace replaces the whole definition of the custom role id with p:
// PUT /scim/Roles/{id} with the same body as Create. When InheritedFrom
// changes, the role keeps its custom permissions and its inherited ones follow
// the new base role. Pass scim.IfMatch(role.Meta.Version) to make it
// conditional (a stale version fails with scim.ErrPreconditionFailed).
// When the reply holds no role, it is read back with GET /scim/Roles/{id}.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the role is read (GET):
// the call succeeds, returning what was read, when its name, description and
// base role are p's and its custom permissions exactly p's; otherwise the
// error stands (a real concurrent change; after lost replies alone, it
// matches scim.ErrOutcomeUnknown), and when the read fails it matches
// scim.ErrOutcomeUnknown. The PUT is retried first.
func (s *Service) Replace(ctx context.Context, id string, p Params, opts ...scim.RequestOption) (*Role, error) {
	const op = "roles.Replace"
	body, err := p.body(op)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, op, id, http.MethodPut, body, body.replaced, opts)
}

// Delete deletes the custom role id: DELETE /scim/Roles/{id} (204). Users who
// held the role are moved to the predefined role it inherited from.
//
// Outcome: the DELETE is retried after a reply lost after sending (the
// connection failed, a timeout, a 502, 503 or 504, a broken 2xx body); when
// a retry answers 404 (or another refusal), or every reply is lost, the role
// is read: gone, the call succeeds; there, the error stands; when the read
// fails, the error matches scim.ErrOutcomeUnknown.
func (s *Service) Delete(ctx context.Context, id string, opts ...scim.RequestOption) error {
	const op = "roles.Delete"
	return resource.Wrap(op, s.roles.Delete(ctx, op, id, opts))
}

// update sends a PUT or PATCH to /scim/Roles/{id} and returns the role in
// the reply, or, when the reply holds none, the role read back with
// GET /scim/Roles/{id}.
// done says whether a role as read holds what the change asked for: it
// resolves a change whose reply was lost.
func (s *Service) update(ctx context.Context, op, id, method string, body any, done resource.Holds[Role], opts []scim.RequestOption) (*Role, error) {
	r, err := s.roles.Update(ctx, op, id, method, body, done, opts)
	return resource.Done(op, r, err)
}
