package scimtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// bucketProviders are the storageBucket providers W&B accepts, exactly so
// written.
var bucketProviders = []string{"COREWEAVE", "AWS", "AZURE", "GCP", "MINIO"}

// handleGroups serves /scim/Groups and /scim/Groups/{id}. Teams cannot be
// deleted through SCIM.
func (s *Server) handleGroups(req *scimRequest) (reply, error) {
	if req.id == "" {
		switch req.method {
		case http.MethodGet:
			return s.listGroups(req)
		case http.MethodPost:
			return s.createGroup(req)
		}
		return reply{}, methodNotAllowed(req.method, "/Groups")
	}
	t := s.st.team(req.id)
	if t == nil {
		return reply{}, notFound("team %s not found", req.id)
	}
	switch req.method {
	case http.MethodGet:
		return s.groupReply(t, http.StatusOK), nil
	case http.MethodPut:
		return s.replaceGroup(req, t)
	case http.MethodPatch:
		return s.patchGroup(req, t)
	case http.MethodDelete:
		return reply{}, badRequest("deleting teams is not supported through SCIM: delete the team in the W&B App")
	}
	return reply{}, methodNotAllowed(req.method, "/Groups/{id}")
}

func (s *Server) groupReply(t *team, status int) reply {
	return reply{status: status, body: s.groupJSON(t), version: t.version}
}

// listGroups is GET /Groups, with the filter displayName eq, which is
// case-insensitive like team-name uniqueness (and the Users filters).
func (s *Server) listGroups(req *scimRequest) (reply, error) {
	match := func(*team) bool { return true }
	if f := filterParam(req.query); f != "" {
		cmp, err := parseFilter(f)
		if err != nil {
			return reply{}, err
		}
		if !strings.EqualFold(cmp.attr, "displayName") {
			return reply{}, invalidFilter("filtering Groups on %q is not supported: use displayName eq", cmp.attr)
		}
		match = func(t *team) bool { return strings.EqualFold(t.name, cmp.value) }
	}
	var out []any
	for _, t := range s.st.teams {
		if match(t) {
			out = append(out, s.groupJSON(t))
		}
	}
	return s.listReply(req.query, out)
}

// groupBody is a POST or PUT /Groups body.
type groupBody struct {
	DisplayName   string         `json:"displayName"`
	Members       []memberIn     `json:"members"`
	StorageBucket *StorageBucket `json:"storageBucket"`
}

// memberIn is a member reference of a request: a user ID or email in value.
type memberIn struct {
	Value   string `json:"value"`
	Display string `json:"display"`
}

// createGroup is POST /Groups. Every org service account joins the new team.
func (s *Server) createGroup(req *scimRequest) (reply, error) {
	var in groupBody
	if err := decodeBody(req.body, &in); err != nil {
		return reply{}, err
	}
	name := strings.TrimSpace(in.DisplayName)
	if name == "" {
		return reply{}, badRequest("displayName is required")
	}
	if s.st.teamByName(name) != nil {
		return reply{}, conflict("a team named %q already exists", name)
	}
	users, err := s.memberRefs(in.Members)
	if err != nil {
		return reply{}, err
	}
	if err := checkBucket(in.StorageBucket); err != nil {
		return reply{}, err
	}
	for _, a := range s.st.users() {
		if a.accountType == AccountOrgService && a.active {
			users = append(users, a)
		}
	}
	t := &team{name: name, bucket: in.StorageBucket}
	for _, a := range users {
		t.members = append(t.members, member{userID: a.id, role: "member"})
		s.st.touch(&a.record)
	}
	return s.groupReply(s.st.newTeam(t), http.StatusCreated), nil
}

func checkBucket(b *StorageBucket) error {
	if b == nil {
		return nil
	}
	if strings.TrimSpace(b.Name) == "" {
		return badRequest("storageBucket.name is required")
	}
	if !slices.Contains(bucketProviders, b.Provider) {
		return badRequest("invalid storageBucket.provider %q: must be one of %s", b.Provider, strings.Join(bucketProviders, ", "))
	}
	return nil
}

