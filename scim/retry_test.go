package scim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
)

// fastRetry retries quickly so tests stay fast.
var fastRetry = scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond})

func replies(n int, r testutil.Reply) []testutil.Reply {
	out := make([]testutil.Reply, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// TestRetryTable asserts, by counting requests, how many attempts each method
// and status gets under MaxAttempts 3.
func TestRetryTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method  string
		ifMatch bool
		status  int
		want    int
	}{
		{"GET", false, 500, 3}, {"GET", false, 503, 3}, {"GET", false, 429, 3},
		{"PUT", false, 502, 3}, {"DELETE", false, 500, 3},
		{"PATCH", false, 500, 1}, {"PATCH", true, 500, 3}, {"PATCH", false, 429, 3},
		{"POST", false, 500, 1}, {"POST", false, 503, 1}, {"POST", false, 429, 3},
		{"GET", false, 400, 1}, {"GET", false, 401, 1}, {"GET", false, 403, 1}, {"GET", false, 404, 1},
		{"PUT", false, 409, 1}, {"POST", false, 409, 1}, {"PATCH", true, 412, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s ifmatch=%v %d", tt.method, tt.ifMatch, tt.status), func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, fastRetry)
			rec := testutil.Serve(t, mock, replies(tt.want, testutil.Reply{Status: tt.status, Body: `{"detail":"d","status":"` + fmt.Sprint(tt.status) + `"}`})...)
			var body any
			if tt.method != "GET" && tt.method != "DELETE" {
				body = map[string]any{"x": 1}
			}
			_, err := call(c, context.Background(), tt.method, "Users/u", body, nil, scim.IfMatch(map[bool]string{true: `W/"1"`}[tt.ifMatch]))
			var se *scim.Error
			if !errors.As(err, &se) || se.StatusCode != tt.status || se.Attempts != tt.want || se.Detail != "d" {
				t.Errorf("err = %#v", err)
			}
			if got := len(rec.Requests()); got != tt.want {
				t.Errorf("attempts = %d, want %d", got, tt.want)
			}
			for _, r := range rec.Requests()[1:] {
				if body != nil && string(r.Body) != `{"x":1}` {
					t.Errorf("retried body = %q", r.Body)
				}
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t, fastRetry)
	rec := testutil.Serve(t, mock,
		testutil.Reply{Status: 503, Body: `{"detail":"busy"}`},
		testutil.Reply{Status: 429, Header: http.Header{"Retry-After": {"0"}}},
		testutil.Reply{Status: 200, Body: `{"id":"ok"}`},
	)
	var v struct{ ID string }
	if _, err := call(c, context.Background(), "GET", "Users/u", nil, &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != "ok" || len(rec.Requests()) != 3 {
		t.Errorf("id=%q after %d requests", v.ID, len(rec.Requests()))
	}
}

func TestRetryAfterHonouredAndCapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		cap        time.Duration
		min, max   time.Duration
	}{
		{"seconds capped", "3600", 30 * time.Millisecond, 30 * time.Millisecond, 10 * time.Second},
		{"date capped", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), 30 * time.Millisecond, 30 * time.Millisecond, 10 * time.Second},
		{"seconds honoured", "1", 30 * time.Second, time.Second, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxRetryAfter: tt.cap}))
			rec := testutil.Serve(t, mock,
				testutil.Reply{Status: 429, Header: http.Header{"Retry-After": {tt.retryAfter}}},
				testutil.Reply{Status: 204})
			start := time.Now()
			if _, err := call(c, context.Background(), "POST", "Users", map[string]string{"a": "b"}, nil); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < tt.min || d > tt.max {
				t.Errorf("waited %v, want between %v and %v", d, tt.min, tt.max)
			}
			if len(rec.Requests()) != 2 {
				t.Errorf("requests = %d", len(rec.Requests()))
			}
		})
	}
}

func TestRetryFinalErrorKeepsRetryAfter(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 2, MaxRetryAfter: time.Millisecond}))
	testutil.Serve(t, mock, replies(2, testutil.Reply{Status: 429, Body: `{"detail":"rate limited","status":"429"}`, Header: http.Header{"Retry-After": {"7"}}})...)
	_, err := call(c, context.Background(), "GET", "Users", nil, nil)
	var se *scim.Error
	if !errors.As(err, &se) || !errors.Is(err, scim.ErrTooManyRequests) || se.RetryAfter != 7*time.Second || se.Attempts != 2 || se.Detail != "rate limited" {
		t.Errorf("err = %#v", err)
	}
}

// cancelOnRetry is a log destination that calls its function when the
// client logs that it waits before another attempt.
type cancelOnRetry func()

func (f cancelOnRetry) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(`msg="scim retry"`)) {
		f()
	}
	return len(p), nil
}

