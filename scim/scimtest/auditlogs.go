package scimtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the simulator's audit log: the entries it records for what
// it does, and W&B's Audit Logging API in the form of the server's flavor.

// AuditEntry is one entry of the simulated audit log, with the keys of
// W&B's audit log schema that the simulator fills.
type AuditEntry struct {
	Timestamp    time.Time
	Action       string // such as "user:create", "team:uninvite"
	ActorEmail   string
	ActorUserID  string
	ActorIP      string
	UserAsset    string // the ID of the user the action affected
	UserEmail    string // that user's email
	EntityName   string // the team concerned
	ProjectName  string
	ResponseCode int
}

// simulatedIP is the actor_ip of the entries the server records: it listens
// on loopback only.
const simulatedIP = "127.0.0.1"

// AuditLog returns the entries recorded so far, oldest first.
//
// The server records an entry for each change it makes, with the caller as
// actor: user:create (POST /Users), user:deactivate and user:reactivate (a
// PATCH of active, or on Multi-tenant a DELETE of a person, which removes
// them from the organization), user:permanently_delete (DELETE /Users on
// Dedicated and Self-Managed, and of service accounts),
// organization:update_member (a PATCH of the organization role or a seat),
// user:update (any other PATCH of a user), team:create (POST /Groups and
// GraphQL createTeam), team:invite_user and team:uninvite (members added to
// or removed from a team, over SCIM or GraphQL, invites included),
// user:create_api_key and user:delete_api_key (GraphQL generateApiKey and
// deleteApiKey), team:create_service_account. Roles are not audited. The
// audit log is not part of a State and Reset empties it.
func (s *Server) AuditLog() []AuditEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.audit)
}

// AddAuditEntries appends entries to the audit log as if the server had
// recorded them (a test's history of logins, say); a zero Timestamp is the
// server's clock. Entries are kept in time order.
func (s *Server) AddAuditEntries(entries ...AuditEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range entries {
		if e.Timestamp.IsZero() {
			e.Timestamp = s.st.now()
		}
		s.appendAudit(e)
	}
}

// appendAudit adds e in time order; the caller holds s.mu.
func (s *Server) appendAudit(e AuditEntry) {
	e.Timestamp = e.Timestamp.UTC()
	i := len(s.audit)
	for i > 0 && s.audit[i-1].Timestamp.After(e.Timestamp) {
		i--
	}
	s.audit = slices.Insert(s.audit, i, e)
}

// recordAudit appends an entry by actor about target (either may be nil);
// the caller holds s.mu.
func (s *Server) recordAudit(actor *account, action string, target *account, team string, code int) {
	s.appendAudit(s.auditEntry(actor, action, target, team, code))
}

// auditEntry builds the entry recordAudit appends.
func (s *Server) auditEntry(actor *account, action string, target *account, team string, code int) AuditEntry {
	e := AuditEntry{Timestamp: s.st.now().UTC(), Action: action, ActorIP: simulatedIP, EntityName: team, ResponseCode: code}
	if actor != nil {
		e.ActorUserID = actor.id
		if len(actor.emails) > 0 {
			e.ActorEmail = actor.emails[0]
		}
	}
	if target != nil {
		e.UserAsset = target.id
		if len(target.emails) > 0 {
			e.UserEmail = target.emails[0]
		}
	}
	return e
}

// auditFacts is what a change's audit entries are worked out from: the
// target user or team before the change.
type auditFacts struct {
	user     *account // a copy
	teamName string
	members  []string // member IDs
	invites  []invite
	keyOwner *account
}

// auditBefore notes the SCIM request's target before it is handled; the
// caller holds s.mu.
func (s *Server) auditBefore(req *scimRequest, resource string) auditFacts {
	var f auditFacts
	switch {
	case req.id == "" || req.method == http.MethodGet:
	case resource == "Users":
		if a := s.st.user(req.id); a != nil {
			c := *a
			f.user = &c
		}
	case resource == "Groups":
		if t := s.st.team(req.id); t != nil {
			f.teamName = t.name
			for _, m := range t.members {
				f.members = append(f.members, m.userID)
			}
		}
	}
	return f
}

