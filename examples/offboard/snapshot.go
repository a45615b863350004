package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/users"
)

// snapshotKind marks a file as an offboarding snapshot ("kind"), and
// snapshotFormat is the version of its layout that this program writes and
// reads.
const (
	snapshotKind   = "wandb-offboard-snapshot"
	snapshotFormat = 1
)

// snapshot is what offboard writes before it changes anything: each user as
// it was, and what -restore can bring back. It never holds a secret.
type snapshot struct {
	Kind       string          `json:"kind"`
	Format     int             `json:"format"`
	TakenAt    time.Time       `json:"takenAt"`
	BaseURL    string          `json:"baseUrl"`
	Deployment scim.Deployment `json:"deployment"`
	// Restorable says in plain words what -restore brings back here and
	// what it cannot.
	Restorable string         `json:"restorable"`
	Users      []snapshotUser `json:"users"`
}

// snapshotUser is one user as it was before offboarding.
type snapshotUser struct {
	UserName    string `json:"userName"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName,omitempty"`
	ID          string `json:"id"`
	Active      bool   `json:"active"`
	// OrganizationRole is admin, member, or a custom role's name, which
	// CustomRole repeats.
	OrganizationRole string         `json:"organizationRole"`
	CustomRole       string         `json:"customRole,omitempty"`
	ModelsSeat       users.Seat     `json:"modelsSeat,omitempty"`
	WeaveRole        users.Seat     `json:"weaveRole,omitempty"`
	Teams            []snapshotTeam `json:"teams"`
	// APIKeys are the user's keys, by ID (and name, when it cannot be the
	// secret); nil with APIKeysNote when they could not be listed.
	APIKeys     []snapshotKey `json:"apiKeys"`
	APIKeysNote string        `json:"apiKeysNote,omitempty"`
	// APIKeysDeleted says that this run deletes the keys (-revoke-keys).
	APIKeysDeleted bool `json:"apiKeysDeleted"`
	// Offboarding is what this run does to the user; Restore what
	// -restore can bring back, and NotRestorable what it cannot.
	Offboarding   string   `json:"offboarding"`
	Restore       string   `json:"restore"`
	NotRestorable []string `json:"notRestorable"`
}

// snapshotTeam is a team the user was in, with its team role.
type snapshotTeam struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// snapshotKey is an API key of the user: never its secret.
type snapshotKey struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	NameHidden  bool   `json:"nameWithheld,omitempty"`
	Description string `json:"description,omitempty"`
}

// minSecretLen is the length of the shortest W&B API key secret (the
// 40-character legacy keys; newer ones have 86). Older servers report a
// key's secret as its name (users.APIKey), so a name this long or longer is
// never written: only shorter ones, the IDs and prefixes of servers with
// hashed keys, can be names and nothing more.
const minSecretLen = 40

// safeKeyName is what may be written of a key's name: the name when it
// cannot be a secret, else "" and true (withheld).
func safeKeyName(name string) (string, bool) {
	if len(name) >= minSecretLen {
		return "", true
	}
	return name, false
}

// snapshotKeys returns keys as a snapshot holds them.
func snapshotKeys(keys []users.APIKey) []snapshotKey {
	out := make([]snapshotKey, 0, len(keys))
	for _, k := range keys {
		name, hidden := safeKeyName(k.Name)
		out = append(out, snapshotKey{ID: k.ID, Name: name, NameHidden: hidden, Description: k.Description})
	}
	return out
}

// multiTenantNote is said plainly, in the dry run and in the snapshot, of
// an offboarding on Multi-tenant Cloud.
const multiTenantNote = "On Multi-tenant Cloud, deactivation removes a user from the organization, and W&B refuses " +
	"to reactivate one: this offboarding cannot be undone by reactivation. -restore can only add the W&B account " +
	"back to the organization by email, as a new member, with the roles, seats and teams recorded here."

