package scimtest

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// credentials is what an Authorization header carries.
type credentials struct {
	basic    bool
	username string
	key      string
}

// parseAuthorization reads "Bearer <key>" or "Basic base64(<user>:<key>)".
func parseAuthorization(h string) (credentials, bool) {
	scheme, value, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return credentials{}, false
	}
	value = strings.TrimSpace(value)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return credentials{key: value}, value != ""
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return credentials{}, false
		}
		user, key, ok := strings.Cut(string(raw), ":")
		return credentials{basic: true, username: user, key: key}, ok && key != ""
	}
	return credentials{}, false
}

func unauthorized(detail string) *apiError {
	return newError(http.StatusUnauthorized, "%s", detail)
}

// principal returns the active organization account owning the key in h.
// anyUser allows any Basic user name (GraphQL's "api:<key>"); otherwise a
// Basic user name must be empty (the service-account form ":<key>") or the
// key owner's userName.
func (s *Server) principal(h string, anyUser bool) (*account, *apiError) {
	cred, ok := parseAuthorization(h)
	if !ok {
		return nil, unauthorized("authentication required: send Authorization: Bearer <api-key> or Basic credentials")
	}
	k := s.st.keyBySecret(cred.key)
	if k == nil {
		return nil, unauthorized("invalid API key")
	}
	a := s.st.user(k.ownerID)
	if a == nil || !a.active {
		return nil, unauthorized("invalid API key")
	}
	if cred.basic && !anyUser && cred.username != "" && !strings.EqualFold(cred.username, a.userName) {
		return nil, unauthorized("invalid username or API key")
	}
	return a, nil
}

// authenticateSCIM checks a SCIM request's credentials: only org admins and
// org-scoped service accounts may call SCIM. A team-scoped service account's
// key cannot authenticate (401); any other user gets 403.
func (s *Server) authenticateSCIM(h string) (*account, *apiError) {
	a, err := s.principal(h, false)
	if err != nil {
		return nil, err
	}
	switch {
	case a.accountType == AccountService:
		return nil, unauthorized("team-scoped service account keys cannot access the SCIM API")
	case a.accountType == AccountUser && a.orgRole != "admin":
		return nil, newError(http.StatusForbidden, "user %s is not an organization admin", a.userName)
	}
	return a, nil
}

// isAdmin reports whether a may act as an organization admin.
func isAdmin(a *account) bool {
	return a.orgRole == "admin" || a.accountType == AccountOrgService
}
