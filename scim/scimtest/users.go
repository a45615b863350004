package scimtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// reactivationDetail is Multi-tenant's verbatim answer to {"active": true}.
const reactivationDetail = "User reactivation operations are not supported in SaaS Cloud"

// handleUsers serves /scim/Users and /scim/Users/{id}.
func (s *Server) handleUsers(req *scimRequest) (reply, error) {
	if req.id == "" {
		switch req.method {
		case http.MethodGet:
			return s.listUsers(req)
		case http.MethodPost:
			return s.createUser(req)
		}
		return reply{}, methodNotAllowed(req.method, "/Users")
	}
	a := s.st.user(req.id)
	if a == nil {
		return reply{}, notFound("user %s not found", req.id)
	}
	switch req.method {
	case http.MethodGet:
		return reply{status: http.StatusOK, body: s.userJSON(a), version: a.version}, nil
	case http.MethodPatch:
		return s.patchUser(req, a)
	case http.MethodDelete:
		return s.deleteUser(req, a)
	case http.MethodPut:
		if a.isService() {
			return reply{}, badRequest("service accounts cannot be updated through SCIM")
		}
		return reply{}, badRequest("PUT is not supported on /Users/{id}: use PATCH")
	}
	return reply{}, methodNotAllowed(req.method, "/Users/{id}")
}

// listUsers is GET /Users, with the filters userName eq and emails.value eq
// (both case-insensitive). Service accounts are listed too.
func (s *Server) listUsers(req *scimRequest) (reply, error) {
	match := func(*account) bool { return true }
	if f := filterParam(req.query); f != "" {
		cmp, err := parseFilter(f)
		if err != nil {
			return reply{}, err
		}
		switch strings.ToLower(cmp.attr) {
		case "username":
			match = func(a *account) bool { return strings.EqualFold(a.userName, cmp.value) }
		case "emails.value":
			match = func(a *account) bool {
				return slices.ContainsFunc(a.emails, func(e string) bool { return strings.EqualFold(e, cmp.value) })
			}
		default:
			return reply{}, invalidFilter("filtering Users on %q is not supported: use userName eq or emails.value eq", cmp.attr)
		}
	}
	var out []any
	for _, a := range s.st.users() {
		if match(a) {
			out = append(out, s.userJSON(a))
		}
	}
	return s.listReply(req.query, out)
}

// userBody is a POST /Users body, for a person or a service account.
type userBody struct {
	UserName         string          `json:"userName"`
	DisplayName      string          `json:"displayName"`
	Emails           []emailIn       `json:"emails"`
	AccountType      string          `json:"accountType"`
	ModelsSeat       *string         `json:"modelsSeat"`
	WeaveRole        *string         `json:"weaveRole"`
	OrganizationRole string          `json:"organizationRole"`
	Teams            *teamsExtension `json:"urn:ietf:params:scim:schemas:extension:teams:2.0:User"`
}

// teamsExtension is the teams extension object of a POST /Users body.
type teamsExtension struct {
	Teams       []string `json:"teams"`
	DefaultTeam string   `json:"defaultTeam"`
}

// emailIn is one address of a request body.
type emailIn struct {
	Value   string          `json:"value"`
	Primary json.RawMessage `json:"primary"`
	Type    string          `json:"type"`
	Display string          `json:"display"`
}

// createUser is POST /Users: a person, or with accountType a service account.
func (s *Server) createUser(req *scimRequest) (reply, error) {
	var in userBody
	if err := decodeBody(req.body, &in); err != nil {
		return reply{}, err
	}
	in.UserName = strings.TrimSpace(in.UserName)
	if in.UserName == "" {
		return reply{}, badRequest("userName is required")
	}
	switch strings.ToUpper(in.AccountType) {
	case "", AccountUser:
		return s.createPerson(in)
	case AccountService, AccountOrgService:
		in.AccountType = strings.ToUpper(in.AccountType)
		return s.createServiceAccount(in)
	}
	return reply{}, badRequest("invalid accountType %q: must be USER, SERVICE or ORG_SERVICE", in.AccountType)
}

