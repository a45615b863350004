package orgsync

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// Undo is the plan that reverses the applied changes of a journal, and what
// it cannot reverse.
type Undo struct {
	// Plan makes the inverse changes, each conditional on the version the
	// journal recorded after the change: Apply refuses, naming it, any
	// resource changed since.
	Plan *Plan
	// Kept lists the applied changes that are not reversed, and why: a
	// created team or custom role (W&B cannot delete a team; a role is left
	// for an admin to delete).
	Kept []string
}

// PlanUndo plans the inverse of the changes a journal records as applied: a deactivated user is reactivated and a reactivated one
// deactivated; a created user is deactivated, never deleted; added members
// are removed and removed ones added back; team roles, organization roles,
// seats, weave roles and a role's description and permissions get their
// earlier values. Failed, unknown and not-attempted changes are left out
// (an unknown one is for the next plan to show). The plan is like any
// other: print it, check its budget, confirm it, Apply it. Each inverse
// change is conditional on the version the journal recorded after the last
// change to its resource; where the journal cannot know it (a membership
// change moved a user's version), Apply reads the resource and refuses it
// when it no longer holds what the journal left.
func PlanUndo(entries []JournalEntry) (*Undo, error) {
	u := &Undo{}
	var inverse []Change
	var target Target
	// The version each resource has after the journal: that of its last
	// applied change, unknown ("") when a later change moved it unseen (a
	// membership change moves its users' versions) or recorded none. An
	// inverse change with no version is checked by reading the resource.
	latest := map[string]string{}
	// Memberships the journal added: a team role of a member the undo
	// removes again is not restored.
	added := map[string]bool{}
	for _, e := range entries {
		if e.Outcome != OutcomeApplied {
			continue
		}
		switch e.Kind {
		case KindMember:
			if e.UserID != "" {
				latest[e.UserID] = ""
			}
			if e.Action == "add" {
				added[strings.ToLower(e.Address)] = true
			}
		case KindTeam:
		default:
			if e.ID != "" {
				latest[e.ID] = e.VersionAfter
			}
		}
	}
	for i, e := range entries {
		switch {
		case i == 0:
			target = e.Target
		case !SameBaseURL(e.Target.BaseURL, target.BaseURL) || e.Target.Deployment != target.Deployment ||
			e.Target.Organization != "" && target.Organization != "" && e.Target.Organization != target.Organization:
			return nil, fmt.Errorf("orgsync: undo: journal entry %d was made for %s, entry 1 for %s: undo one organization's journal at a time",
				i+1, e.Target, target)
		case target.Organization == "":
			// An organization reports its ID once it has a custom role: a
			// journal may span its first one.
			target.Organization = e.Target.Organization
		}
	}
	seen := map[string]int{} // address: index in inverse
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Outcome != OutcomeApplied {
			continue
		}
		if at, ok := seen[e.Address]; ok {
			// A user updated, then deactivated, by one plan: its
			// reactivation restores the fields too.
			if c := &inverse[at]; c.Action == string(Reactivate) && e.Kind == KindUser && e.Action == string(Update) {
				for k, v := range e.Before {
					c.After[k] = v
				}
				for k, v := range e.After {
					c.Before[k] = v
				}
				continue
			}
			// Changed twice in one journal (two applies): undo the later
			// change only, whose version is the current one.
			u.Kept = append(u.Kept, fmt.Sprintf("%s: an earlier change of the same resource (undo the later apply first, then plan again)", e.Address))
			continue
		}
		if e.Kind == KindTeamRole {
			team := strings.TrimPrefix(e.Address, teamRoleAddress(e.Name, ""))
			if added[strings.ToLower(memberAddress(team, e.Name))] {
				u.Kept = append(u.Kept, fmt.Sprintf("%s: the undo removes %s from team %s again", e.Address, e.Name, team))
				continue
			}
		}
		c, kept, err := invert(e, target.Deployment)
		if err != nil {
			return nil, fmt.Errorf("orgsync: undo: journal entry %d (%s): %w", i+1, e.Address, err)
		}
		if e.Kind != KindMember && e.Kind != KindTeam {
			c.Version = latest[e.ID]
		}
		if kept != "" {
			u.Kept = append(u.Kept, e.Address+": "+kept)
			continue
		}
		seen[e.Address] = len(inverse)
		inverse = append(inverse, c)
		if role := str(e.Before, "role"); e.Kind == KindMember && e.Action == "remove" && role != "" && !strings.EqualFold(role, "member") {
			// A member added back gets back its team role too.
			team := str(e.Before, "team")
			inverse = append(inverse, Change{Address: teamRoleAddress(e.Name, team), Kind: KindTeamRole, Action: string(Update),
				Name: e.Name, ID: e.UserID, Before: map[string]any{"role": "member"}, After: map[string]any{"role": role},
				Reason: ReasonUndo, Applicable: true})
		}
	}
	// The plan's order is the apply's: roles, users, teams, members, team
	// roles; planFromChanges groups them, sortPlan orders them.
	p, err := planFromChanges(inverse)
	if err != nil {
		return nil, fmt.Errorf("orgsync: undo: %w", err)
	}
	p.Format, p.Target, p.Complete, p.Undo = FormatVersion, target, true, true
	p.Managed = len(inverse)
	sortPlan(p)
	u.Plan = p
	return u, nil
}

