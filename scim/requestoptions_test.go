package scim_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestWithMaxAttempts checks that one request's WithMaxAttempts replaces
// the client's MaxAttempts for it alone, and that n below 1 keeps the
// client's.
func TestWithMaxAttempts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []scim.RequestOption
		want int
	}{
		{"client's 3", nil, 3},
		{"1: no retries", []scim.RequestOption{scim.WithMaxAttempts(1)}, 1},
		{"5: more than the client's", []scim.RequestOption{scim.WithMaxAttempts(5)}, 5},
		{"0 keeps the client's", []scim.RequestOption{scim.WithMaxAttempts(0)}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, fastRetry)
			rec := testutil.Serve(t, mock, replies(tt.want, testutil.Reply{Status: 503, Body: `{"detail":"down"}`})...)
			_, err := call(c, context.Background(), "GET", "Users/u1", nil, nil, tt.opts...)
			var se *scim.Error
			if !errors.As(err, &se) || se.StatusCode != 503 || se.Attempts != tt.want {
				t.Fatalf("err = %v, want a 503 after %d attempts", err, tt.want)
			}
			if n := len(rec.Requests()); n != tt.want {
				t.Errorf("%d requests, want %d", n, tt.want)
			}
		})
	}
}

// TestWithAttemptTimeout checks that a request's WithAttemptTimeout bounds
// its attempts against a server that never answers, although the client has
// no per-attempt timeout.
func TestWithAttemptTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("k"), scim.WithTimeout(0), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = call(c, ctx, "GET", "Users/u1", nil, nil, scim.WithAttemptTimeout(20*time.Millisecond), scim.WithMaxAttempts(2))
	if !errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() != nil || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Fatalf("err = %v, want an attempt timeout after 2 attempts", err)
	}
}

// TestErrorKeepsResponse checks that *Error holds the reply, its headers
// readable (W&B's request id), its body read and closed, and its request
// without credentials.
func TestErrorKeepsResponse(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	testutil.Serve(t, mock, testutil.Reply{Status: 404, Body: `{"detail":"no user"}`, Header: http.Header{"X-Request-Id": {"req-42"}}})
	_, err := call(c, context.Background(), "GET", "Users/u1", nil, nil)
	var se *scim.Error
	if !errors.As(err, &se) || se.Response == nil {
		t.Fatalf("err = %v, want a *scim.Error with its Response", err)
	}
	if got := se.Response.Header.Get("X-Request-Id"); got != "req-42" {
		t.Errorf("request id = %q", got)
	}
	if b, err := io.ReadAll(se.Response.Body); err != nil || len(b) != 0 {
		t.Errorf("body = %q, %v; want it read already", b, err)
	}
	if se.Response.StatusCode != 404 || se.Response.Request == nil || se.Response.Request.Header.Get("Authorization") != "" {
		t.Errorf("response = %d, request %v; want 404 and a request without credentials", se.Response.StatusCode, se.Response.Request)
	}
}

// TestContextErrorSaidOnce checks that a context that ends during the
// first attempt gives an error that says so once.
func TestContextErrorSaidOnce(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("k"), scim.WithTimeout(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = call(c, ctx, "GET", "Users/u1", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) || strings.Count(err.Error(), "deadline exceeded") != 1 || strings.Contains(err.Error(), "last error") {
		t.Fatalf("err = %q, want the context's error said once", err)
	}
}

// TestRateLimitWaitsLogged checks that a wait for WithRateLimit is logged
// at Info, as WithLogger says.
func TestRateLimitWaitsLogged(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, mock := testutil.NewClient(t, scim.WithRateLimit(50, 1), scim.WithLogger(logger))
	testutil.Serve(t, mock, replies(3, testutil.Reply{Status: 200, Body: `{}`})...)
	for range 3 {
		if _, err := call(c, context.Background(), "GET", "Users/u1", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	if !strings.Contains(out, "level=INFO msg=\"scim paced\"") || !strings.Contains(out, "wait=") || !strings.Contains(out, "path=/scim/Users/u1") {
		t.Errorf("log = %q, want Info records of the waits", out)
	}
}
