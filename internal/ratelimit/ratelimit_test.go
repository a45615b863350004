package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReserve(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	l := New(10, 2) // a token every 100ms, two at once
	l.now = func() time.Time { return now }
	wants := []time.Duration{0, 0, 100 * time.Millisecond, 200 * time.Millisecond}
	for i, want := range wants {
		if got := l.reserve(); got != want {
			t.Errorf("reservation %d: wait %v, want %v", i, got, want)
		}
	}
	now = now.Add(time.Second) // the debt is paid, and the bucket refills to its burst
	for i, want := range []time.Duration{0, 0, 100 * time.Millisecond} {
		if got := l.reserve(); got != want {
			t.Errorf("after a quiet second, reservation %d: wait %v, want %v", i, got, want)
		}
	}
}

func TestWaitHonoursContext(t *testing.T) {
	t.Parallel()
	l := New(1, 1)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 500*time.Millisecond {
		t.Errorf("Wait = %v after %v", err, time.Since(start))
	}
	// The abandoned turn was given back: the next caller waits about a
	// second, not two.
	if d := l.reserve(); d > 1100*time.Millisecond {
		t.Errorf("next wait %v, want at most about 1s", d)
	}
}