// invert returns the change that reverses e, or why it is kept.
func invert(e JournalEntry, d scim.Deployment) (Change, string, error) {
	c := Change{Address: e.Address, Kind: e.Kind, Name: e.Name, ID: e.ID, UserID: e.UserID,
		Before: clone(e.After), After: clone(e.Before), Reason: ReasonUndo, Applicable: true}
	if c.ID == "" && (e.Kind == KindUser || e.Kind == KindTeamRole || e.Kind == KindRole && e.Action != string(Create)) {
		return c, "", fmt.Errorf("no id recorded")
	}
	switch e.Kind {
	case KindUser:
		switch Action(e.Action) {
		case Create:
			c.Action, c.Before, c.After = string(Deactivate), map[string]any{"active": true}, map[string]any{"active": false}
		case Deactivate:
			if d.IsMultiTenant() {
				return c, "Multi-tenant Cloud cannot reactivate a user (the deactivation removed it from the organization): add it again by email", nil
			}
			c.Action = string(Reactivate)
		case Reactivate:
			// Deactivated again, and what the reactivation set put back.
			c.Action = string(Deactivate)
		case Update:
			c.Action = string(Update)
		default:
			return c, "", fmt.Errorf("unknown user action %q", e.Action)
		}
		if c.Action == string(Reactivate) || c.Action == string(Update) {
			delete(c.After, "active")
			delete(c.Before, "active")
		}
	case KindTeam:
		return c, "W&B cannot delete a team; delete it in the W&B App if it should go", nil
	case KindMember:
		if e.ID == "" {
			return c, "", fmt.Errorf("no team id recorded")
		}
		switch e.Action {
		case "add":
			c.Action = "remove"
		case "remove":
			c.Action = "add"
		default:
			return c, "", fmt.Errorf("unknown member action %q", e.Action)
		}
		if c.UserID == "" {
			return c, "", fmt.Errorf("no user id recorded")
		}
	case KindTeamRole:
		c.Action = string(Update)
	case KindRole:
		if e.Action == string(Create) {
			return c, "a custom role is not deleted by an undo; delete it with roles.Delete or in the W&B App", nil
		}
		c.Action = string(Update)
		c.Desired = clone(e.Desired)
		if c.Desired == nil {
			c.Desired = map[string]any{}
		}
		maps.Copy(c.Desired, c.After)
	default:
		return c, "", fmt.Errorf("unknown kind %q", e.Kind)
	}
	return c, "", nil
}

func clone(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if list, ok := v.([]any); ok {
			v = slices.Clone(list)
		}
		out[k] = v
	}
	return out
}
