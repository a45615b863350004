package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Service calls the team endpoints: SCIM /Groups by team ID, and the Python
// SDK's team GraphQL operations by team name. It is safe for concurrent use.
type Service struct {
	client *scim.Client
	groups *resource.Collection[Team]
}

// New returns a Service that sends its requests through client.
func New(client *scim.Client) *Service {
	return &Service{client: client, groups: &resource.Collection[Team]{
		Client:  client,
		Path:    "Groups",
		Type:    "Group",
		Schema:  scim.GroupSchema,
		Noun:    "team",
		ID:      func(t *Team) string { return t.ID },
		Meta:    func(t *Team) *scim.Meta { return &t.Meta },
		Schemas: func(t *Team) []string { return t.Schemas },
	}}
}

// Format prints the Service as its client's String, without credentials,
// whatever the verb.
func (s Service) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "teams.Service{%v}", s.client) }

// byName is how FindByName picks a team: W&B compares team names ignoring
// case, so a name that differs only in case is accepted when none matches
// exactly.
var byName = resource.Match[Team]{Attr: "displayName", Named: "named", Fold: true,
	Keys: func(t *Team) []string { return []string{t.DisplayName} }}

// Get returns the team with SCIM ID id: GET /scim/Groups/{id}. The reply must
// hold a team; an unknown ID fails with an error matching scim.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.Get"
	t, err := s.groups.Get(ctx, op, id, opts)
	return resource.Done(op, t, err)
}

// List returns one page of teams: GET /scim/Groups with opts' filter and
// paging (nil opts lists everything; W&B returns up to 9999 teams in one page
// and documents only the filter `displayName eq "…"`).
func (s *Service) List(ctx context.Context, opts *scim.ListOptions, reqOpts ...scim.RequestOption) (*scim.Page[Team], error) {
	page, err := s.groups.List(ctx, opts, reqOpts)
	return resource.Done("teams.List", page, err)
}

// All walks every team matching opts, page by page (GET /scim/Groups). An
// error is yielded once, with a nil team, and ends the walk.
func (s *Service) All(ctx context.Context, opts *scim.ListOptions, reqOpts ...scim.RequestOption) iter.Seq2[*Team, error] {
	return resource.WrapSeq("teams.All", s.groups.All(ctx, opts, reqOpts))
}

// FindByName returns the team whose display name (the team name) is
// displayName: GET /scim/Groups?filter=displayName eq "…". It is the SCIM twin
// of Python's Api.team. W&B compares team names ignoring case, so a team
// whose name differs only in case is returned when none matches exactly. It
// fails with an error matching scim.ErrNotFound when no team matches and
// ErrAmbiguous when the match is not unique (several exact matches, or
// several that match ignoring case and none exactly).
func (s *Service) FindByName(ctx context.Context, displayName string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.FindByName"
	if err := checkDisplayName(op, displayName); err != nil {
		return nil, err
	}
	t, err := s.groups.FindBy(ctx, displayName, byName, opts)
	return resource.Done(op, t, err)
}

// Create creates a team: POST /scim/Groups with the core Group schema,
// displayName, members (always sent, [] when there are none) and, when set,
// storageBucket. Organization-level service accounts join the new team
// automatically. A duplicate name fails with the server's error (typically
// matching scim.ErrConflict); a bucket W&B cannot reach fails the call and no
// team is created. When the 201 reply holds no team (empty, not JSON, or
// without an id), the team is looked up by name
// (GET /scim/Groups?filter=displayName eq "…"); if that fails, the error says
// the create succeeded and wraps the lookup's error. opts apply to the POST
// only (scim.OnResponse sees every response).
//
// Outcome: a create whose reply was lost is looked up by name: found (this
// request's team, created since the call began, with the members given by
// ID), it is the result; not found, the POST is sent again (the server
// refuses a second team of the name); a 409 after a lost attempt is resolved
// by the same lookup. When the lookup fails, the error matches
// scim.ErrOutcomeUnknown.
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
	start := time.Now()
	t, _, err := s.groups.Create(ctx, body, func(ctx context.Context) (*Team, error) {
		return s.groups.FindBy(ctx, p.DisplayName, byName, nil)
	}, func(t *Team) bool { return made(t, p, start) }, opts)
	return resource.Done(op, t, err)
}