func (s *Server) createPerson(in userBody) (reply, error) {
	st := s.st
	existing := st.byName[strings.ToLower(in.UserName)]
	if existing != nil && existing.inOrg {
		return reply{}, conflict("a user with userName %q already exists", in.UserName)
	}
	emails, err := s.checkEmails(in.Emails, existing)
	if err != nil {
		return reply{}, err
	}
	modelsSeat, err := optionalSeat("modelsSeat", in.ModelsSeat)
	if err != nil {
		return reply{}, err
	}
	weaveRole, err := optionalSeat("weaveRole", in.WeaveRole)
	if err != nil {
		return reply{}, err
	}
	orgRole := "member"
	if in.OrganizationRole != "" {
		var ok bool
		if orgRole, ok = st.resolveRole(in.OrganizationRole); !ok {
			return reply{}, badRequest("unknown organizationRole %q", in.OrganizationRole)
		}
	}
	var teams []*team
	if in.Teams != nil {
		if teams, err = s.teamsByName(in.Teams.Teams); err != nil {
			return reply{}, err
		}
	}

	a := existing
	if a != nil {
		// Multi-tenant: the W&B account outlived its removal from the
		// organization; adding it back keeps its ID and takes the body's
		// emails, and its displayName when given (seats and roles below).
		a.inOrg, a.active = true, true
		st.setEmails(a, emails)
		if dn := strings.TrimSpace(in.DisplayName); dn != "" {
			a.displayName = dn
		}
	} else {
		displayName := strings.TrimSpace(in.DisplayName)
		if displayName == "" {
			displayName = in.UserName
		}
		a = st.newAccount(&account{
			userName: in.UserName, displayName: displayName, emails: emails,
			active: true, accountType: AccountUser,
		})
	}
	a.modelsSeat, a.weaveRole = modelsSeat, weaveRole
	a.orgRole = orgRole
	teamRole := "member"
	if orgRole == "viewer" {
		applyLegacyViewer(a)
		teamRole = "viewer"
	}
	for _, t := range teams {
		st.addMember(t, a, teamRole)
	}
	if existing != nil {
		st.touch(&a.record) // a new user keeps version 1
	}
	return reply{status: http.StatusCreated, body: s.createdUserJSON(a), version: a.version}, nil
}

// applyLegacyViewer is what W&B does with the deprecated org role viewer:
// the user becomes a member with viewer seats. (Team roles are the caller's
// to set.)
func applyLegacyViewer(a *account) {
	a.orgRole, a.modelsSeat, a.weaveRole = "member", "viewer", "viewer"
}

// createServiceAccount provisions a team- or org-scoped service account
// (§5.4): defaultTeam must name an existing team; seats are refused; the
// teams list is Multi-tenant only and must contain defaultTeam.
func (s *Server) createServiceAccount(in userBody) (reply, error) {
	st := s.st
	if in.ModelsSeat != nil || in.WeaveRole != nil {
		return reply{}, badRequest("modelsSeat and weaveRole are not supported for service accounts")
	}
	if in.Teams == nil || strings.TrimSpace(in.Teams.DefaultTeam) == "" {
		return reply{}, badRequest("defaultTeam is required in %s to provision a service account", scim.TeamsUserExtension)
	}
	def := st.teamByName(in.Teams.DefaultTeam)
	if def == nil {
		return reply{}, badRequest("defaultTeam %q does not exist", in.Teams.DefaultTeam)
	}
	teams := []*team{def}
	if len(in.Teams.Teams) > 0 {
		if s.opts.Flavor != MultiTenant {
			return reply{}, badRequest("teams is not supported for service accounts on this deployment: use defaultTeam")
		}
		if !slices.ContainsFunc(in.Teams.Teams, func(n string) bool { return strings.EqualFold(n, def.name) }) {
			return reply{}, badRequest("teams must contain the defaultTeam %q", def.name)
		}
		more, err := s.teamsByName(in.Teams.Teams)
		if err != nil {
			return reply{}, err
		}
		for _, t := range more {
			if !slices.Contains(teams, t) {
				teams = append(teams, t)
			}
		}
	}
	if st.byName[strings.ToLower(in.UserName)] != nil {
		return reply{}, conflict("an account with userName %q already exists", in.UserName)
	}
	a := st.newAccount(&account{
		userName: in.UserName, displayName: in.UserName, active: true,
		accountType: in.AccountType, orgRole: "member",
	})
	for _, t := range teams {
		st.addMember(t, a, "member")
	}
	meta := s.createdMeta(a)
	return reply{status: http.StatusCreated, body: s.serviceAccountJSON(a, meta), version: a.version}, nil
}

