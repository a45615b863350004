package orgsync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// role creates or updates a custom role.
func (a *applier) role(ctx context.Context, c RoleChange) error {
	err := settle(ctx, a.sendRole(ctx, c), func(ctx context.Context) (bool, error) { return a.roleHolds(ctx, c) })
	return a.failedFor(err, roleKey(c.Name))
}

func (a *applier) sendRole(ctx context.Context, c RoleChange) error {
	params := roles.Params{Name: c.Name, Description: c.Description, InheritedFrom: c.InheritedFrom, Permissions: c.Permissions}
	if c.Action == Create {
		_, err := a.s.roles.Create(ctx, params, rid(ctx))
		return err
	}
	if err := a.sameRole(ctx, c.ID, c.Name); err != nil {
		return err
	}
	version := c.Version
	if version == "" { // a server that sends no version in lists: read it, and check
		r, err := a.s.roles.Get(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := roleUnchanged(r, c); err != nil {
			return err
		}
		version = r.Meta.Version
	}
	if len(c.Fields) > 0 {
		r, err := a.s.roles.Replace(ctx, c.ID, params, scim.IfMatch(version), rid(ctx))
		if err == nil {
			a.seen(r.ID, r.Meta.Version)
		}
		return err
	}
	if len(c.Add) > 0 {
		r, err := a.s.roles.AddPermissions(ctx, c.ID, c.Add, scim.IfMatch(version), rid(ctx))
		if err != nil {
			return err
		}
		version = r.Meta.Version
		a.seen(r.ID, version)
	}
	if len(c.Remove) > 0 {
		r, err := a.s.roles.RemovePermissions(ctx, c.ID, c.Remove, scim.IfMatch(version), rid(ctx))
		if err != nil && len(c.Add) > 0 {
			return &partialError{msg: "the permissions were added, but removing " + strings.Join(c.Remove, ", ") + " failed", err: err}
		}
		if err == nil {
			a.seen(r.ID, r.Meta.Version)
		}
		return err
	}
	return nil
}

// roleHolds reads a role back: whether it has what c asked.
func (a *applier) roleHolds(ctx context.Context, c RoleChange) (bool, error) {
	var r *roles.Role
	var err error
	if c.Action == Create {
		r, err = a.s.roles.FindByName(ctx, c.Name)
	} else {
		r, err = a.s.roles.Get(ctx, c.ID)
	}
	if gone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if r.Description != c.Description || r.InheritedFrom != c.InheritedFrom && slices.ContainsFunc(c.Fields, func(f FieldChange) bool { return f.Field == "inheritedFrom" }) {
		return false, nil
	}
	custom := r.CustomPermissions()
	for _, p := range c.Add {
		if !slices.Contains(custom, p) {
			return false, nil
		}
	}
	for _, p := range c.Remove {
		if slices.Contains(custom, p) {
			return false, nil
		}
	}
	a.seen(r.ID, r.Meta.Version)
	return true, nil
}

// fieldOp is one user attribute change as a PATCH operation.
type fieldOp struct {
	field string
	op    scim.Operation
}

// user creates, updates or reactivates a user; index is its result's.
func (a *applier) user(ctx context.Context, index int, c UserChange) error {
	want := wanted(c.Fields)
	if err := a.blockedByRole(want.OrganizationRole); err != nil {
		return err
	}
	err := a.sendUser(ctx, index, c, want)
	err = settle(ctx, err, func(ctx context.Context) (bool, error) { return a.userHolds(ctx, index, c, want) })
	if err != nil && a.userID(c.UserName) != "" {
		// The user's version may have moved even if the change failed
		// half-way (created, attributes not set) or is unknown.
		a.moved([]string{a.userID(c.UserName)})
	}
	if c.Action == Create && a.userID(c.UserName) != "" && err != nil {
		return err // the user exists: dependants may go on
	}
	return a.failedFor(err, userKey(c.UserName))
}

func (a *applier) sendUser(ctx context.Context, index int, c UserChange, want users.Attributes) error {
	if c.Action == Create {
		u, err := a.s.users.Create(ctx, users.CreateParams{UserName: c.UserName, Email: want.Email,
			ModelsSeat: want.ModelsSeat, WeaveRole: want.WeaveRole}, rid(ctx))
		if err != nil {
			return err
		}
		a.mu.Lock()
		a.userIDs[strings.ToLower(c.UserName)] = u.ID
		a.mu.Unlock()
		a.seen(u.ID, u.Meta.Version)
		created := *u
		created.OrganizationRole = cmp.Or(created.OrganizationRole, "member") // W&B's default, not always in the reply
		var ops []fieldOp
		for _, ch := range users.Compare(&created, want) {
			if !(a.s.client.Deployment().IsMultiTenant() && notOnMultiTenant(ch.Attr)) {
				ops = append(ops, fieldOp{ch.Attr, ch.Operation()})
			}
		}
		if len(ops) == 0 {
			return nil
		}
		err = a.patchUser(ctx, index, u.ID, u.Meta.Version, ops)
		var na *notApplicableError
		switch {
		case errors.As(err, &na):
			return nil // created; the fields refused are recorded not applicable
		case err != nil:
			return &partialError{msg: fmt.Sprintf("the user was created (ID %s), but setting its attributes failed", u.ID), err: err}
		}
		return nil
	}
	if err := a.sameUser(ctx, c.ID, c.UserName); err != nil {
		return err
	}
	var ops []fieldOp
	if c.Action == Reactivate {
		ops = append(ops, fieldOp{"active", scim.Replace("", map[string]bool{"active": true})})
	}
	for _, f := range c.Fields {
		ops = append(ops, fieldOp{f.Field, users.AttributeChange{Attr: f.Field, From: f.From, To: f.To}.Operation()})
	}
	version, fresh, err := a.userVersion(ctx, c.ID, c.Version)
	if err != nil {
		return err
	}
	if fresh != nil {
		if err := unchanged(fresh, c); err != nil {
			return err
		}
	}
	return a.patchUser(ctx, index, c.ID, version, ops)
}

// patchUser sends ops to user id in one PATCH conditional on version. When
// the server refuses it as unsupported on its deployment, each operation
// is sent alone: those refused so are recorded not applicable, the others
// applied. The change is NotApplicable when every operation is.
func (a *applier) patchUser(ctx context.Context, index int, id, version string, ops []fieldOp) error {
	list := make([]scim.Operation, len(ops))
	for i, o := range ops {
		list[i] = o.op
	}
	u, err := a.s.users.Patch(ctx, id, list, scim.IfMatch(version), rid(ctx))
	if err == nil {
		a.seen(u.ID, u.Meta.Version)
		return nil
	}
	if !unsupported(err) {
		return err
	}
	if len(ops) == 1 {
		a.notApplicable(index, ops[0].field)
		return &notApplicableError{err}
	}
	refused, set := 0, 0
	for i, o := range ops {
		u, err := a.s.users.Patch(ctx, id, []scim.Operation{o.op}, scim.IfMatch(version), rid(ctx))
		switch {
		case err == nil:
			version = u.Meta.Version
			a.seen(u.ID, version)
			set++
		case unsupported(err):
			a.notApplicable(index, o.field)
			refused++
		case set > 0:
			var notMade []string
			for _, rest := range ops[i:] {
				notMade = append(notMade, rest.field)
			}
			return &partialError{msg: "setting " + o.field + " failed after other fields were set", err: err, notMade: notMade}
		default:
			return err
		}
	}
	if refused == len(ops) {
		return &notApplicableError{err}
	}
	return nil
}

// userHolds reads a user back: whether it has what c asked (leaving out
// the fields found not applicable).
func (a *applier) userHolds(ctx context.Context, index int, c UserChange, want users.Attributes) (bool, error) {
	var u *users.User
	var err error
	if id := cmp.Or(c.ID, a.userID(c.UserName)); id != "" {
		u, err = a.s.users.Get(ctx, id)
	} else {
		u, err = a.s.users.FindByUserName(ctx, c.UserName)
	}
	if gone(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if c.Action == Create {
		a.mu.Lock()
		a.userIDs[strings.ToLower(c.UserName)] = u.ID
		a.mu.Unlock()
	}
	a.mu.Lock()
	na := slices.Clone(a.results[index].NotApplicable)
	a.mu.Unlock()
	if c.Action == Reactivate && !slices.Contains(na, "active") && !u.Active {
		return false, nil
	}
	for _, d := range users.Compare(u, want) {
		if !slices.Contains(na, d.Attr) && !(c.Action == Create && a.s.client.Deployment().IsMultiTenant() && notOnMultiTenant(d.Attr)) {
			return false, nil
		}
	}
	a.seen(u.ID, u.Meta.Version)
	return true, nil
}

// deactivate deactivates a user, conditional on its version.
func (a *applier) deactivate(ctx context.Context, c UserChange) error {
	if a.hasFailed(userKey(c.UserName)) {
		return notAttempted("an earlier change to user %s failed", c.UserName)
	}
	err := a.sendDeactivate(ctx, c)
	return settle(ctx, err, func(ctx context.Context) (bool, error) {
		u, err := a.s.users.Get(ctx, c.ID)
		if gone(err) { // Multi-tenant Cloud: the user left the organization
			return true, nil
		}
		if err == nil && !u.Active {
			a.seen(c.ID, u.Meta.Version)
		}
		return err == nil && !u.Active, err
	})
}

func (a *applier) sendDeactivate(ctx context.Context, c UserChange) error {
	if err := a.sameUser(ctx, c.ID, c.UserName); err != nil {
		return err
	}
	version, fresh, err := a.userVersion(ctx, c.ID, c.Version)
	if err != nil {
		return err
	}
	if fresh != nil && !fresh.Active {
		return errChanged("user %s was deactivated", c.UserName)
	}
	u, err := a.s.users.Deactivate(ctx, c.ID, scim.IfMatch(version), rid(ctx))
	switch {
	case err != nil:
	case u != nil && u.Meta.Version != "":
		a.seen(c.ID, u.Meta.Version)
	default: // a reply without the user (Multi-tenant echoes the PatchOp)
		a.moved([]string{c.ID})
	}
	return err
}

// createTeam creates the team name with the members m adds (m's result is
// at midx, -1 when the team starts empty, and is settled after the team's
// own, at tidx,
// so that a journal records the team before its members).
func (a *applier) createTeam(ctx context.Context, tidx int, name string, m MembershipChange, midx int) error {
	ids, missing := a.resolve(m.Add)
	for _, u := range missing {
		a.fail(memberKey(name, u))
	}
	t, err := a.s.teams.Create(ctx, teams.CreateParams{DisplayName: name, Members: ids}, rid(ctx))
	if err == nil {
		a.teamCreated(name, t.ID)
	}
	err = settle(ctx, err, func(ctx context.Context) (bool, error) {
		t, err := a.s.teams.FindByName(ctx, name)
		if gone(err) {
			return false, nil
		}
		ok := err == nil && !slices.ContainsFunc(ids, func(id string) bool { return !isMember(t, id) })
		if ok {
			a.teamCreated(name, t.ID)
		}
		return ok, err
	})
	if err != nil {
		a.failedFor(err, teamKey(name))
		if midx >= 0 {
			if isUnknown(err) {
				a.moved(ids)
				a.setRequestID(midx, requestIDOf(ridFrom(ctx), err))
				a.settleAfter(tidx, midx, err) // sent with the create: as unknown as it
			} else {
				a.settleAfter(tidx, midx, notAttempted("creating the team failed"))
			}
		}
		return err
	}
	a.moved(ids)
	if midx >= 0 {
		a.setRequestID(midx, requestIDOf(ridFrom(ctx), nil))
		a.settleAfter(tidx, midx, notAdded(missing))
	}
	return nil
}

// membership adds and removes the members of an existing team in one
// request.
func (a *applier) membership(ctx context.Context, m MembershipChange) error {
	add, missing := a.resolve(m.Add)
	for _, u := range missing {
		a.fail(memberKey(m.Team, u))
	}
	remove, _ := a.resolve(m.Remove)
	if len(add)+len(remove) == 0 {
		return notAttempted("not added, since creating them failed: %s", strings.Join(missing, ", "))
	}
	keys := make([]string, len(m.Add))
	for i, u := range m.Add {
		keys[i] = memberKey(m.Team, u.UserName)
	}
	err := a.sendMembership(ctx, m, add, remove)
	err = settle(ctx, err, func(ctx context.Context) (bool, error) {
		t, err := a.s.teams.Get(ctx, m.TeamID)
		if err != nil {
			return false, err
		}
		return !slices.ContainsFunc(add, func(id string) bool { return !isMember(t, id) }) &&
			!slices.ContainsFunc(remove, func(id string) bool { return isMember(t, id) }), nil
	})
	if err == nil || isUnknown(err) {
		a.moved(append(slices.Clone(add), remove...))
	}
	if err != nil {
		return a.failedFor(err, keys...)
	}
	return notAdded(missing)
}

func (a *applier) sendMembership(ctx context.Context, m MembershipChange, add, remove []string) error {
	if err := a.sameTeam(ctx, m.TeamID, m.Team); err != nil {
		return err
	}
	for _, refs := range [][]UserRef{m.Add, m.Remove} {
		for _, r := range refs {
			if r.ID != "" {
				if err := a.sameUser(ctx, r.ID, r.UserName); err != nil {
					return err
				}
			}
		}
	}
	version := m.Version
	if version == "" { // a server that sends no version in lists: read it, and check
		t, err := a.s.teams.Get(ctx, m.TeamID)
		if err == nil {
			err = membersUnchanged(t, m.Team, add, remove)
		}
		if err != nil {
			return err
		}
		version = t.Meta.Version
	}
	_, err := a.s.teams.ChangeMembers(ctx, m.TeamID, teams.MemberChange{Add: add, Remove: remove}, scim.IfMatch(version), rid(ctx))
	return err
}

// teamRoles sets one user's team roles in one request.
func (a *applier) teamRoles(ctx context.Context, c TeamRoleChange) error {
	id := c.UserID
	if id == "" {
		id = a.userID(c.UserName)
	}
	if id == "" || a.hasFailed(userKey(c.UserName)) {
		return notAttempted("the change to user %s failed", c.UserName)
	}
	var set []users.TeamRole
	var dropped []string
	for _, r := range c.Roles {
		if a.hasFailed(teamKey(r.Team)) || a.hasFailed(memberKey(r.Team, c.UserName)) || a.hasFailed(roleKey(r.To)) {
			dropped = append(dropped, r.Team)
			continue
		}
		set = append(set, users.TeamRole{TeamName: r.Team, RoleName: r.To})
	}
	if len(set) == 0 {
		return notAttempted("the team, role or membership change it needs failed")
	}
	err := a.sendTeamRoles(ctx, c, id, set)
	err = settle(ctx, err, func(ctx context.Context) (bool, error) {
		u, err := a.s.users.Get(ctx, id)
		if err != nil {
			return false, err
		}
		for _, r := range set {
			if !hasTeamRole(u, r.TeamName, r.RoleName) {
				return false, nil
			}
		}
		a.seen(id, u.Meta.Version)
		return true, nil
	})
	if err != nil {
		if isUnknown(err) {
			a.moved([]string{id})
		}
		return err
	}
	if len(dropped) > 0 {
		return &partialError{msg: fmt.Sprintf("not set in %s, since the team, role or membership change it needs failed",
			strings.Join(dropped, ", ")), notMade: dropped}
	}
	return nil
}

// partialError is the error of a change applied in part: msg says what
// was not made, err why (nil when a change it needs failed, which is
// reported with that change).
type partialError struct {
	msg string
	err error
	// notMade names the parts not made: for a team's members, userNames;
	// for a user's team roles, team names; for a user's fields, the fields.
	notMade []string
}

func (e *partialError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *partialError) Unwrap() error { return e.err }

func (a *applier) sendTeamRoles(ctx context.Context, c TeamRoleChange, id string, set []users.TeamRole) error {
	if c.UserID != "" {
		if err := a.sameUser(ctx, c.UserID, c.UserName); err != nil {
			return err
		}
	}
	version, fresh, err := a.userVersion(ctx, id, c.Version)
	if err != nil {
		return err
	}
	if fresh != nil {
		for _, r := range c.Roles {
			if !hasTeamRole(fresh, r.Team, r.From) {
				return errChanged("user %s's role in team %s changed", c.UserName, r.Team)
			}
		}
	}
	u, err := a.s.users.SetTeamRoles(ctx, id, set, scim.IfMatch(version), rid(ctx))
	if err != nil {
		return err
	}
	a.seen(id, u.Meta.Version)
	return nil
}

// isUnknown reports whether err is an unknown outcome.
func isUnknown(err error) bool {
	_, ok := err.(*unknownError)
	return ok
}
