package scimtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// epoch is the fixed clock of test servers, so replies are reproducible.
var epoch = time.Date(2023, 10, 1, 0, 0, 0, 0, time.UTC)

// Well-known IDs: the admin is User:1 (VXNlcjox), seeded users follow.
var (
	user2ID = "VXNlcjoy"     // User:2
	user3ID = "VXNlcjoz"     // User:3
	group1  = "R3JvdXA6MQ==" // Group:1
	group2  = "R3JvdXA6Mg==" // Group:2
	role1   = "Um9sZTox"     // Role:1
)

// env is a test server and a client wired to it, without retries, whose
// transport keeps the last reply's raw body.
type env struct {
	t   testing.TB
	srv *scimtest.Server
	c   *scim.Client
	tap *tap
}

func newEnv(t testing.TB, opts scimtest.Options, clientOpts ...scim.Option) *env {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return epoch }
	}
	srv := scimtest.Start(t, opts)
	tp := &tap{base: http.DefaultTransport}
	all := append([]scim.Option{
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}),
		scim.WithHTTPClient(&http.Client{Transport: tp}),
	}, clientOpts...)
	return &env{t: t, srv: srv, c: srv.Client(t, all...), tap: tp}
}

// do sends a request through the core client and returns the raw reply.
func (e *env) do(method, path string, body any, opts ...scim.RequestOption) (json.RawMessage, *scim.Response, error) {
	e.t.Helper()
	var raw json.RawMessage
	resp, err := call(e.c, context.Background(), method, path, body, &raw, opts...)
	return raw, resp, err
}

// must sends a request that must succeed and decodes the reply.
func (e *env) must(method, path string, body any, opts ...scim.RequestOption) map[string]any {
	e.t.Helper()
	raw, _, err := e.do(method, path, body, opts...)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return decode(e.t, raw)
}

// fails sends a request that must fail with status and returns the error;
// it also checks the SCIM error body shape (status as a string).
func (e *env) fails(status int, method, path string, body any, opts ...scim.RequestOption) *scim.Error {
	e.t.Helper()
	_, _, err := e.do(method, path, body, opts...)
	var se *scim.Error
	if !errors.As(err, &se) {
		e.t.Fatalf("%s %s: err = %v, want a *scim.Error %d", method, path, err, status)
	}
	if se.StatusCode != status {
		e.t.Fatalf("%s %s: status %d (%s), want %d", method, path, se.StatusCode, se.Detail, status)
	}
	var b map[string]any
	if err := json.Unmarshal(e.tap.last(), &b); err != nil {
		e.t.Fatalf("error body is not JSON: %s", e.tap.last())
	}
	if b["status"] != strconv.Itoa(status) || !equalJSON(b["schemas"], []any{scim.ErrorSchema}) || b["detail"] == "" {
		e.t.Errorf("error body = %s, want a SCIM error with status %q", e.tap.last(), strconv.Itoa(status))
	}
	return se
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("reply is not a JSON object: %v: %s", err, raw)
	}
	return m
}

// jsonEq compares a value (re-encoded) with the expected JSON text.
func jsonEq(t testing.TB, got any, want string) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	testutil.JSONEq(t, b, want)
}

// field digs into decoded JSON: field(m, "meta", "version").
func field(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// patchOp is a PatchOp body.
func patchOp(ops ...scim.Operation) scim.PatchOp { return scim.NewPatchOp(ops...) }

// tap is a RoundTripper that keeps the last reply body.
type tap struct {
	base http.RoundTripper
	mu   sync.Mutex
	body []byte
}

func (t *tap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	t.mu.Lock()
	t.body = b
	t.mu.Unlock()
	return resp, nil
}

func (t *tap) last() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.body
}

// graphql runs a GraphQL operation and returns its data as raw JSON.
func (e *env) graphql(query string, vars map[string]any) (json.RawMessage, error) {
	var data json.RawMessage
	err := e.c.GraphQL(context.Background(), query, vars, &data)
	return data, err
}

// urlq escapes a filter for a query string, spaces as %20.
func urlq(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// call builds a request with NewRequest and sends it with Do, decoding the
// reply into v.
func call(c *scim.Client, ctx context.Context, method, path string, body, v any, opts ...scim.RequestOption) (*scim.Response, error) {
	req, err := c.NewRequest(ctx, method, path, body, opts...)
	if err != nil {
		return nil, err
	}
	return c.Do(req, v)
}
