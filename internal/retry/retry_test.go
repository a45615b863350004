package retry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

var testPolicy = Policy{MaxAttempts: 3, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, MaxRetryAfter: 5 * time.Second}

func TestNextTable(t *testing.T) {
	t.Parallel()
	netErr := errors.New("connection reset by peer")
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name string
		o    Outcome
		want bool
	}{
		{"GET 500", Outcome{Method: "GET", StatusCode: 500}, true},
		{"GET 503", Outcome{Method: "GET", StatusCode: 503}, true},
		{"PUT 502", Outcome{Method: "PUT", StatusCode: 502}, true},
		{"DELETE 500", Outcome{Method: "DELETE", StatusCode: 500}, true},
		{"PATCH 500", Outcome{Method: "PATCH", StatusCode: 500}, false},
		{"PATCH If-Match 500", Outcome{Method: "PATCH", IfMatch: true, StatusCode: 500}, true},
		{"POST 500", Outcome{Method: "POST", StatusCode: 500}, false},
		{"POST 429", Outcome{Method: "POST", StatusCode: 429}, true},
		{"PATCH 429", Outcome{Method: "PATCH", StatusCode: 429}, true},
		{"GET 409", Outcome{Method: "GET", StatusCode: 409}, false},
		{"PUT 409", Outcome{Method: "PUT", StatusCode: 409}, false},
		{"GET 400", Outcome{Method: "GET", StatusCode: 400}, false},
		{"GET 404", Outcome{Method: "GET", StatusCode: 404}, false},
		{"GET 412", Outcome{Method: "GET", StatusCode: 412}, false},
		{"GET network", Outcome{Method: "GET", Err: netErr}, true},
		{"POST network", Outcome{Method: "POST", Err: netErr}, false},
		{"POST never connected", Outcome{Method: "POST", Err: dialErr, NeverConnected: true}, true},
		{"PATCH network", Outcome{Method: "PATCH", Err: netErr}, false},
		{"GET canceled", Outcome{Method: "GET", Err: context.Canceled}, false},
		{"GET deadline", Outcome{Method: "GET", Err: context.DeadlineExceeded}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.o.Replayable = true
			if _, got := testPolicy.Next(1, tt.o, time.Now()); got != tt.want {
				t.Errorf("Next = %v, want %v", got, tt.want)
			}
			if _, got := testPolicy.Next(3, tt.o, time.Now()); got {
				t.Error("Next after the last attempt = true")
			}
			tt.o.Replayable = false
			if _, got := testPolicy.Next(1, tt.o, time.Now()); got {
				t.Error("Next with an unreplayable body = true")
			}
		})
	}
}

func TestNextRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"2", 2 * time.Second},
		{"0", 0},
		{"3600", 5 * time.Second}, // capped by MaxRetryAfter
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		got, ok := testPolicy.Next(1, Outcome{Method: "POST", Replayable: true, StatusCode: 429, RetryAfter: tt.header}, now)
		if !ok || got != tt.want {
			t.Errorf("Retry-After %q: got %v, %v; want %v", tt.header, got, ok, tt.want)
		}
	}
	// No or an invalid Retry-After falls back to jittered backoff.
	for _, h := range []string{"", "soon", "-1"} {
		got, ok := testPolicy.Next(1, Outcome{Method: "GET", Replayable: true, StatusCode: 429, RetryAfter: h}, now)
		if !ok || got < 50*time.Millisecond || got > 100*time.Millisecond {
			t.Errorf("Retry-After %q: got %v, %v; want backoff in [50ms,100ms]", h, got, ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := testPolicy
	for attempt, max := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 50 {
			d := p.Backoff(attempt)
			if d < max/2 || d > max {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", attempt, d, max/2, max)
			}
		}
	}
}

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	got := Policy{}.WithDefaults()
	want := Policy{DefaultMaxAttempts, DefaultMinBackoff, DefaultMaxBackoff, DefaultMaxRetryAfter}
	if got != want {
		t.Errorf("WithDefaults() = %+v, want %+v", got, want)
	}
	got = Policy{MaxAttempts: 1, MinBackoff: 10 * time.Second, MaxBackoff: time.Second}.WithDefaults()
	if got.MaxAttempts != 1 || got.MaxBackoff != 10*time.Second {
		t.Errorf("WithDefaults() = %+v", got)
	}
}

func TestIsDialError(t *testing.T) {
	t.Parallel()
	if !IsDialError(&net.OpError{Op: "dial", Err: errors.New("refused")}) {
		t.Error("dial OpError not recognised")
	}
	if !IsDialError(&net.DNSError{Err: "no such host", Name: "x"}) {
		t.Error("DNSError not recognised")
	}
	if IsDialError(&net.OpError{Op: "read", Err: errors.New("reset")}) {
		t.Error("read OpError taken as a dial error")
	}
	if IsDialError(errors.New("other")) {
		t.Error("plain error taken as a dial error")
	}
}
