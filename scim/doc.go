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
// WithLogger gets a record at Info level for each retry, rate-limit wait,
// give-up and lost reply resolved by reading, and one per attempt at Debug. Records name a request by method and
// path only, never its query string, its body or a credential.
//
// # Retries
//
// The client repeats only what cannot apply twice (W&B's SCIM API has no
// idempotency keys):
//
//   - 429 is retried for any method, waiting Retry-After, else
//     RateLimit-Reset, up to a cap.
//   - 5xx replies, network errors, attempts that time out (WithTimeout) and
//     2xx replies whose body breaks off are retried for GET, PUT, DELETE,
//     PATCH carrying If-Match (see IfMatch) and GraphQL queries; a 503's
//     Retry-After is honoured.
//   - A request that could apply twice (a POST, a PATCH without If-Match, a
//     GraphQL mutation) is retried after a network error only when no
//     connection was made. When its reply is lost otherwise (the connection
//     failed after it was sent, a timeout, 502, 503, 504), the services'
//     creates look the resource up by its unique name and send the POST
//     again only when it is not there; the services' other writes read the
//     resource and never send it again; a request Do sends for you ends
//     with an error matching ErrOutcomeUnknown.
//   - Errors that cannot heal (a TLS verification failure, a plain-HTTP
//     answer to HTTPS, a malformed header, a refused redirect) and 409 and
//     other 4xx replies are never retried.
//
// See RetryPolicy for the bounds; WithMaxAttempts and WithAttemptTimeout
// change them for one request.
//
// # Lost replies
//
// A write whose earlier attempt may have been applied (the connection failed
// after it was sent, the attempt timed out, a 502, 503 or 504, a 2xx body
// that broke off) is not called failed on the word of its retry: when the
// retry fails with a reply the first attempt itself would explain (412 after
// an If-Match write, 404 after a DELETE, 409 after a create, any other 4xx
// but 401, 403 and 429), or every attempt's reply is lost, the services of
// users, teams and roles read the resource. When it holds what the request
// asked for (each replaced value equal, added members or values present,
// removed ones absent, a PUT's fields equal, a deleted resource gone) the
// call succeeds and returns what was read, with its new version; when it
// does not, the error stands (a real concurrent change); when the read
// fails, the error matches ErrOutcomeUnknown. A PATCH without If-Match is
// resolved the same way after a lost reply and never sent again. The
// GraphQL mutations whose outcome can be observed do the same; the others
// (an API key generated) end with ErrOutcomeUnknown, and their
// documentation says what to check.
//
// # Concurrency control
//
// Resources carry their ETag in Meta.Version (filled from the ETag header when
// the body lacks it). Pass IfMatch(r.Meta.Version) to a mutating call to make
// it conditional; a stale version fails with ErrPreconditionFailed.
package scim
