package teams

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// Service calls the team endpoints: SCIM /Groups by team ID, and the Python
// SDK's team GraphQL operations by team name.
type Service struct {
	client *scim.Client
}

// New returns a Service that sends its requests through client.
func New(client *scim.Client) *Service {
	return &Service{client: client}
}

// groupPath validates id and returns "Groups/{id}", escaped.
func groupPath(op, id string) (string, error) {
	return scim.ResourcePath(op, "Groups", id)
}

// Get returns the team with SCIM ID id: GET /scim/Groups/{id}. An unknown ID
// fails with an error matching scim.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (*Team, error) {
	path, err := groupPath("teams.Get", id)
	if err != nil {
		return nil, err
	}
	return scim.Send[Team](ctx, s.client, http.MethodGet, path, nil)
}

// List returns one page of teams: GET /scim/Groups with opts' filter and
// paging (nil opts lists everything; W&B returns up to 9999 teams in one page
// and documents only the filter `displayName eq "…"`).
func (s *Service) List(ctx context.Context, opts *scim.ListOptions) (*scim.Page[Team], error) {
	return scim.ListPage[Team](ctx, s.client, "Groups", opts)
}

// All walks every team matching opts, page by page (GET /scim/Groups). An
// error is yielded once, with a nil team, and ends the walk.
func (s *Service) All(ctx context.Context, opts *scim.ListOptions) iter.Seq2[*Team, error] {
	return scim.Paginate(ctx, opts, s.List)
}

// FindByName returns the team whose display name (the team name) is
// displayName: GET /scim/Groups?filter=displayName eq "…". It is the SCIM twin
// of Python's Api.team. Only results whose name matches, ignoring case, count;
// among several, an exact-case match wins. It fails with an error matching
// scim.ErrNotFound when no team matches and ErrAmbiguous when several do.
func (s *Service) FindByName(ctx context.Context, displayName string) (*Team, error) {
	const op = "teams.FindByName"
	if err := checkDisplayName(op, displayName); err != nil {
		return nil, err
	}
	var matches []*Team
	for t, err := range s.All(ctx, &scim.ListOptions{Filter: scim.Eq("displayName", displayName)}) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(t.DisplayName, displayName) {
			matches = append(matches, t)
		}
	}
	if len(matches) > 1 {
		var exact []*Team
		for _, t := range matches {
			if t.DisplayName == displayName {
				exact = append(exact, t)
			}
		}
		if len(exact) == 1 {
			return exact[0], nil
		}
	}
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("%s: no team named %q: %w", op, displayName, scim.ErrNotFound)
	case 1:
		return matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, t := range matches {
		ids[i] = t.ID
	}
	return nil, fmt.Errorf("%s: %d teams named %q (IDs %s): %w",
		op, len(matches), displayName, strings.Join(ids, ", "), ErrAmbiguous)
}

// Create creates a team: POST /scim/Groups with the core Group schema,
// displayName, members (always sent, [] when there are none) and, when set,
// storageBucket. Organization-level service accounts join the new team
// automatically. A duplicate name fails with the server's error (typically
// matching scim.ErrConflict); a bucket W&B cannot reach fails the call and no
// team is created. When the 201 reply holds no team (empty, not JSON, or
// without an id), the team is looked up with FindByName(p.DisplayName)
// (GET /scim/Groups?filter=displayName eq "…"); if that fails, the error says
// the create succeeded and wraps the lookup's error. opts apply to the POST
// only.
func (s *Service) Create(ctx context.Context, p CreateParams, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.Create"
	if err := checkDisplayName(op, p.DisplayName); err != nil {
		return nil, err
	}
	if err := checkMembers(op, p.Members); err != nil {
		return nil, err
	}
	if p.StorageBucket != nil {
		if err := p.StorageBucket.validate(op); err != nil {
			return nil, err
		}
	}
	body := groupBody{
		Schemas:       []string{scim.GroupSchema},
		DisplayName:   p.DisplayName,
		Members:       memberValues(p.Members),
		StorageBucket: p.StorageBucket,
	}
	t, ok, err := scim.SendResource[Team](ctx, s.client, http.MethodPost, "Groups", body, opts...)
	if err != nil || ok {
		return t, err
	}
	t, err = s.FindByName(ctx, p.DisplayName)
	if err != nil {
		return nil, fmt.Errorf("%s: the create succeeded but its reply held no team, and looking it up by name %q failed: %w",
			op, p.DisplayName, err)
	}
	return t, nil
}

