package scimtest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// StateFormat is the version of the State layout this package writes (in
// State.Format) and reads.
const StateFormat = 1

// StateKind is what a State says it is (State.Kind, the JSON field "kind"),
// so that a state file is told apart from other JSON files, such as an
// organization file of scim/orgsync, by people and programs alike.
const StateKind = "wandb-simulator-state"

// State is a snapshot of a server's organization: its users and service
// accounts, teams (members, team roles, pending invites, storage buckets),
// custom roles and API keys, with every resource's ID, timestamps and ETag
// version, and the counters the next IDs are drawn from. A server started
// with Options.State continues exactly where the server that took the
// snapshot (Server.State) left off: the same replies, the same ETags, and
// new resources get the IDs the first server would have given them.
//
// A State is plain data with JSON tags, so it can be saved to a file and
// read back with encoding/json (examples/simulator does so with -state).
// Request logs, faults and the server's options are not part of it.
type State struct {
	// Kind is StateKind, always written first. A server refuses a State of
	// another kind, and accepts one without (written before the field
	// existed) for compatibility.
	Kind string `json:"kind"`
	// Format is StateFormat; a server refuses any other.
	Format int `json:"format"`
	// Flavor is the flavor of the server that took the snapshot; a server
	// of another flavor refuses it, since the data differ (Multi-tenant
	// organizations keep removed users, others keep deactivated ones).
	Flavor Flavor `json:"flavor"`
	// Revision counts the changes made to the organization. It grows by
	// one with every change (see Options.OnChange), never goes back within
	// a Server, and a server started from a State continues from it, so of
	// two snapshots the one with the higher Revision is the newer.
	Revision int `json:"revision"`
	// Counters are the last number used in each kind of ID.
	Counters StateCounters `json:"counters"`
	// Users, Teams, Roles and APIKeys are in creation order.
	Users   []StateUser   `json:"users"`
	Teams   []StateTeam   `json:"teams"`
	Roles   []StateRole   `json:"roles"`
	APIKeys []StateAPIKey `json:"apiKeys"`
}

// StateCounters are the last number used in each kind of W&B-style ID
// (base64("User:<n>") and so on); the next resource of a kind gets n+1.
type StateCounters struct {
	Users   int `json:"users"`
	Teams   int `json:"teams"`
	Roles   int `json:"roles"`
	Invites int `json:"invites"`
	APIKeys int `json:"apiKeys"`
}

