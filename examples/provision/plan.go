package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// predefinedRoles are W&B's organization roles; viewer is the legacy one,
// stored as member with viewer seats.
var predefinedRoles = []string{"admin", "member", "viewer"}

// org is what provision reads from the server before changing anything:
// the teams the rows name (by lower-case name; a missing key is a team that
// does not exist) and the names of the custom roles.
type org struct {
	teams       map[string]*teams.Team
	customRoles []string
}

// readOrg looks up every team the rows name and, when a row names a role
// other than the predefined ones, lists the custom roles. Any error but a
// team not found is returned: the rows cannot be checked without it.
func readOrg(ctx context.Context, client *scim.Client, rows []Row, concurrency int) (*org, error) {
	var names []string
	seen := map[string]bool{}
	needRoles := false
	for _, r := range rows {
		for _, t := range r.Teams {
			if !seen[strings.ToLower(t)] {
				seen[strings.ToLower(t)] = true
				names = append(names, t)
			}
		}
		needRoles = needRoles || (r.Role != "" && !slices.Contains(predefinedRoles, strings.ToLower(r.Role)))
	}
	o := &org{teams: map[string]*teams.Team{}}
	var (
		mu   sync.Mutex
		errs []error
	)
	svc := teams.New(client)
	forEach(ctx, len(names), concurrency, func(i int) {
		t, err := svc.FindByName(ctx, names[i])
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			o.teams[strings.ToLower(names[i])] = t
		case !errors.Is(err, scim.ErrNotFound):
			errs = append(errs, fmt.Errorf("looking up team %s: %w", names[i], err))
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if needRoles {
		for r, err := range roles.New(client).All(ctx, nil) {
			if err != nil {
				return nil, fmt.Errorf("listing custom roles: %w", err)
			}
			o.customRoles = append(o.customRoles, r.Name)
		}
	}
	return o, nil
}

// checkRow says why row cannot be provisioned in o, or "": a team that does
// not exist, or a role that is neither predefined nor a custom role of o.
func (o *org) checkRow(row Row) string {
	var missing []string
	for _, name := range row.Teams {
		if o.teams[strings.ToLower(name)] == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "no team named " + strings.Join(missing, ", ")
	}
	if row.Role == "" || slices.Contains(predefinedRoles, strings.ToLower(row.Role)) || slices.Contains(o.customRoles, row.Role) {
		return ""
	}
	if i := slices.IndexFunc(o.customRoles, func(r string) bool { return strings.EqualFold(r, row.Role) }); i >= 0 {
		return fmt.Sprintf("unknown role %q: custom role names are case-sensitive (the organization has %q)", row.Role, o.customRoles[i])
	}
	known := "it has none"
	if len(o.customRoles) > 0 {
		known = strings.Join(o.customRoles, ", ")
	}
	return fmt.Sprintf("unknown role %q: want admin, member, viewer or a custom role of the organization (%s)", row.Role, known)
}

// Step is what provision does for one good row.
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
	// SetSeat is the Models seat to set on an existing user whose seat
	// differs from the row's; "" to leave it. A new user gets Row.Seat.
	SetSeat users.Seat
	// Err makes the row fail before anything is changed (a failed lookup).
	Err error
}

// Create reports whether the step creates the user.
func (s *Step) Create() bool { return s.Err == nil && s.User == nil }

// changes reports whether the step changes anything.
func (s *Step) changes() bool {
	return s.Err == nil && (s.User == nil || s.Reactivate || s.SetRole != "" || s.SetSeat != "" || len(s.Join) > 0)
}

// demotes reports whether the step takes the organization admin role from
// an existing user.
func (s *Step) demotes() bool {
	return s.Err == nil && s.User != nil && s.SetRole != "" &&
		strings.EqualFold(s.User.OrganizationRole, "admin") && !strings.EqualFold(s.SetRole, "admin")
}

// Describe says in a few words what the step does.
func (s *Step) Describe() string {
	if errors.Is(s.Err, orgsync.ErrGuarded) {
		return "REFUSED: " + s.Err.Error()
	}
	if s.Err != nil {
		return "fail: " + s.Err.Error()
	}
	var parts []string
	if s.User == nil {
		p := "create user " + userName(s.Row)
		if s.Row.Role != "" {
			p += " with role " + s.Row.Role
		}
		if s.Row.Seat != "" {
			p += ", seat " + string(s.Row.Seat)
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
		if s.SetSeat != "" {
			parts = append(parts, fmt.Sprintf("set seat %s (was %s)", s.SetSeat, orNone(string(s.User.ModelsSeat))))
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

// userName is the row's user name, or the SDK's default for it.
func userName(row Row) string {
	if row.UserName != "" {
		return row.UserName
	}
	return row.Email[:strings.LastIndex(row.Email, "@")]
}

// planRow decides what to do for row, which checkRow accepted in o, given the
// user found by its email (nil when there is none) and the error of that
// lookup (other than not found). It changes nothing.
func planRow(row Row, existing *users.User, lookupErr error, o *org) Step {
	s := Step{Row: row, User: existing}
	if lookupErr != nil {
		s.Err = fmt.Errorf("looking up %s: %w", row.Email, lookupErr)
		return s
	}
	for _, name := range row.Teams {
		if t := o.teams[strings.ToLower(name)]; t != nil && (existing == nil || !isMember(existing, t)) {
			s.Join = append(s.Join, t)
		}
	}
	if existing == nil {
		return s
	}
	if row.Role != "" && !hasRole(existing, row.Role) {
		s.SetRole = row.Role
	}
	if row.Seat != "" && existing.ModelsSeat != row.Seat {
		s.SetSeat = row.Seat
	}
	s.Reactivate = !existing.Active
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
