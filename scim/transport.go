package scim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-wandb/identity/internal/call"
	"github.com/go-wandb/identity/internal/redact"
)

// authRule is the Authorization header for one origin.
type authRule struct {
	scheme, host, port string // the origin, lower case, the port explicit
	header             string
}

// newAuthRule returns the rule that sends header to u's origin.
func newAuthRule(u *url.URL, header string) authRule {
	return authRule{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: port(u), header: header}
}

// matches reports whether u is on the rule's origin.
func (r authRule) matches(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, r.scheme) && strings.EqualFold(u.Hostname(), r.host) && port(u) == r.port
}

// withAuthorization copies h, adding Authorization: value, in two
// allocations (the map and one backing array for every value).
func withAuthorization(h http.Header, value string) http.Header {
	n := 1
	for _, vv := range h {
		n += len(vv)
	}
	out := make(http.Header, len(h)+1)
	vals := make([]string, 0, n)
	for k, vv := range h {
		if k == "Authorization" {
			continue
		}
		vals = append(vals, vv...)
		out[k] = vals[len(vals)-len(vv) : len(vals) : len(vals)]
	}
	vals = append(vals, value)
	out["Authorization"] = vals[len(vals)-1:]
	return out
}

// authTransport adds the Authorization header, and only to the configured
// origin. Because the header is never set on the request itself, Go's redirect
// handling cannot carry it anywhere: a redirect to another scheme, host or port
// is followed without credentials.
type authTransport struct {
	base    http.RoundTripper
	scim    authRule
	graphql authRule
}

// RoundTrip implements http.RoundTripper. The header goes on a copy of the
// request, and the reply points back at the caller's request, so neither the
// request nor Response.Request ever carries the credential.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rule := t.scim
	if call.From(req.Context()).Kind.GraphQL() {
		rule = t.graphql
	}
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if !rule.matches(req.URL) {
		return base.RoundTrip(req)
	}
	authed := new(http.Request)
	*authed = *req
	authed.Header = withAuthorization(req.Header, rule.header)
	resp, err := base.RoundTrip(authed)
	if resp != nil && resp.Request == authed {
		resp.Request = req
	}
	return resp, err
}

// CloseIdleConnections closes the base transport's idle connections, so
// that http.Client.CloseIdleConnections reaches them.
func (t *authTransport) CloseIdleConnections() {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if ci, ok := base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// Format hides the credentials from reflection-based printing (fmt with a
// transport reached some other way, debug dumpers).
func (t *authTransport) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "scim.authTransport{%s://%s:%s: %s}", t.scim.scheme, t.scim.host, t.scim.port, redact.Placeholder)
}

// origin returns scheme://host:port with the default port made explicit.
func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port(u)
}

// port returns u's port, or its scheme's default.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch {
	case strings.EqualFold(u.Scheme, "https"):
		return "443"
	case strings.EqualFold(u.Scheme, "http"):
		return "80"
	}
	return ""
}
