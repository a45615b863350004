// Package redact removes credentials from text before it reaches an error, a log
// record or a String method.
package redact

import (
	"regexp"
	"strings"
)

// Placeholder replaces every secret that is removed.
const Placeholder = "[REDACTED]"

// authValue matches the credential part of an Authorization-style value that
// may appear in a server's echo of a request ("Bearer abc", "Basic YWJj").
var authValue = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=:-]+`)

// Redactor removes a fixed set of secrets, and any Bearer or Basic credential,
// from strings. The zero value removes only Bearer and Basic credentials.
// A Redactor is safe for concurrent use.
type Redactor struct {
	secrets []string
}

// New returns a Redactor for the given secrets; empty strings are ignored.
func New(secrets ...string) Redactor {
	var r Redactor
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// String returns s with every secret and every Bearer/Basic credential replaced
// by Placeholder.
func (r Redactor) String(s string) string {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, Placeholder)
	}
	return authValue.ReplaceAllString(s, "${1} "+Placeholder)
}