// TestContextCancelledMidBackoff cancels the context once the first attempt
// has failed and the client waits to try again.
func TestContextCancelledMidBackoff(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Minute, MaxBackoff: time.Minute}),
		scim.WithLogger(slog.New(slog.NewTextHandler(cancelOnRetry(cancel), nil))))
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 503, Body: `{"detail":"down"}`})
	start := time.Now()
	_, err := call(c, ctx, "GET", "Users", nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if !strings.Contains(fmt.Sprint(err), "down") {
		t.Errorf("err = %v, want it to mention the last error", err)
	}
	var se *scim.Error
	if !errors.As(err, &se) || se.StatusCode != 503 || se.Detail != "down" || !errors.Is(err, scim.ErrServer) {
		t.Errorf("err = %v, want the last *scim.Error reachable with errors.As", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("returned after %v", d)
	}
	if len(rec.Requests()) != 1 {
		t.Errorf("requests = %d", len(rec.Requests()))
	}
}

func TestContextDeadlineWins(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := call(c, ctx, "GET", "Users", nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
}

// TestNetworkErrors checks transport failures on a real socket: a connection
// reset after the request was sent is retried for GET but never for POST; a
// POST whose connection was never made is retried.
func TestNetworkErrors(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	for _, tt := range []struct {
		method string
		want   int32
	}{{"GET", 3}, {"PUT", 3}, {"POST", 1}, {"PATCH", 1}} {
		hits.Store(0)
		c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		_, err = call(c, context.Background(), tt.method, "Users/u", map[string]int{"a": 1}, nil)
		if err == nil {
			t.Fatalf("%s: no error", tt.method)
		}
		if got := hits.Load(); got != tt.want {
			t.Errorf("%s: server saw %d requests, want %d", tt.method, got, tt.want)
		}
	}

	// A port with nothing listening (1, tcpmux, which no test binds): the
	// POST never connected, so it is retried.
	addr := "127.0.0.1:1"
	var logs bytes.Buffer
	c, err := scim.NewClient(scim.WithBaseURL("http://"+addr), scim.WithAPIKey(key), fastRetry,
		scim.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(c, context.Background(), "POST", "Users", map[string]int{"a": 1}, nil); err == nil || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("err = %v, want a dial error after 3 attempts", err)
	}
	if n := strings.Count(logs.String(), `level=DEBUG msg="scim request"`); n != 3 {
		t.Errorf("logged %d attempts, want 3:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), `level=INFO msg="scim retry"`); n != 2 {
		t.Errorf("logged %d retries, want 2:\n%s", n, logs.String())
	}
	if n := strings.Count(logs.String(), `level=INFO msg="scim giving up"`); n != 1 {
		t.Errorf("logged %d give-ups, want 1:\n%s", n, logs.String())
	}
}

func TestUnreplayableBodyNotRetried(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t, fastRetry)
	rec := testutil.Serve(t, mock, replies(3, testutil.Reply{Status: 503})...)
	req, err := c.NewRequest(context.Background(), "PUT", "Roles/r", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Body = io.NopCloser(strings.NewReader(`{"name":"x"}`)) // no GetBody
	if _, err := c.Do(req, nil); !errors.Is(err, scim.ErrServer) {
		t.Errorf("err = %v", err)
	}
	if len(rec.Requests()) != 1 {
		t.Errorf("requests = %d, want 1", len(rec.Requests()))
	}
}

func TestDefaultRetryPolicy(t *testing.T) {
	t.Parallel()
	mock := httpmock.NewMockTransport()
	c, err := scim.NewClient(scim.WithAPIKey(key), scim.WithBaseURL("https://wandb.test"), scim.WithHTTPClient(&http.Client{Transport: mock}),
		scim.WithRetry(scim.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	rec := testutil.Serve(t, mock, replies(4, testutil.Reply{Status: 500})...)
	_, _ = call(c, context.Background(), "GET", "Users", nil, nil)
	if got := len(rec.Requests()); got != 4 {
		t.Errorf("default MaxAttempts made %d requests, want 4", got)
	}
}

// TestLogNeverShowsCredentials logs every attempt of a failing call and checks
// the records' fields and that the canary key appears nowhere.
func TestLogNeverShowsCredentials(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mock := testutil.NewClient(t, fastRetry, scim.WithLogger(logger))
	testutil.Serve(t, mock,
		testutil.Reply{Status: 500, Body: `{"detail":"echo Bearer ` + key + `"}`},
		testutil.Reply{Status: 500, Body: `{"detail":"` + key + `"}`},
		testutil.Reply{Status: 401, Body: `{"detail":"bad key ` + key + `"}`})
	_, err := call(c, context.Background(), "GET", "Users/u", nil, nil)
	if err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("err = %v", err)
	}
	out := logs.String()
	if strings.Contains(out, key) {
		t.Errorf("log shows the key:\n%s", out)
	}
	if n := strings.Count(out, `"msg":"scim request"`); n != 3 {
		t.Errorf("%d records, want 3:\n%s", n, out)
	}
	for _, want := range []string{`"method":"GET"`, `"path":"/scim/Users/u"`, `"status":500`, `"status":401`, `"attempt":3`, `"duration"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

// TestRetryWaitBeyondDeadline returns the last error at once when the wait
// before the next attempt would outlast the context's deadline.
func TestRetryWaitBeyondDeadline(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MaxRetryAfter: time.Minute}))
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 429, Body: `{"detail":"slow down"}`, Header: http.Header{"Retry-After": {"30"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := call(c, ctx, "GET", "Users", nil, nil)
	var se *scim.Error
	if !errors.As(err, &se) || se.StatusCode != 429 || se.RetryAfter != 30*time.Second {
		t.Errorf("err = %v, want the 429", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("waited %v for a retry that could not happen in time", d)
	}
	if len(rec.Requests()) != 1 {
		t.Errorf("requests = %d", len(rec.Requests()))
	}
}
