package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

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

// errNilClient is returned instead of a panic when a service was built on a nil *Client.
var errNilClient = errors.New("scim: nil *Client: build one with scim.NewClient")

// RequestOption changes one request, for example to make it conditional
// (IfMatch), to add a header (WithHeader) or to see its response
// (OnResponse).
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

// responseHooksKey keys the OnResponse functions in a request's context.
type responseHooksKey struct{}

// OnResponse hands f the final response of a call (its status, headers and
// ETag), while the call itself keeps returning (T, error):
//
//	var etag string
//	u, err := users.New(c).Get(ctx, id, scim.OnResponse(func(r *scim.Response) { etag = r.ETag }))
//
// f runs once per request the call makes, after the last attempt of that
// request (retries are not reported), with error replies too; a call that
// needs a second request (a read-back after a change) calls f again, so the
// last call is the final response. f is not called when no response arrived.
// The body has been read when f runs. f is kept in the request's context, so
// requests a service builds from that context report to it too.
func OnResponse(f func(*Response)) RequestOption {
	return func(r *http.Request) {
		if f == nil {
			return
		}
		hooks, _ := r.Context().Value(responseHooksKey{}).([]func(*Response))
		hooks = append(hooks[:len(hooks):len(hooks)], f)
		*r = *r.WithContext(context.WithValue(r.Context(), responseHooksKey{}, hooks))
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
	ref, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("scim: malformed path %q: %w", truncate(path, maxQuoted), errors.Unwrap(err))
	}
	if ref.IsAbs() || ref.Host != "" || ref.User != nil || strings.HasPrefix(path, "//") || ref.Opaque != "" {
		return nil, fmt.Errorf("%w: got %q", ErrPathForbidden, truncate(path, maxQuoted))
	}
	escaped := strings.TrimLeft(ref.EscapedPath(), "/")
	for _, seg := range strings.Split(escaped, "/") {
		if seg, err := url.PathUnescape(seg); err == nil && (seg == "." || seg == "..") {
			return nil, fmt.Errorf("%w: got %q", ErrPathForbidden, truncate(path, maxQuoted))
		}
	}
	u := *c.baseURL
	if escaped != "" {
		u.Path = c.baseURL.Path + "/" + strings.TrimLeft(ref.Path, "/")
		u.RawPath = c.baseURL.EscapedPath() + "/" + escaped
	}
	u.RawQuery = ref.RawQuery
	return c.newRequest(ctx, method, &u, body, MediaType, opts)
}

// newRequest is the one place requests are built, for SCIM and GraphQL alike.
func (c *Client) newRequest(ctx context.Context, method string, u *url.URL, body any, contentType string, opts []RequestOption) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("scim: encoding %s %s body: %w", method, truncate(u.Path, maxQuoted), err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("scim: building request: %w", err)
	}
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
// JSON reply into v (nil discards it; an io.Writer receives the raw body). A
// 204 or empty body leaves v untouched. A non-2xx reply returns *Error, with the
// Response. When v holds a Meta whose Version is empty, the reply's ETag fills
// it. A failure to reach the server is an error that starts "scim: METHOD URL:".
// When the context ends, the error matches its error with errors.Is, and the
// last *Error, if a reply came, with errors.As.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	if c == nil {
		return nil, errNilClient
	}
	if req == nil {
		return nil, errors.New("scim: nil request")
	}
	resp, err := c.do(req, v)
	if resp != nil {
		hooks, _ := req.Context().Value(responseHooksKey{}).([]func(*Response))
		for _, f := range hooks {
			f(resp)
		}
	}
	return resp, err
}