// restorable is the snapshot's statement of what can be restored on d.
func restorable(d scim.Deployment, deleting, revoking bool) string {
	var parts []string
	switch {
	case d.IsMultiTenant() && deleting:
		parts = append(parts, "On Multi-tenant Cloud, deleting a user removes it from the organization: -restore can only "+
			"add the W&B account back to the organization by email, as a new member, with the roles, seats and teams "+
			"recorded here; what the deleted membership held does not come back.")
	case d.IsMultiTenant():
		parts = append(parts, multiTenantNote)
	case deleting:
		parts = append(parts, "The users are deleted, not deactivated: -restore creates each again (a new account with "+
			"the same userName and email, and a new ID) with the roles, seats and teams recorded here; their history "+
			"on the old account does not come back.")
	default:
		parts = append(parts, "The users are deactivated, not deleted: -restore reactivates them and brings back their "+
			"organization roles, seats, teams and team roles as recorded here.")
	}
	if revoking {
		parts = append(parts, "API keys are deleted (-revoke-keys) and cannot be restored: the users must create new ones.")
	} else {
		parts = append(parts, "API keys are not deleted (they stay valid until deleted; -revoke-keys deletes them); "+
			"a key once deleted cannot be restored.")
	}
	return strings.Join(parts, " ")
}

// newSnapshotUser records e's user as it is now, with the plan for it.
func newSnapshotUser(e entry, d scim.Deployment) snapshotUser {
	u := e.user
	s := snapshotUser{UserName: u.UserName, Email: u.PrimaryEmail(), DisplayName: u.DisplayName, ID: u.ID, Active: u.Active,
		OrganizationRole: u.OrganizationRole, ModelsSeat: u.ModelsSeat, WeaveRole: u.WeaveRole,
		Teams: []snapshotTeam{}, Offboarding: e.plan.String()}
	if !users.PredefinedRole(u.OrganizationRole) {
		s.CustomRole = u.OrganizationRole
	}
	for _, t := range e.plan.Remove {
		s.Teams = append(s.Teams, snapshotTeam{Name: t.DisplayName, Role: teamRole(u, t.DisplayName)})
	}
	if e.keysErr != nil {
		s.APIKeysNote = "could not be listed: " + e.keysErr.Error()
	} else {
		s.APIKeys = snapshotKeys(e.keys)
	}
	s.APIKeysDeleted = len(e.plan.Revoke) > 0
	const recorded = "the organization role, seats, teams and team roles recorded here"
	switch {
	case d.IsMultiTenant() && e.plan.Delete:
		s.Restore = "membership of the organization, added back by email, with " + recorded
	case e.plan.Delete:
		s.Restore = "a new account with the same userName and email (and a new ID), with " + recorded
	case d.IsMultiTenant() && e.plan.Deactivate:
		s.Restore = "membership of the organization, added back by email (Multi-tenant Cloud cannot reactivate), with " + recorded
	case e.plan.Deactivate:
		s.Restore = "the account, reactivated, with " + recorded
	case !u.Active:
		s.Restore = "the teams and team roles recorded here (the user was inactive before, and is left so)"
	default:
		s.Restore = "the teams and team roles recorded here"
	}
	s.NotRestorable = []string{}
	if len(e.plan.Revoke) > 0 {
		s.NotRestorable = append(s.NotRestorable, fmt.Sprintf("its %s (id %s), deleted by -revoke-keys: new ones are made in the W&B App",
			exampleenv.Count(len(e.plan.Revoke), "API key"), keyIDs(s.APIKeys)))
	}
	switch {
	case e.plan.Delete && d.IsMultiTenant():
		s.NotRestorable = append(s.NotRestorable, "the deleted membership itself (its ID in the organization)")
	case e.plan.Delete:
		s.NotRestorable = append(s.NotRestorable, "the deleted account itself (its ID and history)")
	}
	return s
}

