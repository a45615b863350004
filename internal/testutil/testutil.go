// Package testutil holds the SDK's own test helpers: a client wired to a
// per-test httpmock transport, a recorder that replies from a script, and
// structural JSON comparison of request bodies. It is internal: users test
// against scim/scimtest instead.
package testutil

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
)

// BaseURL is the host the mock client talks to; its SCIM root is BaseURL+"/scim".
const BaseURL = "https://wandb.test"

// APIKey is a canary credential: tests assert it never leaks.
const APIKey = "canary-key-7f3a9c1e5b"

// NewClient returns a client that sends to a fresh mock transport, with
// WithAPIKey(APIKey), BaseURL, retries disabled, and any extra opts.
func NewClient(t testing.TB, opts ...scim.Option) (*scim.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	all := append([]scim.Option{
		scim.WithBaseURL(BaseURL),
		scim.WithAPIKey(APIKey),
		scim.WithHTTPClient(&http.Client{Transport: mock}),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}),
	}, opts...)
	c, err := scim.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c, mock
}

// Reply is one scripted response.
type Reply struct {
	Status int
	Body   string
	Header http.Header
}

// Recorded is one request the mock received.
type Recorded struct {
	Method   string
	Path     string // escaped path, e.g. "/scim/Users/a%2Fb"
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Recorder answers requests from a script and keeps them for inspection.
type Recorder struct {
	mu      sync.Mutex
	t       testing.TB
	replies []Reply
	reqs    []Recorded
}

// Serve makes mock answer every request with the next reply in order; a
// request beyond the script fails the test. Replies without a Content-Type get
// application/scim+json.
func Serve(t testing.TB, mock *httpmock.MockTransport, replies ...Reply) *Recorder {
	t.Helper()
	r := &Recorder{t: t, replies: replies}
	mock.RegisterNoResponder(r.respond)
	return r
}

func (r *Recorder) respond(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, Recorded{
		Method: req.Method, Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery,
		Header: req.Header.Clone(), Body: body,
	})
	n := len(r.reqs)
	if n > len(r.replies) {
		r.t.Errorf("unexpected request %d: %s %s", n, req.Method, req.URL)
		return httpmock.NewStringResponse(http.StatusTeapot, "unexpected request"), nil
	}
	reply := r.replies[n-1]
	resp := httpmock.NewStringResponse(reply.Status, reply.Body)
	for k, vs := range reply.Header {
		resp.Header[k] = vs
	}
	if resp.Header.Get("Content-Type") == "" && reply.Body != "" {
		resp.Header.Set("Content-Type", "application/scim+json")
	}
	resp.Request = req
	return resp, nil
}

// Requests returns what was received so far.
func (r *Recorder) Requests() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Recorded(nil), r.reqs...)
}

// Want describes an expected request. Query is the exact raw query ("" means
// none). Header entries must match exactly; an empty value means the header
// must be absent. Body is compared structurally as JSON; "" means no body.
type Want struct {
	Method string
	Path   string
	Query  string
	Header map[string]string
	Body   string
}

// Check asserts that exactly len(wants) requests arrived and that each matches.
// Every request must also carry the client's Bearer credential and Accept header,
// and a request with a body must carry Content-Type application/scim+json.
func (r *Recorder) Check(t testing.TB, wants ...Want) {
	t.Helper()
	got := r.Requests()
	if len(got) != len(wants) {
		t.Fatalf("got %d requests, want %d: %v", len(got), len(wants), got)
	}
	for i, w := range wants {
		CheckRequest(t, got[i], w)
	}
}

// CheckRequest asserts that one recorded request matches w.
func CheckRequest(t testing.TB, got Recorded, w Want) {
	t.Helper()
	if got.Method != w.Method || got.Path != w.Path || got.RawQuery != w.Query {
		t.Errorf("request = %s %s?%s, want %s %s?%s", got.Method, got.Path, got.RawQuery, w.Method, w.Path, w.Query)
	}
	if a := got.Header.Get("Authorization"); a != "Bearer "+APIKey {
		t.Errorf("%s %s: Authorization = %q, want the Bearer key", got.Method, got.Path, a)
	}
	if a := got.Header.Get("Accept"); a != "application/scim+json, application/json" {
		t.Errorf("%s %s: Accept = %q", got.Method, got.Path, a)
	}
	for k, v := range w.Header {
		if g := got.Header.Get(k); g != v {
			t.Errorf("%s %s: header %s = %q, want %q", got.Method, got.Path, k, g, v)
		}
	}
	if w.Body == "" {
		if len(got.Body) != 0 {
			t.Errorf("%s %s: body = %s, want none", got.Method, got.Path, got.Body)
		}
		return
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/scim+json" {
		t.Errorf("%s %s: Content-Type = %q", got.Method, got.Path, ct)
	}
	JSONEq(t, got.Body, w.Body)
}

// JSONEq asserts that got and want hold the same JSON value.
func JSONEq(t testing.TB, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("body is not JSON: %v: %s", err, got)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expected JSON: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body mismatch\n got: %s\nwant: %s", compact(got), compact([]byte(want)))
	}
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}
