// Package ratelimit paces requests: a token bucket shared by every goroutine
// of one client.
package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Limiter lets perSecond requests through per second on average, and up to
// burst at once after a quiet spell. Waiters are served in the order they
// asked. It is safe for concurrent use.
type Limiter struct {
	mu        sync.Mutex
	perSecond float64
	burst     float64
	tokens    float64 // negative: reserved by waiters
	last      time.Time
	now       func() time.Time
}

// New returns a Limiter; perSecond must be positive and burst at least 1.
func New(perSecond float64, burst int) *Limiter {
	return &Limiter{perSecond: perSecond, burst: float64(burst), tokens: float64(burst), now: time.Now}
}

// Wait blocks until the caller may send a request, or ctx ends (its error is
// returned, and the caller's turn given back).
func (l *Limiter) Wait(ctx context.Context) error { return l.WaitNotify(ctx, nil) }

// WaitNotify is Wait that first tells notify, when it is not nil, how long
// the caller is about to wait; it is not called when there is no wait.
func (l *Limiter) WaitNotify(ctx context.Context, notify func(time.Duration)) error {
	d := l.reserve()
	if d <= 0 {
		return nil
	}
	if notify != nil {
		notify(d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		l.tokens++
		l.mu.Unlock()
		return ctx.Err()
	}
}

// reserve takes a token, possibly one not yet earned, and returns how long
// until it is.
func (l *Limiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if !l.last.IsZero() {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.perSecond)
	}
	l.last = now
	l.tokens--
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.perSecond * float64(time.Second))
}
