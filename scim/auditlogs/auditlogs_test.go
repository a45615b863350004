package auditlogs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
)

const (
	testKey  = "canary-key-7f3a9c1e5b"
	testUser = "admin"
)

// newClient returns a client for base whose requests go to a fresh mock
// transport, with W&B's documented Basic "<username>:<key>" and no retries.
func newClient(t testing.TB, base string, opts ...scim.Option) (*scim.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	return clientFor(t, base, mock, opts...), mock
}

// clientFor is newClient with the mock transport given.
func clientFor(t testing.TB, base string, mock *httpmock.MockTransport, opts ...scim.Option) *scim.Client {
	t.Helper()
	c, err := scim.NewClient(append([]scim.Option{
		scim.WithBaseURL(base),
		scim.WithBasicAuth(testUser, testKey),
		scim.WithHTTPClient(&http.Client{Transport: mock}),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantRequest is an expected request: GET on host, path, and the query's
// parameters (compared as a set, so their order does not matter).
type wantRequest struct {
	host, path string
	query      url.Values
}

// checkRequests asserts the exact requests the walk sent, with the
// documented Basic credential and the Accept header.
func checkRequests(t *testing.T, got []testutil.Recorded, want []wantRequest) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d requests, want %d:", len(got), len(want))
		for _, r := range got {
			t.Logf("  %s %s%s?%s", r.Method, r.Host, r.Path, r.RawQuery)
		}
		return
	}
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testUser+":"+testKey))
	for i, w := range want {
		r := got[i]
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil || r.Method != http.MethodGet || r.Host != w.host || r.Path != w.path || !reflect.DeepEqual(q, w.query) {
			t.Errorf("request %d = %s %s%s?%s, want GET %s%s?%s", i+1, r.Method, r.Host, r.Path, r.RawQuery, w.host, w.path, w.query.Encode())
		}
		if a := r.Header.Get("Authorization"); a != auth {
			t.Errorf("request %d: Authorization = %q, want Basic admin:<key>", i+1, a)
		}
		if a := r.Header.Get("Accept"); a != "application/json, application/x-ndjson" {
			t.Errorf("request %d: Accept = %q", i+1, a)
		}
		if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
			t.Errorf("request %d has a body: %q", i+1, r.Body)
		}
	}
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// collect runs a walk to its end.
func collect(seq func(func(*Entry, error) bool)) ([]*Entry, error) {
	var out []*Entry
	for e, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// actions lists the entries' actions, for comparing walks.
func actions(es []*Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action + "@" + e.Timestamp.Format(time.RFC3339)
	}
	return out
}

