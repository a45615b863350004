package orgsync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// planJSON is a Plan as it is saved and read: terraform's plan JSON in
// spirit, one change per resource and kind.
type planJSON struct {
	FormatVersion int                       `json:"format_version"`
	Target        Target                    `json:"target"`
	InputDigest   string                    `json:"input_digest"`
	Complete      bool                      `json:"complete"`
	Prune         bool                      `json:"prune"`
	Managed       int                       `json:"managed"`
	Summary       map[string]map[string]int `json:"summary"`
	Warnings      []Problem                 `json:"warnings"`
	Changes       []Change                  `json:"changes"`
}

// MarshalJSON writes the plan as its JSON form: format_version, target,
// input_digest, complete, prune, managed, summary (counts per kind and
// action), warnings, and changes,
// each with its address, action, before and after, reason and whether it
// is applicable. It is the form a plan is saved in and reviewed in; Apply
// applies exactly what it says.
func (p *Plan) MarshalJSON() ([]byte, error) {
	out := planJSON{FormatVersion: p.Format, Target: p.Target, InputDigest: p.InputDigest, Complete: p.Complete, Prune: p.Prune, Managed: p.Managed,
		Summary: p.summary(), Warnings: nonNil(p.Warnings), Changes: nonNil(p.Changes())}
	return json.Marshal(out)
}

// summary counts the plan's applicable changes per kind and action.
func (p *Plan) summary() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, c := range p.Changes() {
		if !c.Applicable {
			continue
		}
		if out[c.Kind] == nil {
			out[c.Kind] = map[string]int{}
		}
		out[c.Kind][c.Action]++
	}
	return out
}

// UnmarshalJSON reads a plan that MarshalJSON wrote, rebuilding the
// requests Apply sends from its changes: a team's member changes become one
// membership change, a user's team-role changes one team-role change. A
// plan of another format, or a change that is incomplete or unknown, is an
// error naming it.
func (p *Plan) UnmarshalJSON(data []byte) error {
	var in planJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return err // encoding/json's own error, which says where
	}
	if in.FormatVersion != FormatVersion {
		return fmt.Errorf("orgsync: the plan has format_version %d; this version reads format %d (plan again)", in.FormatVersion, FormatVersion)
	}
	q, err := planFromChanges(in.Changes)
	if err != nil {
		return err
	}
	q.Format, q.Target, q.InputDigest, q.Complete = in.FormatVersion, in.Target, in.InputDigest, in.Complete
	q.Prune, q.Managed, q.Warnings = in.Prune, in.Managed, in.Warnings
	q.Undo = len(in.Changes) > 0 && !slices.ContainsFunc(in.Changes, func(c Change) bool { return c.Applicable && c.Reason != ReasonUndo })
	sortPlan(q)
	*p = *q
	return nil
}

// planFromChanges builds the plan that makes changes: the inverse of
// Plan.Changes.
func planFromChanges(changes []Change) (*Plan, error) {
	p := &Plan{}
	memberships := map[string]int{} // lower-cased team name: index in p.Memberships
	teamRoles := map[string]int{}   // lower-cased userName: index in p.TeamRoles
	for i, c := range changes {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("orgsync: reading a plan: changes[%d] (%s): %s", i, c.Address, fmt.Sprintf(format, args...))
		}
		if !c.Applicable {
			p.Skipped = append(p.Skipped, Skipped{UserName: c.Name, Change: c.Description, Reason: c.NotApplicable})
			continue
		}
		switch c.Kind {
		case KindRole:
			r, err := roleFromChange(c)
			if err != nil {
				return nil, bad("%v", err)
			}
			p.Roles = append(p.Roles, r)
		case KindUser:
			u, err := userFromChange(c)
			if err != nil {
				return nil, bad("%v", err)
			}
			if u.Action == Deactivate && len(u.Fields) > 0 { // updated, then deactivated
				upd := u
				upd.Action, upd.Reason = Update, ""
				u.Fields = nil
				p.Users = append(p.Users, upd)
			}
			p.Users = append(p.Users, u)
		case KindTeam:
			if c.Action != string(Create) {
				return nil, bad("a team can only be created, not %q", c.Action)
			}
			p.Teams = append(p.Teams, TeamChange{Name: c.Name})
		case KindMember:
			side := c.After
			if c.Action == "remove" {
				side = c.Before
			}
			team := str(side, "team")
			if team == "" || (c.Action != "add" && c.Action != "remove") {
				return nil, bad("a member change needs a team and the action add or remove")
			}
			k := strings.ToLower(team)
			idx, ok := memberships[k]
			if !ok {
				idx = len(p.Memberships)
				memberships[k] = idx
				p.Memberships = append(p.Memberships, MembershipChange{Team: team, TeamID: c.ID, Version: c.Version})
			}
			ref := UserRef{UserName: c.Name, ID: c.UserID}
			if c.Action == "remove" {
				ref.Role = str(c.Before, "role")
			}
			if c.Action == "add" {
				p.Memberships[idx].Add = append(p.Memberships[idx].Add, ref)
			} else {
				p.Memberships[idx].Remove = append(p.Memberships[idx].Remove, ref)
			}
		case KindTeamRole:
			team := strings.TrimPrefix(c.Address, teamRoleAddress(c.Name, ""))
			from, to := str(c.Before, "role"), str(c.After, "role")
			if team == "" || team == c.Address || to == "" {
				return nil, bad("a team-role change needs the address user.NAME.team_role.TEAM and a role after")
			}
			k := strings.ToLower(c.Name)
			idx, ok := teamRoles[k]
			if !ok {
				idx = len(p.TeamRoles)
				teamRoles[k] = idx
				p.TeamRoles = append(p.TeamRoles, TeamRoleChange{UserName: c.Name, UserID: c.ID, Version: c.Version})
			}
			p.TeamRoles[idx].Roles = append(p.TeamRoles[idx].Roles, TeamRoleShift{Team: team, From: from, To: to})
		default:
			return nil, bad("unknown kind %q", c.Kind)
		}
	}
	return p, nil
}

