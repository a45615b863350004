package orgsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-wandb/identity/scim"
)

// readBackTimeout bounds the reading back of one change whose reply was
// lost, also after the run's context ended.
const readBackTimeout = 15 * time.Second

// notAttemptedError is the error of a change that was not attempted.
type notAttemptedError struct{ msg string }

func (e *notAttemptedError) Error() string { return e.msg }

func notAttempted(format string, args ...any) error {
	return &notAttemptedError{fmt.Sprintf(format, args...)}
}

// notStartedError is the error of a change not sent because the run was
// stopped.
type notStartedError struct{ cause string }

func (e *notStartedError) Error() string {
	return "the run was stopped (" + e.cause + ") before it was sent"
}

// unknownError is the error of a change whose outcome is unknown: err is
// the send's, read the read back's.
type unknownError struct{ err, read error }

func (e *unknownError) Error() string {
	if e.read == errCut {
		return fmt.Sprintf("%v; %v", e.err, e.read)
	}
	return fmt.Sprintf("%v; reading it back failed: %v", e.err, e.read)
}

// Unwrap returns the send's error and the read back's.
func (e *unknownError) Unwrap() []error { return []error{e.err, e.read} }

// Is makes an unknown outcome match scim.ErrOutcomeUnknown.
func (e *unknownError) Is(target error) bool { return target == scim.ErrOutcomeUnknown }

// notApplicableError is the error of a change the server refused whole as
// unsupported on its deployment.
type notApplicableError struct{ err error }

func (e *notApplicableError) Error() string { return "the deployment cannot make it: " + e.err.Error() }
func (e *notApplicableError) Unwrap() error { return e.err }

// errChanged reports a resource found changed since the plan was made by
// reading it, rather than by a 412.
func errChanged(format string, args ...any) error {
	return fmt.Errorf("%s since the plan was made: %w", fmt.Sprintf(format, args...), scim.ErrPreconditionFailed)
}

// ambiguous reports whether a change that ended with err may have been
// applied all the same: its reply was lost (scim.ErrOutcomeUnknown, a
// connection error, a gateway's 5xx), or the run's context ended while it
// was in flight. A 4xx reply and the package's own refusals are not.
func ambiguous(err error) bool {
	var se *scim.Error
	var ue *url.Error
	var ne net.Error
	switch {
	case err == nil:
		return false
	case errors.Is(err, scim.ErrOutcomeUnknown):
		return true
	case errors.As(err, &se):
		return se.StatusCode >= 500 || se.StatusCode == http.StatusRequestTimeout
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ue), errors.As(err, &ne), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	return false
}

// unsupported reports whether err is a server's refusal of an operation
// its deployment does not support (Multi-tenant Cloud's 400 "… not
// supported in SaaS Cloud").
func unsupported(err error) bool {
	var se *scim.Error
	return errors.As(err, &se) && se.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(se.Detail), "not supported")
}

// errCut is the read back's verdict on a request the run's own context
// cut in flight: the server did not hold it when read, but the request may
// still be on its way.
var errCut = errors.New("not applied when read back, but the request was cut in flight and may still land")

// settle resolves the error err of a change whose outcome may be unknown
// by reading it back with holds, which reports whether the server holds
// what the change asked: nil (applied) when it does, err (not applied) when
// it does not, an *unknownError when the read fails, or when the run's
// context ended with the request in flight (it may land after the read).
// The read runs after the run's context ended too, bounded by
// readBackTimeout.
func settle(ctx context.Context, err error, holds func(context.Context) (bool, error)) error {
	if !ambiguous(err) || holds == nil {
		return err
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	ok, rerr := holds(rctx)
	switch {
	case rerr != nil:
		return &unknownError{err: err, read: rerr}
	case ok:
		return nil
	case ctx.Err() != nil:
		return &unknownError{err: err, read: errCut}
	}
	return fmt.Errorf("not applied (read back): %w", err)
}