// A paged walk on Dedicated Cloud: the documented reply (audit_logs first,
// then the range and the cursor), two pages, entries decoded with the keys
// not named by Entry kept in Extra, and entries outside [Start, End) dropped.
func TestDedicatedPaged(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t, "https://acme.wandb.io")
	rec := testutil.Serve(t, mock,
		testutil.Reply{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{
  "audit_logs": [
    {"action": "user:create", "actor_email": "admin@example.com", "actor_ip": "10.0.0.1", "actor_user_id": "VXNlcjox",
     "user_asset": "VXNlcjoy", "user_email": "ada@example.com", "response_code": 201, "timestamp": "2026-08-01T13:00:00Z",
     "cli_version": null, "entity_name": "ml", "project_name": "p"},
    {"action": "project:read", "actor_email": "ada@example.com", "timestamp": "2026-08-01T12:59:59Z"}
  ],
  "range_start_time": "2026-08-01T13:00:00Z",
  "range_end_time": "2026-08-01T15:00:00Z",
  "count": 2,
  "next_cursor": "eyJ2ZXJzaW9uIjox..."
}`},
		testutil.Reply{Status: 200, Body: `{"next_cursor": null, "count": 2, "range_end_time": "2026-08-01T15:00:00Z", "range_start_time": "2026-08-01T13:00:00Z",
  "audit_logs": [
    {"action": "user:deactivate", "actor_email": "Admin@Example.com", "timestamp": "2026-08-01T14:59:59.5Z", "response_code": "200"},
    {"action": "user:deactivate", "actor_email": "admin@example.com", "timestamp": "2026-08-01T14:59:59.75Z"}
  ]}`},
	)
	svc := New(c)
	svc.pageEntries = 1000
	got, err := collect(svc.All(context.Background(), Query{
		Start: mustTime("2026-08-01T13:00:00Z"),
		End:   mustTime("2026-08-01T14:59:59.6Z"), // not a whole second: asked up to 15:00:00, the last entry dropped
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []*Entry{
		{
			Timestamp: mustTime("2026-08-01T13:00:00Z"), Action: "user:create", ActorEmail: "admin@example.com",
			ActorUserID: "VXNlcjox", ActorIP: "10.0.0.1", UserAsset: "VXNlcjoy", EntityName: "ml", ProjectName: "p", ResponseCode: 201,
			Extra: map[string]json.RawMessage{"user_email": json.RawMessage(`"ada@example.com"`), "cli_version": json.RawMessage(`null`)},
		},
		{Timestamp: mustTime("2026-08-01T14:59:59.5Z"), Action: "user:deactivate", ActorEmail: "Admin@Example.com", ResponseCode: 200},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n got %s\nwant %s", js(got), js(want))
	}
	checkRequests(t, rec.Requests(), []wantRequest{
		{"acme.wandb.io", "/admin/audit_logs", q("startDate", "2026-08-01T13:00:00", "endDate", "2026-08-01T15:00:00", "limit", "1000")},
		{"acme.wandb.io", "/admin/audit_logs", q("startDate", "2026-08-01T13:00:00", "endDate", "2026-08-01T15:00:00", "limit", "1000", "cursor", "eyJ2ZXJzaW9uIjox...")},
	})
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

// The filters: actions and actor, compared ignoring case, and anonymize
// sent as W&B documents it.
func TestFilters(t *testing.T) {
	t.Parallel()
	page := `{"audit_logs":[
	  {"action":"user:create","actor_email":"a@example.com","timestamp":"2026-08-01T10:00:00Z"},
	  {"action":"user:deactivate","actor_email":"b@example.com","timestamp":"2026-08-01T10:00:01Z"},
	  {"action":"team:uninvite","actor_email":"A@example.com","timestamp":"2026-08-01T10:00:02Z"},
	  {"action":"user:delete_api_key","timestamp":"2026-08-01T10:00:03Z"}
	],"count":4,"next_cursor":null}`
	start, end := mustTime("2026-08-01T00:00:00Z"), mustTime("2026-08-02T00:00:00Z")
	tests := []struct {
		name      string
		query     Query
		want      []string
		wantQuery url.Values
	}{
		{"all", Query{}, []string{"user:create", "user:deactivate", "team:uninvite", "user:delete_api_key"}, nil},
		{"actions", Query{Actions: []string{"USER:deactivate", "team:uninvite"}}, []string{"user:deactivate", "team:uninvite"}, nil},
		{"actor", Query{ActorEmail: "a@EXAMPLE.com"}, []string{"user:create", "team:uninvite"}, nil},
		{"both", Query{ActorEmail: "a@example.com", Actions: []string{"team:uninvite"}}, []string{"team:uninvite"}, nil},
		{"anonymize", Query{Anonymize: true}, []string{"user:create", "user:deactivate", "team:uninvite", "user:delete_api_key"},
			q("startDate", "2026-08-01T00:00:00", "endDate", "2026-08-02T00:00:00", "limit", "50", "anonymize", "true")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newClient(t, "https://acme.wandb.io")
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: page})
			svc := New(c)
			svc.pageEntries = 50
			tt.query.Start, tt.query.End = start, end
			got, err := collect(svc.All(context.Background(), tt.query))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range got {
				names = append(names, e.Action)
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("actions = %v, want %v", names, tt.want)
			}
			wq := tt.wantQuery
			if wq == nil {
				wq = q("startDate", "2026-08-01T00:00:00", "endDate", "2026-08-02T00:00:00", "limit", "50")
			}
			checkRequests(t, rec.Requests(), []wantRequest{{"acme.wandb.io", "/admin/audit_logs", wq}})
		})
	}
}

// A Dedicated server that answers the paged request with newline-delimited
// JSON (a server from before paging): nothing of that reply is yielded, and
// the range is read again a day at a time, each day's entries filtered to
// the range.
func TestDedicatedNDJSON(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t, "https://acme.wandb.io")
	day1 := `{"action":"user:login","actor_email":"a@example.com","timestamp":"2026-08-01T23:00:00Z"}
{"timestamp":"2026-08-01T23:30:00Z","action":"user:create","actor_email":"admin@example.com","user_email":"b@example.com"}
{"action":"user:login","timestamp":"2026-08-01T08:00:00Z"}
`
	day2 := `{"action":"team:uninvite","timestamp":"2026-08-02T00:00:00Z"}` + "\n" +
		`{"action":"user:delete_api_key","timestamp":"2026-08-02T06:00:00Z"}`
	nd := http.Header{"Content-Type": {"application/x-ndjson"}}
	rec := testutil.Serve(t, mock,
		testutil.Reply{Status: 200, Header: nd, Body: day1}, // the paged request, ignored
		testutil.Reply{Status: 200, Header: nd, Body: day1},
		testutil.Reply{Status: 200, Header: nd, Body: day2},
	)
	svc := New(c)
	svc.pageEntries = 100
	got, err := collect(svc.All(context.Background(), Query{Start: mustTime("2026-08-01T22:00:00Z"), End: mustTime("2026-08-02T01:00:00Z")}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"user:login@2026-08-01T23:00:00Z", "user:create@2026-08-01T23:30:00Z", "team:uninvite@2026-08-02T00:00:00Z"}
	if !reflect.DeepEqual(actions(got), want) {
		t.Errorf("entries = %v, want %v", actions(got), want)
	}
	if len(got) > 1 && string(got[1].Extra["user_email"]) != `"b@example.com"` {
		t.Errorf("Extra = %v", got[1].Extra)
	}
	checkRequests(t, rec.Requests(), []wantRequest{
		{"acme.wandb.io", "/admin/audit_logs", q("startDate", "2026-08-01T22:00:00", "endDate", "2026-08-02T01:00:00", "limit", "100")},
		{"acme.wandb.io", "/admin/audit_logs", q("startDate", "2026-08-01", "numDays", "0")},
		{"acme.wandb.io", "/admin/audit_logs", q("startDate", "2026-08-02", "numDays", "0")},
	})
}

// mtPage is a Multi-tenant reply for [start, end) holding entries at the
// given times.
func mtPage(start, end string, next string, times ...string) string {
	var b strings.Builder
	b.WriteString(`{"audit_logs":[`)
	for i, ts := range times {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"action":"project:read","actor_email":"ada@example.com","timestamp":"` + ts + `"}`)
	}
	cursor := "null"
	if next != "" {
		cursor = `"` + next + `"`
	}
	b.WriteString(`],"range_start_time":"` + start + `","range_end_time":"` + end + `","count":` + jsInt(len(times)) + `,"next_cursor":` + cursor + `}`)
	return b.String()
}

func jsInt(n int) string { b, _ := json.Marshal(n); return string(b) }

// Multi-tenant Cloud: a 20-day range is split into windows of startDate
// and numDays (at most 7: eight days a request), each continuing where the
// server says the previous one ended; a window the server resolves shorter
// than asked is continued, never cut short.
func TestMultiTenantWindows(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t, "https://api.wandb.ai")
	if c.Deployment() != scim.MultiTenant {
		t.Fatalf("deployment = %s", c.Deployment())
	}
	rec := testutil.Serve(t, mock,
		testutil.Reply{Status: 200, Body: mtPage("2026-08-01T00:00:00Z", "2026-08-09T00:00:00Z", "c1", "2026-08-01T11:00:00Z", "2026-08-01T12:00:00Z")},
		testutil.Reply{Status: 200, Body: mtPage("2026-08-01T00:00:00Z", "2026-08-09T00:00:00Z", "", "2026-08-08T23:59:59Z")},
		// The server resolves numDays=7 as seven days, not eight: the next
		// window starts where it says this one ended.
		testutil.Reply{Status: 200, Body: mtPage("2026-08-09T00:00:00Z", "2026-08-16T00:00:00Z", "", "2026-08-15T00:00:00Z")},
		testutil.Reply{Status: 200, Body: mtPage("2026-08-16T00:00:00Z", "2026-08-21T00:00:00Z", "", "2026-08-16T00:00:00Z", "2026-08-20T09:00:00Z", "2026-08-20T10:00:00Z")},
	)
	svc := New(c)
	svc.pageEntries = 500
	got, err := collect(svc.All(context.Background(), Query{Start: mustTime("2026-08-01T12:00:00Z"), End: mustTime("2026-08-20T10:00:00Z")}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"project:read@2026-08-01T12:00:00Z", "project:read@2026-08-08T23:59:59Z", "project:read@2026-08-15T00:00:00Z",
		"project:read@2026-08-16T00:00:00Z", "project:read@2026-08-20T09:00:00Z",
	}
	if !reflect.DeepEqual(actions(got), want) {
		t.Errorf("entries = %v\nwant %v", actions(got), want)
	}
	host := "api.wandb.ai"
	checkRequests(t, rec.Requests(), []wantRequest{
		{host, "/audit_logs", q("startDate", "2026-08-01", "numDays", "7", "limit", "500")},
		{host, "/audit_logs", q("startDate", "2026-08-01", "numDays", "7", "limit", "500", "cursor", "c1")},
		{host, "/audit_logs", q("startDate", "2026-08-09", "numDays", "7", "limit", "500")},
		{host, "/audit_logs", q("startDate", "2026-08-16", "numDays", "4", "limit", "500")},
	})
}

// A walk that cannot prove it is complete ends with an error, after what
// it yielded: a repeated cursor (A, B, A), a count that does not match, a
// range that starts after the one asked for, an empty cursor, a reply that
// is not an audit log, an entry without a timestamp.
func TestIncomplete(t *testing.T) {
	t.Parallel()
	entry := func(ts string) string { return `{"action":"user:login","timestamp":"` + ts + `"}` }
	paged := func(next string, count int, entries ...string) testutil.Reply {
		cursor := "null"
		if next != "" {
			cursor = `"` + next + `"`
		}
		return testutil.Reply{Status: 200, Body: `{"audit_logs":[` + strings.Join(entries, ",") + `],"count":` + jsInt(count) + `,"next_cursor":` + cursor + `}`}
	}
	tests := []struct {
		name      string
		replies   []testutil.Reply
		wantCount int // entries yielded before the error
		wantErr   error
		wantText  string
	}{
		{"repeated cursor", []testutil.Reply{
			paged("A", 1, entry("2026-08-01T01:00:00Z")), paged("B", 1, entry("2026-08-01T02:00:00Z")), paged("A", 1, entry("2026-08-01T03:00:00Z")),
		}, 3, ErrRepeatedCursor, "was sent before"},
		{"same cursor twice", []testutil.Reply{paged("A", 0), paged("A", 0)}, 0, ErrRepeatedCursor, "loop"},
		{"count", []testutil.Reply{paged("", 3, entry("2026-08-01T01:00:00Z"))}, 1, ErrIncomplete, "holds 1 entries but its count says 3"},
		{"late range", []testutil.Reply{{Status: 200, Body: `{"range_start_time":"2026-08-01T06:00:00Z","audit_logs":[],"count":0,"next_cursor":null}`}}, 0, ErrIncomplete, "after the 2026-08-01T00:00:00Z asked for"},
		{"empty cursor", []testutil.Reply{paged("", 0), {Status: 200, Body: `{"audit_logs":[],"next_cursor":""}`}}, 0, ErrIncomplete, "empty next_cursor"},
		{"no progress", []testutil.Reply{{Status: 200, Body: `{"range_end_time":"2026-07-31T00:00:00Z","audit_logs":[],"next_cursor":null}`}}, 0, ErrIncomplete, "no progress"},
		{"not an audit log", []testutil.Reply{{Status: 200, Body: `["x"]`}}, 0, ErrIncomplete, "not an audit log"},
		{"no timestamp", []testutil.Reply{paged("", 2, entry("2026-08-01T01:00:00Z"), `{"action":"user:login","timestamp":"yesterday"}`)}, 1, ErrIncomplete, "entry 2 of a reply has no timestamp"},
		// Asked for again three times: the entry read before the break is yielded once.
		{"truncated", slices.Repeat([]testutil.Reply{{Status: 200, Body: `{"audit_logs":[` + entry("2026-08-01T01:00:00Z") + `,{"action":`}}, 1+maxRereads), 1, ErrIncomplete, "ends before its JSON does"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newClient(t, "https://acme.wandb.io")
			replies := tt.replies
			if tt.name == "empty cursor" {
				replies = replies[1:]
			}
			testutil.Serve(t, mock, replies...)
			got, err := collect(New(c).All(context.Background(), Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-02T00:00:00Z")}))
			if !errors.Is(err, tt.wantErr) || !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
			}
			if len(got) != tt.wantCount {
				t.Errorf("yielded %d entries before the error, want %d", len(got), tt.wantCount)
			}
		})
	}
}

// W&B's answer to an admin of several Multi-tenant organizations without a
// default one is explained; the *scim.Error stays reachable. A 403 says who
// may fetch audit logs.
func TestExplainedErrors(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t, "https://api.wandb.ai")
	testutil.Serve(t, mock,
		testutil.Reply{Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
			Body: `{"error":"user is associated with multiple organizations but no valid org ID found in user info"}`},
		testutil.Reply{Status: 403, Body: `{"error":"forbidden"}`},
	)
	query := Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-02T00:00:00Z")}
	_, err := collect(New(c).All(context.Background(), query))
	var apiErr *scim.Error
	if !errors.Is(err, ErrNoDefaultOrganization) || !errors.As(err, &apiErr) || apiErr.StatusCode != 400 ||
		!strings.Contains(err.Error(), "Default API organization") || strings.Contains(err.Error(), testKey) {
		t.Errorf("err = %v", err)
	}
	_, err = collect(New(c).All(context.Background(), query))
	if !errors.Is(err, scim.ErrForbidden) || !strings.Contains(err.Error(), "only organization admins") {
		t.Errorf("403: err = %v", err)
	}
}

