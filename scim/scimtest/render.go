package scimtest

import (
	"slices"
	"strconv"
	"time"

	"github.com/go-wandb/identity/scim"
)

// Wire shapes. Top-level resources are maps, because W&B's replies list their
// keys alphabetically (as Go's encoding/json writes a map); nested objects
// keep the key order of W&B's examples.

// metaJSON is a resource's meta. lastModified is absent on user create
// replies; location is relative ("Users/<id>").
type metaJSON struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location"`
	Version      string `json:"version"`
}

// legacyEmailJSON is the pre-v0.80.1 emails value: one object with the
// capitalised keys of an untagged Go struct.
type legacyEmailJSON struct {
	Value   string
	Display string
	Type    string
	Primary bool
}

// emailJSON is one element of the current emails array.
type emailJSON struct {
	Display string `json:"display,omitempty"`
	Primary bool   `json:"primary"`
	Type    string `json:"type,omitempty"`
	Value   string `json:"value"`
}

// memberJSON is a group member as W&B sends it, capitalised keys included.
type memberJSON struct {
	Value   string
	Ref     string
	Type    string
	Display string
}

type teamRoleJSON struct {
	TeamName string `json:"teamName"`
	RoleName string `json:"roleName"`
}

type registryRoleJSON struct {
	RegistryName string `json:"registryName"`
	RoleName     string `json:"roleName"`
}

// groupRefJSON is an entry of a user's groups. W&B documents only "value"
// (the team's ID), so that is all the server sends: code tested here must
// not come to rely on a "display" W&B may not send.
type groupRefJSON struct {
	Value string `json:"value"`
}

type permissionJSON struct {
	Name        string `json:"name"`
	IsInherited bool   `json:"isInherited"`
}