// auditSCIM records the entries of a SCIM change that succeeded; the
// caller holds s.mu.
func (s *Server) auditSCIM(req *scimRequest, resource string, before auditFacts, rep reply) {
	actor := req.principal
	newID := func() string {
		if m, ok := rep.body.(map[string]any); ok {
			id, _ := m["id"].(string)
			return id
		}
		return ""
	}
	switch {
	case resource == "Users" && req.method == http.MethodPost:
		if a := s.st.user(newID()); a != nil {
			s.recordAudit(actor, "user:create", a, "", rep.status)
		}
	case resource == "Users" && before.user != nil:
		was, now := before.user, s.st.user(req.id)
		switch {
		case req.method == http.MethodDelete && s.opts.Flavor == MultiTenant && !was.isService():
			s.recordAudit(actor, "user:deactivate", was, "", rep.status)
		case req.method == http.MethodDelete:
			s.recordAudit(actor, "user:permanently_delete", was, "", rep.status)
		case now == nil || (was.active && was.inOrg && (!now.active || !now.inOrg)):
			s.recordAudit(actor, "user:deactivate", was, "", rep.status)
		case !was.active && now.active:
			s.recordAudit(actor, "user:reactivate", now, "", rep.status)
		case was.orgRole != now.orgRole || was.modelsSeat != now.modelsSeat || was.weaveRole != now.weaveRole:
			s.recordAudit(actor, "organization:update_member", now, "", rep.status)
		default:
			s.recordAudit(actor, "user:update", now, "", rep.status)
		}
	case resource == "Groups" && req.method == http.MethodPost:
		if t := s.st.team(newID()); t != nil {
			s.recordAudit(actor, "team:create", nil, t.name, rep.status)
			s.auditMembers(actor, nil, t.id, rep.status)
		}
	case resource == "Groups" && before.teamName != "":
		s.auditMembers(actor, before.members, req.id, rep.status)
	}
}

// auditMembers records team:invite_user and team:uninvite for the members
// a team gained and lost since before; the caller holds s.mu.
func (s *Server) auditMembers(actor *account, before []string, teamID string, code int) {
	t := s.st.team(teamID)
	if t == nil {
		return
	}
	var now []string
	for _, m := range t.members {
		now = append(now, m.userID)
		if !slices.Contains(before, m.userID) {
			s.recordAudit(actor, "team:invite_user", s.st.user(m.userID), t.name, code)
		}
	}
	for _, id := range before {
		if !slices.Contains(now, id) {
			s.recordAudit(actor, "team:uninvite", s.st.user(id), t.name, code)
		}
	}
}

// auditGraphQLBefore notes what a GraphQL mutation's entries need and the
// mutation removes; the caller holds s.mu.
func (s *Server) auditGraphQLBefore(f gqlField) auditFacts {
	var facts auditFacts
	switch f.name {
	case "deleteApiKey":
		id := f.input().str("id")
		if i := slices.IndexFunc(s.st.keys, func(k *apiKey) bool { return k.id == id }); i >= 0 {
			facts.keyOwner = s.st.user(s.st.keys[i].ownerID)
		}
	case "deleteInvite":
		if t := s.st.teamByName(f.input().str("entityName")); t != nil {
			facts.teamName = t.name
			facts.invites = slices.Clone(t.invites)
		}
	}
	return facts
}

