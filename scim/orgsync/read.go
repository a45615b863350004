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

// org is the organization as read for a plan or an export.
type org struct {
	users  []*users.User          // in the order listed
	byName map[string]*users.User // by lower-cased userName
	byID   map[string]*users.User
	teams  []*teams.Team
	byTeam map[string]*teams.Team // by lower-cased name
	roles  map[string]*roles.Role // by name
	// caller is the calling account's username ("" for an export).
	caller string
	// organization is the organization's ID as its roles report it ("" when
	// it has none).
	organization string
	warnings     []Problem
	// incomplete is set when a walk of users or teams ended incomplete.
	incomplete bool
}

func (o *org) user(name string) *users.User { return o.byName[strings.ToLower(name)] }
func (o *org) team(name string) *teams.Team { return o.byTeam[strings.ToLower(name)] }

func (o *org) addUser(u *users.User) {
	if o.byID[u.ID] != nil {
		return
	}
	o.users = append(o.users, u)
	o.byName[strings.ToLower(u.UserName)] = u
	o.byID[u.ID] = u
}

func (o *org) addTeam(t *teams.Team) {
	o.teams = append(o.teams, t)
	o.byTeam[strings.ToLower(t.DisplayName)] = t
}

// read reads the organization with one walk each of users, teams and roles,
// at the same time, and the caller (GraphQL viewer) when f is set (a plan).
// An incomplete walk fails an export (f nil) and a pruning plan; a plan
// otherwise looks up by name the users and teams of f the walk did not
// return.
func (s *Syncer) read(ctx context.Context, prune bool, f *File) (*org, error) {
	o := &org{byName: map[string]*users.User{}, byID: map[string]*users.User{},
		byTeam: map[string]*teams.Team{}, roles: map[string]*roles.Role{}}
	var (
		wg                                   sync.WaitGroup
		userList                             []*users.User
		teamList                             []*teams.Team
		roleList                             []*roles.Role
		userErr, teamErr, roleErr, callerErr error
	)
	wg.Add(3)
	go func() { defer wg.Done(); userList, userErr = collect(s.users.All(ctx, nil)) }()
	go func() { defer wg.Done(); teamList, teamErr = collect(s.teams.All(ctx, nil)) }()
	go func() { defer wg.Done(); roleList, roleErr = collect(s.roles.All(ctx, nil)) }()
	if f != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var a *users.Account
			if a, callerErr = s.users.Viewer(ctx); callerErr == nil {
				o.caller = a.Username
			}
		}()
	}
	wg.Wait()
	for _, u := range userList {
		o.addUser(u)
	}
	for _, t := range teamList {
		o.addTeam(t)
	}
	for _, r := range roleList {
		o.roles[r.Name] = r
		o.organization = cmp.Or(o.organization, r.OrganizationID)
	}
	switch {
	case callerErr != nil:
		return nil, fmt.Errorf("orgsync: finding the calling account, which is never deactivated or demoted: %w", callerErr)
	case roleErr != nil:
		return nil, fmt.Errorf("orgsync: reading the custom roles: %w", roleErr)
	}
	if userErr != nil {
		if err := s.incomplete(ctx, o, "users", userErr, prune, f); err != nil {
			return nil, err
		}
	}
	if teamErr != nil {
		if err := s.incomplete(ctx, o, "teams", teamErr, false, f); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// incomplete handles the error err that ended the walk of what ("users" or
// "teams"): anything but an incomplete walk fails, as does an incomplete
// walk for an export or a pruning plan. Otherwise the users or teams that f
// names and the walk did not return are looked up by name.
func (s *Syncer) incomplete(ctx context.Context, o *org, what string, err error, prune bool, f *File) error {
	var ie *scim.IncompleteError
	switch {
	case !errors.As(err, &ie):
		return fmt.Errorf("orgsync: reading the %s: %w", what, err)
	case f == nil:
		return fmt.Errorf("orgsync: cannot export: the server returned %d of %d %s: %w", ie.Seen, ie.Total, what, err)
	case prune:
		return fmt.Errorf("orgsync: cannot prune: the server returned %d of %d %s, so who is missing from the file cannot be known: %w",
			ie.Seen, ie.Total, what, err)
	}
	o.incomplete = true
	o.warnings = append(o.warnings, Problem{Message: fmt.Sprintf(
		"the server returned %d of %d %s; those the file names and the list lacked were looked up one by one", ie.Seen, ie.Total, what)})
	if what == "teams" {
		for _, t := range f.Teams {
			if o.team(t.Name) != nil {
				continue
			}
			found, err := s.teams.FindByName(ctx, t.Name)
			switch {
			case err == nil:
				o.addTeam(found)
			case !errors.Is(err, scim.ErrNotFound):
				return fmt.Errorf("orgsync: looking up team %q: %w", cut(t.Name), err)
			}
		}
		return nil
	}
	for _, name := range f.userNames() {
		if o.user(name) != nil {
			continue
		}
		found, err := s.users.FindByUserName(ctx, name)
		switch {
		case err == nil:
			o.addUser(found)
		case !errors.Is(err, scim.ErrNotFound):
			return fmt.Errorf("orgsync: looking up user %q: %w", cut(name), err)
		}
	}
	return nil
}

// userNames returns every userName f names, as a user or a team member.
func (f *File) userNames() []string {
	var out []string
	for _, u := range f.Users {
		out = append(out, u.UserName)
	}
	for _, t := range f.Teams {
		for _, m := range t.Members {
			out = append(out, m.UserName)
		}
	}
	return out
}

// collect gathers what a walk yields, and the error that ended it; the
// resources yielded before an error are kept.
func collect[T any](seq func(func(*T, error) bool)) ([]*T, error) {
	var out []*T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
