package users

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Patch applies ops to a user: PATCH /scim/Users/{id} with a PatchOp body,
// returning the updated user. Use it for changes without a dedicated method.
// Each op must be "add", "replace" or "remove" (any case). Service accounts
// cannot be patched; the server rejects it.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it holds every operation
// (replaced values and whole lists equal, added values present, removed ones absent;
// operations on sub-attributes or other filters cannot be judged, and leave
// the error); otherwise the error stands (a real concurrent change; after
// lost replies alone, it matches scim.ErrOutcomeUnknown), and when the read
// fails it matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is
// never sent again; with it, it is retried first.
func (s *Service) Patch(ctx context.Context, id string, ops []scim.Operation, opts ...scim.RequestOption) (*User, error) {
	const op = "users.Patch"
	if err := resource.CheckOperations(op, ops); err != nil {
		return nil, err
	}
	return s.patch(ctx, op, id, ops, resource.HoldsOps[User](ops), opts)
}

// patch sends ops to PATCH /scim/Users/{id} and returns the user in the
// reply. A 2xx reply without the user (empty, not JSON, or an echo) is not an
// error: the user is then read back with GET /scim/Users/{id}. done says
// whether a user as read holds what ops ask for: it resolves a PATCH whose
// reply was lost (see the package documentation).
func (s *Service) patch(ctx context.Context, op, id string, ops []scim.Operation, done resource.Holds[User], opts []scim.RequestOption) (*User, error) {
	u, err := s.users.Update(ctx, op, id, http.MethodPatch, scim.NewPatchOp(ops...), done, opts)
	return resource.Done(op, u, err)
}

// Deactivate deactivates a user: PATCH /scim/Users/{id} with a path-less
// replace of {"active": false}. On Dedicated Cloud and Self-Managed the user
// is kept with active=false; on Multi-tenant Cloud the user is removed from
// the organization (re-add it with Create). When the 2xx reply is not a User
// (the Multi-tenant server may echo the PatchOp; a reply may also be empty or
// not JSON), the user is re-read with GET /scim/Users/{id}; when that answers
// 404, the result is a User with only ID set and Active false. Service
// accounts cannot be deactivated.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it is inactive, or gone
// (Multi-tenant Cloud); otherwise the error stands (a real concurrent change;
// after lost replies alone, it matches scim.ErrOutcomeUnknown), and when the
// read fails it matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is
// never sent again; with it, it is retried first.
func (s *Service) Deactivate(ctx context.Context, id string, opts ...scim.RequestOption) (*User, error) {
	return s.setActive(ctx, "users.Deactivate", id, false, opts)
}

// Reactivate reactivates a deactivated user: PATCH /scim/Users/{id} with a
// path-less replace of {"active": true}. Dedicated Cloud and Self-Managed
// only: Multi-tenant Cloud answers 400, returned as a *scim.Error whose Detail
// is the server's text. When the 2xx reply is not a User it is re-read with
// GET /scim/Users/{id}, whose error (ErrNotFound included) is returned.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it is active; otherwise
// the error stands (a real concurrent change; after lost replies alone, it
// matches scim.ErrOutcomeUnknown), and when the read fails it matches
// scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent again;
// with it, it is retried first.
func (s *Service) Reactivate(ctx context.Context, id string, opts ...scim.RequestOption) (*User, error) {
	return s.setActive(ctx, "users.Reactivate", id, true, opts)
}

// setActive is Deactivate and Reactivate.
func (s *Service) setActive(ctx context.Context, op, id string, active bool, opts []scim.RequestOption) (*User, error) {
	body := scim.NewPatchOp(scim.Replace("", map[string]bool{"active": active}))
	u, ctx, err := s.users.Send(ctx, op, id, http.MethodPatch, body, func(u *User) bool {
		// Gone counts as inactive: Multi-tenant deactivation removes the user.
		return u == nil && !active || u != nil && u.Active == active
	}, opts)
	if err != nil || u != nil {
		return resource.Done(op, u, err)
	}
	// The reply is not a User: read the result.
	u, err = s.users.Get(ctx, op, id, nil)
	switch {
	case err == nil:
		return u, nil
	case !active && errors.Is(err, scim.ErrNotFound):
		// Multi-tenant deactivation removed the user from the organization.
		return &User{ID: id, Active: false}, nil
	}
	return nil, resource.Wrap(op, fmt.Errorf("re-reading user %s after the PATCH: %w", resource.Quote(id), err))
}

