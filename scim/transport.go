package scim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-wandb/identity/internal/redact"
)

// authRule is the Authorization header for one origin.
type authRule struct {
	origin string // scheme://host:port, lower case
	header string
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
	if callFrom(req.Context()).graphql {
		rule = t.graphql
	}
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if origin(req.URL) != rule.origin {
		return base.RoundTrip(req)
	}
	authed := req.Clone(req.Context())
	authed.Header.Set("Authorization", rule.header)
	resp, err := base.RoundTrip(authed)
	if resp != nil && resp.Request == authed {
		resp.Request = req
	}
	return resp, err
}

// Format hides the credentials from reflection-based printing (fmt with a
// transport reached some other way, debug dumpers).
func (t *authTransport) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "scim.authTransport{%s: %s}", t.scim.origin, redact.Placeholder)
}

// origin returns scheme://host:port with the default port made explicit.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