func roleFromChange(c Change) (RoleChange, error) {
	r := RoleChange{Action: Action(c.Action), Name: c.Name, ID: c.ID, Version: c.Version}
	want := c.After
	if c.Action == string(Update) {
		if c.Desired == nil {
			return r, fmt.Errorf("a role update needs desired, the whole role as the file defines it")
		}
		want = c.Desired
	}
	r.Description, r.InheritedFrom, r.Permissions = str(want, "description"), str(want, "inheritedFrom"), strs(want, "permissions")
	switch r.Action {
	case Create:
		if r.Description != "" {
			r.Fields = append(r.Fields, FieldChange{Field: "description", To: r.Description})
		}
		r.Fields = append(r.Fields, FieldChange{Field: "inheritedFrom", To: r.InheritedFrom})
		r.Add = slices.Clone(r.Permissions)
		return r, nil
	case Update:
	default:
		return r, fmt.Errorf("a role is created or updated, not %q", c.Action)
	}
	for _, f := range []string{"description", "inheritedFrom"} {
		if _, ok := c.After[f]; ok {
			r.Fields = append(r.Fields, FieldChange{Field: f, From: str(c.Before, f), To: str(c.After, f)})
		}
	}
	before, after := strs(c.Before, "permissions"), strs(c.After, "permissions")
	for _, x := range after {
		if !slices.Contains(before, x) {
			r.Add = append(r.Add, x)
		}
	}
	for _, x := range before {
		if !slices.Contains(after, x) {
			r.Remove = append(r.Remove, x)
		}
	}
	return r, nil
}

func userFromChange(c Change) (UserChange, error) {
	u := UserChange{Action: Action(c.Action), UserName: c.Name, ID: c.ID, Version: c.Version}
	switch u.Action {
	case Create, Update, Reactivate:
	case Deactivate:
		switch c.Reason {
		case ReasonPruned:
			u.Reason = "not in the file"
		case ReasonInactive:
			u.Reason = `"active": false in the file`
		default:
			u.Reason = c.Reason
		}
	default:
		return u, fmt.Errorf("unknown action %q for a user", c.Action)
	}
	if u.Action != Create && u.ID == "" {
		return u, fmt.Errorf("an existing user's change needs its id")
	}
	for _, f := range userFieldOrder {
		if _, ok := c.After[f]; ok {
			u.Fields = append(u.Fields, FieldChange{Field: f, From: str(c.Before, f), To: str(c.After, f)})
		}
	}
	return u, nil
}

// userFieldOrder is the order of a user's fields in a plan.
var userFieldOrder = []string{"email", "displayName", "organizationRole", "modelsSeat", "weaveRole"}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func strs(m map[string]any, k string) []string {
	list, _ := m[k].([]any)
	out := []string{}
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	if direct, ok := m[k].([]string); ok {
		out = append(out, direct...)
	}
	return out
}