// auditGraphQL records the entries of a GraphQL root field that succeeded;
// the caller holds s.mu.
func (s *Server) auditGraphQL(actor *account, f gqlField, before auditFacts, v any) {
	in := f.input()
	const ok = http.StatusOK
	switch f.name {
	case "generateApiKey":
		s.recordAudit(actor, "user:create_api_key", actor, "", ok)
	case "deleteApiKey":
		s.recordAudit(actor, "user:delete_api_key", before.keyOwner, "", ok)
	case "createTeam":
		if t := s.st.teamByName(in.str("teamName")); t != nil {
			s.recordAudit(actor, "team:create", nil, t.name, ok)
			for _, m := range t.members {
				s.recordAudit(actor, "team:invite_user", s.st.user(m.userID), t.name, ok)
			}
		}
	case "createInvite":
		target := s.st.userByAny(in.str("username"))
		if target == nil {
			target = s.st.userByEmail(in.str("email"))
		}
		e := s.auditEntry(actor, "team:invite_user", target, in.str("entityName"), ok)
		if target == nil {
			e.UserEmail = in.str("email") // not a user of the organization yet
		}
		s.appendAudit(e)
	case "deleteInvite":
		id := in.str("id")
		if i := slices.IndexFunc(before.invites, func(inv invite) bool { return inv.id == id }); i >= 0 {
			inv := before.invites[i]
			target := s.st.userByAny(inv.username)
			if target == nil && inv.email != "" {
				target = s.st.userByEmail(inv.email)
			}
			s.recordAudit(actor, "team:uninvite", target, before.teamName, ok)
		} else {
			s.recordAudit(actor, "team:uninvite", s.st.user(id), before.teamName, ok)
		}
	case "createServiceAccount":
		var target *account
		if m, isMap := v.(map[string]any); isMap {
			if u, isMap := m["user"].(map[string]any); isMap {
				id, _ := u["id"].(string)
				target = s.st.user(id)
			}
		}
		s.recordAudit(actor, "team:create_service_account", target, in.str("entityName"), ok)
	}
}

// auditJSON is an entry as W&B sends it; anonymize leaves out the PII
// (email addresses and team and project names).
func (e AuditEntry) auditJSON(anonymize bool) map[string]any {
	m := map[string]any{"timestamp": e.Timestamp.UTC().Format(time.RFC3339), "action": e.Action}
	put := func(k, v string, pii bool) {
		if v != "" && !(pii && anonymize) {
			m[k] = v
		}
	}
	put("actor_email", e.ActorEmail, true)
	put("actor_user_id", e.ActorUserID, false)
	put("actor_ip", e.ActorIP, false)
	put("user_asset", e.UserAsset, false)
	put("user_email", e.UserEmail, true)
	put("entity_name", e.EntityName, true)
	put("project_name", e.ProjectName, true)
	if e.ResponseCode != 0 {
		m["response_code"] = e.ResponseCode
	}
	return m
}

// auditPath is where the server's flavor serves its audit logs.
func (s *Server) auditPath() string {
	if s.opts.Flavor == MultiTenant {
		return "/audit_logs"
	}
	return "/admin/audit_logs"
}

// auditError writes an audit log API error, {"error": "…"}.
func auditError(w http.ResponseWriter, status int, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": fmt.Sprintf(format, args...)})
}

// serveAuditLogs answers the Audit Logging API of the server's flavor, and
// reports whether r was such a request.
func (s *Server) serveAuditLogs(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != s.auditPath() {
		return false
	}
	if r.Method != http.MethodGet {
		auditError(w, http.StatusMethodNotAllowed, "%s is not supported on %s", r.Method, r.URL.Path)
		return true
	}
	s.mu.Lock()
	p, aerr := s.principal(r.Header.Get("Authorization"), false)
	now := s.st.now().UTC()
	s.mu.Unlock()
	switch {
	case aerr != nil:
		auditError(w, aerr.status, "%s", aerr.detail)
		return true
	case !isAdmin(p):
		auditError(w, http.StatusForbidden, "only organization admins can fetch audit logs")
		return true
	}
	ar, err := s.parseAuditQuery(r.URL.Query(), now)
	if err != nil {
		auditError(w, http.StatusBadRequest, "%v", err)
		return true
	}
	s.mu.Lock()
	var entries []AuditEntry
	for _, e := range s.audit {
		if !e.Timestamp.Before(ar.start) && e.Timestamp.Before(ar.end) {
			entries = append(entries, e)
		}
	}
	s.mu.Unlock()

	if !ar.paged {
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w) // one entry a line
		for _, e := range entries {
			_ = enc.Encode(e.auditJSON(ar.anonymize))
		}
		return true
	}
	if ar.offset > len(entries) {
		auditError(w, http.StatusBadRequest, "invalid cursor")
		return true
	}
	page := entries[ar.offset:min(len(entries), ar.offset+ar.limit)]
	logs := make([]map[string]any, len(page))
	for i, e := range page {
		logs[i] = e.auditJSON(ar.anonymize)
	}
	var next any
	if end := ar.offset + len(page); end < len(entries) {
		next = ar.cursor(end)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"audit_logs":       logs,
		"range_start_time": ar.start.Format(time.RFC3339),
		"range_end_time":   ar.end.Format(time.RFC3339),
		"count":            len(page),
		"next_cursor":      next,
	})
	return true
}

