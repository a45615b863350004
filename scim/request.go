package scim

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-wandb/identity/internal/call"
	"github.com/go-wandb/identity/internal/clip"
	"github.com/go-wandb/identity/internal/retry"
)

// Media types sent and accepted.
const (
	MediaType    = "application/scim+json"
	acceptHeader = "application/scim+json, application/json"
)

// ErrPathForbidden is returned by NewRequest for a path that could address
// something outside the SCIM root: an absolute URL, a path starting with "//",
// or a path with a segment that is "." or ".." once unescaped ("%2e%2e"
// included). A segment that merely contains an escaped slash, such as the ID
// in "Users/..%2FGroups", is one segment and is allowed.
var ErrPathForbidden = errors.New("scim: path must be relative to the SCIM root, without . or .. segments")

// ErrOutcomeUnknown matches the error of a change whose reply was lost (the
// connection failed after the request was sent, the attempt timed out, or a
// gateway answered 502, 503 or 504, or the context ended after the request
// was written) when the client could not find out whether the server
// applied it. The services' write methods read the resource (a create
// looks it up by its unique name) before they give up, so for them this
// means the read failed too, or found the change not made with no later
// reply to explain the lost one (a read right after a lost reply may come
// before the server applies it), or, for the few writes whose outcome
// cannot be observed (users.GenerateAPIKey, teams.CreateServiceAccount),
// that nothing was sent again; the error says so. The error reaches the
// lost attempt's error and the read's (or the context's) with errors.Is
// and errors.As.
var ErrOutcomeUnknown = errors.New("scim: the request may or may not have been applied")

// errNilClient is returned instead of a panic when a service was built on a nil *Client.
var errNilClient = errors.New("scim: nil *Client: build one with scim.NewClient")

// RequestOption changes one request, for example to make it conditional
// (IfMatch), to add a header (WithHeader), to see its response
// (OnResponse), or to bound its retries (WithMaxAttempts,
// WithAttemptTimeout). A request's options are its configuration, which
// Client.Do reads.
type RequestOption func(*http.Request)

// IfMatch makes a PUT, PATCH or DELETE conditional on the resource's ETag (its
// Meta.Version). A stale tag fails with ErrPreconditionFailed. An empty tag
// adds nothing. A PATCH carrying If-Match may be retried after a server error,
// since it cannot apply twice.
func IfMatch(etag string) RequestOption {
	return func(r *http.Request) {
		if etag != "" {
			r.Header.Set("If-Match", etag)
		}
	}
}

// WithHeader sets a header on one request. It cannot set Authorization, which
// the client manages.
func WithHeader(key, value string) RequestOption {
	return func(r *http.Request) {
		if !strings.EqualFold(key, "Authorization") {
			r.Header.Set(key, value)
		}
	}
}

// OnResponse hands f the final response of a call (its status, headers and
// ETag), while the call itself keeps returning (T, error):
//
//	var etag string
//	u, err := users.New(c).Get(ctx, id, scim.OnResponse(func(r *scim.Response) { etag = r.ETag }))
//
// f runs once per request the call makes, after the last attempt of that
// request (retries are not reported), with error replies too. A call that
// makes further requests (a read-back after a change, a lookup or a read that
// resolves a change whose reply was lost) calls f for each, in the order
// they end: the reply the call's result comes from is the last one f sees.
// f is not called when no response arrived. f travels with the request's
// context, so requests a service builds from that context report to it too.
func OnResponse(f func(*Response)) RequestOption {
	return func(r *http.Request) {
		if f == nil {
			return
		}
		call.Set(r, func(cfg *call.Config) {
			cfg.Hooks = append(cfg.Hooks, func(resp *http.Response) {
				f(&Response{Response: resp, ETag: resp.Header.Get("ETag")})
			})
		})
	}
}

