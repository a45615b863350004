package teams

import (
	"context"
	"net/http"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// MemberChange is a change to a team's user membership: the users to add
// and the users to remove, each a W&B user ID or an email address. It is
// what CompareMembers computes and ChangeMembers applies in one request.
type MemberChange struct {
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`
}

// IsZero reports whether c adds and removes nobody.
func (c MemberChange) IsZero() bool { return len(c.Add) == 0 && len(c.Remove) == 0 }

// CompareMembers returns the change that makes a team whose members are
// current have exactly the users want, both given as W&B user IDs (a
// MemberRef's Value). It sends nothing. A current member for which keep
// reports true is never removed: pass a keep that recognises service
// accounts (which SCIM cannot remove, and which W&B adds to every team it
// creates), or one that always reports true for a team whose membership is
// only ever added to. A nil keep keeps nobody. Add follows the order of want
// and Remove that of current, each without repeats.
func CompareMembers(current []MemberRef, want []string, keep func(MemberRef) bool) MemberChange {
	var c MemberChange
	have := make(map[string]bool, len(current))
	for _, m := range current {
		have[m.Value] = true
	}
	wanted := make(map[string]bool, len(want))
	for _, id := range want {
		if !have[id] && !wanted[id] {
			c.Add = append(c.Add, id)
		}
		wanted[id] = true
	}
	removed := make(map[string]bool)
	for _, m := range current {
		if wanted[m.Value] || removed[m.Value] || (keep != nil && keep(m)) {
			continue
		}
		removed[m.Value] = true
		c.Remove = append(c.Remove, m.Value)
	}
	return c
}

// ChangeMembers applies c to the team with SCIM ID teamID in one request:
// PATCH /scim/Groups/{id} with an "add" operation on path "members" listing
// every user of c.Add, followed by one "remove" operation on path
// `members[value eq "…"]` for each user of c.Remove. Pass
// scim.IfMatch(team.Meta.Version) to make the whole change conditional: a
// team changed since it was read fails with scim.ErrPreconditionFailed and
// nothing is changed. A change that adds and removes nobody, an empty value,
// and a user both added and removed are rejected before sending. It returns
// the updated team (read back with GET /scim/Groups/{id} when the reply
// holds none).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the team is read (GET):
// the call succeeds, returning what was read, when every user of c.Add is a
// member and none of c.Remove (users given by email are looked up by address,
// GET /scim/Users?filter=emails.value eq "…", and judged by ID); otherwise
// the error stands (a real concurrent change; after lost replies alone, it
// matches scim.ErrOutcomeUnknown), and when the read or a lookup fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) ChangeMembers(ctx context.Context, teamID string, c MemberChange, opts ...scim.RequestOption) (*Team, error) {
	const op = "teams.ChangeMembers"
	if c.IsZero() {
		return nil, resource.Invalid(op, "no members to add or remove")
	}
	if err := checkMembers(op, c.Add); err != nil {
		return nil, err
	}
	if err := checkMembers(op, c.Remove); err != nil {
		return nil, err
	}
	added := make(map[string]bool, len(c.Add))
	for _, v := range c.Add {
		added[v] = true
	}
	for _, v := range c.Remove {
		if added[v] {
			return nil, resource.Invalid(op, "member %s is both added and removed", resource.Quote(v))
		}
	}
	ops := make([]scim.Operation, 0, 1+len(c.Remove))
	if len(c.Add) > 0 {
		ops = append(ops, scim.Add("members", memberValues(c.Add)))
	}
	for _, v := range c.Remove {
		ops = append(ops, scim.Remove("members[value eq "+scim.Quote(v)+"]"))
	}
	return s.update(ctx, op, teamID, http.MethodPatch, scim.NewPatchOp(ops...), s.hasMembers(c.Add, c.Remove), opts)
}
