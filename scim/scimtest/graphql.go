package scimtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// GraphQL: POST /graphql with {"query", "variables", "operationName"}. The
// server recognises the root fields of the Python SDK's operations (viewer,
// users, entity, generateApiKey, deleteApiKey, createTeam, createInvite,
// deleteInvite, createServiceAccount), honours aliases ("result:
// createTeam(...)"), and answers each with the fields the query selects
// (fields it does not know are null). Failures are {"errors":[{"message"}],
// "data":null} with status 200; bad credentials are a 401.

type graphqlBody struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func writeGraphQLErrors(w http.ResponseWriter, status int, msgs ...string) {
	errs := make([]map[string]string, len(msgs))
	for i, m := range msgs {
		errs[i] = map[string]string{"message": m}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs, "data": nil})
}

func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		writeGraphQLErrors(w, http.StatusMethodNotAllowed, "GraphQL requests must be POSTed")
		return
	}
	var in graphqlBody
	if err := json.Unmarshal(body, &in); err != nil || strings.TrimSpace(in.Query) == "" {
		writeGraphQLErrors(w, http.StatusBadRequest, "the body must be JSON with a query")
		return
	}
	// Reading and checking the query is the costly part; it needs no state,
	// so it runs before the server lock is taken.
	op, perr := parseGraphQL(in.Query, in.OperationName, in.Variables)
	values, status, snap, err := s.runGraphQL(r.Header.Get("Authorization"), op, perr)
	s.notify(snap)
	if err != nil {
		writeGraphQLErrors(w, status, err.Error())
		return
	}
	data := map[string]any{}
	for i, f := range op.fields {
		data[f.alias] = op.project(values[i], f.sels)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
}

// mutations are the root fields that change the organization.
var mutations = []string{"generateApiKey", "deleteApiKey", "createTeam", "createInvite", "deleteInvite", "createServiceAccount"}

// runGraphQL checks the credentials and resolves op's root fields while
// holding the server lock; parseErr, the error reading the query, is
// reported after a credentials failure, as W&B authenticates first. The
// values it returns are fresh, so they can be projected after the lock is
// released. On failure it returns the status to reply with. When a mutation
// succeeded (even if a later field failed), it also returns the snapshot for
// OnChange (see changed).
func (s *Server) runGraphQL(auth string, op *gqlOperation, parseErr error) (values []any, status int, snap *State, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	principal, aerr := s.principal(auth, true)
	if aerr != nil {
		return nil, http.StatusUnauthorized, nil, errors.New(aerr.detail)
	}
	if parseErr != nil {
		return nil, http.StatusOK, nil, parseErr
	}
	changed := false
	defer func() {
		if changed {
			snap = s.changed()
		}
	}()
	values = make([]any, len(op.fields))
	for i, f := range op.fields {
		if f.spread != "" || f.inline {
			return nil, http.StatusOK, nil, errors.New("fragments are not supported at the root")
		}
		before := s.auditGraphQLBefore(f)
		v, err := s.resolve(principal, f)
		if err != nil {
			return nil, http.StatusOK, nil, err
		}
		s.auditGraphQL(principal, f, before, v)
		values[i] = v
		changed = changed || slices.Contains(mutations, f.name)
	}
	return values, http.StatusOK, nil, nil
}

// gqlArgs gives typed access to a field's input object (or its arguments).
type gqlArgs map[string]any

func (a gqlArgs) str(k string) string { s, _ := a[k].(string); return strings.TrimSpace(s) }
func (a gqlArgs) boolean(k string) bool {
	b, _ := a[k].(bool)
	return b
}

// input returns the field's "input" argument.
func (f gqlField) input() gqlArgs {
	m, _ := f.args["input"].(map[string]any)
	return m
}

var errPermission = errors.New("permission denied")

// resolve answers one root field as principal p.
func (s *Server) resolve(p *account, f gqlField) (any, error) {
	switch f.name {
	case "__typename":
		return "Query", nil
	case "viewer":
		return s.gqlUser(p), nil
	case "users":
		return s.gqlUsers(p, gqlArgs(f.args).str("query"))
	case "entity":
		if t := s.st.teamByName(gqlArgs(f.args).str("name")); t != nil {
			return s.gqlEntity(t), nil
		}
		return nil, nil
	case "generateApiKey":
		k := s.st.newKey(p, "", f.input().str("description"))
		return map[string]any{"apiKey": gqlKey(k)}, nil
	case "deleteApiKey":
		return s.gqlDeleteAPIKey(p, f.input().str("id"))
	case "createTeam":
		return s.gqlCreateTeam(p, f.input())
	case "createInvite":
		return s.gqlCreateInvite(p, f.input())
	case "deleteInvite":
		return s.gqlDeleteInvite(p, f.input())
	case "createServiceAccount":
		return s.gqlCreateServiceAccount(p, f.input())
	}
	return nil, fmt.Errorf("Cannot query field %q on the root type", f.name)
}