// teamRole is u's role in team as its teamRoles report it, "member" when
// they do not name the team.
func teamRole(u *users.User, team string) string {
	for _, r := range u.TeamRoles {
		if strings.EqualFold(r.TeamName, team) && r.RoleName != "" {
			return r.RoleName
		}
	}
	return "member"
}

// unsafeName matches what a default snapshot name leaves out of a userName.
var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// defaultSnapshotName is the snapshot's file name when -snapshot is not
// given: the users' names (the first three, and a count of the rest) and the
// time, such as offboard-alice-bob-20260607T101500Z.json.
func defaultSnapshotName(userNames []string, at time.Time) string {
	var parts []string
	for i, n := range userNames {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and-%d-more", len(userNames)-3))
			break
		}
		if n = strings.Trim(unsafeName.ReplaceAllString(n, "_"), "._-"); n != "" {
			parts = append(parts, n)
		}
	}
	return filepath.Clean("offboard-" + strings.Join(append(parts, at.UTC().Format("20060102T150405Z")), "-") + ".json")
}

// encode returns the snapshot as indented JSON (with "&" and "<" as they
// are, for people to read).
func (s *snapshot) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// readSnapshot decodes a snapshot file (name, for messages), checking its
// kind and format.
func readSnapshot(name string, data []byte) (*snapshot, error) {
	var probe struct {
		Kind   string `json:"kind"`
		Format int    `json:"format"`
	}
	if err := json.Unmarshal(data, &probe); err == nil && probe.Kind != snapshotKind {
		return nil, fmt.Errorf("%s: not an offboarding snapshot (its \"kind\" is %q, want %q)", name, probe.Kind, snapshotKind)
	} else if err == nil && probe.Format != snapshotFormat {
		return nil, fmt.Errorf("%s: snapshot format %d, this program reads format %d", name, probe.Format, snapshotFormat)
	}
	var s snapshot
	if err := exampleenv.DecodeJSON(name, data, &s, "an offboarding snapshot"); err != nil {
		return nil, err
	}
	if len(s.Users) == 0 {
		return nil, fmt.Errorf("%s: the snapshot holds no users", name)
	}
	for i, u := range s.Users {
		if u.UserName == "" {
			return nil, fmt.Errorf("%s: users[%d]: no userName", name, i)
		}
	}
	return &s, nil
}

// restoreFile is the organization file that brings back what s records: each
// user active (when it was: a user inactive before is not reactivated), with
// its organization role and seats (and email, needed to add it again where
// it is gone), and its teams, additively, with its team roles. Display names
// are managed only where the deployment can set them. A user inactive
// before and gone now (lower-cased userNames) is left out: W&B can only
// create a user active.
func (s *snapshot) restoreFile(d scim.Deployment, gone map[string]bool) *orgsync.File {
	active := true
	f := &orgsync.File{}
	byTeam := map[string]int{}
	for _, u := range s.Users {
		if !u.Active && gone[strings.ToLower(u.UserName)] {
			continue
		}
		spec := orgsync.UserSpec{UserName: u.UserName, Email: u.Email, OrganizationRole: u.OrganizationRole,
			ModelsSeat: u.ModelsSeat, WeaveRole: u.WeaveRole}
		if u.Active {
			spec.Active = &active
		}
		if !d.IsMultiTenant() {
			spec.DisplayName = u.DisplayName
		}
		f.Users = append(f.Users, spec)
		for _, t := range u.Teams {
			role := t.Role
			if strings.EqualFold(role, "member") {
				role = ""
			}
			k, ok := byTeam[strings.ToLower(t.Name)]
			if !ok {
				k = len(f.Teams)
				byTeam[strings.ToLower(t.Name)] = k
				f.Teams = append(f.Teams, orgsync.TeamSpec{Name: t.Name, Membership: orgsync.Additive})
			}
			f.Teams[k].Members = append(f.Teams[k].Members, orgsync.MemberSpec{UserName: u.UserName, Role: role})
		}
	}
	return f
}