// WithMaxAttempts sets how many attempts one request may make, the first
// included, in place of the client's RetryPolicy.MaxAttempts: 1 sends it
// once, without retries. What may be retried stays as the policy says. n
// below 1 keeps the client's setting. It applies to the request it is given
// to, not to the further requests of a call (a read-back, a lookup).
func WithMaxAttempts(n int) RequestOption {
	return func(r *http.Request) {
		if n >= 1 {
			call.Set(r, func(cfg *call.Config) { cfg.MaxAttempts = n })
		}
	}
}

// WithAttemptTimeout bounds each attempt of one request as WithTimeout does
// for the client: an attempt ends when the server sends nothing for d. 0
// leaves attempts bounded only by the context; a negative d keeps the
// client's setting. It applies to the request it is given to, not to the
// further requests of a call.
func WithAttemptTimeout(d time.Duration) RequestOption {
	return func(r *http.Request) {
		if d >= 0 {
			call.Set(r, func(cfg *call.Config) { cfg.AttemptTimeout, cfg.AttemptTimeoutSet = d, true })
		}
	}
}

// Response is a reply from the server. ETag is its ETag header, if any.
type Response struct {
	*http.Response
	ETag string
}

// NewRequest builds a request to path, relative to the SCIM root (for example
// "Users/abc" or "Users?filter=…"). IDs inside path are the caller's to escape
// with url.PathEscape. A non-nil body is sent as JSON with Content-Type
// application/scim+json. Credentials are added when the request is sent, and
// only to the configured origin.
func (c *Client) NewRequest(ctx context.Context, method, path string, body any, opts ...RequestOption) (*http.Request, error) {
	if c == nil {
		return nil, errNilClient
	}
	if ctx == nil {
		return nil, errors.New("scim: nil context")
	}
	ref, escaped, err := parsePath(path, func() error {
		return fmt.Errorf("%w: got %q", ErrPathForbidden, clip.String(path, maxQuoted))
	})
	if err != nil {
		return nil, err
	}
	u := *c.baseURL
	if escaped != "" {
		u.Path = c.baseURL.Path + "/" + strings.TrimLeft(ref.Path, "/")
		u.RawPath = c.baseURL.EscapedPath() + "/" + escaped
	}
	u.RawQuery = ref.RawQuery
	return c.newRequest(ctx, method, &u, body, MediaType, opts)
}

// parsePath parses path, a reference relative to a root (the SCIM root, or
// the host's for NewHostRequest), and refuses with forbidden's error one
// that could address something outside it: an absolute or opaque URL, a
// host or user info, a path starting with "//", or a segment that is "."
// or ".." once unescaped. It returns the reference and its escaped path
// without leading slashes. The one check of both request builders.
func parsePath(path string, forbidden func() error) (ref *url.URL, escaped string, err error) {
	ref, err = url.Parse(path)
	if err != nil {
		return nil, "", fmt.Errorf("scim: malformed path %q: %w", clip.String(path, maxQuoted), errors.Unwrap(err))
	}
	if ref.IsAbs() || ref.Host != "" || ref.User != nil || strings.HasPrefix(path, "//") || ref.Opaque != "" {
		return nil, "", forbidden()
	}
	escaped = strings.TrimLeft(ref.EscapedPath(), "/")
	for rest, more := escaped, true; more; {
		var seg string
		seg, rest, more = strings.Cut(rest, "/")
		if dotSegment(seg) {
			return nil, "", forbidden()
		}
	}
	return ref, escaped, nil
}

// dotSegment reports whether an escaped path segment is "." or ".." once
// unescaped.
func dotSegment(seg string) bool {
	if len(seg) > 6 || strings.Trim(seg, ".%2eE") != "" {
		return false // fast: only dots and %2e can spell a dot segment
	}
	seg, err := url.PathUnescape(seg)
	return err == nil && (seg == "." || seg == "..")
}