// do is Do without the response hooks.
func (c *Client) do(req *http.Request, v any) (*Response, error) {
	ctx := req.Context()
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 1; ; attempt++ {
		attemptReq, err := c.attemptRequest(req, attempt)
		if err != nil {
			return nil, err
		}
		var connected atomic.Bool
		attemptReq = attemptReq.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
		}))

		start := time.Now()
		resp, err := c.httpClient.Do(attemptReq)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if err != nil {
			err = c.transportError(req, err)
		}
		c.logAttempt(ctx, req, attempt, status, time.Since(start), err)

		if err != nil {
			if ctx.Err() != nil {
				return nil, c.contextError(req, ctx, err)
			}
			outcome := retry.Outcome{
				Method: req.Method, IfMatch: req.Header.Get("If-Match") != "", Replayable: replayable,
				Err: err, NeverConnected: !connected.Load() && retry.IsDialError(err),
			}
			wait, again := c.retry.Next(attempt, outcome, time.Now())
			if again && fitsDeadline(ctx, wait) {
				c.logRetry(ctx, req, attempt, 0, wait, err)
				if sleep(ctx, wait) != nil {
					return nil, c.contextError(req, ctx, err)
				}
				continue
			}
			if attempt > 1 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
				c.logGiveUp(ctx, req, attempt, 0, err)
			}
			return nil, err
		}

		r := &Response{Response: resp, ETag: resp.Header.Get("ETag")}
		if status >= 200 && status <= 299 {
			return r, c.decode(req, resp, v, r.ETag)
		}
		apiErr := c.newError(req, resp)
		drainAndClose(resp.Body)
		apiErr.Attempts = attempt
		apiErr.RetryAfter, _ = retry.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		outcome := retry.Outcome{
			Method: req.Method, IfMatch: req.Header.Get("If-Match") != "", Replayable: replayable,
			StatusCode: status, RetryAfter: resp.Header.Get("Retry-After"),
		}
		wait, again := c.retry.Next(attempt, outcome, time.Now())
		if !again || !fitsDeadline(ctx, wait) {
			if attempt > 1 {
				c.logGiveUp(ctx, req, attempt, status, apiErr)
			}
			return r, apiErr
		}
		c.logRetry(ctx, req, attempt, status, wait, apiErr)
		if sleep(ctx, wait) != nil {
			return r, c.contextError(req, ctx, apiErr)
		}
	}
}

// attemptRequest returns req for the first attempt and a copy with a fresh body
// for later ones.
func (c *Client) attemptRequest(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 1 || req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, fmt.Errorf("scim: replaying request body: %w", err)
	}
	r := req.Clone(req.Context())
	r.Body = body
	return r, nil
}

// replyDecoder is implemented by values that decode a 2xx body themselves:
// Do hands them the whole body, unparsed, and when they refuse it, returns
// their error with the body quoted (redacted). The service packages use it
// to check that a reply holds the resource they asked for.
type replyDecoder interface {
	DecodeReply(body []byte) error
}

// decode reads a 2xx reply into v and closes its body.
func (c *Client) decode(req *http.Request, resp *http.Response, v any, etag string) error {
	defer drainAndClose(resp.Body)
	if w, ok := v.(io.Writer); ok {
		_, err := io.Copy(w, resp.Body)
		return err
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		err = fmt.Errorf("scim: reading %s %s reply: %w", req.Method, c.safeURL(req), err)
		if req.Context().Err() != nil {
			return c.contextError(req, req.Context(), err)
		}
		return err
	}
	var check func([]byte) error
	switch d := v.(type) {
	case replyDecoder:
		check = d.DecodeReply
	case pageDecoder:
		check = d.decodePage
	}
	if check != nil {
		if err := check(body); err != nil {
			return fmt.Errorf("scim: %s %s: unexpected %d reply: %w; %s", req.Method, c.safeURL(req), resp.StatusCode, err,
				c.quoteBody("body", resp, bytes.TrimSpace(body)))
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

// transportError rewords an error of http.Client.Do as
// "scim: METHOD URL: cause", with the URL redacted and bounded; errors.Is and
// errors.As still reach the cause (a net.Error, context.Canceled, …).
func (c *Client) transportError(req *http.Request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("scim: %s %s: %w", req.Method, c.safeURL(req), err)
}

// contextError reports that ctx ended after last, the error of the last
// attempt: errors.Is matches the context's error, and errors.Is and
// errors.As reach last too (a *Error when a reply came).
func (c *Client) contextError(req *http.Request, ctx context.Context, last error) error {
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

// drainAndClose reads a little of what is left so the connection can be reused.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	_ = body.Close()
}
