package orgsync

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/go-wandb/identity/users"
)

// Export returns the organization as it is now, as a File: every user
// (email, display name, organization role, seats, and "active": false for a
// deactivated one), every team with its members and their team roles, and
// every custom role with its custom permissions, each sorted by name.
// Service accounts are left out (the file does not manage them), and so are
// team roles of "member", the default. Planning the export against the same
// organization finds no changes. It reads with one walk each of users, teams
// and roles (GET /scim/Users, /scim/Groups, /scim/Roles); an incomplete walk
// (scim.ErrIncomplete) fails it.
func (s *Syncer) Export(ctx context.Context) (*File, error) {
	o, err := s.read(ctx, false, nil)
	if err != nil {
		return nil, err
	}
	f := &File{Users: []UserSpec{}, Teams: []TeamSpec{}, Roles: []RoleSpec{}}
	for _, u := range o.users {
		if u.IsServiceAccount() {
			continue
		}
		x := UserSpec{UserName: u.UserName, Email: u.PrimaryEmail(), DisplayName: u.DisplayName,
			OrganizationRole: u.OrganizationRole, ModelsSeat: u.ModelsSeat, WeaveRole: u.WeaveRole}
		if !u.Active {
			x.Active = new(bool)
		}
		f.Users = append(f.Users, x)
	}
	for _, t := range o.teams {
		x := TeamSpec{Name: t.DisplayName, Members: []MemberSpec{}}
		for _, m := range t.Members {
			u := o.byID[m.Value]
			if u == nil || u.IsServiceAccount() {
				continue
			}
			x.Members = append(x.Members, MemberSpec{UserName: u.UserName, Role: exportedRole(u, t.DisplayName)})
		}
		slices.SortFunc(x.Members, func(a, b MemberSpec) int { return compareNames(a.UserName, b.UserName) })
		f.Teams = append(f.Teams, x)
	}
	for _, r := range o.roles {
		f.Roles = append(f.Roles, RoleSpec{Name: r.Name, Description: r.Description, InheritedFrom: r.InheritedFrom,
			Permissions: r.CustomPermissions()})
	}
	slices.SortFunc(f.Users, func(a, b UserSpec) int { return compareNames(a.UserName, b.UserName) })
	slices.SortFunc(f.Teams, func(a, b TeamSpec) int { return compareNames(a.Name, b.Name) })
	slices.SortFunc(f.Roles, func(a, b RoleSpec) int { return cmp.Compare(a.Name, b.Name) })
	return f, nil
}

// exportedRole is u's role in team as a file writes it: "" for member.
func exportedRole(u *users.User, team string) string {
	if r := teamRole(u, team); !strings.EqualFold(r, "member") {
		return r
	}
	return ""
}

// compareNames orders names ignoring case, then exactly.
func compareNames(a, b string) int {
	return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
}
