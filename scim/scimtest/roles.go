package scimtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// inheritedPermissions are the permissions a custom role inherits from its
// predefined role. The real lists are longer; these are enough to show
// inherited and custom permissions side by side.
var inheritedPermissions = map[string][]string{
	"viewer": {"artifact:read", "launchagent:read", "project:read", "report:read", "run:read"},
	"member": {
		"artifact:create", "artifact:read", "launchagent:read", "project:create", "project:read",
		"report:create", "report:read", "run:create", "run:read", "run:update",
	},
}

// handleRoles serves /scim/Roles and /scim/Roles/{id}.
func (s *Server) handleRoles(req *scimRequest) (reply, error) {
	if req.id == "" {
		switch req.method {
		case http.MethodGet:
			return s.listRoles(req)
		case http.MethodPost:
			return s.createRole(req)
		}
		return reply{}, methodNotAllowed(req.method, "/Roles")
	}
	r := s.st.role(req.id)
	if r == nil {
		return reply{}, notFound("role %s not found", req.id)
	}
	switch req.method {
	case http.MethodGet:
		return s.roleReply(r, http.StatusOK), nil
	case http.MethodPut:
		return s.replaceRole(req, r)
	case http.MethodPatch:
		return s.patchRole(req, r)
	case http.MethodDelete:
		if err := checkIfMatch(req.header, r.version); err != nil {
			return reply{}, err
		}
		s.st.deleteRole(r)
		return reply{status: http.StatusNoContent}, nil
	}
	return reply{}, methodNotAllowed(req.method, "/Roles/{id}")
}

func (s *Server) roleReply(r *role, status int) reply {
	return reply{status: status, body: s.roleJSON(r), version: r.version}
}

// listRoles is GET /Roles: every custom role. Roles have no filter.
func (s *Server) listRoles(req *scimRequest) (reply, error) {
	if filterParam(req.query) != "" {
		return reply{}, invalidFilter("filtering is not supported on Roles")
	}
	var out []any
	for _, r := range s.st.roles {
		out = append(out, s.roleJSON(r))
	}
	return s.listReply(req.query, out)
}

// roleBody is a POST or PUT /Roles body.
type roleBody struct {
	Name          string          `json:"name"`
	Description   string          `json:"description"`
	InheritedFrom string          `json:"inheritedFrom"`
	Permissions   *[]permissionIn `json:"permissions"`
}

type permissionIn struct {
	Name string `json:"name"`
}

// createRole is POST /Roles.
func (s *Server) createRole(req *scimRequest) (reply, error) {
	var in roleBody
	if err := decodeBody(req.body, &in); err != nil {
		return reply{}, err
	}
	name, err := s.st.roleName(in.Name, nil)
	if err != nil {
		return reply{}, err
	}
	r := &role{name: name, description: in.Description}
	if err := setInheritedFrom(r, in.InheritedFrom); err != nil {
		return reply{}, err
	}
	if in.Permissions != nil {
		perms, err := permissionNames(*in.Permissions)
		if err != nil {
			return reply{}, err
		}
		r.custom = perms
	}
	return s.roleReply(s.st.newRole(r), http.StatusCreated), nil
}

// roleName checks a role name: required, not a predefined role, and not the
// name of a role other than self.
func (st *store) roleName(name string, self *role) (string, error) {
	name = strings.TrimSpace(name)
	switch strings.ToLower(name) {
	case "":
		return "", badRequest("name is required")
	case "admin", "member", "viewer":
		return "", badRequest("%q is a predefined role name", name)
	}
	if other := st.roleByName(name); other != nil && other != self {
		return "", conflict("a role named %q already exists", name)
	}
	return name, nil
}

func setInheritedFrom(r *role, v string) error {
	switch lower := strings.ToLower(strings.TrimSpace(v)); lower {
	case "member", "viewer":
		r.inheritedFrom = lower
		return nil
	}
	return badRequest("invalid inheritedFrom %q: must be member or viewer", v)
}