// listResponse is a SCIM ListResponse, keys in W&B's order.
type listResponse struct {
	Resources    []any    `json:"Resources"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Schemas      []string `json:"schemas"`
	StartIndex   int      `json:"startIndex"`
	TotalResults int      `json:"totalResults"`
}

// etag is the weak ETag of a resource version, as header and meta.version.
func etag(version int) string { return `W/"` + strconv.Itoa(version) + `"` }

func timeJSON(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func newMeta(resourceType, location string, created, modified time.Time, version int) metaJSON {
	return metaJSON{
		ResourceType: resourceType,
		Created:      timeJSON(created),
		LastModified: timeJSON(modified),
		Location:     location,
		Version:      etag(version),
	}
}

// emptyList returns what an empty list field is on the wire: null for the
// legacy shapes, [] otherwise.
func (s *Server) emptyList() any {
	if s.opts.LegacyEmails {
		return nil
	}
	return []any{}
}

// list returns items, or emptyList when there are none.
func list[T any](s *Server, items []T) any {
	if len(items) == 0 {
		return s.emptyList()
	}
	return items
}

// --- users ---

func (s *Server) userMeta(a *account) metaJSON {
	return newMeta("User", "Users/"+a.id, a.created, a.modified, a.version)
}

// createdMeta is a user create reply's meta: no lastModified.
func (s *Server) createdMeta(a *account) metaJSON {
	m := s.userMeta(a)
	m.LastModified = ""
	return m
}

// emailsJSON renders a person's addresses, legacy or array.
func (s *Server) emailsJSON(a *account) any {
	if s.opts.LegacyEmails {
		if len(a.emails) == 0 {
			return nil
		}
		return legacyEmailJSON{Value: a.emails[0], Primary: true}
	}
	out := make([]emailJSON, len(a.emails))
	for i, e := range a.emails {
		out[i] = emailJSON{Value: e, Primary: i == 0}
	}
	return out
}

func (s *Server) teamRolesJSON(a *account) []teamRoleJSON {
	var out []teamRoleJSON
	for _, t := range s.st.teamsOf(a) {
		out = append(out, teamRoleJSON{TeamName: t.name, RoleName: t.teamRole(a.id)})
	}
	return out
}

func registryRolesJSON(a *account) []registryRoleJSON {
	var out []registryRoleJSON
	for _, r := range a.registryRoles {
		out = append(out, registryRoleJSON(r))
	}
	return out
}

func lastActiveJSON(a *account) any {
	if a.lastActiveAt.IsZero() {
		return nil
	}
	return timeJSON(a.lastActiveAt)
}

// serviceOrgRole is the organizationRole a service account reports: "member",
// or on Self-Managed "service" / "org_service".
func (s *Server) serviceOrgRole(a *account) string {
	if s.opts.Flavor != SelfManaged {
		return "member"
	}
	if a.accountType == AccountOrgService {
		return "org_service"
	}
	return "service"
}

// userJSON is a user or service account as GET, list and PATCH return it.
// Every role and seat field is present; teamRoles, groups and registryRoles
// only when not empty.
func (s *Server) userJSON(a *account) map[string]any {
	if a.isService() {
		m := s.serviceAccountJSON(a, s.userMeta(a))
		m["daysActive"] = a.daysActive
		m["lastActiveAt"] = lastActiveJSON(a)
		return m
	}
	m := map[string]any{
		"accountType":      a.accountType,
		"active":           a.active,
		"daysActive":       a.daysActive,
		"displayName":      a.displayName,
		"emails":           s.emailsJSON(a),
		"id":               a.id,
		"lastActiveAt":     lastActiveJSON(a),
		"meta":             s.userMeta(a),
		"modelsSeat":       a.modelsSeat,
		"organizationRole": a.orgRole,
		"schemas":          []string{scim.UserSchema},
		"userName":         a.userName,
		"weaveRole":        a.weaveRole,
	}
	if roles := s.teamRolesJSON(a); len(roles) > 0 {
		m["teamRoles"] = roles
		var groups []groupRefJSON
		for _, t := range s.st.teamsOf(a) {
			groups = append(groups, groupRefJSON{Value: t.id})
		}
		m["groups"] = groups
	}
	if roles := registryRolesJSON(a); len(roles) > 0 {
		m["registryRoles"] = roles
	}
	return m
}

// serviceAccountJSON is the §5.4 shape: the wandb extension, no emails and
// no seats.
func (s *Server) serviceAccountJSON(a *account, meta metaJSON) map[string]any {
	orgRole := s.serviceOrgRole(a)
	return map[string]any{
		"accountType":      a.accountType,
		"active":           a.active,
		"displayName":      a.displayName,
		"id":               a.id,
		"meta":             meta,
		"organizationRole": orgRole,
		"schemas":          []string{scim.UserSchema, scim.WandbUserExtension},
		"teamRoles":        list(s, s.teamRolesJSON(a)),
		"userName":         a.userName,
		scim.WandbUserExtension: map[string]any{
			"organizationRole": orgRole,
		},
	}
}

// createdUserJSON is the 201 reply to POST /Users for a person: the
// Dedicated shape, or on Multi-tenant the teams-extension shape with
// organizationRole, teamRoles and groups ([{"value": teamID}]).
func (s *Server) createdUserJSON(a *account) map[string]any {
	m := map[string]any{
		"active":      a.active,
		"displayName": a.displayName,
		"emails":      s.emailsJSON(a),
		"id":          a.id,
		"meta":        s.createdMeta(a),
		"modelsSeat":  a.modelsSeat,
		"schemas":     []string{scim.UserSchema},
		"userName":    a.userName,
		"weaveRole":   a.weaveRole,
	}
	roles := s.teamRolesJSON(a)
	if s.opts.Flavor == MultiTenant {
		var groups []groupRefJSON
		for _, t := range s.st.teamsOf(a) {
			groups = append(groups, groupRefJSON{Value: t.id})
		}
		m["schemas"] = []string{scim.UserSchema, scim.TeamsUserExtension}
		m["organizationRole"] = a.orgRole
		m["teamRoles"] = list(s, roles)
		m["groups"] = list(s, groups)
	} else if len(roles) > 0 {
		m["teamRoles"] = roles
	}
	return m
}

// --- groups ---

func (s *Server) groupJSON(t *team) map[string]any {
	var members []memberJSON
	for _, m := range t.members {
		if a := s.st.byID[m.userID]; a != nil {
			members = append(members, memberJSON{Value: a.id, Display: a.userName})
		}
	}
	return map[string]any{
		"displayName": t.name,
		"id":          t.id,
		"members":     list(s, members),
		"meta":        newMeta("Group", "Groups/"+t.id, t.created, t.modified, t.version),
		"schemas":     []string{scim.GroupSchema},
	}
}

// --- roles ---

func (s *Server) roleJSON(r *role) map[string]any {
	var perms []permissionJSON
	inherited := inheritedPermissions[r.inheritedFrom]
	for _, p := range inherited {
		perms = append(perms, permissionJSON{Name: p, IsInherited: true})
	}
	for _, p := range r.custom {
		if !slices.Contains(inherited, p) {
			perms = append(perms, permissionJSON{Name: p})
		}
	}
	return map[string]any{
		"description":    r.description,
		"id":             r.id,
		"inheritedFrom":  r.inheritedFrom,
		"meta":           newMeta("Role", "Roles/"+r.id, r.created, r.modified, r.version),
		"name":           r.name,
		"organizationID": orgID,
		"permissions":    list(s, perms),
		"schemas":        []string{""},
	}
}
