package orgsync

import (
	"maps"
	"slices"
	"strings"
)

// Change is one change of a plan as a reviewer reads it: one per resource
// and kind, under a stable address. A user's own fields are one change
// (user.ada); a team's creation another (team.ml-platform); each
// membership (team.ml-platform.member.bob) and each team role
// (user.ada.team_role.ml-platform) its own; a custom role's description and
// permissions one (role.auditor); a change the plan does not make its own
// too (user.ada.not_made.displayName). Before and After hold only the
// managed fields that change (nil for what does not exist on that side).
type Change struct {
	Address string `json:"address"`
	// Kind is the resource: user, team, member, team_role or role.
	Kind   string `json:"kind"`
	Action string `json:"action"` // create, update, deactivate, reactivate, add, remove
	// Name names the resource as the organization knows it: the userName,
	// team name or role name (for a member and a team role, the user's).
	Name string `json:"name"`
	// ID and Version are the resource's ID and the version (ETag) the plan
	// saw, which Apply sends as If-Match: the user's for a user and a team
	// role, the team's for a member, the role's for a role. They are empty
	// for what the plan creates. UserID is a member's user.
	ID      string         `json:"id,omitempty"`
	Version string         `json:"version,omitempty"`
	UserID  string         `json:"user_id,omitempty"`
	Before  map[string]any `json:"before"`
	After   map[string]any `json:"after"`
	// Reason says why the change is planned: "not in the organization",
	// "differs from the file", "not in the file with prune", "inactive in
	// the file", or "undo" for a change of PlanUndo.
	Reason string `json:"reason"`
	// Applicable is false for a change the plan does not make;
	// NotApplicable then says why (a field the deployment cannot change, a
	// protected account).
	Applicable    bool   `json:"applicable"`
	NotApplicable string `json:"not_applicable,omitempty"`
	// Description says, for a change that is not applicable, what it would
	// have changed (its Before and After are then null).
	Description string `json:"description,omitempty"`
	// Desired, for a role update, is the whole role as the file defines it
	// (description, inheritedFrom, permissions): Apply sends it whole (PUT)
	// when the description or inheritedFrom changes.
	Desired map[string]any `json:"desired,omitempty"`
}

// The kinds of a Change.
const (
	KindUser     = "user"
	KindTeam     = "team"
	KindMember   = "member"
	KindTeamRole = "team_role"
	KindRole     = "role"
)

// The reasons of a Change.
const (
	ReasonMissing    = "not in the organization"
	ReasonDiffers    = "differs from the file"
	ReasonPruned     = "not in the file with prune"
	ReasonInactive   = "inactive in the file"
	ReasonNormalised = "normalised by the server"
	ReasonUndo       = "undo"
)

// Changes lists p's changes, and after them those it does not make, in the
// plan's order: roles, users, teams, memberships, team roles.
func (p *Plan) Changes() []Change {
	out := p.changes()
	if p.Undo {
		for i := range out {
			if out[i].Applicable {
				out[i].Reason = ReasonUndo
			}
		}
	}
	return out
}

func (p *Plan) changes() []Change {
	var out []Change
	for _, r := range p.Roles {
		out = append(out, roleChange(r))
	}
	for i := 0; i < len(p.Users); i++ {
		c := userChange(p.Users[i])
		// A user updated and deactivated in one plan is one change.
		if i+1 < len(p.Users) && p.Users[i+1].Action == Deactivate && p.Users[i].Action != Deactivate &&
			p.Users[i].Action != Create && strings.EqualFold(p.Users[i+1].UserName, p.Users[i].UserName) {
			d := userChange(p.Users[i+1])
			maps.Copy(c.Before, d.Before)
			maps.Copy(c.After, d.After)
			c.Action, c.Reason = d.Action, d.Reason
			i++
		}
		out = append(out, c)
	}
	for _, t := range p.Teams {
		out = append(out, teamChange(t))
	}
	for _, m := range p.Memberships {
		out = append(out, memberChanges(m)...)
	}
	for _, t := range p.TeamRoles {
		out = append(out, teamRoleChanges(t)...)
	}
	for _, s := range p.Skipped {
		what, _, _ := strings.Cut(s.Change, " ") // the field, or deactivate, reactivate
		out = append(out, Change{Address: "user." + s.UserName + ".not_made." + what, Kind: KindUser, Action: skippedAction(s.Change),
			Name: s.UserName, Description: s.Change, Reason: ReasonDiffers, Applicable: false, NotApplicable: s.Reason})
	}
	return out
}