// AddMembers adds users, each a W&B user ID or an email address, to the team
// with SCIM ID teamID in one request: PATCH /scim/Groups/{id} with an "add"
// operation on path "members" whose value lists them all. An empty list is
// rejected. It returns the updated team (read back with
// GET /scim/Groups/{id} when the reply holds none).
func (s *Service) AddMembers(ctx context.Context, teamID string, userIDsOrEmails []string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.AddMembers"
	path, err := groupPath(op, teamID)
	if err != nil {
		return nil, err
	}
	if len(userIDsOrEmails) == 0 {
		return nil, scim.Invalid(op, "no members to add")
	}
	if err := checkMembers(op, userIDsOrEmails); err != nil {
		return nil, err
	}
	body := scim.NewPatchOp(scim.Add("members", memberValues(userIDsOrEmails)))
	return s.update(ctx, op, teamID, http.MethodPatch, path, body, opts)
}

// RemoveMember removes one user, by W&B user ID or email address, from the
// team with SCIM ID teamID: PATCH /scim/Groups/{id} with a "remove" operation
// on path `members[value eq "…"]` (the value escaped). It returns the updated
// team (read back with GET /scim/Groups/{id} when the reply holds none).
func (s *Service) RemoveMember(ctx context.Context, teamID, userIDOrEmail string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.RemoveMember"
	path, err := groupPath(op, teamID)
	if err != nil {
		return nil, err
	}
	if err := checkMembers(op, []string{userIDOrEmail}); err != nil {
		return nil, err
	}
	body := scim.NewPatchOp(scim.Remove("members[value eq " + scim.Quote(userIDOrEmail) + "]"))
	return s.update(ctx, op, teamID, http.MethodPatch, path, body, opts)
}

// RemoveAllMembers removes every user from the team with SCIM ID teamID:
// PATCH /scim/Groups/{id} with a "remove" operation on path "members". Service
// accounts stay. It returns the updated team (W&B sends "members": null),
// read back with GET /scim/Groups/{id} when the reply holds none.
func (s *Service) RemoveAllMembers(ctx context.Context, teamID string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.RemoveAllMembers"
	path, err := groupPath(op, teamID)
	if err != nil {
		return nil, err
	}
	body := scim.NewPatchOp(scim.Remove("members"))
	return s.update(ctx, op, teamID, http.MethodPatch, path, body, opts)
}

// ReplaceMembers replaces the whole user membership of the team with SCIM ID
// teamID: PUT /scim/Groups/{id} with the core Group schema, displayName (the
// team's current name, required because PUT sends the whole resource) and
// members. An empty userIDsOrEmails is allowed and removes every user, like
// RemoveAllMembers. It returns the updated team (read back with
// GET /scim/Groups/{id} when the reply holds none).
func (s *Service) ReplaceMembers(ctx context.Context, teamID, displayName string, userIDsOrEmails []string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.ReplaceMembers"
	path, err := groupPath(op, teamID)
	if err != nil {
		return nil, err
	}
	if err := checkDisplayName(op, displayName); err != nil {
		return nil, err
	}
	if err := checkMembers(op, userIDsOrEmails); err != nil {
		return nil, err
	}
	body := groupBody{
		Schemas:     []string{scim.GroupSchema},
		DisplayName: displayName,
		Members:     memberValues(userIDsOrEmails),
	}
	return s.update(ctx, op, teamID, http.MethodPut, path, body, opts)
}

// Patch applies ops to the team with SCIM ID teamID: PATCH /scim/Groups/{id}
// with the PatchOp envelope. It is the escape hatch for operations the other
// methods do not cover; ops must not be empty and each op must be add,
// replace or remove (any case). It returns the updated team (read back with
// GET /scim/Groups/{id} when the reply holds none).
func (s *Service) Patch(ctx context.Context, teamID string, ops []scim.Operation, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.Patch"
	path, err := groupPath(op, teamID)
	if err != nil {
		return nil, err
	}
	if err := scim.CheckOperations(op, ops); err != nil {
		return nil, err
	}
	return s.update(ctx, op, teamID, http.MethodPatch, path, scim.NewPatchOp(ops...), opts)
}

// update sends a PATCH or PUT to path and returns the team in the reply. W&B
// documents a Group reply, but when one carries no team (an empty body, a
// body that is not JSON, or JSON without an id) the team is read back with
// GET /scim/Groups/{id}.
func (s *Service) update(ctx context.Context, op, id, method, path string, body any, opts []scim.RequestOption) (*Team, error) {
	t, ok, err := scim.SendResource[Team](ctx, s.client, method, path, body, opts...)
	if err != nil || ok {
		return t, err
	}
	t, err = s.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%s: the change was applied, but reading the team back failed: %w", op, err)
	}
	return t, nil
}