func gqlKey(k *apiKey) map[string]any {
	return map[string]any{"id": k.id, "name": k.secret, "description": k.description}
}

func primaryEmail(a *account) any {
	if len(a.emails) == 0 {
		return nil
	}
	return a.emails[0]
}

// gqlUser is a user as the Python SDK's UserFragment selects it.
func (s *Server) gqlUser(a *account) map[string]any {
	keys := []any{}
	for _, k := range s.st.keysOf(a) {
		keys = append(keys, map[string]any{"node": gqlKey(k)})
	}
	teams := []any{}
	for _, t := range s.st.teamsOf(a) {
		teams = append(teams, map[string]any{"node": map[string]any{"name": t.name}})
	}
	return map[string]any{
		"id":          a.id,
		"name":        a.displayName,
		"username":    a.userName,
		"email":       primaryEmail(a),
		"admin":       a.orgRole == "admin",
		"accountType": a.accountType,
		"entity":      a.userName,
		"flags":       nil,
		"deletedAt":   nil,
		"apiKeys":     map[string]any{"edges": keys},
		"teams":       map[string]any{"edges": teams},
	}
}

// gqlUsers is users(query): a case-insensitive substring search on username
// and email, for admins only.
func (s *Server) gqlUsers(p *account, query string) (any, error) {
	if !isAdmin(p) {
		return nil, errPermission
	}
	q := strings.ToLower(query)
	edges := []any{}
	for _, a := range s.st.users() {
		hit := strings.Contains(strings.ToLower(a.userName), q) ||
			slices.ContainsFunc(a.emails, func(e string) bool { return strings.Contains(strings.ToLower(e), q) })
		if hit {
			edges = append(edges, map[string]any{"node": s.gqlUser(a)})
		}
	}
	return map[string]any{"edges": edges}, nil
}