// teamsByName resolves team names; an unknown one is a 400.
func (s *Server) teamsByName(names []string) ([]*team, error) {
	var out []*team
	for _, n := range names {
		t := s.st.teamByName(n)
		if t == nil {
			return nil, badRequest("team %q does not exist", n)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// checkEmails validates a request's emails for this flavor and returns the
// addresses, primary first. self is the account being changed, whose own
// addresses do not conflict.
func (s *Server) checkEmails(in []emailIn, self *account) ([]string, error) {
	if len(in) == 0 {
		return nil, badRequest("emails is required and must contain a primary email")
	}
	if s.opts.Flavor != MultiTenant && len(in) > 1 {
		return nil, badRequest("only one email per user is supported on this deployment")
	}
	var primary string
	var others []string
	for _, e := range in {
		v := strings.TrimSpace(e.Value)
		if !strings.Contains(v, "@") {
			return nil, badRequest("invalid email %q", e.Value)
		}
		if p, _ := parseBool(e.Primary); p {
			if primary != "" {
				return nil, badRequest("only one email may be primary")
			}
			primary = v
		} else if !slices.ContainsFunc(others, func(o string) bool { return strings.EqualFold(o, v) }) {
			others = append(others, v)
		}
	}
	if primary == "" {
		return nil, badRequest("emails must contain a primary email")
	}
	others = slices.DeleteFunc(others, func(o string) bool { return strings.EqualFold(o, primary) })
	emails := append([]string{primary}, others...)
	for _, e := range emails {
		if other := s.st.byEmail[strings.ToLower(e)]; other != nil && other != self {
			return nil, conflict("email %q is already used by another user", e)
		}
	}
	return emails, nil
}

// optionalSeat is parseSeat for an optional create field; absent is "full".
func optionalSeat(attr string, v *string) (string, error) {
	if v == nil {
		return "full", nil
	}
	return parseSeat(attr, *v)
}

// parseSeat checks a modelsSeat or weaveRole value: full, viewer or none.
func parseSeat(attr, v string) (string, error) {
	switch lower := strings.ToLower(strings.TrimSpace(v)); lower {
	case "full", "viewer", "none":
		return lower, nil
	}
	return "", badRequest("invalid %s %q: must be full, viewer or none", attr, v)
}

// deleteUser is DELETE /Users/{id}: a hard delete on Dedicated and
// Self-Managed; on Multi-tenant a person is removed from the organization
// (the W&B account remains) and a service account deleted.
func (s *Server) deleteUser(req *scimRequest, a *account) (reply, error) {
	if err := checkIfMatch(req.header, a.version); err != nil {
		return reply{}, err
	}
	if s.opts.Flavor == MultiTenant && !a.isService() {
		s.st.removeFromOrg(a)
	} else {
		s.st.deleteAccount(a)
	}
	return reply{status: http.StatusNoContent}, nil
}

// userPatch applies PATCH operations to a working copy of an account, so
// that a failing operation changes nothing.
type userPatch struct {
	s         *Server
	self      *account         // the stored account
	w         account          // working copy
	teamRoles map[*team]string // new team roles
	remove    bool             // Multi-tenant deactivation: leave the organization
}

// patchUser is PATCH /Users/{id} (§5.6). Service accounts cannot be patched.
func (s *Server) patchUser(req *scimRequest, a *account) (reply, error) {
	if err := checkIfMatch(req.header, a.version); err != nil {
		return reply{}, err
	}
	if a.isService() {
		return reply{}, badRequest("service accounts cannot be updated through SCIM")
	}
	ops, err := parsePatch(req.body)
	if err != nil {
		return reply{}, err
	}
	p := &userPatch{s: s, self: a, w: *a, teamRoles: map[*team]string{}}
	p.w.emails = slices.Clone(a.emails)
	p.w.registryRoles = slices.Clone(a.registryRoles)
	for _, op := range ops {
		if err := p.apply(op); err != nil {
			return reply{}, err
		}
	}
	p.commit()
	if p.remove {
		// Multi-tenant answers a deactivation with the PatchOp it received.
		return reply{status: http.StatusOK, raw: req.body}, nil
	}
	return reply{status: http.StatusOK, body: s.userJSON(a), version: a.version}, nil
}

func (p *userPatch) apply(op patchOperation) error {
	if op.Path == "" {
		return applyPathless(op, p.set)
	}
	vp, ok, err := parseValuePath(op.Path)
	if err != nil {
		return err
	}
	if ok {
		// registryRoles[registryName eq "NAME"]: remove one registry role
		// (W&B's examples send it as a replace without a value).
		if !strings.EqualFold(vp.attr, "registryRoles") || !strings.EqualFold(vp.cmp.attr, "registryName") ||
			(op.Op != "remove" && !(op.Op == "replace" && !op.hasValue())) {
			return badRequest("unsupported path %q for op %s", op.Path, op.Op)
		}
		p.w.registryRoles = slices.DeleteFunc(p.w.registryRoles, func(r RegistryRole) bool { return r.RegistryName == vp.cmp.value })
		return nil
	}
	if op.Op == "remove" || !op.hasValue() {
		// Only registryRoles can be removed (as a whole).
		if strings.EqualFold(op.Path, "registryRoles") {
			p.w.registryRoles = nil
			return nil
		}
		return badRequest("cannot %s %q without a value", op.Op, op.Path)
	}
	return p.set(op.Op, op.Path, op.Value)
}

// set applies add or replace of one attribute.
func (p *userPatch) set(op, attr string, value json.RawMessage) error {
	s, st, mt := p.s, p.s.st, p.s.opts.Flavor == MultiTenant
	switch strings.ToLower(attr) {
	case "id", "schemas":
		return nil // sent by some identity providers along with the changes
	case "active":
		active, ok := parseBool(value)
		switch {
		case !ok:
			return badRequest("active must be a boolean")
		case mt && active:
			return badRequest(reactivationDetail)
		case mt:
			p.remove = true
		default:
			p.w.active = active
		}
	case "emails":
		if mt {
			return badRequest("User email update operations are not supported in SaaS Cloud")
		}
		var in []emailIn
		if err := json.Unmarshal(value, &in); err != nil {
			return badRequest("emails must be an array of {value, primary}")
		}
		emails, err := s.checkEmails(in, p.self)
		if err != nil {
			return err
		}
		p.w.emails = emails
	case "displayname":
		if mt {
			return badRequest("User display name update operations are not supported in SaaS Cloud")
		}
		name, err := parseString("displayName", value)
		if err != nil {
			return err
		}
		if strings.TrimSpace(name) == "" {
			return badRequest("displayName must not be empty")
		}
		p.w.displayName = name
	case "organizationrole":
		name, err := parseString("organizationRole", value)
		if err != nil {
			return err
		}
		role, ok := st.resolveRole(name)
		if !ok {
			return badRequest("unknown organizationRole %q: use admin, member, viewer or a custom role name", name)
		}
		p.w.orgRole = role
		if role == "viewer" {
			applyLegacyViewer(&p.w)
			for _, t := range st.teamsOf(p.self) {
				p.teamRoles[t] = "viewer"
			}
		}
	case "modelsseat", "weaverole":
		v, err := parseString(attr, value)
		if err != nil {
			return err
		}
		seat, err := parseSeat(attr, v)
		if err != nil {
			return err
		}
		if strings.EqualFold(attr, "modelsSeat") {
			p.w.modelsSeat = seat
		} else {
			p.w.weaveRole = seat
		}
	case "teamroles":
		var roles []teamRoleJSON
		if err := json.Unmarshal(value, &roles); err != nil {
			return badRequest("teamRoles must be an array of {teamName, roleName}")
		}
		for _, r := range roles {
			t := st.teamByName(r.TeamName)
			if t == nil {
				return badRequest("team %q does not exist", r.TeamName)
			}
			if t.memberIndex(p.self.id) < 0 {
				return badRequest("user %s is not a member of team %q", p.self.userName, t.name)
			}
			role, ok := st.resolveRole(r.RoleName)
			if !ok {
				return badRequest("unknown team role %q: use admin, member, viewer or a custom role name", r.RoleName)
			}
			p.teamRoles[t] = role
		}
	case "registryroles":
		var roles []registryRoleJSON
		if err := json.Unmarshal(value, &roles); err != nil {
			return badRequest("registryRoles must be an array of {registryName, roleName}")
		}
		for _, r := range roles {
			if r.RegistryName == "" || r.RoleName == "" {
				return badRequest("registryRoles entries need registryName and roleName")
			}
			p.setRegistryRole(RegistryRole{RegistryName: r.RegistryName, RoleName: strings.ToLower(r.RoleName)})
		}
	default:
		return badRequest("attribute %q cannot be changed with PATCH", attr)
	}
	return nil
}

// setRegistryRole adds a registry role or changes the role for that
// registry: both add and replace merge, as W&B's "add to registry" example
// uses replace.
func (p *userPatch) setRegistryRole(r RegistryRole) {
	for i, x := range p.w.registryRoles {
		if x.RegistryName == r.RegistryName {
			p.w.registryRoles[i] = r
			return
		}
	}
	p.w.registryRoles = append(p.w.registryRoles, r)
}

// commit stores the working copy and the new team roles.
func (p *userPatch) commit() {
	st, a := p.s.st, p.self
	emails := p.w.emails
	p.w.emails = a.emails
	*a = p.w
	st.setEmails(a, emails)
	for t, role := range p.teamRoles {
		if i := t.memberIndex(a.id); i >= 0 && t.members[i].role != role {
			t.members[i].role = role
			st.touch(&t.record)
		}
	}
	st.touch(&a.record)
	if p.remove {
		st.removeFromOrg(a)
	}
}
