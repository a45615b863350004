// Package testutil holds the SDK's own test helpers: a client wired to a
// per-test httpmock transport, a recorder that replies from a script, and
// structural JSON comparison of request bodies. It is internal: users test
// against scim/scimtest instead.
package testutil

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
)

// Host is the host the mock client talks to.
const Host = "wandb.test"

// BaseURL is the URL the mock client talks to; its SCIM root is
// BaseURL+"/scim" and its GraphQL endpoint BaseURL+"/graphql".
const BaseURL = "https://" + Host

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

// GraphQLReply is a 200 reply to a GraphQL call, with body as its JSON.
func GraphQLReply(body string) Reply {
	return Reply{Status: http.StatusOK, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
}

// Recorded is one request the mock received.
type Recorded struct {
	Method   string
	Host     string // the Host the request was sent to, e.g. "wandb.test"
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
		Method: req.Method, Host: cmp.Or(req.Host, req.URL.Host), Path: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery,
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
// Every request must also go to Host and carry the client's Bearer credential
// and Accept header, and a request with a body must carry Content-Type
// application/scim+json.
func (r *Recorder) Check(t testing.TB, wants ...Want) {
	t.Helper()
	checkAll(t, r.Requests(), wants, CheckRequest)
}

// CheckRequest asserts that one recorded request matches w.
func CheckRequest(t testing.TB, got Recorded, w Want) {
	t.Helper()
	if got.Method != w.Method || got.Path != w.Path || got.RawQuery != w.Query {
		t.Errorf("request = %s %s?%s, want %s %s?%s", got.Method, got.Path, got.RawQuery, w.Method, w.Path, w.Query)
	}
	checkHost(t, got)
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

// WantGraphQL describes an expected GraphQL request.
type WantGraphQL struct {
	// Operation is text the query must contain, e.g. "mutation CreateTeam".
	Operation string
	// Contains are further texts the query must contain (fields, fragments).
	Contains []string
	// Variables is the JSON the body's "variables" must equal, compared
	// structurally; "" means none (absent or null).
	Variables string
}

// CheckGraphQL asserts that exactly len(wants) requests arrived and that each
// is the GraphQL request described (see CheckGraphQLRequest).
func (r *Recorder) CheckGraphQL(t testing.TB, wants ...WantGraphQL) {
	t.Helper()
	checkAll(t, r.Requests(), wants, CheckGraphQLRequest)
}

// checkAll asserts that there are as many requests as wants and checks each
// against its want.
func checkAll[W any](t testing.TB, got []Recorded, wants []W, check func(testing.TB, Recorded, W)) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d requests, want %d: %v", len(got), len(wants), got)
	}
	for i, w := range wants {
		check(t, got[i], w)
	}
}

// CheckGraphQLRequest asserts that got is a GraphQL call as the client sends
// it to the mock: POST /graphql on Host with no query string, Authorization
// "Basic " + base64("api:" + APIKey) (the client uses Basic auth only for
// its own origin), Content-Type application/json, Use-Admin-Privileges true,
// a User-Agent starting "W&B Public Client ", and a JSON body whose "query"
// contains w.Operation and each of w.Contains and whose "variables" equal
// w.Variables.
func CheckGraphQLRequest(t testing.TB, got Recorded, w WantGraphQL) {
	t.Helper()
	if got.Method != http.MethodPost || got.Path != "/graphql" || got.RawQuery != "" {
		t.Errorf("request = %s %s?%s, want POST /graphql", got.Method, got.Path, got.RawQuery)
	}
	checkHost(t, got)
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+APIKey))
	if a := got.Header.Get("Authorization"); a != wantAuth {
		t.Errorf("GraphQL: Authorization = %q, want Basic api:<key>", a)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GraphQL: Content-Type = %q, want application/json", ct)
	}
	if a := got.Header.Get("Use-Admin-Privileges"); a != "true" {
		t.Errorf("GraphQL: Use-Admin-Privileges = %q, want true", a)
	}
	if ua := got.Header.Get("User-Agent"); !strings.HasPrefix(ua, "W&B Public Client ") {
		t.Errorf("GraphQL: User-Agent = %q, want the prefix \"W&B Public Client \"", ua)
	}
	var body struct {
		Query     string          `json:"query"`
		Variables json.RawMessage `json:"variables"`
	}
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatalf("GraphQL: body is not JSON: %v: %s", err, got.Body)
	}
	for _, s := range append([]string{w.Operation}, w.Contains...) {
		if !strings.Contains(body.Query, s) {
			t.Errorf("GraphQL: query does not contain %q:\n%s", s, body.Query)
		}
	}
	if len(body.Variables) == 0 {
		body.Variables = json.RawMessage("null")
	}
	JSONEq(t, body.Variables, cmp.Or(w.Variables, "null"))
}

// checkHost asserts that got went to Host.
func checkHost(t testing.TB, got Recorded) {
	t.Helper()
	if got.Host != Host {
		t.Errorf("%s %s: Host = %q, want %q", got.Method, got.Path, got.Host, Host)
	}
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