// memberRefs resolves member references (user IDs or emails) to users.
// Unknown users and service accounts (managed in the App) are 400s.
func (s *Server) memberRefs(in []memberIn) ([]*account, error) {
	var out []*account
	for _, m := range in {
		a := s.st.userByRef(strings.TrimSpace(m.Value))
		switch {
		case a == nil:
			return nil, badRequest("no user with ID or email %q", m.Value)
		case a.isService():
			return nil, badRequest("%s is a service account: manage team service accounts in the W&B App", m.Value)
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// replaceGroup is PUT /Groups/{id}: the displayName and the whole (user)
// membership. Service accounts stay.
func (s *Server) replaceGroup(req *scimRequest, t *team) (reply, error) {
	if err := checkIfMatch(req.header, t.version); err != nil {
		return reply{}, err
	}
	var in groupBody
	if err := decodeBody(req.body, &in); err != nil {
		return reply{}, err
	}
	users, err := s.memberRefs(in.Members)
	if err != nil {
		return reply{}, err
	}
	g := s.newGroupPatch(t)
	if err := g.rename(in.DisplayName); err != nil {
		return reply{}, err
	}
	g.setUsers(users)
	g.commit()
	return s.groupReply(t, http.StatusOK), nil
}

// groupPatch changes a working copy of a team's name and members.
type groupPatch struct {
	s       *Server
	t       *team
	name    string
	members []member
}

func (s *Server) newGroupPatch(t *team) *groupPatch {
	return &groupPatch{s: s, t: t, name: t.name, members: slices.Clone(t.members)}
}

func (g *groupPatch) rename(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return badRequest("displayName must not be empty")
	}
	if other := g.s.st.teamByName(name); other != nil && other != g.t {
		return conflict("a team named %q already exists", name)
	}
	g.name = name
	return nil
}

func (g *groupPatch) has(a *account) bool {
	return slices.ContainsFunc(g.members, func(m member) bool { return m.userID == a.id })
}

func (g *groupPatch) add(users []*account) {
	for _, a := range users {
		if !g.has(a) {
			g.members = append(g.members, member{userID: a.id, role: "member"})
		}
	}
}

// removeUsers removes the given users.
func (g *groupPatch) removeUsers(users []*account) {
	g.members = slices.DeleteFunc(g.members, func(m member) bool {
		return slices.ContainsFunc(users, func(a *account) bool { return a.id == m.userID })
	})
}

// removeAllUsers removes every user; service accounts stay, as they are
// managed in the App.
func (g *groupPatch) removeAllUsers() {
	g.members = slices.DeleteFunc(g.members, func(m member) bool {
		a := g.s.st.byID[m.userID]
		return a == nil || !a.isService()
	})
}

// setUsers makes users the team's only users, keeping their roles.
func (g *groupPatch) setUsers(users []*account) {
	g.members = slices.DeleteFunc(g.members, func(m member) bool {
		a := g.s.st.byID[m.userID]
		return a == nil || (!a.isService() && !slices.Contains(users, a))
	})
	g.add(users)
}

// commit stores the working copy, touching the team and every user whose
// membership changed (or whose team was renamed: it shows in teamRoles).
func (g *groupPatch) commit() {
	st, t := g.s.st, g.t
	membership := map[string]int{} // 1: was a member, 2: is one, 3: both
	for _, m := range t.members {
		membership[m.userID] |= 1
	}
	for _, m := range g.members {
		membership[m.userID] |= 2
	}
	renamed := g.name != t.name
	t.name, t.members = g.name, g.members
	for id, v := range membership {
		if a := st.byID[id]; a != nil && (v != 3 || renamed) {
			st.touch(&a.record)
		}
	}
	st.touch(&t.record)
}

// patchGroup is PATCH /Groups/{id}: add, remove or replace members (by user
// ID or email, or members[value eq "…"]), replace displayName, and the
// path-less form Okta's Group Push sends.
func (s *Server) patchGroup(req *scimRequest, t *team) (reply, error) {
	if err := checkIfMatch(req.header, t.version); err != nil {
		return reply{}, err
	}
	ops, err := parsePatch(req.body)
	if err != nil {
		return reply{}, err
	}
	g := s.newGroupPatch(t)
	for _, op := range ops {
		if err := g.apply(op); err != nil {
			return reply{}, err
		}
	}
	g.commit()
	return s.groupReply(t, http.StatusOK), nil
}

func (g *groupPatch) apply(op patchOperation) error {
	if op.Path == "" {
		return applyPathless(op, g.set)
	}
	vp, ok, err := parseValuePath(op.Path)
	if err != nil {
		return err
	}
	if ok {
		if op.Op != "remove" || !strings.EqualFold(vp.attr, "members") || !strings.EqualFold(vp.cmp.attr, "value") {
			return badRequest("unsupported path %q for op %s", op.Path, op.Op)
		}
		if a := g.s.st.userByRef(vp.cmp.value); a != nil {
			g.removeUsers([]*account{a})
		}
		return nil
	}
	if op.Op == "remove" && !op.hasValue() {
		if !strings.EqualFold(op.Path, "members") {
			return badRequest("cannot remove %q", op.Path)
		}
		g.removeAllUsers()
		return nil
	}
	return g.set(op.Op, op.Path, op.Value)
}

func (g *groupPatch) set(op, attr string, value json.RawMessage) error {
	switch strings.ToLower(attr) {
	case "id", "schemas", "externalid":
		return nil // sent by identity providers along with the changes
	case "displayname":
		if op == "remove" {
			return badRequest("displayName cannot be removed")
		}
		name, err := parseString("displayName", value)
		if err != nil {
			return err
		}
		return g.rename(name)
	case "members":
		var in []memberIn
		if err := json.Unmarshal(value, &in); err != nil {
			return badRequest("members must be an array of {value}")
		}
		if op == "remove" {
			// Removing someone who is not there (or does not exist) is a no-op.
			var users []*account
			for _, m := range in {
				if a := g.s.st.userByRef(m.Value); a != nil {
					users = append(users, a)
				}
			}
			g.removeUsers(users)
			return nil
		}
		users, err := g.s.memberRefs(in)
		if err != nil {
			return err
		}
		if op == "add" {
			g.add(users)
		} else {
			g.setUsers(users)
		}
		return nil
	}
	return badRequest("attribute %q of a team cannot be changed", attr)
}