// auditRequest is a parsed audit log request.
type auditRequest struct {
	start, end time.Time
	anonymize  bool
	paged      bool
	limit      int
	offset     int
}

// cursor is the opaque cursor of the page starting at offset: it names the
// resolved range and anonymize, which a later request must repeat.
func (ar auditRequest) cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "v1|%d|%d|%d|%t", offset, ar.start.Unix(), ar.end.Unix(), ar.anonymize))
}

// parseAuditQuery reads the query parameters as the flavor's API documents
// them.
func (s *Server) parseAuditQuery(v url.Values, now time.Time) (auditRequest, error) {
	mt := s.opts.Flavor == MultiTenant
	var ar auditRequest
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	numDays, hasNumDays := 0, v.Has("numDays")
	if hasNumDays {
		n, err := strconv.Atoi(v.Get("numDays"))
		switch {
		case err != nil || n < 0:
			return ar, fmt.Errorf("numDays must be a non-negative integer, got %q", v.Get("numDays"))
		case mt && n > 7:
			return ar, fmt.Errorf("numDays must be between 0 and 7, got %d", n)
		}
		numDays = n
	}
	ar.start = today.AddDate(0, 0, -numDays)
	if sd := v.Get("startDate"); sd != "" {
		layouts := []string{time.DateOnly, "2006-01-02T15", "2006-01-02T15:04", "2006-01-02T15:04:05"}
		if mt {
			layouts = layouts[:1]
		}
		ok := false
		for _, l := range layouts {
			if t, err := time.ParseInLocation(l, sd, time.UTC); err == nil {
				ar.start, ok = t, true
				break
			}
		}
		if !ok {
			return ar, fmt.Errorf("invalid startDate %q", sd)
		}
	}
	ar.end = ar.start.AddDate(0, 0, numDays+1)
	if mt {
		ar.start = time.Date(ar.start.Year(), ar.start.Month(), ar.start.Day(), 0, 0, 0, 0, time.UTC)
		ar.end = ar.start.AddDate(0, 0, numDays+1)
	}
	if ed := v.Get("endDate"); ed != "" && !mt {
		if hasNumDays {
			return ar, fmt.Errorf("numDays cannot be used with endDate")
		}
		ok := false
		for _, l := range []string{time.DateOnly, "2006-01-02T15", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
			if t, err := time.ParseInLocation(l, ed, time.UTC); err == nil {
				ar.end, ok = t, true
				break
			}
		}
		if !ok {
			return ar, fmt.Errorf("invalid endDate %q", ed)
		}
		ar.paged = true
	}
	maxLimit := 20_000
	if mt {
		maxLimit, ar.paged = 1_000_000, true
	} else {
		ar.anonymize = v.Get("anonymize") == "true"
	}
	ar.limit = maxLimit
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			return ar, fmt.Errorf("limit must be an integer from 1 to %d, got %q", maxLimit, l)
		}
		ar.limit, ar.paged = n, true
	}
	if c := v.Get("cursor"); c != "" {
		if !ar.paged {
			return ar, fmt.Errorf("cursor needs limit or endDate")
		}
		raw, err := base64.RawURLEncoding.DecodeString(c)
		parts := strings.Split(string(raw), "|")
		if err != nil || len(parts) != 5 || parts[0] != "v1" {
			return ar, fmt.Errorf("invalid cursor")
		}
		off, _ := strconv.Atoi(parts[1])
		if ar.cursor(off) != c {
			return ar, fmt.Errorf("the cursor belongs to another date range or anonymize value")
		}
		ar.offset = off
	}
	if !ar.end.After(ar.start) {
		return ar, fmt.Errorf("endDate must be after startDate")
	}
	return ar, nil
}