// newRequest is the one place requests are built, for SCIM and GraphQL alike.
func (c *Client) newRequest(ctx context.Context, method string, u *url.URL, body any, contentType string, opts []RequestOption) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("scim: encoding %s %s body: %w", method, clip.String(u.Path, maxQuoted), err)
		}
		rd = bytes.NewReader(buf)
	}
	// The URL is built already: give NewRequestWithContext none to parse.
	req, err := http.NewRequestWithContext(ctx, method, "", rd)
	if err != nil {
		return nil, fmt.Errorf("scim: building request: %w", err)
	}
	req.URL, req.Host = u, u.Host
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("User-Agent", c.userAgent)
	for _, opt := range opts {
		if opt != nil {
			opt(req)
		}
	}
	return req, nil
}

// Do sends req, retrying as the client's RetryPolicy allows, and decodes a 2xx
// JSON reply into v (nil discards it; an io.Writer receives the raw body; a
// *Page makes it a list request). A 204 or empty body leaves v untouched. A
// non-2xx reply returns *Error, with the Response. When v holds a Meta whose
// Version is empty, the reply's ETag fills it. A failure to reach the server
// is an error that starts "scim: METHOD URL:". When the context ends, the
// error matches its error with errors.Is, and the last *Error, if a reply
// came, with errors.As.
//
// The request's RequestOptions (WithMaxAttempts, WithAttemptTimeout,
// OnResponse) are its configuration, carried with it: Do reads them once.
//
// A 2xx reply larger than the client's limit (WithMaxResponseBytes) ends the
// call with an error, as does an attempt with no progress for the timeout
// (WithTimeout, WithAttemptTimeout). A 404 to a list request is an error that
// does not match ErrNotFound: a collection is never missing, so its URL is
// wrong.
//
// Do never sends a change again that may have been applied and could apply
// twice (a POST, a PATCH without If-Match): when the reply of such a request
// is lost, the error matches ErrOutcomeUnknown. The services' write methods
// go further and read the resource to find out (see the README's Retries).
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	if c == nil {
		return nil, errNilClient
	}
	if req == nil {
		return nil, errors.New("scim: nil request")
	}
	cfg := call.From(req.Context())
	if _, ok := v.(pageDecoder); ok && cfg.Kind == call.SCIM {
		cfg.Kind = call.List
	}
	return c.do(req, v, &cfg)
}

// openList sends req, a GET of a list, and returns its 2xx body, open for
// reading: Paginate reads it a resource at a time. The caller closes it.
func (c *Client) openList(req *http.Request) (io.ReadCloser, error) {
	var body openBody
	if _, err := c.Do(req, &body); err != nil {
		return nil, err
	}
	return body.ReadCloser, nil
}

// openBody asks do to hand over the body of a 2xx reply instead of reading it.
type openBody struct{ io.ReadCloser }

// report hands r to the request's OnResponse functions.
func report(cfg *call.Config, r *Response) {
	if r != nil {
		for _, f := range cfg.Hooks {
			f(r.Response)
		}
	}
}

// explains reports whether a reply with this status to a retry is what the
// earlier attempt's success would explain: 412 after an If-Match write, 404
// after a DELETE, 409 after a create, or another refusal of the request
// itself; not 401, 403, 407, 408 or 429, which say nothing about it.
func explains(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired,
		http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return status >= 400 && status <= 499
}