// made reports whether t is the team a create with p made at start, rather
// than another that holds the name: the same name exactly (W&B compares names
// ignoring case), created since start, with every member p gave by ID (those
// given by email appear by ID and cannot be compared).
func made(t *Team, p CreateParams, start time.Time) bool {
	if t.DisplayName != p.DisplayName || !resource.CreatedSince(&t.Meta, start) {
		return false
	}
	for _, m := range p.Members {
		if !strings.Contains(m, "@") && !slices.ContainsFunc(t.Members, func(r MemberRef) bool { return r.Value == m }) {
			return false
		}
	}
	return true
}

// AddMembers adds users, each a W&B user ID or an email address, to the team
// with SCIM ID teamID in one request: PATCH /scim/Groups/{id} with an "add"
// operation on path "members" whose value lists them all. An empty list is
// rejected. It returns the updated team (read back with
// GET /scim/Groups/{id} when the reply holds none).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the team is read (GET):
// the call succeeds, returning what was read, when every user is a member (a
// user given by email is looked up by address, GET
// /scim/Users?filter=emails.value eq "…", and judged by ID); otherwise the
// error stands (a real concurrent change; after lost replies alone, it
// matches scim.ErrOutcomeUnknown), and when the read or a lookup fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) AddMembers(ctx context.Context, teamID string, userIDsOrEmails []string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.AddMembers"
	if len(userIDsOrEmails) == 0 {
		return nil, resource.Invalid(op, "no members to add")
	}
	if err := checkMembers(op, userIDsOrEmails); err != nil {
		return nil, err
	}
	body := scim.NewPatchOp(scim.Add("members", memberValues(userIDsOrEmails)))
	return s.update(ctx, op, teamID, http.MethodPatch, body, s.hasMembers(userIDsOrEmails, nil), opts)
}

// RemoveMember removes one user, by W&B user ID or email address, from the
// team with SCIM ID teamID: PATCH /scim/Groups/{id} with a "remove" operation
// on path `members[value eq "…"]` (the value escaped). It returns the updated
// team (read back with GET /scim/Groups/{id} when the reply holds none).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the team is read (GET):
// the call succeeds, returning what was read, when the user is not a member
// (a user given by email is looked up by address, GET
// /scim/Users?filter=emails.value eq "…", and judged by ID); otherwise the
// error stands (a real concurrent change; after lost replies alone, it
// matches scim.ErrOutcomeUnknown), and when the read or the lookup fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) RemoveMember(ctx context.Context, teamID, userIDOrEmail string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.RemoveMember"
	if err := checkMembers(op, []string{userIDOrEmail}); err != nil {
		return nil, err
	}
	body := scim.NewPatchOp(scim.Remove("members[value eq " + scim.Quote(userIDOrEmail) + "]"))
	return s.update(ctx, op, teamID, http.MethodPatch, body, s.hasMembers(nil, []string{userIDOrEmail}), opts)
}

// RemoveAllMembers removes every user from the team with SCIM ID teamID:
// PATCH /scim/Groups/{id} with a "remove" operation on path "members". Service
// accounts stay. It returns the updated team (W&B sends "members": null),
// read back with GET /scim/Groups/{id} when the reply holds none.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the team is read (GET):
// the call succeeds, returning what was read, when its only members are
// service accounts (each remaining member is read with GET /scim/Users/{id});
// otherwise the error stands (a real concurrent change; after lost replies
// alone, it matches scim.ErrOutcomeUnknown), and when the read fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) RemoveAllMembers(ctx context.Context, teamID string, opts ...scim.RequestOption) (*Team, error) {
	body := scim.NewPatchOp(scim.Remove("members"))
	t, err := s.groups.UpdateChecked(ctx, "teams.RemoveAllMembers", teamID, http.MethodPatch, body,
		func(ctx context.Context, t *Team) (bool, error) {
			if t == nil {
				return false, nil
			}
			return s.onlyServiceAccounts(ctx, "teams.RemoveAllMembers", t, nil)
		}, opts)
	return resource.Done("teams.RemoveAllMembers", t, err)
}

