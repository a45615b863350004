// Package scim is the core client of the W&B identity SDK: configuration,
// authentication, transport, retries, errors, paging, filters, PATCH
// operations and the resource types shared by the service packages (users,
// teams, roles).
//
// A Client talks to one W&B organization:
//
//	client, err := scim.NewClient(
//		scim.WithBaseURL("https://acme.wandb.io"), // SCIM root becomes https://acme.wandb.io/scim
//		scim.WithAPIKey(os.Getenv("WANDB_API_KEY")),
//	)
//
// or, reading WANDB_BASE_URL, WANDB_API_KEY and WANDB_USERNAME:
//
//	client, err := scim.NewClient(scim.FromEnv())
//
// Every request, from every service package, goes through Client.NewRequest
// and Client.Do, so authentication, retries, logging and error decoding live
// in one place. Credentials are added by the client's transport and only for
// the configured origin; they never appear in errors, log records or the
// client's String output.
//
// # Errors
//
// A non-2xx reply is a *Error that matches one of ErrBadRequest,
// ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict,
// ErrPreconditionFailed, ErrTooManyRequests or ErrServer with errors.Is.
// ErrAmbiguous and ErrUnsuccessful are the service packages' sentinels for a
// Find that matched several resources and a 2xx reply that reports failure.
// An argument rejected before sending is an *InputError (ErrInvalidInput).
// A failure to reach the server reads "scim: METHOD URL: cause". When a
// call's context ends, the error matches the context's error (errors.Is with
// context.Canceled or context.DeadlineExceeded) and, when a reply came, the
// last *Error (errors.As).
//
// # Per-request options
//
// A RequestOption changes one call: IfMatch makes it conditional, WithHeader
// adds a header, and OnResponse hands a function the call's final *Response
// (status, headers, ETag) while the call keeps returning (T, error). Every
// service method that sends a request accepts them.
//
// # Logging
//
// WithLogger gets a record at Info level for each retry, rate-limit wait and
// give-up, and one per attempt at Debug. Records name a request by method and
// path only, never its query string, its body or a credential.
//
// # Retries
//
// 429 replies are retried for any method, honouring Retry-After up to a cap.
// 5xx replies and network errors are retried for GET, PUT and DELETE, and for
// PATCH only when it carries If-Match (see IfMatch), because W&B's SCIM API has
// no idempotency keys and a repeated change could apply twice. A POST is
// retried after a network error only when no connection was made. 409 and
// other 4xx replies are never retried. See RetryPolicy for the bounds.
//
// # Concurrency control
//
// Resources carry their ETag in Meta.Version (filled from the ETag header when
// the body lacks it). Pass IfMatch(r.Meta.Version) to a mutating call to make
// it conditional; a stale version fails with ErrPreconditionFailed.
package scim