// do is Do with the request's configuration. It reports the final response
// of the request to cfg's hooks, and a response that a resolution follows
// before the resolution's own requests.
func (c *Client) do(req *http.Request, v any, cfg *call.Config) (final *Response, err error) {
	var reported *Response
	defer func() {
		if final != reported {
			report(cfg, final)
		}
	}()
	ctx := req.Context()
	_, streaming := v.(*openBody)
	listing := streaming || cfg.Kind == call.List || cfg.Kind.GraphQL()
	policy := c.retry
	if cfg.MaxAttempts > 0 {
		policy.MaxAttempts = cfg.MaxAttempts
	}
	timeout, timeoutOption := c.timeout, "scim.WithTimeout"
	if cfg.AttemptTimeoutSet {
		timeout, timeoutOption = cfg.AttemptTimeout, "scim.WithAttemptTimeout"
	}
	base := retry.Outcome{
		Method:     req.Method,
		IfMatch:    req.Header.Get("If-Match") != "",
		Query:      cfg.Kind == call.GraphQLQuery,
		Replayable: req.Body == nil || req.Body == http.NoBody || req.GetBody != nil,
	}
	change := !base.Query && !readOnly(req.Method)
	res := cfg.Resolve
	if !change {
		res = nil
	}
	// resolve reads the resource through res after r (reported first, so
	// the read's responses come after it) and returns whether the change is
	// made, or the error to return when reading failed.
	resolve := func(r *Response, status int, last error) (bool, error) {
		report(cfg, r)
		reported = r
		done, checkErr := res.Check(call.FollowUp(ctx))
		c.logResolved(ctx, req, status, done, checkErr)
		if checkErr != nil {
			return false, c.unknownOutcome(req, last, checkErr, res.Resend)
		}
		return done, nil
	}
	mayHaveApplied := false // an earlier attempt may have reached the server
	unseen := false         // a read after a lost attempt found the change not made, and no reply since explains it
	var prev error          // the previous attempt's error
	// ended is the error of a call whose context ended after last: when
	// the change may have reached the server (reached), its outcome is
	// unknown, and the error matches the context's error too.
	ended := func(last error, reached bool) error {
		switch {
		case reached && res != nil:
			return c.unknownOutcome(req, last, ctx.Err(), res.Resend)
		case reached && change:
			return &outcomeError{msg: fmt.Sprintf("scim: %s %s: the context ended after the request was sent, so it may have been applied",
				req.Method, c.safeURL(req)), last: last, check: ctx.Err()}
		}
		return c.contextError(req, ctx, last)
	}
	for attempt := 1; ; attempt++ {
		if err := c.wait(ctx, req, attempt); err != nil {
			return nil, ended(cmp.Or(prev, err), mayHaveApplied)
		}
		resp, wrote, err := c.send(req, attempt, timeout, timeoutOption)
		outcome := base
		var r *Response
		var last error // this attempt's error
		lost := false  // the request may have reached the server, its reply lost
		switch {
		case err != nil:
			if ctx.Err() != nil {
				// wrote: this attempt reached the server before the context
				// ended, so it may have been applied.
				return nil, ended(cmp.Or(prev, err), mayHaveApplied || wrote)
			}
			last = err
			outcome.Err = err
			outcome.Permanent = permanent(err)
			outcome.NeverConnected = neverConnected(err)
			lost = !outcome.NeverConnected && !outcome.Permanent
		case resp.StatusCode >= 200 && resp.StatusCode <= 299:
			r = &Response{Response: resp, ETag: resp.Header.Get("ETag")}
			if streaming {
				v.(*openBody).ReadCloser = resp.Body
				return r, nil
			}
			err := c.decode(req, resp, v, r.ETag)
			var failedRead *readError
			if errors.As(err, &failedRead) && ctx.Err() != nil && change {
				// The server answered 2xx, so the change was made, but the
				// context ended before its reply was read: what it holds
				// is for a read to say.
				return r, ended(err, true)
			}
			if !errors.As(err, &failedRead) || ctx.Err() != nil {
				if rf, ok := v.(refusal); err == nil && ok && rf.refused() && mayHaveApplied && res != nil && change {
					// A GraphQL mutation refused (a 200 with errors) after
					// an attempt whose reply was lost: the refusal may be
					// that attempt's doing, as a 409 or 412 would be.
					done, checkErr := resolve(r, r.StatusCode, nil)
					switch {
					case checkErr != nil:
						return r, checkErr
					case done:
						return r, call.ErrResolved
					}
				}
				return r, err
			}
			// The reply broke off: as if no reply had come, except that it
			// was applied, which a check will find.
			last, outcome.Err, lost = err, err, true
		default:
			r = &Response{Response: resp, ETag: resp.Header.Get("ETag")}
			apiErr := c.newError(req, resp, listing)
			drainAndClose(resp.Body)
			resp.Body = http.NoBody // read and closed: Error.Response keeps the rest
			apiErr.Response = resp
			apiErr.Attempts = attempt
			apiErr.RetryAfter, _ = retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			last = apiErr
			outcome.StatusCode = resp.StatusCode
			outcome.RetryAfter = resp.Header.Get("Retry-After")
			outcome.RateLimitReset = resp.Header.Get("RateLimit-Reset")
			switch resp.StatusCode {
			case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
				lost = true
			}
		}
		lost = lost && change
		checked := false // this attempt's outcome was read back
		switch {
		case res == nil:
		case lost && outcome.MayApplyTwice(), !lost && mayHaveApplied && explains(outcome.StatusCode):
			// A change that may not be sent blindly again, whose reply was
			// lost; or a retry refused for what the earlier attempt did.
			checked = true
			done, err := resolve(r, outcome.StatusCode, last)
			switch {
			case err != nil:
				return r, err
			case done:
				return r, call.ErrResolved
			case lost && res.Resend:
				outcome.NotApplied = true // sending it again is safe: the resend's reply decides
			case lost && !res.Definite:
				unseen = true // read at once, the change may yet be applied
			}
		}
		if lost {
			mayHaveApplied = true
		}

		wait, again := policy.Next(attempt, outcome, time.Now())
		if again && fitsDeadline(ctx, wait) {
			c.logRetry(ctx, req, attempt, outcome.StatusCode, wait, last)
			if sleep(ctx, wait) != nil {
				return r, ended(last, mayHaveApplied)
			}
			prev = last
			continue
		}
		// The last attempt.
		if attempt > 1 {
			c.logGiveUp(ctx, req, attempt, outcome.StatusCode, last)
		}
		if outcome.NotApplied && !res.Definite {
			// A create read back at once after its reply was lost, with no
			// attempt left to resend it: the server may yet apply it.
			unseen = true
		}
		if change && mayHaveApplied && !checked && ctx.Err() != nil {
			// No time left to read it back: it may have been applied.
			return r, ended(last, true)
		}
		if res != nil && mayHaveApplied && !checked && ctx.Err() == nil {
			// The change may be in place although no attempt said so.
			done, err := resolve(r, outcome.StatusCode, last)
			switch {
			case err != nil:
				return r, err
			case done:
				return r, call.ErrResolved
			}
			checked = true
			// No reply after the lost attempt explains what it did: it
			// may still be applied after this read.
			unseen = !res.Definite
		}
		switch {
		case lost && outcome.MayApplyTwice() && !checked:
			last = &outcomeError{msg: fmt.Sprintf("scim: %s %s: the reply was lost, so the request may have been applied", req.Method, c.safeURL(req)), last: last}
		case unseen:
			last = &outcomeError{msg: fmt.Sprintf("scim: %s %s: the reply was lost, and reading the resource back at once found the change not made; the server may still apply it",
				req.Method, c.safeURL(req)), last: last}
		}
		if attempt > 1 && outcome.Err != nil {
			last = fmt.Errorf("%w (after %d attempts)", last, attempt)
		}
		if outcome.NotApplied {
			last = fmt.Errorf("%w (sending it again is safe: the server refuses a second resource of that name)", last)
		}
		return r, last
	}
}