// UpdateEmail replaces a user's email address: PATCH /scim/Users/{id} with
// replace path "emails" value [{"value": email, "primary": true}]. Dedicated
// Cloud and Self-Managed only (v0.74.0+).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when its primary address is
// email (ignoring case); otherwise the error stands (a real concurrent
// change; after lost replies alone, it matches scim.ErrOutcomeUnknown), and
// when the read fails it matches scim.ErrOutcomeUnknown. Without If-Match the
// PATCH is never sent again; with it, it is retried first.
func (s *Service) UpdateEmail(ctx context.Context, id, email string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.UpdateEmail"
	if err := checkEmail(op, email); err != nil {
		return nil, err
	}
	return s.patch(ctx, op, id, []scim.Operation{
		scim.Replace("emails", []scim.Email{{Value: email, Primary: true}}),
	}, func(u *User) bool { return u != nil && strings.EqualFold(u.PrimaryEmail(), email) }, opts)
}

// UpdateDisplayName replaces a user's display name: PATCH /scim/Users/{id}
// with replace path "displayName". Dedicated Cloud and Self-Managed only
// (v0.74.0+).
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when its display name is name;
// otherwise the error stands (a real concurrent change; after lost replies
// alone, it matches scim.ErrOutcomeUnknown), and when the read fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) UpdateDisplayName(ctx context.Context, id, name string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.UpdateDisplayName"
	if resource.Blank(name) {
		return nil, resource.Invalid(op, "empty display name")
	}
	return s.patch(ctx, op, id, []scim.Operation{scim.Replace("displayName", name)},
		func(u *User) bool { return u != nil && u.DisplayName == name }, opts)
}

// SetOrganizationRole sets a user's organization role ("admin", "member", or
// the legacy "viewer", which the server turns into member with viewer seats):
// PATCH /scim/Users/{id} with replace path "organizationRole".
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when its role (and, for viewer,
// its seats) are what W&B makes of role; otherwise the error stands (a real
// concurrent change; after lost replies alone, it matches
// scim.ErrOutcomeUnknown), and when the read fails it matches
// scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent again;
// with it, it is retried first.
func (s *Service) SetOrganizationRole(ctx context.Context, id, role string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.SetOrganizationRole"
	if resource.Blank(role) {
		return nil, resource.Invalid(op, "empty organization role")
	}
	return s.patch(ctx, op, id, []scim.Operation{scim.Replace("organizationRole", role)}, hasOrgRole(role), opts)
}

// SetTeamRoles sets a user's role in each named team: PATCH
// /scim/Users/{id} with replace path "teamRoles" value
// [{"teamName", "roleName"}]. Role names are admin, member, viewer or a
// custom role's name.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it has each team role
// (team names ignoring case, predefined roles ignoring case); otherwise the
// error stands (a real concurrent change; after lost replies alone, it
// matches scim.ErrOutcomeUnknown), and when the read fails it matches
// scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent again;
// with it, it is retried first.
func (s *Service) SetTeamRoles(ctx context.Context, id string, roles []TeamRole, opts ...scim.RequestOption) (*User, error) {
	const op = "users.SetTeamRoles"
	if len(roles) == 0 {
		return nil, resource.Invalid(op, "no team roles")
	}
	for i, r := range roles {
		if resource.Blank(r.TeamName) || resource.Blank(r.RoleName) {
			return nil, resource.Invalid(op, "team role %d: TeamName and RoleName are required", i)
		}
	}
	return s.patch(ctx, op, id, []scim.Operation{scim.Replace("teamRoles", roles)}, func(u *User) bool {
		if u == nil {
			return false
		}
		for _, want := range roles {
			if !slices.ContainsFunc(u.TeamRoles, func(r TeamRole) bool {
				return strings.EqualFold(r.TeamName, want.TeamName) && SameRole(r.RoleName, want.RoleName)
			}) {
				return false
			}
		}
		return true
	}, opts)
}

// SetModelsSeat sets a user's Models seat (full, viewer or none):
// PATCH /scim/Users/{id} with replace path "modelsSeat".
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when its Models seat is seat;
// otherwise the error stands (a real concurrent change; after lost replies
// alone, it matches scim.ErrOutcomeUnknown), and when the read fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) SetModelsSeat(ctx context.Context, id string, seat Seat, opts ...scim.RequestOption) (*User, error) {
	return s.setSeat(ctx, "users.SetModelsSeat", "modelsSeat", id, seat, opts)
}