// Queries All cannot run are refused before any request.
func TestQueryChecks(t *testing.T) {
	t.Parallel()
	start := mustTime("2026-08-01T00:00:00Z")
	tests := []struct {
		name  string
		base  string
		query Query
		want  string
	}{
		{"no start", "https://acme.wandb.io", Query{}, "Query.Start is required"},
		{"end before start", "https://acme.wandb.io", Query{Start: start, End: start}, "is not after"},
		{"empty action", "https://acme.wandb.io", Query{Start: start, Actions: []string{"user:create", " "}}, "Query.Actions[1] is empty"},
		{"actor and anonymize", "https://acme.wandb.io", Query{Start: start, ActorEmail: "a@example.com", Anonymize: true}, "cannot be combined"},
		{"anonymize on multi-tenant", "https://api.wandb.ai", Query{Start: start, Anonymize: true}, "always includes PII"},
	}
	for _, tt := range tests {
		c, mock := newClient(t, tt.base)
		rec := testutil.Serve(t, mock)
		_, err := collect(New(c).All(context.Background(), tt.query))
		if !errors.Is(err, scim.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
		if n := len(rec.Requests()); n != 0 {
			t.Errorf("%s: %d requests sent", tt.name, n)
		}
	}
	var nilSvc *Service
	if _, err := collect(nilSvc.All(context.Background(), Query{Start: start})); err == nil {
		t.Error("nil Service: no error")
	}
}

// A consumer that stops ends the walk: no further page is requested.
func TestStop(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t, "https://acme.wandb.io")
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: `{"audit_logs":[{"action":"a","timestamp":"2026-08-01T01:00:00Z"},{"action":"b","timestamp":"2026-08-01T02:00:00Z"}],"next_cursor":"more"}`})
	n := 0
	for _, err := range New(c).All(context.Background(), Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-02T00:00:00Z")}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 || len(rec.Requests()) != 1 {
		t.Errorf("yielded %d, %d requests", n, len(rec.Requests()))
	}
}