// readOnly reports whether a request of this method only reads.
func readOnly(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// unknownOutcome is the error of a change whose reply was lost and whose
// result reading the resource back could not establish (checkErr: the
// read's error, or the context's when it ended first). resend says whether
// sending it again is safe whatever happened (a create).
func (c *Client) unknownOutcome(req *http.Request, last, checkErr error, resend bool) error {
	msg := fmt.Sprintf("scim: %s %s: the reply was lost, so the change may have been applied, and finding out (reading the resource back) failed", req.Method, c.safeURL(req))
	if resend {
		msg += "; sending it again is safe for a create, whose unique name makes the server refuse a second copy (409)"
	}
	return &outcomeError{msg: msg, last: last, check: checkErr}
}

// outcomeError matches ErrOutcomeUnknown, and reaches the lost attempt's
// error and the check's error with errors.Is and errors.As.
type outcomeError struct {
	msg         string
	last, check error
}

// Error implements error.
func (e *outcomeError) Error() string {
	s := e.msg
	if e.last != nil {
		s += ": " + clip.String(e.last.Error(), maxErrorText)
	}
	if e.check != nil {
		s += "; checking: " + clip.String(e.check.Error(), maxErrorText)
	}
	return s
}

// Unwrap returns the lost attempt's error and the check's.
func (e *outcomeError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.last, e.check} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Is matches ErrOutcomeUnknown.
func (e *outcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// decode reads a 2xx reply into v and closes its body.
func (c *Client) decode(req *http.Request, resp *http.Response, v any, etag string) error {
	defer drainAndClose(resp.Body)
	if pd, ok := v.(pageDecoder); ok {
		head := &headCapture{r: resp.Body}
		if err := pd.decodePage(head); err != nil {
			return c.replyErrorQuoting(req, resp, err, head.head)
		}
		return nil
	}
	if w, ok := v.(io.Writer); ok {
		_, err := io.Copy(w, resp.Body)
		if err != nil {
			return c.replyError(req, err)
		}
		return nil
	}
	if resp.ContentLength > c.maxResponseBytes {
		return c.replyError(req, &bodyTooLargeError{limit: c.maxResponseBytes}) // nothing read: it would not fit
	}
	pooled := readBuffers.Get().(*[]byte)
	body, err := readReply((*pooled)[:0], resp.Body, resp.ContentLength, c.maxResponseBytes)
	defer putReadBuffer(pooled, body)
	if err != nil {
		return c.replyError(req, err)
	}
	// v keeps none of it: decoders copy what they keep
	if d, ok := v.(replyDecoder); ok {
		if err := d.DecodeReply(body); err != nil {
			return c.replyErrorQuoting(req, resp, err, body)
		}
		return nil
	}
	if v == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		trimmed := bytes.TrimSpace(body)
		if trimmed[0] != '{' && trimmed[0] != '[' {
			return fmt.Errorf("scim: %s %s: %d reply: %s", req.Method, c.safeURL(req), resp.StatusCode, c.quoteBody("response body is not JSON", resp, trimmed))
		}
		return fmt.Errorf("scim: decoding %s %s reply: %w", req.Method, c.safeURL(req), err)
	}
	if etag != "" {
		fillVersion(v, etag)
	}
	return nil
}

// readReply reads body, appending to dst. size is the reply's
// Content-Length (-1 when unknown) and limit the client's bound, which body
// enforces. A known size is allocated at once. Otherwise the buffer doubles
// up to 1 MiB, and past that the reply is read in 1 MiB chunks, joined once
// at its end: a reply too large costs about the limit in memory before its
// error, not several times it, as a buffer that doubles (and copies) would.
func readReply(dst []byte, body io.Reader, size, limit int64) ([]byte, error) {
	const minRead, chunk = 32 << 10, 1 << 20
	if size >= 0 && int64(cap(dst)) < size+1 {
		dst = make([]byte, 0, min(size, limit)+1) // +1: room to read the end of the body
	}
	var full [][]byte // chunks read before cur
	cur := dst
	for {
		if len(cur) == cap(cur) {
			if len(full) == 0 && cap(cur) < chunk {
				next := make([]byte, len(cur), min(max(2*cap(cur), minRead), chunk))
				copy(next, cur)
				cur = next
			} else {
				full = append(full, cur)
				cur = make([]byte, 0, chunk)
			}
		}
		n, err := body.Read(cur[len(cur):cap(cur)])
		cur = cur[:len(cur)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(full) == 0 {
		return cur, nil
	}
	return bytes.Join(append(full, cur), nil), nil
}

// readBuffers keeps the buffers replies are read into.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// putReadBuffer returns the buffer used (body) to the pool through p, unless
// it grew large (a list read whole), which the pool would keep alive for
// nothing.
func putReadBuffer(p *[]byte, body []byte) {
	if cap(body) <= 256<<10 {
		*p = body[:0]
		readBuffers.Put(p)
	}
}

// refusal is implemented by a decoded reply that can refuse a request in a
// 2xx body (a GraphQL reply with errors): after a lost attempt such a
// refusal is resolved as a 409 or 412 would be.
type refusal interface{ refused() bool }

// replyDecoder is implemented by values that decode a 2xx body themselves:
// Do hands them the whole body, unparsed, and when they refuse it, returns
// their error with the body quoted (redacted). The service packages use it
// to check that a reply holds the resource they asked for.
type replyDecoder interface {
	DecodeReply(body []byte) error
}

// replyError is the error for a 2xx reply that could not be read: the
// context's, when it ended, else "scim: METHOD URL: reading the reply: …".
func (c *Client) replyError(req *http.Request, err error) error {
	if ctx := req.Context(); ctx.Err() != nil {
		return c.contextError(req, ctx, err)
	}
	return fmt.Errorf("scim: %s %s: reading the reply: %w", req.Method, c.safeURL(req), err)
}

// replyErrorQuoting is the error for a 2xx reply that does not hold what was
// asked for, quoting (redacted) the start of its body.
func (c *Client) replyErrorQuoting(req *http.Request, resp *http.Response, err error, body []byte) error {
	var tooLarge *bodyTooLargeError
	var failedRead *readError
	if req.Context().Err() != nil || errors.As(err, &tooLarge) || errors.As(err, &failedRead) {
		return c.replyError(req, err) // what arrived is not the problem
	}
	return fmt.Errorf("scim: %s %s: unexpected %d reply: %w; %s", req.Method, c.safeURL(req), resp.StatusCode, err,
		c.quoteBody("body", resp, bytes.TrimSpace(body)))
}

// headCapture keeps the first bytes read through it, to quote a reply that
// was read as a stream.
type headCapture struct {
	r    io.Reader
	head []byte
}

func (h *headCapture) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if room := maxQuoted*2 - len(h.head); room > 0 {
		h.head = append(h.head, p[:min(n, room)]...)
	}
	return n, err
}

var metaType = reflect.TypeFor[Meta]()

// fillVersion sets v's Meta.Version to etag when v points to a struct with a
// Meta field whose Version is empty.
func fillVersion(v any, etag string) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return
	}
	rv = rv.Elem()
	if rv.Kind() != reflect.Struct {
		return
	}
	f := rv.FieldByName("Meta")
	if !f.IsValid() || f.Type() != metaType || !f.CanSet() {
		return
	}
	if m := f.Addr().Interface().(*Meta); m.Version == "" {
		m.Version = etag
	}
}