// permissionNames checks permission names ("<object>:<operation>") and
// removes duplicates.
func permissionNames(in []permissionIn) ([]string, error) {
	var out []string
	for _, p := range in {
		object, op, ok := strings.Cut(p.Name, ":")
		if !ok || object == "" || op == "" || strings.ContainsAny(p.Name, " \t") || strings.Count(p.Name, ":") != 1 {
			return nil, badRequest("invalid permission %q: must be <object>:<operation>, such as run:stop", p.Name)
		}
		if !slices.Contains(out, p.Name) {
			out = append(out, p.Name)
		}
	}
	return out, nil
}

// replaceRole is PUT /Roles/{id}. Without permissions the custom
// permissions stay (W&B's own example PUTs only name, description and
// inheritedFrom); changing inheritedFrom keeps them too. A renamed role
// stays assigned to its holders.
func (s *Server) replaceRole(req *scimRequest, r *role) (reply, error) {
	if err := checkIfMatch(req.header, r.version); err != nil {
		return reply{}, err
	}
	var in roleBody
	if err := decodeBody(req.body, &in); err != nil {
		return reply{}, err
	}
	w := *r
	var err error
	if w.name, err = s.st.roleName(in.Name, r); err != nil {
		return reply{}, err
	}
	if strings.TrimSpace(in.InheritedFrom) != "" {
		if err := setInheritedFrom(&w, in.InheritedFrom); err != nil {
			return reply{}, err
		}
	}
	if in.Permissions != nil {
		perms, err := permissionNames(*in.Permissions)
		if err != nil {
			return reply{}, err
		}
		w.custom = perms
	}
	w.description = in.Description
	if w.name != r.name {
		s.renameRole(r.name, w.name)
	}
	*r = w
	s.st.touch(&r.record)
	return s.roleReply(r, http.StatusOK), nil
}

// renameRole moves the holders of a role to its new name.
func (s *Server) renameRole(from, to string) {
	st := s.st
	for _, a := range st.accounts {
		if a.orgRole == from {
			a.orgRole = to
			st.touch(&a.record)
		}
	}
	for _, t := range st.teams {
		for i, m := range t.members {
			if m.role == from {
				t.members[i].role = to
				st.touch(&t.record)
				if a := st.byID[m.userID]; a != nil {
					st.touch(&a.record)
				}
			}
		}
	}
}

// patchRole is PATCH /Roles/{id}: add or remove permissions (remove carries
// a value, as in W&B's docs), or replace the custom permissions.
// Inherited permissions cannot be removed.
func (s *Server) patchRole(req *scimRequest, r *role) (reply, error) {
	if err := checkIfMatch(req.header, r.version); err != nil {
		return reply{}, err
	}
	ops, err := parsePatch(req.body)
	if err != nil {
		return reply{}, err
	}
	custom := slices.Clone(r.custom)
	inherited := inheritedPermissions[r.inheritedFrom]
	for _, op := range ops {
		if !strings.EqualFold(op.Path, "permissions") {
			return reply{}, badRequest("unsupported path %q: only permissions can be patched", op.Path)
		}
		var in []permissionIn
		if op.hasValue() {
			if err := json.Unmarshal(op.Value, &in); err != nil {
				return reply{}, badRequest("permissions must be an array of {name}")
			}
		}
		names, err := permissionNames(in)
		if err != nil {
			return reply{}, err
		}
		if len(names) == 0 {
			return reply{}, badRequest("%s permissions needs a value: [{\"name\": \"<object>:<operation>\"}]", op.Op)
		}
		switch op.Op {
		case "add":
			for _, n := range names {
				if !slices.Contains(custom, n) {
					custom = append(custom, n)
				}
			}
		case "remove":
			for _, n := range names {
				if slices.Contains(inherited, n) {
					return reply{}, badRequest("permission %q is inherited from %s and cannot be removed", n, r.inheritedFrom)
				}
			}
			custom = slices.DeleteFunc(custom, func(n string) bool { return slices.Contains(names, n) })
		default:
			custom = names
		}
	}
	r.custom = custom
	s.st.touch(&r.record)
	return s.roleReply(r, http.StatusOK), nil
}