// SetWeaveRole sets a user's Weave role (full, viewer or none):
// PATCH /scim/Users/{id} with replace path "weaveRole".
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when its Weave role is seat;
// otherwise the error stands (a real concurrent change; after lost replies
// alone, it matches scim.ErrOutcomeUnknown), and when the read fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) SetWeaveRole(ctx context.Context, id string, seat Seat, opts ...scim.RequestOption) (*User, error) {
	return s.setSeat(ctx, "users.SetWeaveRole", "weaveRole", id, seat, opts)
}

func (s *Service) setSeat(ctx context.Context, op, attr, id string, seat Seat, opts []scim.RequestOption) (*User, error) {
	if err := checkSeat(op, "seat", seat, false); err != nil {
		return nil, err
	}
	ops := []scim.Operation{scim.Replace(attr, seat)}
	return s.patch(ctx, op, id, ops, resource.HoldsOps[User](ops), opts)
}

// AddRegistryRoles gives a user a role in each named registry:
// PATCH /scim/Users/{id} with add path "registryRoles" value
// [{"registryName", "roleName"}].
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it has each registry role;
// otherwise the error stands (a real concurrent change; after lost replies
// alone, it matches scim.ErrOutcomeUnknown), and when the read fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) AddRegistryRoles(ctx context.Context, id string, roles []RegistryRole, opts ...scim.RequestOption) (*User, error) {
	const op = "users.AddRegistryRoles"
	if len(roles) == 0 {
		return nil, resource.Invalid(op, "no registry roles")
	}
	for i, r := range roles {
		if resource.Blank(r.RegistryName) || resource.Blank(r.RoleName) {
			return nil, resource.Invalid(op, "registry role %d: RegistryName and RoleName are required", i)
		}
	}
	ops := []scim.Operation{scim.Add("registryRoles", roles)}
	return s.patch(ctx, op, id, ops, resource.HoldsOps[User](ops), opts)
}

// RemoveRegistryRole removes a user from one registry: PATCH
// /scim/Users/{id} with remove path `registryRoles[registryName eq "NAME"]`
// and no value.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it has no role in that
// registry; otherwise the error stands (a real concurrent change; after lost
// replies alone, it matches scim.ErrOutcomeUnknown), and when the read fails
// it matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) RemoveRegistryRole(ctx context.Context, id, registryName string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.RemoveRegistryRole"
	if resource.Blank(registryName) {
		return nil, resource.Invalid(op, "empty registry name")
	}
	return s.patch(ctx, op, id, []scim.Operation{
		scim.Remove("registryRoles[registryName eq " + scim.Quote(registryName) + "]"),
	}, func(u *User) bool {
		return u != nil && !slices.ContainsFunc(u.RegistryRoles, func(r RegistryRole) bool { return r.RegistryName == registryName })
	}, opts)
}

// RemoveAllRegistryRoles removes a user from every registry: PATCH
// /scim/Users/{id} with remove path "registryRoles" and no value.
//
// Outcome: when a reply lost after sending (the connection failed, a timeout,
// a 502, 503 or 504, a broken 2xx body) leaves it unknown, or a retry's 412
// or other refusal may come from the first attempt, the user is read (GET):
// the call succeeds, returning what was read, when it has no registry role;
// otherwise the error stands (a real concurrent change; after lost replies
// alone, it matches scim.ErrOutcomeUnknown), and when the read fails it
// matches scim.ErrOutcomeUnknown. Without If-Match the PATCH is never sent
// again; with it, it is retried first.
func (s *Service) RemoveAllRegistryRoles(ctx context.Context, id string, opts ...scim.RequestOption) (*User, error) {
	return s.patch(ctx, "users.RemoveAllRegistryRoles", id, []scim.Operation{scim.Remove("registryRoles")},
		func(u *User) bool { return u != nil && len(u.RegistryRoles) == 0 }, opts)
}

// hasOrgRole is the Holds of setting the organization role to role: the
// user's role and seats are what W&B makes of it (the legacy "viewer" is
// member with viewer seats).
func hasOrgRole(role string) resource.Holds[User] {
	return func(u *User) bool { return u != nil && len(Compare(u, Attributes{OrganizationRole: role})) == 0 }
}