// ReplaceMembers replaces the whole user membership of the team with SCIM ID
// teamID: PUT /scim/Groups/{id} with the core Group schema, displayName (the
// team's current name, required because PUT sends the whole resource) and
// members. An empty userIDsOrEmails is allowed and removes every user, like
// RemoveAllMembers. It returns the updated team (read back with
// GET /scim/Groups/{id} when the reply holds none).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the team is read (GET):
// the call succeeds, returning what was read, when its name is displayName
// and its members the users given and service accounts (each other member is
// read with GET /scim/Users/{id}); otherwise the error stands (a real
// concurrent change; after lost replies alone, it matches
// scim.ErrOutcomeUnknown), and when the read fails it matches
// scim.ErrOutcomeUnknown. The PUT is retried first.
func (s *Service) ReplaceMembers(ctx context.Context, teamID, displayName string, userIDsOrEmails []string, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.ReplaceMembers"
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
	var ids []string // userIDsOrEmails by ID, once looked up
	t, err := s.groups.UpdateChecked(ctx, op, teamID, http.MethodPut, body, func(ctx context.Context, t *Team) (bool, error) {
		if t == nil || t.DisplayName != displayName {
			return false, nil
		}
		if ids == nil {
			var err error
			if ids, err = resource.UserIDs(ctx, s.client, userIDsOrEmails); err != nil {
				return false, err
			}
		}
		if !holdsMembers(t, ids, nil) {
			return false, nil
		}
		return s.onlyServiceAccounts(ctx, op, t, ids)
	}, opts)
	return resource.Done(op, t, err)
}

// Patch applies ops to the team with SCIM ID teamID: PATCH /scim/Groups/{id}
// with the PatchOp envelope. It is the escape hatch for operations the other
// methods do not cover; ops must not be empty and each op must be add,
// replace or remove (any case). It returns the updated team (read back with
// GET /scim/Groups/{id} when the reply holds none).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the team is read (GET):
// the call succeeds, returning what was read, when it holds every operation
// (replaced values and whole lists equal, added values present, removed ones absent;
// operations on sub-attributes or other filters cannot be judged, and leave
// the error; a replace of the whole members list leaves W&B's service
// accounts in the team, and they are not counted against it); otherwise the
// error stands (a real concurrent change; after
// lost replies alone, it matches scim.ErrOutcomeUnknown), and when the read
// fails it matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is
// never sent again; with it, it is retried first.
func (s *Service) Patch(ctx context.Context, teamID string, ops []scim.Operation, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.Patch"
	if err := resource.CheckOperations(op, ops); err != nil {
		return nil, err
	}
	return s.update(ctx, op, teamID, http.MethodPatch, scim.NewPatchOp(ops...), s.holdsOps(op, ops), opts)
}

// holdsOps is the Check of teams.Patch: resource.HoldsOps on the team as
// read, with members given by email judged by ID (looked up once), and,
// for a replace of the whole members list, the service accounts W&B keeps
// in every team (each member the value does not name is read with
// GET /scim/Users/{id}) left out of the comparison, as the replace left
// them in the team.
func (s *Service) holdsOps(op string, ops []scim.Operation) resource.Check[Team] {
	var byID []scim.Operation // ops with members by ID, once looked up
	return func(ctx context.Context, t *Team) (bool, error) {
		if t == nil {
			return false, nil
		}
		if byID == nil {
			var err error
			if byID, err = resource.OpsByUserID(ctx, s.client, "members", ops); err != nil {
				return false, err
			}
		}
		if named, ok := replacedMembers(byID); ok {
			users := *t
			users.Members = nil
			for _, m := range t.Members {
				if !slices.Contains(named, m.Value) {
					service, gone, err := resource.ServiceAccount(ctx, s.client, op, m.Value)
					if err != nil {
						return false, err
					}
					if service || gone {
						continue
					}
				}
				users.Members = append(users.Members, m)
			}
			t = &users
		}
		return resource.HoldsOps[Team](byID)(t), nil
	}
}

