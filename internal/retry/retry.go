// Package retry holds the SDK's single retry policy: which failed attempts may be
// repeated, and how long to wait before the next one.
//
// The rules (spec §17, extended): 429 is retried for any method, honouring
// Retry-After (else RateLimit-Reset) up to a cap; 5xx replies and network
// errors are retried only for requests that cannot apply twice (GET, HEAD,
// OPTIONS, PUT, DELETE, PATCH carrying If-Match, and GraphQL queries), a 503's
// Retry-After honoured; a request that could apply twice is retried after a
// network error only when no connection was ever made, or when reading the
// resource back found it not applied (a create's call.Resolver); errors that cannot heal, 409 and every other
// 4xx are final.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults applied to zero fields of a Policy.
const (
	DefaultMaxAttempts   = 4
	DefaultMinBackoff    = 500 * time.Millisecond
	DefaultMaxBackoff    = 8 * time.Second
	DefaultMaxRetryAfter = 60 * time.Second
)

// Policy bounds retries. MaxAttempts counts every attempt including the first.
type Policy struct {
	MaxAttempts   int
	MinBackoff    time.Duration
	MaxBackoff    time.Duration
	MaxRetryAfter time.Duration
}

// WithDefaults returns p with every zero or negative field set to its default,
// and MaxBackoff raised to MinBackoff when it is smaller.
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = DefaultMinBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// Outcome describes one finished attempt.
type Outcome struct {
	Method     string
	IfMatch    bool // the request carried an If-Match header
	Query      bool // the request only reads, whatever its method (a GraphQL query)
	Replayable bool // the request body can be sent again
	StatusCode int  // 0 when no response arrived
	// RetryAfter and RateLimitReset are the reply's Retry-After and
	// RateLimit-Reset headers, if any.
	RetryAfter     string
	RateLimitReset string
	Err            error // the transport error, when no response arrived
	// Permanent reports a transport error that cannot heal by trying again: a
	// TLS verification failure, a plain-HTTP answer to HTTPS, a malformed
	// header value, a redirect the client refuses.
	Permanent bool
	// NeverConnected reports that the transport error happened before any
	// connection to the server existed, so nothing was sent.
	NeverConnected bool
	// NotApplied reports that a check after an attempt whose outcome was
	// unknown found its change not applied, so sending it again is safe.
	NotApplied bool
}

// repeatable reports whether sending the request again cannot apply a change
// twice.
func (o Outcome) repeatable() bool {
	return o.NotApplied || !o.MayApplyTwice()
}

// MayApplyTwice reports whether the request changes something that a second
// copy could change again: a POST, a PATCH without If-Match; not a read (a
// GET, a GraphQL query) nor a PUT or DELETE.
func (o Outcome) MayApplyTwice() bool {
	return !o.Query && !Idempotent(o.Method, o.IfMatch)
}

// Next reports whether another attempt should follow the attempt-th one
// (1-based) with this outcome, and how long to wait before it.
func (p Policy) Next(attempt int, o Outcome, now time.Time) (time.Duration, bool) {
	if attempt >= p.MaxAttempts || !o.Replayable {
		return 0, false
	}
	switch {
	case o.Err != nil:
		if o.Permanent || errors.Is(o.Err, context.Canceled) || errors.Is(o.Err, context.DeadlineExceeded) {
			return 0, false
		}
		if !o.repeatable() && !o.NeverConnected {
			return 0, false
		}
	case o.StatusCode == http.StatusTooManyRequests:
		// The server refused the request before acting on it: any method.
		if d, ok := ParseRetryAfter(o.RetryAfter, now); ok {
			return min(d, p.MaxRetryAfter), true
		}
		if d, ok := parseSeconds(o.RateLimitReset); ok {
			return min(d, p.MaxRetryAfter), true
		}
	case o.StatusCode >= 500:
		if !o.repeatable() {
			return 0, false
		}
		if d, ok := ParseRetryAfter(o.RetryAfter, now); ok && o.StatusCode == http.StatusServiceUnavailable {
			return min(d, p.MaxRetryAfter), true
		}
	default:
		return 0, false
	}
	return p.Backoff(attempt), true
}

// parseSeconds reads a RateLimit-Reset value: a number of seconds.
func parseSeconds(v string) (time.Duration, bool) {
	secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || secs < 0 {
		return 0, false
	}
	return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
}

// Backoff returns the jittered exponential wait after the attempt-th attempt:
// a random duration in [d/2, d], where d = MinBackoff·2^(attempt-1) capped at
// MaxBackoff.
func (p Policy) Backoff(attempt int) time.Duration {
	d := p.MinBackoff
	for i := 1; i < attempt && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// Idempotent reports whether repeating a request of this method (with or
// without If-Match) cannot apply a change twice.
func Idempotent(method string, ifMatch bool) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPatch:
		return ifMatch
	}
	return false
}

// ParseRetryAfter reads a Retry-After value: delay seconds or an HTTP date. A
// date in the past gives 0. ok is false when the value is absent or invalid.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// IsDialError reports whether err happened while opening a connection (DNS
// lookup or dial), before any byte of a request could be written.
func IsDialError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
