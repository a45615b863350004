package orgsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-wandb/identity/internal/retry"
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
// applied all the same: anything but a refusal known to come before the
// change was made. A reply of the server's (a 4xx but 408; a 5xx is a
// gateway's as often as not), a connection never opened (a dial or DNS
// error), and this package's own refusals are known; a lost reply
// (scim.ErrOutcomeUnknown, a dropped connection, an attempt timed out) and
// the run's context ending in flight are not.
func ambiguous(err error) bool {
	var (
		se  *scim.Error
		na  *notAttemptedError
		ns  *notStartedError
		uk  *unknownError
		nap *notApplicableError
		pe  *partialError
		ge  *GuardError
	)
	switch {
	case err == nil:
		return false
	case errors.Is(err, scim.ErrOutcomeUnknown):
		return true
	case errors.As(err, &pe): // what was not made may have been after all
		return ambiguous(pe.err)
	case errors.As(err, &se):
		return se.StatusCode >= 500 || se.StatusCode == http.StatusRequestTimeout
	case errors.As(err, &na), errors.As(err, &ns), errors.As(err, &uk), errors.As(err, &nap), errors.As(err, &ge),
		errors.Is(err, ErrNotSameResource), errors.Is(err, scim.ErrPreconditionFailed), retry.IsDialError(err):
		return false
	}
	return true
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