// gqlEntity is a team as GetTeamEntity selects it; members include pending
// invites.
func (s *Server) gqlEntity(t *team) map[string]any {
	members := []any{}
	for _, m := range t.members {
		a := s.st.byID[m.userID]
		if a == nil {
			continue
		}
		var key any
		if a.isService() {
			if keys := s.st.keysOf(a); len(keys) > 0 {
				key = keys[0].secret
			}
		}
		members = append(members, map[string]any{
			"id": a.id, "admin": m.role == "admin", "pending": false, "email": primaryEmail(a),
			"username": a.userName, "name": a.displayName, "photoUrl": "", "accountType": a.accountType,
			"apiKey": key,
		})
	}
	for _, inv := range t.invites {
		members = append(members, map[string]any{
			"id": inv.id, "admin": inv.admin, "pending": true, "email": nullable(inv.email),
			"username": nullable(inv.username), "name": "", "photoUrl": "", "accountType": AccountUser,
			"apiKey": nil,
		})
	}
	return map[string]any{
		"id": t.entityID(), "name": t.name, "available": false, "photoUrl": "", "readOnly": false,
		"readOnlyAdmin": false, "isTeam": true, "entityType": "TEAM", "privateOnly": false,
		"storageBytes": 0, "codeSavingEnabled": true, "defaultAccess": "MEMBER", "isPaid": true,
		"members": members,
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) gqlDeleteAPIKey(p *account, id string) (any, error) {
	i := slices.IndexFunc(s.st.keys, func(k *apiKey) bool { return k.id == id })
	if i < 0 {
		return nil, fmt.Errorf("API key %q not found", id)
	}
	if s.st.keys[i].ownerID != p.id && !isAdmin(p) {
		return nil, errPermission
	}
	s.st.keys = slices.Delete(s.st.keys, i, i+1)
	return map[string]any{"success": true}, nil
}

// gqlCreateTeam is createTeam(input:{teamName, teamAdminUserName}). Only org
// admins may create teams; the creator does not join, the named admin does.
func (s *Server) gqlCreateTeam(p *account, in gqlArgs) (any, error) {
	if !isAdmin(p) {
		return nil, fmt.Errorf("%w: only organization admins can create teams", errPermission)
	}
	name := in.str("teamName")
	if name == "" {
		return nil, errors.New("teamName is required")
	}
	if s.st.teamByName(name) != nil {
		return nil, fmt.Errorf("team %q already exists", name)
	}
	var admin *account
	if u := in.str("teamAdminUserName"); u != "" {
		if admin = s.st.userByName(u); admin == nil {
			return nil, fmt.Errorf("user %q not found", u)
		}
	}
	t := &team{name: name}
	if admin != nil {
		t.members = []member{{userID: admin.id, role: "admin"}}
		s.st.touch(&admin.record)
	}
	s.st.newTeam(t)
	return map[string]any{"entity": map[string]any{
		"id": t.entityID(), "name": t.name, "available": false, "photoUrl": "", "limits": nil,
	}}, nil
}

// teamForChange finds the team an invite mutation names and checks that p
// may manage it (an org admin, or the team's admin).
func (s *Server) teamForChange(p *account, name string) (*team, error) {
	t := s.st.teamByName(name)
	if t == nil {
		return nil, fmt.Errorf("team %q not found", name)
	}
	if !isAdmin(p) && t.teamRole(p.id) != "admin" {
		return nil, fmt.Errorf("%w: only team or organization admins can manage team %q", errPermission, t.name)
	}
	return t, nil
}

// gqlCreateInvite is createInvite(input:{entityName, email, username,
// admin}): a pending invite, which Members reports with pending true.
func (s *Server) gqlCreateInvite(p *account, in gqlArgs) (any, error) {
	t, err := s.teamForChange(p, in.str("entityName"))
	if err != nil {
		return nil, err
	}
	email, username := in.str("email"), in.str("username")
	var invitee *account
	switch {
	case username != "":
		if invitee = s.st.userByName(username); invitee == nil {
			return nil, fmt.Errorf("user %q not found", username)
		}
	case email != "":
		invitee = s.st.userByEmail(email)
	default:
		return nil, errors.New("an invite needs an email or a username")
	}
	if invitee != nil && invitee.isService() {
		return nil, fmt.Errorf("%s is a service account and cannot be invited", invitee.userName)
	}
	if invitee != nil && t.memberIndex(invitee.id) >= 0 {
		return nil, fmt.Errorf("%s is already a member of team %q", invitee.userName, t.name)
	}
	for _, inv := range t.invites {
		if (email != "" && strings.EqualFold(inv.email, email)) || (username != "" && strings.EqualFold(inv.username, username)) {
			return nil, fmt.Errorf("already invited to team %q", t.name)
		}
	}
	var toUser any
	if invitee != nil {
		toUser = map[string]any{"name": invitee.userName}
		if email == "" {
			email = invitee.emails[0]
		}
	}
	s.st.nextInvite++
	inv := invite{
		id: globalID("Invite", s.st.nextInvite), email: email, username: username,
		admin: in.boolean("admin"), created: s.st.timestamp(),
	}
	t.invites = append(t.invites, inv)
	s.st.touch(&t.record)
	name := username
	if name == "" {
		name = email
	}
	return map[string]any{"invite": map[string]any{
		"id": inv.id, "name": name, "email": nullable(inv.email), "createdAt": timeJSON(inv.created), "toUser": toUser,
	}}, nil
}

// gqlDeleteInvite is deleteInvite(input:{id, entityName}): it removes a
// pending invite, or a member (user or service account) by user ID.
func (s *Server) gqlDeleteInvite(p *account, in gqlArgs) (any, error) {
	t, err := s.teamForChange(p, in.str("entityName"))
	if err != nil {
		return nil, err
	}
	id := in.str("id")
	if i := slices.IndexFunc(t.invites, func(inv invite) bool { return inv.id == id }); i >= 0 {
		t.invites = slices.Delete(t.invites, i, i+1)
		s.st.touch(&t.record)
		return map[string]any{"success": true}, nil
	}
	if !s.st.removeMember(t, id) {
		return nil, fmt.Errorf("no member or invite %q in team %q", id, t.name)
	}
	s.st.touch(&s.st.byID[id].record)
	return map[string]any{"success": true}, nil
}

// gqlCreateServiceAccount is createServiceAccount(input:{description,
// entityName}): a team-scoped service account, with an API key, in the team.
func (s *Server) gqlCreateServiceAccount(p *account, in gqlArgs) (any, error) {
	t, err := s.teamForChange(p, in.str("entityName"))
	if err != nil {
		return nil, err
	}
	name := ""
	for n := len(s.st.accounts) + 1; name == "" || s.st.byName[strings.ToLower(name)] != nil; n++ {
		name = fmt.Sprintf("%s-service-account-%d", t.name, n)
	}
	a := s.st.newAccount(&account{
		userName: name, displayName: name, active: true, accountType: AccountService, orgRole: "member",
	})
	s.st.newKey(a, "", in.str("description"))
	s.st.addMember(t, a, "member")
	return map[string]any{"user": map[string]any{"id": a.id}}, nil
}
