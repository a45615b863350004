package scim_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// silentServer accepts requests and answers nothing until the test ends.
func silentServer(t *testing.T) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv
}

// TestSilentServer checks that an attempt ends when the server sends nothing
// for the client's timeout, that the error says so, and that a shorter
// context still wins.
func TestSilentServer(t *testing.T) {
	t.Parallel()
	srv := silentServer(t)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithTimeout(100*time.Millisecond),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = call(c, context.Background(), "GET", "Users/u1", nil, nil)
	took := time.Since(start)
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "sent nothing for 100ms (scim.WithTimeout)") ||
		!strings.Contains(err.Error(), "after 2 attempts") || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a timeout after 2 attempts", err)
	}
	if took < 200*time.Millisecond || took > 10*time.Second {
		t.Errorf("returned after %v, want about 2 × 100ms", took)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	slow, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if _, err := call(slow, ctx, "GET", "Users/u1", nil, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the context's deadline was honoured after %v", took)
	}
}

// TestStalledBody checks a reply that starts and then stalls, and that a
// consumer that takes its time between the resources of a walk is not timed.
func TestStalledBody(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", scim.MediaType)
		if r.URL.Path == "/scim/Users/stall" {
			fmt.Fprint(w, `{"id":`)
			w.(http.Flusher).Flush()
			select {
			case <-done:
			case <-r.Context().Done():
			}
			return
		}
		fmt.Fprint(w, page(3, 1, "a", "b", "c"))
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithTimeout(100*time.Millisecond),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if _, err := call(c, context.Background(), "GET", "Users/stall", nil, &v); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("stalled body: err = %v, want a timeout", err)
	}
	// A timeout that a loaded machine's scheduling cannot reach, and one
	// pause longer than it.
	c, err = scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithTimeout(time.Second),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range scim.Paginate[item](context.Background(), c, "Users", nil) {
		if err != nil {
			t.Fatalf("slow consumer: %v", err)
		}
		if n++; n == 1 {
			time.Sleep(1200 * time.Millisecond)
		}
	}
	if n != 3 {
		t.Errorf("walked %d resources, want 3", n)
	}
}

// countConns counts the connections srv accepts.
func countConns(srv *httptest.Server) *atomic.Int32 {
	var n atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	return &n
}

// TestPermanentErrorsNotRetried checks failures that cannot heal: each is
// tried once, whatever the retry budget.
func TestPermanentErrorsNotRetried(t *testing.T) {
	t.Parallel()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) })
	retries := scim.WithRetry(scim.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})

	untrusted := httptest.NewUnstartedServer(handler)
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is the point
	tlsConns := countConns(untrusted)
	untrusted.StartTLS()
	defer untrusted.Close()

	plain := httptest.NewUnstartedServer(handler)
	plainConns := countConns(plain)
	plain.Start()
	defer plain.Close()

	tests := []struct {
		name  string
		base  string
		opt   scim.RequestOption
		conns *atomic.Int32
		want  string
	}{
		{"TLS verification", untrusted.URL, nil, tlsConns, "certificate"},
		{"HTTP answer to HTTPS", strings.Replace(plain.URL, "http://", "https://", 1), nil, plainConns, "server gave HTTP response to HTTPS client"},
		{"malformed header value", plain.URL, scim.WithHeader("X-Trace", "a\nb"), nil, "invalid header field value"},
	}
	for _, tt := range tests {
		c, err := scim.NewClient(scim.WithBaseURL(tt.base), scim.WithAPIKey(key), retries)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = call(c, context.Background(), "GET", "Users/u1", nil, nil, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "attempts") {
			t.Errorf("%s: err = %v, want %q on the first attempt", tt.name, err, tt.want)
		}
		if tt.conns != nil && tt.conns.Load() != 1 {
			t.Errorf("%s: %d connections, want 1", tt.name, tt.conns.Load())
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
	}
}

