package orgsync

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
)

// changesByLine returns p's changes (Changes, the applicable ones) grouped
// by the plan line, and so the Result, they belong to: a role's, a user's
// and a team's change alone; a team's member changes together; a user's
// team-role changes together.
func (p *Plan) changesByLine() [][]Change {
	var out [][]Change
	for _, r := range p.Roles {
		out = append(out, []Change{roleChange(r)})
	}
	for _, u := range p.Users {
		out = append(out, []Change{userChange(u)})
	}
	for _, t := range p.Teams {
		out = append(out, []Change{teamChange(t)})
	}
	for _, m := range p.Memberships {
		out = append(out, memberChanges(m))
	}
	for _, t := range p.TeamRoles {
		out = append(out, teamRoleChanges(t))
	}
	return out
}

// record writes the journal's lines for the result at index, settled with
// err: one per change of the result. A change applied in part is split:
// the parts it names as not made are not_attempted, the others applied.
func (a *applier) record(index int, res Result, err error) {
	j := a.opts.Journal
	if j == nil || index >= len(a.changes) {
		return
	}
	var pe *partialError
	partial := errors.As(err, &pe)
	now := time.Now().UTC()
	for _, c := range a.changes[index] {
		a.mu.Lock()
		id := a.requestIDs[index]
		a.mu.Unlock()
		e := JournalEntry{Time: now, Target: a.p.Target, Change: c, Outcome: outcomeOf(res.Status), RequestID: id}
		if res.Err != nil {
			e.Error = res.Err.Error()
		}
		if len(res.NotApplicable) > 0 { // fields the server refused as unsupported were not made
			e.Before, e.After = without(e.Before, res.NotApplicable), without(e.After, res.NotApplicable)
		}
		if partial {
			partOutcome(&e, pe)
		}
		if e.Outcome == OutcomeApplied {
			a.fillAfter(&e)
		}
		if werr := j.Append(e); werr != nil {
			a.mu.Lock()
			if a.journalErr == nil {
				a.journalErr = werr
			}
			a.mu.Unlock()
			return
		}
	}
}

// partOutcome settles the journal entry of a change applied in part: a
// member or team role the partial change names as not made is
// not_attempted, the others applied; a user's fields not made are left out
// of an applied entry; a role whose added permissions were made and whose
// removals were not is applied with what it holds; a user created whose
// attributes could not be set is applied (the user exists).
func partOutcome(e *JournalEntry, pe *partialError) {
	e.Outcome = OutcomeApplied
	switch e.Kind {
	case KindMember, KindTeamRole:
		part := e.Name // a member's userName
		if e.Kind == KindTeamRole {
			part = strings.TrimPrefix(e.Address, teamRoleAddress(e.Name, ""))
		}
		if slices.ContainsFunc(pe.notMade, func(n string) bool { return strings.EqualFold(n, part) }) {
			e.Outcome = OutcomeNotAttempted // the change it needed failed; the error says which
			return
		}
		e.Error = ""
	case KindUser:
		if e.Action == string(Create) {
			return
		}
		e.Before, e.After = without(e.Before, pe.notMade), without(e.After, pe.notMade)
	case KindRole:
		if perms, ok := e.After["permissions"]; ok {
			held := strs(e.Before, "permissions")
			for _, p := range strs(map[string]any{"p": perms}, "p") {
				if !slices.Contains(held, p) {
					held = append(held, p)
				}
			}
			e.After = maps.Clone(e.After)
			e.After["permissions"] = held
		}
	}
}

// without returns m without the keys (a copy; nil stays nil).
func without(m map[string]any, keys []string) map[string]any {
	if m == nil {
		return nil
	}
	out := maps.Clone(m)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// fillAfter records, for an applied change, the ID of a resource Apply
// created and the version the resource has after the change, where Apply
// learned it.
func (a *applier) fillAfter(e *JournalEntry) {
	switch e.Kind {
	case KindUser, KindTeamRole:
		if e.ID == "" {
			e.ID = a.userID(e.Name)
		}
	case KindMember:
		if e.UserID == "" {
			e.UserID = a.userID(e.Name)
		}
		if e.ID == "" {
			e.ID = a.teamID(str(e.After, "team"))
		}
	case KindTeam:
		e.ID = a.teamID(e.Name)
	}
	if e.ID == "" || e.Kind == KindMember || e.Kind == KindTeam {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if v, ok := a.versions[e.ID]; ok && !a.stale[e.ID] {
		e.VersionAfter = v
	}
}

// outcomeOf is the journal's word for a status.
func outcomeOf(s Status) Outcome {
	switch s {
	case Applied:
		return OutcomeApplied
	case Unknown, Partial:
		return OutcomeUnknown
	case NotAttempted, NotStarted:
		return OutcomeNotAttempted
	}
	return OutcomeFailed // Failed, NotApplicable
}

// teamCreated records the ID of a team Apply created.
func (a *applier) teamCreated(name, id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.teamIDs[strings.ToLower(name)] = id
}

// teamID returns the ID of a team Apply created ("" for another).
func (a *applier) teamID(name string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.teamIDs[strings.ToLower(name)]
}
