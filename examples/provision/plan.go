package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// Step is what provision does for one row.
type Step struct {
	Row Row
	// User is the existing user, nil when the row's user must be created.
	User *users.User
	// Reactivate is set when User is deactivated (active=false, which only
	// Dedicated Cloud and Self-Managed have: Multi-tenant Cloud removes a
	// deactivated user from the organization): the step reactivates it.
	Reactivate bool
	// Join are the row's teams the user is not (yet) a member of.
	Join []*teams.Team
	// SetRole is the organization role to set on an existing user whose role
	// differs from the row's; "" to leave it. A new user gets Row.Role.
	SetRole string
	// Err makes the row fail before anything is changed (a team that does
	// not exist, a failed lookup).
	Err error
}

// Create reports whether the step creates the user.
func (s *Step) Create() bool { return s.Err == nil && s.User == nil }

// Describe says in a few words what the step does.
func (s *Step) Describe() string {
	if s.Err != nil {
		return "fail: " + s.Err.Error()
	}
	var parts []string
	if s.User == nil {
		name := s.Row.UserName
		if name == "" { // the SDK's default
			name = s.Row.Email[:strings.LastIndex(s.Row.Email, "@")]
		}
		p := "create user " + name
		if s.Row.Role != "" {
			p += " with role " + s.Row.Role
		}
		parts = append(parts, p)
	} else {
		if s.Reactivate {
			parts = append(parts, "reactivate deactivated user "+s.User.UserName)
		} else {
			parts = append(parts, "already present as "+s.User.UserName)
		}
		if s.SetRole != "" {
			parts = append(parts, fmt.Sprintf("set role %s (was %s)", s.SetRole, orNone(s.User.OrganizationRole)))
		}
	}
	if len(s.Join) > 0 {
		names := make([]string, len(s.Join))
		for i, t := range s.Join {
			names[i] = t.DisplayName
		}
		parts = append(parts, "add to "+strings.Join(names, ", "))
	}
	if s.User != nil && !s.Reactivate && len(parts) == 1 {
		parts = append(parts, "nothing to change")
	}
	return strings.Join(parts, "; ")
}

// planRow decides what to do for row, given the user found by its email (nil
// when there is none), the error of that lookup (other than not found), and
// the teams found by name (keyed by lower-case name; a missing key is a team
// that does not exist). It changes nothing.
func planRow(row Row, existing *users.User, lookupErr error, teamsByName map[string]*teams.Team) Step {
	s := Step{Row: row, User: existing}
	if lookupErr != nil {
		s.Err = fmt.Errorf("looking up %s: %w", row.Email, lookupErr)
		return s
	}
	var missing []string
	for _, name := range row.Teams {
		t, ok := teamsByName[strings.ToLower(name)]
		if !ok || t == nil {
			missing = append(missing, name)
			continue
		}
		if existing == nil || !isMember(existing, t) {
			s.Join = append(s.Join, t)
		}
	}
	if len(missing) > 0 {
		s.Err = fmt.Errorf("no team named %s", strings.Join(missing, ", "))
		s.Join = nil
		return s
	}
	if existing != nil && row.Role != "" && !hasRole(existing, row.Role) {
		s.SetRole = row.Role
	}
	s.Reactivate = existing != nil && !existing.Active
	return s
}

// isMember reports whether u is in team t, by the team's member list or the
// user's groups.
func isMember(u *users.User, t *teams.Team) bool {
	return slices.ContainsFunc(t.Members, func(m teams.MemberRef) bool { return m.Value == u.ID }) ||
		slices.ContainsFunc(u.Groups, func(g users.GroupRef) bool { return g.Value == t.ID })
}

// hasRole reports whether u already has the organization role role. W&B
// stores the legacy role "viewer" as "member" with viewer seats.
func hasRole(u *users.User, role string) bool {
	if strings.EqualFold(role, "viewer") && strings.EqualFold(u.OrganizationRole, "member") && u.ModelsSeat == users.SeatViewer {
		return true
	}
	return strings.EqualFold(u.OrganizationRole, role)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