// Record is what every stored resource has: its ID, when it was created and
// last modified, and its version, which the ETag W/"<version>" carries.
type Record struct {
	ID       string    `json:"id"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	Version  int       `json:"version"`
}

// StateUser is a user or service account of a State.
type StateUser struct {
	Record
	UserName    string `json:"userName"`
	DisplayName string `json:"displayName"`
	// Emails are the addresses, the primary first; none for service
	// accounts.
	Emails []string `json:"emails,omitempty"`
	Active bool     `json:"active"`
	// Removed marks a Multi-tenant user removed from the organization (by
	// deactivation or DELETE): the W&B account lives on, invisible to SCIM,
	// and keeps its ID when POST /Users adds it again.
	Removed     bool   `json:"removed,omitempty"`
	AccountType string `json:"accountType"`
	// OrgRole is "admin", "member" or a custom role's name (the legacy
	// "viewer" is stored as "member" with viewer seats, as W&B does).
	OrgRole string `json:"orgRole"`
	// ModelsSeat and WeaveRole are "full", "viewer" or "none"; empty for
	// service accounts.
	ModelsSeat    string         `json:"modelsSeat,omitempty"`
	WeaveRole     string         `json:"weaveRole,omitempty"`
	RegistryRoles []RegistryRole `json:"registryRoles,omitempty"`
	DaysActive    int            `json:"daysActive,omitempty"`
	// LastActiveAt is nil for an account never active.
	LastActiveAt *time.Time `json:"lastActiveAt,omitempty"`
}

// StateTeam is a team of a State.
type StateTeam struct {
	Record
	Name          string         `json:"name"`
	Members       []StateMember  `json:"members,omitempty"`
	Invites       []StateInvite  `json:"invites,omitempty"`
	StorageBucket *StorageBucket `json:"storageBucket,omitempty"`
}

// StateMember is one membership of a team: the member's user ID and team
// role ("admin", "member", "viewer" or a custom role's name).
type StateMember struct {
	UserID string `json:"userId"`
	Role   string `json:"role"`
}

// StateInvite is a pending GraphQL invitation to a team, by email, username
// or both.
type StateInvite struct {
	ID       string    `json:"id"`
	Email    string    `json:"email,omitempty"`
	Username string    `json:"username,omitempty"`
	Admin    bool      `json:"admin,omitempty"`
	Created  time.Time `json:"created"`
}

// StateRole is a custom role of a State.
type StateRole struct {
	Record
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	InheritedFrom string `json:"inheritedFrom"`
	// Permissions are the custom (non-inherited) permissions.
	Permissions []string `json:"permissions,omitempty"`
}

// StateAPIKey is an API key of a State: its secret authenticates as the
// account OwnerID names.
type StateAPIKey struct {
	ID          string `json:"id"`
	Secret      string `json:"secret"`
	Description string `json:"description,omitempty"`
	OwnerID     string `json:"ownerId"`
}

// State returns a snapshot of the organization as it is now. The snapshot
// shares nothing with the server.
func (s *Server) State() *State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked()
}

// stateLocked is State; the caller holds s.mu.
func (s *Server) stateLocked() *State {
	st := s.st
	out := &State{
		Kind:     StateKind,
		Format:   StateFormat,
		Flavor:   s.opts.Flavor,
		Revision: s.rev,
		Counters: StateCounters{
			Users: st.nextUser, Teams: st.nextTeam, Roles: st.nextRole, Invites: st.nextInvite, APIKeys: st.nextKey,
		},
		Users:   make([]StateUser, 0, len(st.accounts)),
		Teams:   make([]StateTeam, 0, len(st.teams)),
		Roles:   make([]StateRole, 0, len(st.roles)),
		APIKeys: make([]StateAPIKey, 0, len(st.keys)),
	}
	for _, a := range st.accounts {
		u := StateUser{
			Record: exportRecord(a.record), UserName: a.userName, DisplayName: a.displayName,
			Emails: slices.Clone(a.emails), Active: a.active, Removed: !a.inOrg, AccountType: a.accountType,
			OrgRole: a.orgRole, ModelsSeat: a.modelsSeat, WeaveRole: a.weaveRole,
			RegistryRoles: slices.Clone(a.registryRoles), DaysActive: a.daysActive,
		}
		if !a.lastActiveAt.IsZero() {
			t := a.lastActiveAt.UTC()
			u.LastActiveAt = &t
		}
		out.Users = append(out.Users, u)
	}
	for _, t := range st.teams {
		x := StateTeam{Record: exportRecord(t.record), Name: t.name}
		for _, m := range t.members {
			x.Members = append(x.Members, StateMember{UserID: m.userID, Role: m.role})
		}
		for _, inv := range t.invites {
			x.Invites = append(x.Invites, StateInvite{
				ID: inv.id, Email: inv.email, Username: inv.username, Admin: inv.admin, Created: inv.created.UTC(),
			})
		}
		if t.bucket != nil {
			b := *t.bucket
			x.StorageBucket = &b
		}
		out.Teams = append(out.Teams, x)
	}
	for _, r := range st.roles {
		out.Roles = append(out.Roles, StateRole{
			Record: exportRecord(r.record), Name: r.name, Description: r.description,
			InheritedFrom: r.inheritedFrom, Permissions: slices.Clone(r.custom),
		})
	}
	for _, k := range st.keys {
		out.APIKeys = append(out.APIKeys, StateAPIKey{ID: k.id, Secret: k.secret, Description: k.description, OwnerID: k.ownerID})
	}
	return out
}

func exportRecord(r record) Record {
	return Record{ID: r.id, Created: r.created.UTC(), Modified: r.modified.UTC(), Version: r.version}
}

// loadStore builds the store a State describes, checking that it is
// consistent: IDs of the right kind within the counters and unique, unique
// names and addresses, members and key owners that exist, known roles and
// seats. It then makes sure o.APIKey authenticates: when no key of the state
// has that secret, it is issued to the admin (o.AdminUserName), as seeding
// does; without such an admin the state is refused.
func loadStore(in *State, o Options) (*store, error) {
	if in.Kind != "" && in.Kind != StateKind {
		return nil, fmt.Errorf("kind %q, want %q: not a simulator state", in.Kind, StateKind)
	}
	if in.Format != StateFormat {
		return nil, fmt.Errorf("state format %d, want %d", in.Format, StateFormat)
	}
	if in.Flavor != o.Flavor {
		return nil, fmt.Errorf("the state is of a %s organization, the server is %s", in.Flavor, o.Flavor)
	}
	c := in.Counters
	if in.Revision < 0 || c.Users < 0 || c.Teams < 0 || c.Roles < 0 || c.Invites < 0 || c.APIKeys < 0 {
		return nil, errors.New("negative revision or counter")
	}
	st := newStore(o.Now)
	st.nextUser, st.nextTeam, st.nextRole, st.nextInvite, st.nextKey = c.Users, c.Teams, c.Roles, c.Invites, c.APIKeys
	ids := map[string]bool{}
	for i, r := range in.Roles {
		if err := st.loadRole(r, ids); err != nil {
			return nil, fmt.Errorf("roles[%d] (%q): %w", i, r.Name, err)
		}
	}
	for i, u := range in.Users {
		if err := st.loadUser(u, o.Flavor, ids); err != nil {
			return nil, fmt.Errorf("users[%d] (%q): %w", i, u.UserName, err)
		}
	}
	for i, t := range in.Teams {
		if err := st.loadTeam(t, ids); err != nil {
			return nil, fmt.Errorf("teams[%d] (%q): %w", i, t.Name, err)
		}
	}
	for i, k := range in.APIKeys {
		if err := st.loadKey(k, ids); err != nil {
			return nil, fmt.Errorf("apiKeys[%d] (%s): %w", i, k.ID, err)
		}
	}
	if st.keyBySecret(o.APIKey) == nil {
		admin := st.userByName(o.AdminUserName)
		if admin == nil || admin.isService() {
			return nil, fmt.Errorf("no API key of the state is Options.APIKey, and there is no admin %q to issue it to", o.AdminUserName)
		}
		st.newKey(admin, o.APIKey, "scimtest admin key")
	}
	return st, nil
}

// loadRecord checks a record's ID (base64("<kind>:<n>") with 1 <= n <= last,
// not seen before) and version, and returns it with its sequence number.
func loadRecord(r Record, kind string, last int, ids map[string]bool) (record, error) {
	n, err := parseGlobalID(r.ID, kind, last, ids)
	if err != nil {
		return record{}, err
	}
	if r.Version < 1 {
		return record{}, fmt.Errorf("version %d, want 1 or more", r.Version)
	}
	return record{seq: n, id: r.ID, created: r.Created, modified: r.Modified, version: r.Version}, nil
}

// parseGlobalID checks that id is base64("<kind>:<n>") with 1 <= n <= last
// and not in ids, adds it to ids, and returns n.
func parseGlobalID(id, kind string, last int, ids map[string]bool) (int, error) {
	raw, err := base64.StdEncoding.DecodeString(id)
	prefix, num, ok := strings.Cut(string(raw), ":")
	n, nerr := strconv.Atoi(num)
	switch {
	case err != nil || !ok || prefix != kind || nerr != nil || globalID(kind, n) != id:
		return 0, fmt.Errorf("ID %q is not a %s ID (base64 of %q)", id, kind, kind+":<n>")
	case n < 1 || n > last:
		return 0, fmt.Errorf("ID %q (%s:%d) is outside the counter's range 1..%d", id, kind, n, last)
	case ids[id]:
		return 0, fmt.Errorf("ID %q is used twice", id)
	}
	ids[id] = true
	return n, nil
}

func (st *store) loadRole(r StateRole, ids map[string]bool) error {
	rec, err := loadRecord(r.Record, "Role", st.nextRole, ids)
	if err != nil {
		return err
	}
	x := &role{record: rec, description: r.Description}
	if x.name, err = st.roleName(r.Name, nil); err != nil {
		return errors.New(detail(err))
	}
	if err := setInheritedFrom(x, r.InheritedFrom); err != nil {
		return errors.New(detail(err))
	}
	var in []permissionIn
	for _, p := range r.Permissions {
		in = append(in, permissionIn{Name: p})
	}
	if x.custom, err = permissionNames(in); err != nil {
		return errors.New(detail(err))
	}
	st.roles = append(st.roles, x)
	return nil
}

func (st *store) loadUser(u StateUser, flavor Flavor, ids map[string]bool) error {
	rec, err := loadRecord(u.Record, "User", st.nextUser, ids)
	if err != nil {
		return err
	}
	a := &account{
		record: rec, userName: u.UserName, displayName: u.DisplayName, emails: slices.Clone(u.Emails),
		active: u.Active, inOrg: !u.Removed, accountType: u.AccountType, orgRole: u.OrgRole,
		modelsSeat: u.ModelsSeat, weaveRole: u.WeaveRole, registryRoles: slices.Clone(u.RegistryRoles),
		daysActive: u.DaysActive,
	}
	if u.LastActiveAt != nil {
		a.lastActiveAt = *u.LastActiveAt
	}
	switch {
	case strings.TrimSpace(u.UserName) == "":
		return errors.New("userName is required")
	case st.byName[strings.ToLower(u.UserName)] != nil:
		return errors.New("userName is used twice")
	case u.Removed && (flavor != MultiTenant || a.isService()):
		return errors.New("only Multi-tenant users (not service accounts) can be removed from the organization")
	}
	switch a.accountType {
	case AccountUser:
		if len(a.emails) == 0 {
			return errors.New("a user needs an email")
		}
		if len(a.emails) > 1 && flavor != MultiTenant {
			return errors.New("only Multi-tenant users may have several emails")
		}
		for _, e := range a.emails {
			if !strings.Contains(e, "@") || st.byEmail[strings.ToLower(e)] != nil {
				return fmt.Errorf("email %q is invalid or used twice", e)
			}
		}
		if _, err := parseSeat("modelsSeat", a.modelsSeat); err != nil {
			return errors.New(detail(err))
		}
		if _, err := parseSeat("weaveRole", a.weaveRole); err != nil {
			return errors.New(detail(err))
		}
		if a.orgRole != "admin" && a.orgRole != "member" && st.roleByName(a.orgRole) == nil {
			return fmt.Errorf("unknown orgRole %q: want admin, member or a custom role of the state", a.orgRole)
		}
	case AccountService, AccountOrgService:
		if len(a.emails) > 0 || a.modelsSeat != "" || a.weaveRole != "" || a.orgRole != "member" {
			return errors.New(`a service account has no emails or seats, and orgRole "member"`)
		}
	default:
		return fmt.Errorf("invalid accountType %q", a.accountType)
	}
	st.accounts = append(st.accounts, a)
	st.byID[a.id] = a
	st.byName[strings.ToLower(a.userName)] = a
	st.indexEmails(a)
	return nil
}

func (st *store) loadTeam(t StateTeam, ids map[string]bool) error {
	rec, err := loadRecord(t.Record, "Group", st.nextTeam, ids)
	if err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(t.Name) == "":
		return errors.New("name is required")
	case st.teamByName(t.Name) != nil:
		return errors.New("team name is used twice")
	}
	if err := checkBucket(t.StorageBucket); err != nil {
		return errors.New(detail(err))
	}
	x := &team{record: rec, name: t.Name}
	for _, m := range t.Members {
		role, ok := st.resolveRole(m.Role)
		switch {
		case st.user(m.UserID) == nil:
			return fmt.Errorf("member %q is not a user of the organization", m.UserID)
		case x.memberIndex(m.UserID) >= 0:
			return fmt.Errorf("member %q is listed twice", m.UserID)
		case !ok:
			return fmt.Errorf("unknown team role %q of member %q", m.Role, m.UserID)
		}
		x.members = append(x.members, member{userID: m.UserID, role: role})
	}
	for _, inv := range t.Invites {
		if _, err := parseGlobalID(inv.ID, "Invite", st.nextInvite, ids); err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		if inv.Email == "" && inv.Username == "" {
			return fmt.Errorf("invite %q has neither email nor username", inv.ID)
		}
		x.invites = append(x.invites, invite{
			id: inv.ID, email: inv.Email, username: inv.Username, admin: inv.Admin, created: inv.Created,
		})
	}
	if t.StorageBucket != nil {
		b := *t.StorageBucket
		x.bucket = &b
	}
	st.teams = append(st.teams, x)
	return nil
}

func (st *store) loadKey(k StateAPIKey, ids map[string]bool) error {
	if _, err := parseGlobalID(k.ID, "ApiKey", st.nextKey, ids); err != nil {
		return err
	}
	switch {
	case k.Secret == "" || st.keyBySecret(k.Secret) != nil:
		return errors.New("the secret is empty or used twice")
	case st.byID[k.OwnerID] == nil:
		return fmt.Errorf("owner %q is not an account of the state", k.OwnerID)
	}
	st.keys = append(st.keys, &apiKey{id: k.ID, secret: k.Secret, description: k.Description, ownerID: k.OwnerID})
	return nil
}