// TestCredentialChecks checks NewClient's refusal of keys and user names it
// could not send, without quoting them.
func TestCredentialChecks(t *testing.T) {
	t.Parallel()
	const secret = "sekrit-9f8e7d6c5b4a"
	tests := []struct {
		name string
		opt  scim.Option
		want string
	}{
		{"leading space", scim.WithAPIKey(" " + secret), "white space at its start or end"},
		{"trailing newline", scim.WithAPIKey(secret + "\n"), "white space at its start or end"},
		{"inner space", scim.WithAPIKey("sekrit 9f8e"), "white space or a control character"},
		{"NUL", scim.WithAPIKey("sekrit\x009f8e"), "white space or a control character"},
		{"DEL", scim.WithAPIKey("sekrit\x7f9f8e"), "white space or a control character"},
		{"empty", scim.WithAPIKey(""), "empty API key"},
		{"basic key with tab", scim.WithBasicAuth("admin", "sekrit\t9f8e"), "white space or a control character"},
		{"basic user with colon", scim.WithBasicAuth("ad:min", secret), "contains a colon"},
		{"basic user with newline", scim.WithBasicAuth("admin\n", secret), "username has white space"},
	}
	for _, tt := range tests {
		_, err := scim.NewClient(tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "sekrit") || strings.Contains(err.Error(), "9f8e") {
			t.Errorf("%s: the error quotes the credential: %v", tt.name, err)
		}
	}
}

// TestFromEnvTrims checks that FromEnv trims the variables, and checks what
// is left.
func TestFromEnvTrims(t *testing.T) {
	t.Setenv(scim.EnvAPIKey, "  "+key+"\n")
	t.Setenv(scim.EnvBaseURL, " https://wandb.test\n")
	t.Setenv(scim.EnvUsername, "")
	c, mock := testutil.NewClient(t, scim.FromEnv())
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 204})
	if _, err := call(c, context.Background(), "DELETE", "Users/u1", nil, nil); err != nil {
		t.Fatal(err)
	}
	rec.Check(t, testutil.Want{Method: "DELETE", Path: "/scim/Users/u1"}) // asserts "Bearer " + key

	t.Setenv(scim.EnvAPIKey, "bad key")
	if _, err := scim.NewClient(scim.FromEnv()); err == nil || !strings.Contains(err.Error(), "WANDB_API_KEY contains white space") {
		t.Errorf("err = %v, want the variable named", err)
	}
	// An explicit key wins, so a bad variable does not matter.
	if _, err := scim.NewClient(scim.FromEnv(), scim.WithAPIKey(key)); err != nil {
		t.Errorf("explicit key with a bad variable: %v", err)
	}
}