// The default limit is sized to fit the client's response-size limit.
func TestLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		max  int64
		want int
	}{{0, maxPageEntries}, {1 << 20, 256}, {100, 1}} {
		var opts []scim.Option
		if tt.max > 0 {
			opts = append(opts, scim.WithMaxResponseBytes(tt.max))
		}
		c, _ := newClient(t, "https://acme.wandb.io", opts...)
		if got := New(c).limit(); got != tt.want {
			t.Errorf("WithMaxResponseBytes(%d): limit = %d, want %d", tt.max, got, tt.want)
		}
	}
}

// An entry survives a JSON round trip, its unknown keys included.
func TestEntryJSON(t *testing.T) {
	t.Parallel()
	in := `{"action":"user:create","actor_email":"a@example.com","actor_ip":"1.2.3.4","actor_user_id":"u1","artifact_asset":{"id":1},` +
		`"entity_name":"ml","project_name":"p","response_code":201,"timestamp":"2026-08-01T01:02:03.5Z","user_asset":"u2","user_email":"b@example.com"}`
	var e Entry
	if err := json.Unmarshal([]byte(in), &e); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	testutil.JSONEq(t, out, in)
	if err := json.Unmarshal([]byte(`[1]`), &e); err == nil {
		t.Error("an array decoded as an entry")
	}
	if err := json.Unmarshal([]byte(`{"timestamp":"soon","action":7}`), &e); err != nil || !e.Timestamp.IsZero() ||
		string(e.Extra["timestamp"]) != `"soon"` || string(e.Extra["action"]) != `7` {
		t.Errorf("odd values: %+v, %v", e, err)
	}
}

