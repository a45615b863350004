// Package call holds the one per-request configuration that steers
// scim.Client.Do: what kind of call a request makes, the per-call limits a
// caller set with a RequestOption, the functions that see its response, and
// how a change whose reply was lost is resolved. It travels with the request,
// in its context, as one value: a RequestOption or a service package sets it
// through Set, and Do reads it once, through From.
package call

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"
)

// Kind is the kind of call a request makes.
type Kind uint8

const (
	// SCIM is a SCIM request for one resource or a change: the zero value.
	SCIM Kind = iota
	// List reads a page of a collection: a 404 means a wrong URL, since a
	// collection is never missing.
	List
	// GraphQLQuery is a GraphQL document that only reads: sent with the
	// GraphQL credential, retried like a GET although it is a POST.
	GraphQLQuery
	// GraphQLMutation is a GraphQL document that changes something: sent with
	// the GraphQL credential, retried like a POST.
	GraphQLMutation
)

// GraphQL reports whether k is a GraphQL call.
func (k Kind) GraphQL() bool { return k == GraphQLQuery || k == GraphQLMutation }

// Config is the configuration of one request. The zero value is a SCIM
// request with the client's settings.
type Config struct {
	Kind Kind
	// MaxAttempts, when positive, replaces the client's RetryPolicy.MaxAttempts.
	MaxAttempts int
	// AttemptTimeout, when AttemptTimeoutSet, replaces the client's
	// per-attempt timeout (0: none).
	AttemptTimeout    time.Duration
	AttemptTimeoutSet bool
	// Hooks see the final response of the request (scim.OnResponse). They
	// are the only part of the configuration that requests built from the
	// request's context inherit (FollowUp).
	Hooks []func(*http.Response)
	// Resolve, when set, finds out what a change did when its reply was lost.
	Resolve *Resolver
}

type key struct{}

// From returns the configuration ctx carries: a copy, which the caller may
// change.
func From(ctx context.Context) Config {
	if c, ok := ctx.Value(key{}).(*Config); ok {
		return *c
	}
	return Config{}
}

// With returns ctx carrying cfg.
func With(ctx context.Context, cfg Config) context.Context {
	cfg.Hooks = slices.Clip(cfg.Hooks)
	return context.WithValue(ctx, key{}, &cfg)
}

// Set changes the configuration of r with f; r's context is replaced, its
// parent's configuration left as it was.
func Set(r *http.Request, f func(*Config)) {
	cfg := From(r.Context())
	f(&cfg)
	*r = *r.WithContext(With(r.Context(), cfg))
}

// FollowUp returns ctx with a configuration that keeps only the hooks: the
// context for the further requests of a call (a read-back, a lookup, a
// check), which report to the call's OnResponse functions but take none of
// its other per-request settings.
func FollowUp(ctx context.Context) context.Context {
	cfg := From(ctx)
	if cfg.Kind == SCIM && cfg.MaxAttempts == 0 && !cfg.AttemptTimeoutSet && cfg.Resolve == nil {
		return ctx
	}
	return With(ctx, Config{Hooks: cfg.Hooks})
}

// Resolver finds out what a change did when an attempt may have been applied
// without a usable reply (the connection failed after the request was sent,
// the attempt timed out, a gateway answered 502, 503 or 504, a 2xx body
// broke off). The scim client asks Check:
//
//   - after such an attempt of a request it may not send again (a POST, a
//     PATCH without If-Match);
//   - when a later attempt fails with a reply that the earlier attempt's
//     success would explain (412 after an If-Match write, 404 after a
//     DELETE, 409 after a create, any other 4xx but 401, 403 and 429);
//   - when it gives up after such an attempt.
//
// Check reads the resource and reports whether it holds what the request
// asked for (done): the call then succeeds, and Do returns ErrResolved for
// the caller to take its result from what Check read. When it does not, the
// error stands, except that a request with Resend set (a create, whose
// unique name makes the server refuse a second copy) may be sent again.
// When Check fails, the error matches scim.ErrOutcomeUnknown.
//
// A Check that reads right after a lost attempt may come before the server
// has processed it: its "not done" then leaves the outcome unknown (the
// error matches scim.ErrOutcomeUnknown), unless Definite says the Check's
// answer is the server's own reply to the request (it sent the request
// again, as users.DeleteAPIKey does), or a later attempt's reply explains
// the lost one.
type Resolver struct {
	Check    func(ctx context.Context) (done bool, err error)
	Resend   bool
	Definite bool
}

// ErrResolved is what the scim client returns when a Resolver's Check found
// the change made after its reply was lost: the caller takes the result from
// its Check.
var ErrResolved = errors.New("the change was made, though its reply was lost")

// Resolve returns a request option (a scim.RequestOption) that gives the
// request r.
func Resolve(r *Resolver) func(*http.Request) {
	return func(req *http.Request) { Set(req, func(cfg *Config) { cfg.Resolve = r }) }
}
