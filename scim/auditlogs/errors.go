package auditlogs

import (
	"errors"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// ErrIncomplete matches the error a walk ends with when it cannot prove it
// saw every entry of the range: a repeated cursor, a page whose count does
// not match what it holds, a resolved range that starts after the one asked
// for, a window that makes no progress, or a reply that is not an audit log.
// The entries yielded before it are correct, but there may be more.
var ErrIncomplete = errors.New("auditlogs: the walk could not cover the whole range")

// ErrRepeatedCursor matches the error of a walk whose server sent a
// next_cursor it had sent before in the same range: following it would loop
// for ever. It also matches ErrIncomplete.
var ErrRepeatedCursor = errors.New("auditlogs: the server repeated a cursor")

// ErrNoDefaultOrganization matches the error W&B Multi-tenant Cloud answers
// when the API key's user belongs to several organizations and has not set
// a Default API organization. The *scim.Error of the reply is reachable with
// errors.As.
var ErrNoDefaultOrganization = errors.New("auditlogs: no Default API organization")

// incompleteError is a walk that could not cover its range.
type incompleteError struct {
	msg   string
	kind  error // ErrRepeatedCursor, or nil
	cause error // what broke the reply, or nil
}

func (e *incompleteError) Error() string { return "auditlogs: " + e.msg }

func (e *incompleteError) Unwrap() error { return e.cause }

func (e *incompleteError) Is(target error) bool {
	return target == ErrIncomplete || (e.kind != nil && target == e.kind)
}

// defaultOrgError explains W&B's answer to a caller without a Default API
// organization.
type defaultOrgError struct{ err error }

func (e *defaultOrgError) Error() string {
	return "auditlogs: W&B cannot tell which organization's audit logs to return: the API key's user belongs to " +
		"several Multi-tenant Cloud organizations and has no Default API organization. Set one in W&B " +
		"(profile image, User Settings, Default API organization), or use a service account of the organization, " +
		"which belongs to that organization only: " + e.err.Error()
}

func (e *defaultOrgError) Unwrap() error { return e.err }

func (e *defaultOrgError) Is(target error) bool { return target == ErrNoDefaultOrganization }

// forbiddenError adds what a 403 from the audit log API means.
type forbiddenError struct{ err error }

func (e *forbiddenError) Error() string {
	return "auditlogs: only organization admins may fetch audit logs (on Multi-tenant Cloud, of Enterprise plans): " + e.err.Error()
}

func (e *forbiddenError) Unwrap() error { return e.err }

// explain words a failed request's error: W&B's answer to an admin of
// several organizations without a default one, and a 403, get a sentence
// saying what to do. Other errors are returned as they are.
func explain(err error) error {
	var apiErr *scim.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	if strings.Contains(strings.ToLower(apiErr.Detail), "multiple organizations") {
		return &defaultOrgError{err}
	}
	if errors.Is(err, scim.ErrForbidden) {
		return &forbiddenError{err}
	}
	return err
}