// brokenBody is a reply that breaks off, as a reset connection does, at
// the end of r.
type brokenBody struct {
	r io.Reader
}

func (b *brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, syscall.ECONNRESET
	}
	return n, err
}

// A page whose reply breaks off is asked for again, with the same query,
// and what the first read yielded is not yielded again. A page that reads
// differently the second time ends the walk.
func TestBrokenReplyReadAgain(t *testing.T) {
	t.Parallel()
	page := `{"audit_logs":[{"action":"a","timestamp":"2026-08-01T01:00:00Z"},{"action":"b","timestamp":"2026-08-01T02:00:00Z"},` +
		`{"action":"c","timestamp":"2026-08-01T03:00:00Z"}],"count":3,"next_cursor":null}`
	other := strings.Replace(page, `"a"`, `"x"`, 1)
	cut := strings.Index(page, `{"action":"c"`) + 5 // inside the third entry
	tests := []struct {
		name    string
		second  string
		want    []string
		wantErr string
	}{
		{"same page", page, []string{"a", "b", "c"}, ""},
		{"another page", other, []string{"a", "b"}, "holds other entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newClient(t, "https://acme.wandb.io")
			var queries []string
			replies := []string{page[:cut], tt.second}
			mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				queries = append(queries, req.URL.RawQuery)
				var body io.Reader = strings.NewReader(replies[len(queries)-1])
				if len(queries) == 1 {
					body = &brokenBody{body}
				}
				return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(body), Request: req}, nil
			})
			svc := New(c)
			svc.pageEntries = 10
			got, err := collect(svc.All(context.Background(), Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-02T00:00:00Z")}))
			var names []string
			for _, e := range got {
				names = append(names, e.Action)
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("yielded %v, want %v", names, tt.want)
			}
			if (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && (!errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), tt.wantErr))) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if len(queries) != 2 || queries[0] != queries[1] {
				t.Errorf("queries %q: want the same page twice", queries)
			}
		})
	}
}
