package scimtest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// store is the simulated organization. It is not safe for concurrent use: the
// Server guards it with its mutex.
type store struct {
	now func() time.Time

	accounts []*account // creation order; includes Multi-tenant users removed from the org
	byID     map[string]*account
	byName   map[string]*account // lower-cased userName
	byEmail  map[string]*account // lower-cased address, every address of every account
	teams    []*team             // creation order
	roles    []*role             // creation order
	keys     []*apiKey           // creation order

	nextUser, nextTeam, nextRole, nextInvite, nextKey int
}

// record is what every stored resource has: its place in creation order,
// its global ID, its timestamps and the version its ETag carries.
type record struct {
	seq      int
	id       string
	created  time.Time
	modified time.Time
	version  int
}

// account is a user or service account.
type account struct {
	record
	userName      string
	displayName   string
	emails        []string // the first is primary; none for service accounts
	active        bool
	inOrg         bool // false: removed from a Multi-tenant org, kept for re-adding
	accountType   string
	orgRole       string // "admin", "member" or a custom role's name
	modelsSeat    string // "" for service accounts
	weaveRole     string
	registryRoles []RegistryRole
	daysActive    int
	lastActiveAt  time.Time
}

func (a *account) isService() bool { return a.accountType != AccountUser }

// member is one membership of a team, with the member's team role.
type member struct {
	userID string
	role   string
}

// invite is a pending GraphQL invitation to a team.
type invite struct {
	id       string
	email    string
	username string
	admin    bool
	created  time.Time
}

type team struct {
	record
	name    string
	members []member
	invites []invite
	bucket  *StorageBucket
}

type role struct {
	record
	name          string
	description   string
	inheritedFrom string
	custom        []string
}

type apiKey struct {
	id          string
	secret      string
	description string
	ownerID     string
}

func newStore(now func() time.Time) *store {
	return &store{
		now:     now,
		byID:    map[string]*account{},
		byName:  map[string]*account{},
		byEmail: map[string]*account{},
	}
}

// globalID returns a W&B-style ID: base64 of "<kind>:<n>", e.g. "VXNlcjox".
func globalID(kind string, n int) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + ":" + strconv.Itoa(n)))
}

// orgID is the simulated organization's ID, reported as a role's organizationID.
var orgID = globalID("Organization", 1)

func (s *store) timestamp() time.Time { return s.now().UTC().Truncate(time.Second) }

// stamp makes r the n-th resource of kind (its ID is globalID(kind, n)),
// created now, at version 1.
func (s *store) stamp(r *record, kind string, n int) {
	r.seq, r.id = n, globalID(kind, n)
	r.created = s.timestamp()
	r.modified, r.version = r.created, 1
}

// touch records a change to r: the next version, modified now.
func (s *store) touch(r *record) {
	r.version++
	r.modified = s.timestamp()
}

// --- accounts ---

// newAccount registers a with a fresh ID. The caller has checked uniqueness.
func (s *store) newAccount(a *account) *account {
	s.nextUser++
	s.stamp(&a.record, "User", s.nextUser)
	a.inOrg = true
	s.accounts = append(s.accounts, a)
	s.byID[a.id] = a
	s.byName[strings.ToLower(a.userName)] = a
	s.indexEmails(a)
	return a
}

func (s *store) indexEmails(a *account) {
	for _, e := range a.emails {
		s.byEmail[strings.ToLower(e)] = a
	}
}

func (s *store) unindexEmails(a *account) {
	for _, e := range a.emails {
		if s.byEmail[strings.ToLower(e)] == a {
			delete(s.byEmail, strings.ToLower(e))
		}
	}
}

// setEmails replaces a's addresses, keeping the email index right.
func (s *store) setEmails(a *account, emails []string) {
	s.unindexEmails(a)
	a.emails = emails
	s.indexEmails(a)
}

// user returns the account with this ID in the organization, or nil.
func (s *store) user(id string) *account {
	if a := s.byID[id]; a != nil && a.inOrg {
		return a
	}
	return nil
}

// userByName returns the account in the organization with this userName
// (case-insensitive), or nil.
func (s *store) userByName(name string) *account {
	if a := s.byName[strings.ToLower(name)]; a != nil && a.inOrg {
		return a
	}
	return nil
}

// userByEmail returns the account in the organization with this address
// (case-insensitive), or nil.
func (s *store) userByEmail(email string) *account {
	if a := s.byEmail[strings.ToLower(email)]; a != nil && a.inOrg {
		return a
	}
	return nil
}

// userByRef resolves a team member reference: a user ID or an email address.
func (s *store) userByRef(ref string) *account {
	if a := s.user(ref); a != nil {
		return a
	}
	return s.userByEmail(ref)
}

// userByAny resolves an ID, a userName or an email address.
func (s *store) userByAny(key string) *account {
	if a := s.userByRef(key); a != nil {
		return a
	}
	return s.userByName(key)
}

// users returns the accounts in the organization, in creation order.
func (s *store) users() []*account {
	return keep(s.accounts, func(a *account) bool { return a.inOrg })
}

// deleteAccount removes a for good, with its memberships and API keys.
func (s *store) deleteAccount(a *account) {
	s.leaveAllTeams(a)
	s.accounts = slices.DeleteFunc(s.accounts, func(b *account) bool { return b == a })
	delete(s.byID, a.id)
	delete(s.byName, strings.ToLower(a.userName))
	s.unindexEmails(a)
	s.keys = slices.DeleteFunc(s.keys, func(k *apiKey) bool { return k.ownerID == a.id })
}