// contextError reports that ctx ended after last, the error of the last
// attempt: errors.Is matches the context's error, and errors.Is and
// errors.As reach last too (a *Error when a reply came). A last error that
// already is the context's is returned as it is, not repeated.
func (c *Client) contextError(req *http.Request, ctx context.Context, last error) error {
	switch {
	case last == nil:
		return fmt.Errorf("scim: %s %s: %w", req.Method, c.safeURL(req), ctx.Err())
	case errors.Is(last, ctx.Err()) && strings.HasPrefix(last.Error(), "scim: "):
		return last
	case errors.Is(last, ctx.Err()):
		return fmt.Errorf("scim: %s %s: %w", req.Method, c.safeURL(req), last)
	}
	return fmt.Errorf("scim: %s %s: %w (last error: %w)", req.Method, c.safeURL(req), ctx.Err(), last)
}

// fitsDeadline reports whether waiting d leaves time before ctx's deadline:
// when it does not, the last error is more useful than a wait that ends in
// context.DeadlineExceeded.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// drainAndClose reads a little of what is left so the connection can be
// reused, unless the body was read to its end.
func drainAndClose(body io.ReadCloser) {
	if lb, ok := body.(*limitedBody); !ok || !lb.eof {
		_, _ = io.CopyN(io.Discard, body, 4<<10)
	}
	_ = body.Close()
}
