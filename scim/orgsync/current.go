package orgsync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// current is the organization as Apply reads it before sending anything:
// who calls, and the names its IDs have now.
type current struct {
	caller       string
	organization string
	userList     []*users.User
	users        map[string]string // user ID: userName
	teams        map[string]string // team ID: name
	roles        map[string]string // role ID: name
	// complete* say whether the walk saw everything; an ID a complete walk
	// lacks is gone, one an incomplete walk lacks is read by ID.
	completeUsers, completeTeams, completeRoles bool
}

// current reads the caller (GraphQL GetViewer) and walks the users, teams
// and roles (GET /scim/Users, /scim/Groups, /scim/Roles), at the same time.
// A walk the server ends early (scim.ErrIncomplete) is kept as far as it
// went.
func (s *Syncer) current(ctx context.Context) (*current, error) {
	c := &current{users: map[string]string{}, teams: map[string]string{}, roles: map[string]string{}}
	var (
		wg                                   sync.WaitGroup
		teamList                             []*teams.Team
		roleList                             []*roles.Role
		userErr, teamErr, roleErr, callerErr error
		caller                               *users.Account
	)
	wg.Add(4)
	go func() { defer wg.Done(); caller, callerErr = s.users.Viewer(ctx) }()
	go func() { defer wg.Done(); c.userList, userErr = collect(s.users.All(ctx, nil)) }()
	go func() { defer wg.Done(); teamList, teamErr = collect(s.teams.All(ctx, nil)) }()
	go func() { defer wg.Done(); roleList, roleErr = collect(s.roles.All(ctx, nil)) }()
	wg.Wait()
	if callerErr != nil {
		return nil, fmt.Errorf("orgsync: finding the calling account, which is never deactivated or demoted: %w", callerErr)
	}
	c.caller = caller.Username
	for what, err := range map[string]error{"users": userErr, "teams": teamErr, "custom roles": roleErr} {
		if err != nil && !errors.Is(err, scim.ErrIncomplete) {
			return nil, fmt.Errorf("orgsync: reading the %s before applying: %w", what, err)
		}
	}
	c.completeUsers, c.completeTeams, c.completeRoles = userErr == nil, teamErr == nil, roleErr == nil
	for _, u := range c.userList {
		c.users[u.ID] = u.UserName
	}
	for _, t := range teamList {
		c.teams[t.ID] = t.DisplayName
	}
	for _, r := range roleList {
		c.roles[r.ID] = r.Name
		c.organization = cmp.Or(c.organization, r.OrganizationID)
	}
	return c, nil
}

// sameUser checks that the user ID id is still the user the plan named
// name (users Apply created are its own).
func (a *applier) sameUser(ctx context.Context, id, name string) error {
	if a.created(id) {
		return nil
	}
	got, ok := a.now.users[id]
	if !ok && !a.now.completeUsers {
		u, err := a.s.users.Get(ctx, id)
		switch {
		case err == nil:
			got, ok = u.UserName, true
		case !gone(err):
			return fmt.Errorf("checking that ID %s is still user %s: %w", cut(id), cut(name), err)
		}
	}
	if !ok || !strings.EqualFold(got, name) {
		return notSame("user", name, id, got)
	}
	return nil
}

// sameTeam checks that the team ID id is still the team the plan named.
func (a *applier) sameTeam(ctx context.Context, id, name string) error {
	got, ok := a.now.teams[id]
	if !ok && !a.now.completeTeams {
		t, err := a.s.teams.Get(ctx, id)
		switch {
		case err == nil:
			got, ok = t.DisplayName, true
		case !gone(err):
			return fmt.Errorf("checking that ID %s is still team %s: %w", cut(id), cut(name), err)
		}
	}
	if !ok || !strings.EqualFold(got, name) {
		return notSame("team", name, id, got)
	}
	return nil
}

// sameRole checks that the role ID id is still the custom role the plan
// named.
func (a *applier) sameRole(ctx context.Context, id, name string) error {
	got, ok := a.now.roles[id]
	if !ok && !a.now.completeRoles {
		r, err := a.s.roles.Get(ctx, id)
		switch {
		case err == nil:
			got, ok = r.Name, true
		case !gone(err):
			return fmt.Errorf("checking that ID %s is still role %s: %w", cut(id), cut(name), err)
		}
	}
	if !ok || got != name {
		return notSame("role", name, id, got)
	}
	return nil
}
