package auditlogs

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-wandb/identity/scim"
)

// Query selects the entries All returns.
type Query struct {
	// Start is the first instant of the range, included; it is required.
	// End is the end of the range, excluded; the zero End means the time
	// the walk starts. Entries whose timestamp is outside [Start, End) are
	// never returned.
	Start, End time.Time
	// Actions, when not empty, keeps only entries whose action is one of
	// them (compared ignoring case), such as "user:deactivate".
	Actions []string
	// ActorEmail, when set, keeps only entries whose actor_email is this
	// address (compared ignoring case). It cannot be combined with
	// Anonymize, which removes the actor's address.
	ActorEmail string
	// Anonymize asks W&B to leave PII out of the entries (anonymize=true).
	// Only Dedicated Cloud and Self-Managed can; on Multi-tenant Cloud, which
	// always includes PII, All refuses it rather than return PII the caller
	// asked not to receive.
	Anonymize bool
}

// check validates q for a client of deployment d and fills in End, returning
// the query to run. The error is a *scim.InputError.
func (q Query) check(d scim.Deployment, now time.Time) (Query, error) {
	bad := func(format string, args ...any) (Query, error) {
		return Query{}, &scim.InputError{Op: "auditlogs.All", Msg: fmt.Sprintf(format, args...)}
	}
	if q.Start.IsZero() {
		return bad("Query.Start is required: the API reads a range of days, and All reads no more than it is asked")
	}
	if q.End.IsZero() {
		q.End = now
	}
	if !q.End.After(q.Start) {
		return bad("Query.End (%s) is not after Query.Start (%s)", q.End.UTC().Format(time.RFC3339), q.Start.UTC().Format(time.RFC3339))
	}
	for i, a := range q.Actions {
		if strings.TrimSpace(a) == "" {
			return bad("Query.Actions[%d] is empty", i)
		}
	}
	if q.Anonymize && q.ActorEmail != "" {
		return bad("Query.ActorEmail cannot be combined with Query.Anonymize, which removes the actor's email from every entry")
	}
	if q.Anonymize && d.IsMultiTenant() {
		return bad("Query.Anonymize: Multi-tenant Cloud always includes PII in audit logs and cannot leave it out")
	}
	q.Start, q.End = q.Start.UTC(), q.End.UTC()
	return q, nil
}

// keep reports whether e, inside the range, passes the action and actor
// filters.
func (q *Query) keep(e *Entry) bool {
	if len(q.Actions) > 0 {
		found := false
		for _, a := range q.Actions {
			if strings.EqualFold(strings.TrimSpace(a), e.Action) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return q.ActorEmail == "" || strings.EqualFold(strings.TrimSpace(q.ActorEmail), e.ActorEmail)
}
