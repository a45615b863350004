package orgsync

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// Target is the organization a plan was made against: what Apply checks,
// before it sends anything, to refuse a plan made for another.
type Target struct {
	// BaseURL is the SCIM base URL of the client that planned
	// (scim.Client.BaseURL), such as https://acme.wandb.io/scim.
	BaseURL string `json:"base_url"`
	// Organization is the organization's ID as the server reports it (the
	// organizationID of its custom roles); empty when it reports none (an
	// organization without custom roles).
	Organization string `json:"organization,omitempty"`
	// Deployment is the client's deployment (scim.Client.Deployment).
	Deployment scim.Deployment `json:"deployment"`
}

// String names the target for messages: "https://acme.wandb.io/scim
// (dedicated, organization T3JnOjE=)".
func (t Target) String() string {
	s := t.BaseURL + " (" + string(t.Deployment)
	if t.Organization != "" {
		s += ", organization " + t.Organization
	}
	return s + ")"
}

// TargetError reports a plan Apply refuses because it was made against
// another organization, or for another deployment; nothing was sent.
type TargetError struct {
	Plan, Client Target
	// Field names what differs: "base URL", "organization" or "deployment".
	Field string
}

// Error implements error.
func (e *TargetError) Error() string {
	return fmt.Sprintf("orgsync: the plan was made for %s, and this client is for %s: the %s differs, so nothing was applied",
		e.Plan, e.Client, e.Field)
}

// SameBaseURL reports whether two base URLs name the same SCIM root,
// ignoring a trailing slash and the case of the scheme and host: the test
// Apply makes of a plan's Target, for a program that checks a file it saved
// (a snapshot) against the client it is given.
func SameBaseURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// checkTarget refuses a plan whose target's base URL or deployment is not
// the Syncer's (the organization is compared once read).
func (s *Syncer) checkTarget(p *Plan) error {
	here := Target{BaseURL: s.client.BaseURL(), Deployment: s.client.Deployment()}
	switch {
	case !SameBaseURL(p.Target.BaseURL, here.BaseURL):
		return &TargetError{Plan: p.Target, Client: here, Field: "base URL"}
	case p.Target.Deployment != here.Deployment:
		return &TargetError{Plan: p.Target, Client: here, Field: "deployment"}
	}
	return nil
}

// checkOrganization refuses a plan whose organization is known and is not
// the one the server now reports (org, "" when it reports none).
func checkOrganization(p *Plan, here Target, org string) error {
	if p.Target.Organization != "" && org != "" && p.Target.Organization != org {
		here.Organization = org
		return &TargetError{Plan: p.Target, Client: here, Field: "organization"}
	}
	return nil
}

// Digest returns the digest of an organization file's bytes as read,
// "sha256:" and 64 hex digits, which a plan records (PlanOptions.InputDigest)
// so that applying it can be refused when the file changed since review.
func Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}