func teamChange(t TeamChange) Change {
	return Change{Address: "team." + t.Name, Kind: KindTeam, Action: string(Create), Name: t.Name,
		After: map[string]any{"name": t.Name}, Reason: ReasonMissing, Applicable: true}
}

func memberChanges(m MembershipChange) []Change {
	var out []Change
	for _, u := range m.Add {
		out = append(out, Change{Address: memberAddress(m.Team, u.UserName), Kind: KindMember, Action: "add",
			Name: u.UserName, ID: m.TeamID, Version: m.Version, UserID: u.ID,
			After: map[string]any{"team": m.Team, "userName": u.UserName}, Reason: ReasonDiffers, Applicable: true})
	}
	for _, u := range m.Remove {
		before := map[string]any{"team": m.Team, "userName": u.UserName}
		if u.Role != "" {
			before["role"] = u.Role
		}
		out = append(out, Change{Address: memberAddress(m.Team, u.UserName), Kind: KindMember, Action: "remove",
			Name: u.UserName, ID: m.TeamID, Version: m.Version, UserID: u.ID,
			Before: before, Reason: ReasonDiffers, Applicable: true})
	}
	return out
}

func teamRoleChanges(t TeamRoleChange) []Change {
	var out []Change
	for _, r := range t.Roles {
		out = append(out, Change{Address: teamRoleAddress(t.UserName, r.Team), Kind: KindTeamRole, Action: string(Update),
			Name: t.UserName, ID: t.UserID, Version: t.Version, Before: map[string]any{"role": r.From},
			After: map[string]any{"role": r.To}, Reason: ReasonDiffers, Applicable: true})
	}
	return out
}

func memberAddress(team, userName string) string { return "team." + team + ".member." + userName }

func teamRoleAddress(userName, team string) string { return "user." + userName + ".team_role." + team }

func roleChange(r RoleChange) Change {
	c := Change{Address: "role." + r.Name, Kind: KindRole, Action: string(r.Action), Name: r.Name, ID: r.ID, Version: r.Version,
		After: map[string]any{}, Applicable: true, Reason: ReasonDiffers}
	if r.Action == Create {
		c.Reason = ReasonMissing
		c.After["description"] = r.Description
		c.After["inheritedFrom"] = r.InheritedFrom
		c.After["permissions"] = nonNil(r.Permissions)
		return c
	}
	c.Before = map[string]any{}
	for _, f := range r.Fields {
		c.Before[f.Field], c.After[f.Field] = f.From, f.To
	}
	if len(r.Add)+len(r.Remove) > 0 {
		before := slices.DeleteFunc(slices.Clone(r.Permissions), func(p string) bool { return slices.Contains(r.Add, p) })
		before = append(before, r.Remove...)
		slices.Sort(before)
		c.Before["permissions"], c.After["permissions"] = before, nonNil(r.Permissions)
	}
	c.Desired = map[string]any{"description": r.Description, "inheritedFrom": r.InheritedFrom, "permissions": nonNil(r.Permissions)}
	return c
}

func userChange(u UserChange) Change {
	c := Change{Address: "user." + u.UserName, Kind: KindUser, Action: string(u.Action), Name: u.UserName,
		ID: u.ID, Version: u.Version, Applicable: true, Reason: ReasonDiffers}
	switch u.Action {
	case Create:
		c.Reason, c.After = ReasonMissing, map[string]any{}
		for _, f := range u.Fields {
			c.After[f.Field] = f.To
		}
		return c
	case Deactivate:
		c.Before, c.After = map[string]any{"active": true}, map[string]any{"active": false}
		c.Reason = ReasonInactive
		if u.Reason == "not in the file" {
			c.Reason = ReasonPruned
		}
		return c
	}
	c.Before, c.After = map[string]any{}, map[string]any{}
	if u.Action == Reactivate {
		c.Before["active"], c.After["active"] = false, true
	}
	for _, f := range u.Fields {
		c.Before[f.Field], c.After[f.Field] = f.From, f.To
	}
	return c
}

// skippedAction is the action of a change the plan does not make, from
// its description.
func skippedAction(change string) string {
	switch {
	case strings.HasPrefix(change, "deactivate"):
		return string(Deactivate)
	case strings.HasPrefix(change, "reactivate"):
		return string(Reactivate)
	}
	return string(Update)
}