// TestBaseURLChecks covers base URLs NewClient refuses, and that its errors
// never quote a URL's query.
func TestBaseURLChecks(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]string{
		"https://::":                            "malformed base URL",
		"https://::/scim":                       "malformed base URL",
		"https://::1":                           "IPv6 address must be in brackets",
		"https://[::1x]":                        "", // url.Parse refuses it
		"https://acme.wandb.io:99999":           `invalid port "99999"`,
		"https://acme.wandb.io:0":               `invalid port "0"`,
		"https://acme..io":                      "invalid host name",
		"https://acme.wandb.io/scim?key=sekrit": "must not have a query",
		"https://acme.wandb.io/#sekrit":         "must not have a query",
		"ftp://acme.wandb.io?x=sekrit":          "scheme must be http or https",
	} {
		_, err := scim.NewClient(scim.WithBaseURL(u), scim.WithAPIKey(key))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", u, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "sekrit") {
			t.Errorf("%s: the error quotes the query: %v", u, err)
		}
	}
	for _, u := range []string{"https://[::1]:8443", "https://acme.wandb.io:443/scim/v2", "http://localhost:8080", "https://wandb_internal.corp."} {
		if _, err := scim.NewClient(scim.WithBaseURL(u), scim.WithAPIKey(key)); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// TestReplySizeLimit checks that a 2xx reply past the limit ends the call,
// counted after transparent decompression, and that deep nesting is an
// error.
func TestReplySizeLimit(t *testing.T) {
	t.Parallel()
	big := `{"id":"u1","pad":"` + strings.Repeat("x", 8<<10) + `"}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	fmt.Fprint(zw, big)
	zw.Close()
	bigPage := page(3, 1, "a", "b", "c")[:20] + strings.Repeat(" ", 8<<10) + page(3, 1, "a", "b", "c")[20:]
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/scim/Users/big":
			fmt.Fprint(w, big)
		case "/scim/Users/gzip":
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				t.Error("the client did not ask for gzip")
			}
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		case "/scim/Users/deep":
			fmt.Fprint(w, `{"id":"x","v":`+deep+`}`)
		case "/scim/Users":
			fmt.Fprint(w, bigPage)
		case "/scim/Groups":
			fmt.Fprint(w, `{"Resources":[{"id":"x","v":`+deep+`}],"totalResults":1}`)
		}
	}))
	defer srv.Close()
	if gz.Len() > 1024 {
		t.Fatalf("the gzip reply is %d bytes; the test needs it under the limit", gz.Len())
	}
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithMaxResponseBytes(4<<10))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"Users/big", "Users/gzip"} {
		var v map[string]any
		if _, err := call(c, context.Background(), "GET", p, nil, &v); err == nil || !strings.Contains(err.Error(), "larger than 4096 bytes (scim.WithMaxResponseBytes)") {
			t.Errorf("GET %s: err = %v", p, err)
		}
	}
	if _, err := call(c, context.Background(), "GET", "Users", nil, new(scim.Page[item])); err == nil || !strings.Contains(err.Error(), "larger than 4096 bytes") {
		t.Errorf("list: err = %v", err)
	}
	for _, err := range scim.Paginate[item](context.Background(), c, "Users", nil) {
		if err == nil || !strings.Contains(err.Error(), "larger than 4096 bytes") {
			t.Errorf("walk: err = %v", err)
		}
		break
	}
	roomy, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if _, err := call(roomy, context.Background(), "GET", "Users/deep", nil, &v); err == nil {
		t.Error("deeply nested reply: no error")
	}
	if _, err := call(roomy, context.Background(), "GET", "Groups", nil, new(scim.Page[item])); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deeply nested list: err = %v", err)
	}
}

// TestWrongEndpoint checks that a 404 to a list or GraphQL request says to
// check the base URL and is not "not found", while a 404 for one resource is.
func TestWrongEndpoint(t *testing.T) {
	t.Parallel()
	notFound := testutil.Reply{Status: 404, Body: `404 page not found`, Header: http.Header{"Content-Type": {"text/plain"}}}
	c, mock := testutil.NewClient(t)
	testutil.Serve(t, mock, notFound, notFound, notFound, notFound)
	_, listErr := call(c, context.Background(), "GET", "Users?filter=userName%20eq%20%22a%22", nil, new(scim.Page[item]))
	var walkErr error
	for _, err := range scim.Paginate[item](context.Background(), c, "Users", nil) {
		walkErr = err
	}
	gqlErr := c.GraphQL(context.Background(), "query { viewer { id } }", nil, nil)
	for name, err := range map[string]error{"list": listErr, "walk": walkErr, "graphql": gqlErr} {
		var se *scim.Error
		if errors.Is(err, scim.ErrNotFound) || !errors.As(err, &se) || se.StatusCode != 404 || !strings.Contains(err.Error(), "check the base URL") {
			t.Errorf("%s: err = %v, want a 404 that is not ErrNotFound", name, err)
		}
	}
	if _, err := call(c, context.Background(), "GET", "Users/u1", nil, nil); !errors.Is(err, scim.ErrNotFound) {
		t.Errorf("one resource: err = %v, want ErrNotFound", err)
	}
}

// TestGraphQLRetries checks that a query is retried like a GET and a
// mutation like a POST.
func TestGraphQLRetries(t *testing.T) {
	t.Parallel()
	down := testutil.Reply{Status: 503, Body: `{"errors":[{"message":"unavailable"}]}`}
	up := testutil.GraphQLReply(`{"data":{"viewer":{"id":"v"}}}`)
	tests := []struct {
		doc      string
		replies  []testutil.Reply
		wantReqs int
		wantErr  bool
	}{
		{"query GetViewer { viewer { id } }", []testutil.Reply{down, down, up}, 3, false},
		{"{ viewer { id } }", []testutil.Reply{down, up}, 2, false},
		{"# mutation in a comment\nquery Q { viewer { id } }", []testutil.Reply{down, up}, 2, false},
		{"fragment F on User { id }\nquery Q { viewer { ...F } }", []testutil.Reply{down, up}, 2, false},
		{`query Q { users(query: "mutation") { edges { node { id } } } }`, []testutil.Reply{down, up}, 2, false},
		{"mutation GenerateApiKey { generateApiKey(input: {}) { apiKey { id } } }", []testutil.Reply{down}, 1, true},
		{"fragment F on User { id }\nmutation M { createTeam(input: {}) { entity { ...F } } }", []testutil.Reply{down}, 1, true},
	}
	for _, tt := range tests {
		c, mock := testutil.NewClient(t, fastRetry)
		rec := testutil.Serve(t, mock, tt.replies...)
		err := c.GraphQL(context.Background(), tt.doc, nil, nil)
		if (err != nil) != tt.wantErr || len(rec.Requests()) != tt.wantReqs {
			t.Errorf("%q: err = %v after %d requests, want %d requests", tt.doc, err, len(rec.Requests()), tt.wantReqs)
		}
	}
}

// TestServerWaitHeaders checks that a 503's Retry-After and a 429's
// RateLimit-Reset set the wait (capped), rather than the backoff, which here
// is an hour.
func TestServerWaitHeaders(t *testing.T) {
	t.Parallel()
	slowBackoff := scim.WithRetry(scim.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Hour, MaxBackoff: time.Hour, MaxRetryAfter: 20 * time.Millisecond})
	for name, reply := range map[string]testutil.Reply{
		"503 Retry-After":     {Status: 503, Header: http.Header{"Retry-After": {"5"}}},
		"429 RateLimit-Reset": {Status: 429, Header: http.Header{"Ratelimit-Limit": {"100"}, "Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"7"}}},
	} {
		c, mock := testutil.NewClient(t, slowBackoff)
		rec := testutil.Serve(t, mock, reply, testutil.Reply{Status: 204})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		if _, err := call(c, ctx, "GET", "Users", nil, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		cancel()
		if d := time.Since(start); d < 15*time.Millisecond || d > 4*time.Second || len(rec.Requests()) != 2 {
			t.Errorf("%s: %d requests in %v, want 2 after the capped 20ms wait", name, len(rec.Requests()), d)
		}
	}
}

// TestCloseIdleConnections checks that the client's pooled connections can
// be released.
func TestCloseIdleConnections(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	closed := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			mu.Lock()
			closed++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(c, context.Background(), "DELETE", "Users/u1", nil, nil); err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		n := closed
		mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections closed, want 1", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRateLimit checks that WithRateLimit paces a client's requests across
// goroutines and that a waiting request gives up when its context ends.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithRateLimit(50, 2))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := call(c, context.Background(), "DELETE", "Users/u1", nil, nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	// 12 requests at 50/s with a burst of 2: at least 10 × 20ms.
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("12 requests took %v, want at least 200ms", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	slow, _ := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithRateLimit(0.1, 1))
	call(slow, context.Background(), "DELETE", "Users/u1", nil, nil) // takes the one token
	start = time.Now()
	if _, err := call(slow, ctx, "DELETE", "Users/u1", nil, nil); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("waiting for a token: err = %v after %v", err, time.Since(start))
	}
	for _, bad := range []scim.Option{scim.WithRateLimit(0, 1), scim.WithRateLimit(1, 0), scim.WithTimeout(-time.Second), scim.WithMaxResponseBytes(0)} {
		if _, err := scim.NewClient(scim.WithAPIKey(key), bad); err == nil {
			t.Error("a bad option was accepted")
		}
	}
}

// TestContextEndsInALaterAttempt checks that when the context ends during a
// retry's attempt, the error still reaches the previous attempt's *Error.
func TestContextEndsInALaterAttempt(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(503)
			fmt.Fprint(w, `{"detail":"warming up","status":"503"}`)
			return
		}
		cancel()             // the caller gives up during the second attempt,
		<-r.Context().Done() // which hangs until then
	}))
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = call(c, ctx, "GET", "Users/u1", nil, nil)
	var se *scim.Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &se) || se.StatusCode != 503 || se.Detail != "warming up" {
		t.Errorf("err = %v, want the cancellation and the first attempt's 503", err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

// TestBrokenReplyRetried checks that a 2xx reply whose body breaks off is
// tried again for a read, and ends a create with a lookup.
func TestBrokenReplyRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			fmt.Fprint(w, `{"id":"u1","use`) // then the connection drops
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
			return
		}
		fmt.Fprint(w, `{"id":"u1","userName":"ada"}`)
	}))
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ ID, UserName string }
	if _, err := call(c, context.Background(), "GET", "Users/u1", nil, &v); err != nil || v.UserName != "ada" || n.Load() != 2 {
		t.Errorf("GET after a broken reply: %+v, %v after %d requests", v, err, n.Load())
	}
	n.Store(0)
	_, err = call(c, context.Background(), "POST", "Users", map[string]string{"userName": "ada"}, &v)
	if err == nil || !strings.Contains(err.Error(), "reading the reply") || n.Load() != 1 {
		t.Errorf("POST after a broken reply: %v after %d requests, want one request and a read error", err, n.Load())
	}
}

// TestAttemptTimeoutNamed checks that a timeout set for one call with
// WithAttemptTimeout is named as such in the error, not as the client's
// WithTimeout.
func TestAttemptTimeoutNamed(t *testing.T) {
	t.Parallel()
	srv := silentServer(t)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key), scim.WithTimeout(time.Minute),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.NewRequest(context.Background(), http.MethodGet, "Users/u1", nil, scim.WithAttemptTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(req, nil)
	if !errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "sent nothing for 50ms (scim.WithAttemptTimeout)") {
		t.Errorf("err = %v, want a timeout named scim.WithAttemptTimeout", err)
	}
}
