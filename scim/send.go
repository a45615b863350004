package scim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-wandb/identity/internal/clip"
	"github.com/go-wandb/identity/internal/retry"
)

// send makes one attempt of req: a fresh body for a repeat, the per-attempt
// timeout (unless the call's context ends sooner), and the reply's body
// bounded by the client's size limit. It turns a transport error into
// "scim: METHOD URL: cause". wrote reports that the whole request was
// written to a connection, so that the server may have acted on it.
// option names the setting the timeout comes from, for its error:
// "scim.WithTimeout" or "scim.WithAttemptTimeout".
func (c *Client) send(req *http.Request, attempt int, timeout time.Duration, option string) (resp *http.Response, wrote bool, err error) {
	r := req
	if attempt > 1 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, false, fmt.Errorf("scim: replaying request body: %w", err)
		}
		r = req.Clone(req.Context())
		r.Body = body
	}
	var t *attemptTimer
	if timeout > 0 && !endsWithin(req.Context(), timeout) {
		t = newAttemptTimer(req.Context(), timeout, option)
		r = r.WithContext(t.ctx)
	}
	var written atomic.Bool
	r = r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { written.Store(info.Err == nil) },
	}))
	start := time.Now()
	resp, err = c.httpClient.Do(r)
	status := 0
	if err != nil {
		if t != nil {
			err = t.explain(err)
			t.stop()
		}
		err = c.transportError(req, err)
	} else {
		status = resp.StatusCode
		var body io.ReadCloser = resp.Body
		if t != nil {
			t.pause()
			body = &timedBody{rc: body, t: t}
		}
		resp.Body = &limitedBody{rc: body, left: c.maxResponseBytes, limit: c.maxResponseBytes}
	}
	c.logAttempt(req.Context(), req, attempt, status, time.Since(start), err)
	return resp, written.Load(), err
}

// endsWithin reports whether ctx has a deadline within d: it then bounds the
// attempt, and the client's own timer is not needed.
func endsWithin(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) <= d
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

// neverConnected reports whether a transport error happened before any
// connection existed (a DNS failure or a refused dial: a dial fails only
// before a connection exists), so nothing was sent.
func neverConnected(err error) bool { return retry.IsDialError(err) }

// permanent reports whether a transport error cannot heal by trying again.
func permanent(err error) bool {
	var (
		redirect *redirectError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	if errors.As(err, &redirect) || errors.As(err, &verify) || errors.As(err, &record) ||
		errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"server gave HTTP response to HTTPS client",
		"invalid header field",
		"unsupported protocol scheme",
		"tls: failed to verify certificate",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// errAttemptTimeout is the cause an attemptTimer cancels with.
var errAttemptTimeout = errors.New("attempt timed out")

// attemptTimer bounds one attempt: it cancels the attempt's context when the
// server sends nothing for d, while the request is sent or its reply read.
// It is paused between reads of the body, so a consumer that takes its time
// with what it read (a walk yielding resources) is not timed.
type attemptTimer struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	d      time.Duration
	option string // the setting d comes from
}

func newAttemptTimer(parent context.Context, d time.Duration, option string) *attemptTimer {
	ctx, cancel := context.WithCancelCause(parent)
	t := &attemptTimer{ctx: ctx, cancel: cancel, d: d, option: option}
	t.timer = time.AfterFunc(d, func() { cancel(errAttemptTimeout) })
	return t
}

func (t *attemptTimer) pause()  { t.timer.Stop() }
func (t *attemptTimer) resume() { t.timer.Reset(t.d) }

// stop ends the attempt's context.
func (t *attemptTimer) stop() {
	t.timer.Stop()
	t.cancel(nil)
}

// explain replaces err with a *timeoutError when the timer ended the attempt.
func (t *attemptTimer) explain(err error) error {
	if err != nil && context.Cause(t.ctx) == errAttemptTimeout {
		return &timeoutError{d: t.d, option: t.option}
	}
	return err
}

// timeoutError is an attempt that got nothing from the server for d. It
// matches os.ErrDeadlineExceeded, as an I/O timeout does, and is a net.Error
// whose Timeout is true. option names the setting d comes from.
type timeoutError struct {
	d      time.Duration
	option string
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("the server sent nothing for %v (%s)", e.d, e.option)
}
func (e *timeoutError) Timeout() bool        { return true }
func (e *timeoutError) Temporary() bool      { return true }
func (e *timeoutError) Is(target error) bool { return target == os.ErrDeadlineExceeded }

// timedBody runs the attempt's timer while a read is under way.
type timedBody struct {
	rc io.ReadCloser
	t  *attemptTimer
}

func (b *timedBody) Read(p []byte) (int, error) {
	b.t.resume()
	n, err := b.rc.Read(p)
	b.t.pause()
	return n, b.t.explain(err)
}

func (b *timedBody) Close() error {
	err := b.rc.Close()
	b.t.stop()
	return err
}

// limitedBody fails a read past limit bytes with a *bodyTooLargeError, and
// notes when the body was read to its end.
type limitedBody struct {
	rc          io.ReadCloser
	left, limit int64
	eof         bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Nothing more may be read; a reply that ends here is fine.
		if n, err := b.rc.Read(p[:min(len(p), 1)]); n == 0 {
			b.eof = b.eof || err == io.EOF
			return 0, err
		}
		return 0, &bodyTooLargeError{limit: b.limit}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	switch {
	case err == io.EOF:
		b.eof = true
	case err != nil:
		err = &readError{err}
	}
	return n, err
}

// readError is a reply whose body broke off (a reset connection, a stall
// past the timeout): for a request that may be repeated, do tries again.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

func (b *limitedBody) Close() error { return b.rc.Close() }

// bodyTooLargeError is a 2xx reply larger than the client's limit.
type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("the reply is larger than %d bytes (scim.WithMaxResponseBytes)", e.limit)
}

// redirectError is a redirect the client refuses to follow.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// checkRedirect wraps next (the caller's CheckRedirect, or Go's default of
// ten redirects) with the client's rules: a redirect to another origin
// (scheme, host, port) is not followed, so neither credentials nor a
// request's body reach it; a redirect that would turn a request other than
// GET or HEAD into a GET (301, 302, 303) is an error, never a silent GET;
// and a loop is an error that is not retried.
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first, prev := via[0], via[len(via)-1]
		code := 0
		if req.Response != nil {
			code = req.Response.StatusCode
		}
		loc := *req.URL
		loc.User, loc.RawQuery, loc.ForceQuery, loc.Fragment, loc.RawFragment = nil, "", false, "", ""
		switch {
		case origin(req.URL) != origin(first.URL):
			return &redirectError{fmt.Sprintf("redirect (%d) to another origin, %s, not followed", code, clip.String(loc.String(), maxQuoted))}
		case req.Method != prev.Method:
			return &redirectError{fmt.Sprintf("a %d redirect would turn the %s into a %s: not followed (check the base URL)", code, prev.Method, req.Method)}
		case len(via) >= 10:
			return &redirectError{fmt.Sprintf("stopped after %d redirects (a redirect loop?)", len(via))}
		case next != nil:
			return next(req, via)
		}
		return nil
	}
}