// removeFromOrg is Multi-tenant deactivation and deletion: the W&B account
// lives on outside the organization (re-adding it with POST /Users keeps its
// ID) but it loses its teams and is invisible to SCIM.
func (s *store) removeFromOrg(a *account) {
	s.leaveAllTeams(a)
	a.inOrg = false
	s.touch(&a.record)
}

// --- teams ---

func (s *store) newTeam(t *team) *team {
	s.nextTeam++
	s.stamp(&t.record, "Group", s.nextTeam)
	s.teams = append(s.teams, t)
	return t
}

func (s *store) team(id string) *team {
	return first(s.teams, func(t *team) bool { return t.id == id })
}

// teamByName finds a team by displayName, case-insensitively.
func (s *store) teamByName(name string) *team {
	return first(s.teams, func(t *team) bool { return strings.EqualFold(t.name, name) })
}

// entityID is the GraphQL ID of a team's entity.
func (t *team) entityID() string { return globalID("Entity", t.seq) }

func (t *team) memberIndex(userID string) int {
	return slices.IndexFunc(t.members, func(m member) bool { return m.userID == userID })
}

// addMember adds a to t with role unless a is already a member; it reports
// whether t changed. The caller touches a, whose teamRoles changed.
func (s *store) addMember(t *team, a *account, role string) bool {
	if t.memberIndex(a.id) >= 0 {
		return false
	}
	t.members = append(t.members, member{userID: a.id, role: role})
	s.touch(&t.record)
	return true
}

// removeMember removes the member with this user ID from t, if present. The
// caller touches the user.
func (s *store) removeMember(t *team, userID string) bool {
	i := t.memberIndex(userID)
	if i < 0 {
		return false
	}
	t.members = slices.Delete(t.members, i, i+1)
	s.touch(&t.record)
	return true
}

func (s *store) leaveAllTeams(a *account) {
	for _, t := range s.teams {
		s.removeMember(t, a.id)
	}
}

// teamRole is a's role in t, or "" when a is not a member.
func (t *team) teamRole(userID string) string {
	if i := t.memberIndex(userID); i >= 0 {
		return t.members[i].role
	}
	return ""
}

// teamsOf returns the teams a belongs to, in creation order.
func (s *store) teamsOf(a *account) []*team {
	return keep(s.teams, func(t *team) bool { return t.memberIndex(a.id) >= 0 })
}

// --- roles ---

func (s *store) newRole(r *role) *role {
	s.nextRole++
	s.stamp(&r.record, "Role", s.nextRole)
	s.roles = append(s.roles, r)
	return r
}

func (s *store) role(id string) *role {
	return first(s.roles, func(r *role) bool { return r.id == id })
}

// roleByName finds a custom role by name; custom role names are
// case-sensitive.
func (s *store) roleByName(name string) *role {
	return first(s.roles, func(r *role) bool { return r.name == name })
}

// deleteRole removes r and gives everyone who held it, as organization or
// team role, the role it inherited from.
func (s *store) deleteRole(r *role) {
	for _, a := range s.accounts {
		if a.orgRole == r.name {
			a.orgRole = r.inheritedFrom
			s.touch(&a.record)
		}
	}
	for _, t := range s.teams {
		changed := false
		for i, m := range t.members {
			if m.role == r.name {
				t.members[i].role = r.inheritedFrom
				changed = true
				if a := s.byID[m.userID]; a != nil {
					s.touch(&a.record)
				}
			}
		}
		if changed {
			s.touch(&t.record)
		}
	}
	s.roles = slices.DeleteFunc(s.roles, func(x *role) bool { return x == r })
}

// resolveRole normalises a role name for organizationRole or a team role:
// the predefined roles (admin, member, viewer) match case-insensitively and
// come back lower-case; a custom role must exist and matches exactly.
func (s *store) resolveRole(name string) (string, bool) {
	switch lower := strings.ToLower(name); lower {
	case "admin", "member", "viewer":
		return lower, true
	}
	if r := s.roleByName(name); r != nil {
		return r.name, true
	}
	return "", false
}

// --- API keys ---

// newKey issues a key owned by a. An empty secret gets a generated one.
func (s *store) newKey(a *account, secret, description string) *apiKey {
	s.nextKey++
	if secret == "" {
		secret = fmt.Sprintf("scimtest-key-%04d-0123456789abcdef0123456789abcdef", s.nextKey)
	}
	k := &apiKey{id: globalID("ApiKey", s.nextKey), secret: secret, description: description, ownerID: a.id}
	s.keys = append(s.keys, k)
	return k
}

func (s *store) keyBySecret(secret string) *apiKey {
	return first(s.keys, func(k *apiKey) bool { return k.secret == secret })
}

func (s *store) keysOf(a *account) []*apiKey {
	return keep(s.keys, func(k *apiKey) bool { return k.ownerID == a.id })
}

// first returns the first element of xs that match accepts, or nil.
func first[T any](xs []*T, match func(*T) bool) *T {
	if i := slices.IndexFunc(xs, match); i >= 0 {
		return xs[i]
	}
	return nil
}

// keep returns the elements of xs that match accepts, in order; nil when
// there are none.
func keep[T any](xs []T, match func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if match(x) {
			out = append(out, x)
		}
	}
	return out
}