// replacedMembers returns the user IDs named by the operations of ops that
// replace the whole members list (path "members", or a path-less replace
// with a members field), and whether there is one.
func replacedMembers(ops []scim.Operation) ([]string, bool) {
	var named []string
	found := false
	for _, o := range ops {
		if !strings.EqualFold(o.Op, "replace") {
			continue
		}
		raw, err := json.Marshal(o.Value)
		if err != nil {
			continue
		}
		if o.Path == "" {
			var fields map[string]json.RawMessage
			if json.Unmarshal(raw, &fields) != nil {
				continue
			}
			raw = nil
			for k, v := range fields {
				if strings.EqualFold(k, "members") {
					raw = v
				}
			}
		} else if !strings.EqualFold(o.Path, "members") {
			continue
		}
		var list []map[string]any
		if raw == nil || json.Unmarshal(raw, &list) != nil {
			continue
		}
		found = true
		for _, m := range list {
			for k, v := range m {
				if id, ok := v.(string); ok && strings.EqualFold(k, "value") {
					named = append(named, id)
				}
			}
		}
	}
	return named, found
}

// update sends a PATCH or PUT to /scim/Groups/{id} and returns the team in
// the reply, or, when the reply holds none, the team read back with
// GET /scim/Groups/{id}. done says whether a team as read holds what the
// change asked for: it resolves a change whose reply was lost.
func (s *Service) update(ctx context.Context, op, id, method string, body any, done resource.Check[Team], opts []scim.RequestOption) (*Team, error) {
	t, err := s.groups.UpdateChecked(ctx, op, id, method, body, done, opts)
	return resource.Done(op, t, err)
}

// hasMembers is the Check of a membership change: every user of add is a
// member of the team as read and none of remove is. W&B lists members by
// ID, so the users given by email are looked up first
// (GET /scim/Users?filter=emails.value eq "…"), once for the call; when a
// lookup fails (no user has the address, or several do) the check fails and
// the outcome is unknown (the error matches scim.ErrOutcomeUnknown): an
// address is never taken as done nor as not made.
func (s *Service) hasMembers(add, remove []string) resource.Check[Team] {
	var addIDs, removeIDs []string
	resolved := false
	return func(ctx context.Context, t *Team) (bool, error) {
		if t == nil {
			return false, nil
		}
		if !resolved {
			var err error
			if addIDs, err = resource.UserIDs(ctx, s.client, add); err != nil {
				return false, err
			}
			if removeIDs, err = resource.UserIDs(ctx, s.client, remove); err != nil {
				return false, err
			}
			resolved = true
		}
		return holdsMembers(t, addIDs, removeIDs), nil
	}
}

// holdsMembers reports whether every user of add (IDs) is a member of t
// and none of remove is.
func holdsMembers(t *Team, add, remove []string) bool {
	for _, id := range add {
		if !slices.ContainsFunc(t.Members, func(m MemberRef) bool { return m.Value == id }) {
			return false
		}
	}
	return !slices.ContainsFunc(t.Members, func(m MemberRef) bool { return slices.Contains(remove, m.Value) })
}

// onlyServiceAccounts reports whether every member of t but those in keep
// (user IDs) is a service account, which a removal of the team's users
// leaves in it: GET /scim/Users/{id} for each such member, whose
// accountType says (a user that is gone does not count).
func (s *Service) onlyServiceAccounts(ctx context.Context, op string, t *Team, keep []string) (bool, error) {
	for _, m := range t.Members {
		if slices.Contains(keep, m.Value) {
			continue
		}
		service, gone, err := resource.ServiceAccount(ctx, s.client, op, m.Value)
		switch {
		case err != nil:
			return false, err
		case !service && !gone:
			return false, nil
		}
	}
	return true, nil
}
