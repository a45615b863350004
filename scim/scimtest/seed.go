package scimtest

import (
	"fmt"
	"slices"
	"strings"
)

// seedStore builds the organization Options describe: roles, then the admin
// (who owns the first user ID and the admin key), then the other users,
// then teams.
func seedStore(o Options) (*store, error) {
	st := newStore(o.Now)
	for _, r := range o.Roles {
		if _, err := st.seedRole(r); err != nil {
			return nil, err
		}
	}
	admin := User{UserName: o.AdminUserName, Email: o.AdminUserName + "@example.com", OrgRole: "admin"}
	adminAt := slices.IndexFunc(o.Users, func(u User) bool { return strings.EqualFold(u.UserName, o.AdminUserName) })
	if adminAt >= 0 {
		admin = o.Users[adminAt]
		if admin.OrgRole == "" {
			admin.OrgRole = "admin"
		}
	}
	a, err := st.seedUser(admin, o.Flavor)
	if err != nil {
		return nil, err
	}
	if st.keyBySecret(o.APIKey) == nil {
		st.newKey(a, o.APIKey, "scimtest admin key")
	}
	for i, u := range o.Users {
		if i == adminAt {
			continue
		}
		if _, err := st.seedUser(u, o.Flavor); err != nil {
			return nil, err
		}
	}
	for _, t := range o.Teams {
		if _, err := st.seedTeam(t); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (st *store) seedUser(u User, flavor Flavor) (*account, error) {
	fail := func(format string, args ...any) (*account, error) {
		return nil, fmt.Errorf("user %q: %s", u.UserName, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(u.UserName) == "" {
		return fail("UserName is required")
	}
	if st.byName[strings.ToLower(u.UserName)] != nil {
		return fail("duplicate userName")
	}
	a := &account{
		userName: u.UserName, displayName: u.DisplayName, active: !u.Inactive,
		accountType: u.AccountType, orgRole: "member",
		daysActive: u.DaysActive, lastActiveAt: u.LastActiveAt,
		registryRoles: slices.Clone(u.RegistryRoles),
	}
	if a.displayName == "" {
		a.displayName = u.UserName
	}
	switch a.accountType {
	case "":
		a.accountType = AccountUser
	case AccountUser, AccountService, AccountOrgService:
	default:
		return fail("invalid AccountType %q", u.AccountType)
	}
	if u.Inactive && flavor == MultiTenant {
		return fail("a deactivated Multi-tenant user is not in the organization: leave it out")
	}
	if a.isService() {
		if u.Email != "" || len(u.SecondaryEmails) > 0 || u.ModelsSeat != "" || u.WeaveRole != "" || u.OrgRole != "" {
			return fail("service accounts have no emails, seats or org role")
		}
		a.displayName = u.UserName
	} else {
		if u.Email == "" {
			return fail("Email is required")
		}
		if len(u.SecondaryEmails) > 0 && flavor != MultiTenant {
			return fail("only Multi-tenant users may have SecondaryEmails")
		}
		a.emails = append([]string{u.Email}, u.SecondaryEmails...)
		for _, e := range a.emails {
			if st.byEmail[strings.ToLower(e)] != nil {
				return fail("email %q is already used", e)
			}
		}
		var err error
		if a.modelsSeat, err = seedSeat(u.ModelsSeat); err != nil {
			return fail("%s", detail(err))
		}
		if a.weaveRole, err = seedSeat(u.WeaveRole); err != nil {
			return fail("%s", detail(err))
		}
		if u.OrgRole != "" {
			role, ok := st.resolveRole(u.OrgRole)
			if !ok {
				return fail("unknown OrgRole %q", u.OrgRole)
			}
			a.orgRole = role
			if role == "viewer" {
				applyLegacyViewer(a)
			}
		}
	}
	if u.APIKey != "" && st.keyBySecret(u.APIKey) != nil {
		return fail("duplicate APIKey")
	}
	st.newAccount(a)
	if u.APIKey != "" {
		st.newKey(a, u.APIKey, "seeded key")
	}
	return a, nil
}

func seedSeat(v string) (string, error) {
	if v == "" {
		return "full", nil
	}
	return parseSeat("seat", v)
}

// detail is an error's text without the status an *apiError carries.
func detail(err error) string {
	if e, ok := err.(*apiError); ok {
		return e.detail
	}
	return err.Error()
}

func (st *store) seedTeam(t Team) (*team, error) {
	fail := func(format string, args ...any) (*team, error) {
		return nil, fmt.Errorf("team %q: %s", t.Name, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(t.Name) == "" {
		return fail("Name is required")
	}
	if st.teamByName(t.Name) != nil {
		return fail("duplicate team name")
	}
	if err := checkBucket(t.StorageBucket); err != nil {
		return fail("%s", detail(err))
	}
	var members []member
	for _, ref := range t.Members {
		a := st.userByAny(ref)
		if a == nil {
			return fail("member %q does not exist", ref)
		}
		role := "member"
		if r, ok := t.Roles[ref]; ok {
			if role, ok = st.resolveRole(r); !ok {
				return fail("unknown role %q for %q", r, ref)
			}
		}
		if !slices.ContainsFunc(members, func(m member) bool { return m.userID == a.id }) {
			members = append(members, member{userID: a.id, role: role})
		}
	}
	for ref := range t.Roles {
		if !slices.Contains(t.Members, ref) {
			return fail("Roles names %q, who is not in Members", ref)
		}
	}
	var bucket *StorageBucket
	if t.StorageBucket != nil {
		b := *t.StorageBucket
		bucket = &b
	}
	return st.newTeam(&team{name: t.Name, members: members, bucket: bucket}), nil
}

func (st *store) seedRole(r Role) (*role, error) {
	fail := func(format string, args ...any) (*role, error) {
		return nil, fmt.Errorf("role %q: %s", r.Name, fmt.Sprintf(format, args...))
	}
	name, err := st.roleName(r.Name, nil)
	if err != nil {
		return fail("%s", detail(err))
	}
	x := &role{name: name, description: r.Description}
	from := r.InheritedFrom
	if from == "" {
		from = "member"
	}
	if err := setInheritedFrom(x, from); err != nil {
		return fail("%s", detail(err))
	}
	var in []permissionIn
	for _, p := range r.Permissions {
		in = append(in, permissionIn{Name: p})
	}
	if x.custom, err = permissionNames(in); err != nil {
		return fail("%s", detail(err))
	}
	return st.newRole(x), nil
}

// AddUser adds a user or service account directly, without a request (and
// without faults), as Options.Users does. It returns the stored user, ID
// included.
func (s *Server) AddUser(u User) (User, error) {
	s.mu.Lock()
	a, err := s.st.seedUser(u, s.opts.Flavor)
	if err != nil {
		s.mu.Unlock()
		return User{}, fmt.Errorf("scimtest: %w", err)
	}
	out, snap := s.userSnapshot(a), s.changed()
	s.mu.Unlock()
	s.notify(snap)
	return out, nil
}

// AddTeam adds a team directly, as Options.Teams does: only the members
// listed join it (org service accounts are not added, unlike POST /Groups).
func (s *Server) AddTeam(t Team) (Team, error) {
	s.mu.Lock()
	x, err := s.st.seedTeam(t)
	if err != nil {
		s.mu.Unlock()
		return Team{}, fmt.Errorf("scimtest: %w", err)
	}
	out, snap := s.teamSnapshot(x), s.changed()
	s.mu.Unlock()
	s.notify(snap)
	return out, nil
}

// AddRole adds a custom role directly, as Options.Roles does.
func (s *Server) AddRole(r Role) (Role, error) {
	s.mu.Lock()
	x, err := s.st.seedRole(r)
	if err != nil {
		s.mu.Unlock()
		return Role{}, fmt.Errorf("scimtest: %w", err)
	}
	out, snap := roleSnapshot(x), s.changed()
	s.mu.Unlock()
	s.notify(snap)
	return out, nil
}

// NewAPIKey issues a fresh API key for the organization account named by
// user (an ID, userName or email), and returns the secret. Use it to call
// the server as someone other than the admin (see User.APIKey for what each
// kind of account may do).
func (s *Server) NewAPIKey(user string) (string, error) {
	s.mu.Lock()
	a := s.st.userByAny(user)
	if a == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("scimtest: no user %q", user)
	}
	secret, snap := s.st.newKey(a, "", "issued by scimtest").secret, s.changed()
	s.mu.Unlock()
	s.notify(snap)
	return secret, nil
}

// User returns the organization account whose ID, userName or email is key,
// as it is now. A Multi-tenant user removed from the organization (by
// deactivation or DELETE) is not found.
func (s *Server) User(key string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.userByAny(key)
	if a == nil {
		return User{}, false
	}
	return s.userSnapshot(a), true
}

// Team returns the team whose ID or name is key, as it is now; Members are
// userNames and Roles is keyed by userName.
func (s *Server) Team(key string) (Team, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.st.team(key)
	if t == nil {
		t = s.st.teamByName(key)
	}
	if t == nil {
		return Team{}, false
	}
	return s.teamSnapshot(t), true
}

// Role returns the custom role whose ID or name is key, as it is now.
func (s *Server) Role(key string) (Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.st.role(key)
	if r == nil {
		r = s.st.roleByName(key)
	}
	if r == nil {
		return Role{}, false
	}
	return roleSnapshot(r), true
}

func (s *Server) userSnapshot(a *account) User {
	u := User{
		ID: a.id, UserName: a.userName, DisplayName: a.displayName, Inactive: !a.active,
		AccountType: a.accountType, OrgRole: a.orgRole, ModelsSeat: a.modelsSeat, WeaveRole: a.weaveRole,
		RegistryRoles: slices.Clone(a.registryRoles), DaysActive: a.daysActive, LastActiveAt: a.lastActiveAt,
	}
	if len(a.emails) > 0 {
		u.Email, u.SecondaryEmails = a.emails[0], slices.Clone(a.emails[1:])
	}
	if keys := s.st.keysOf(a); len(keys) > 0 {
		u.APIKey = keys[0].secret
	}
	return u
}

func (s *Server) teamSnapshot(t *team) Team {
	out := Team{ID: t.id, Name: t.name, Roles: map[string]string{}}
	for _, m := range t.members {
		if a := s.st.byID[m.userID]; a != nil {
			out.Members = append(out.Members, a.userName)
			out.Roles[a.userName] = m.role
		}
	}
	for _, inv := range t.invites {
		who := inv.username
		if who == "" {
			who = inv.email
		}
		out.Invites = append(out.Invites, who)
	}
	if t.bucket != nil {
		b := *t.bucket
		out.StorageBucket = &b
	}
	return out
}

func roleSnapshot(r *role) Role {
	return Role{
		ID: r.id, Name: r.name, Description: r.description,
		InheritedFrom: r.inheritedFrom, Permissions: slices.Clone(r.custom),
	}
}
