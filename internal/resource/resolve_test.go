package resource

import (
	"context"
	"errors"
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

// quickThings is things whose client waits a millisecond between attempts
// (it makes one attempt unless a request says more, with WithMaxAttempts).
func quickThings(t *testing.T, replies ...testutil.Reply) (*Collection[thing], *testutil.Recorder) {
	t.Helper()
	c, _ := things(t)
	mock := httpmock.NewMockTransport()
	client, err := scim.NewClient(scim.WithBaseURL(testutil.BaseURL), scim.WithAPIKey(testutil.APIKey),
		scim.WithHTTPClient(&http.Client{Transport: mock}),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	c.Client = client
	return c, testutil.Serve(t, mock, replies...)
}

// named is the Holds of a change that sets the thing's name to "new".
func named(v *thing) bool { return v != nil && v.Name == "new" }

// TestChangeResolvedByReading covers the rule for a change whose reply may
// have been lost: a retry's reply that the first attempt explains (412 after
// If-Match, 404 after a DELETE), a give-up after lost replies, and a PATCH
// without If-Match that is not retried, are resolved by reading the
// resource: holding what was asked, the call succeeds with what was read;
// not holding it, the error stands; the read failing, the error matches
// scim.ErrOutcomeUnknown.
func TestChangeResolvedByReading(t *testing.T) {
	t.Parallel()
	const (
		newBody = `{"id":"u1","name":"new","meta":{"version":"W/\"3\""}}`
		oldBody = `{"id":"u1","name":"theirs","meta":{"version":"W/\"3\""}}`
	)
	lost := testutil.Reply{Status: 502, Body: `{"detail":"gateway"}`}
	stale := testutil.Reply{Status: 412, Body: `{"detail":"resource has been modified"}`}
	ok := func(body string) testutil.Reply {
		return testutil.Reply{Status: 200, Body: body, Header: http.Header{"Content-Type": {"application/scim+json"}}}
	}
	tests := []struct {
		name     string
		method   string
		ifMatch  bool
		replies  []testutil.Reply
		wantName string // the result's name, when the call succeeds
		wantErr  error  // else the error it matches
		unknown  bool   // and whether it matches ErrOutcomeUnknown
		sent     []string
	}{
		{"If-Match PATCH: lost, 412, read holds it", "PATCH", true, []testutil.Reply{lost, stale, ok(newBody)}, "new", nil, false,
			[]string{"PATCH", "PATCH", "GET"}},
		{"If-Match PATCH: lost, 412, read does not", "PATCH", true, []testutil.Reply{lost, stale, ok(oldBody)}, "", scim.ErrPreconditionFailed, false,
			[]string{"PATCH", "PATCH", "GET"}},
		{"If-Match PATCH: lost, 412, read fails", "PATCH", true, []testutil.Reply{lost, stale, {Status: 401}}, "", scim.ErrPreconditionFailed, true,
			[]string{"PATCH", "PATCH", "GET"}},
		{"If-Match PATCH: 412 at once is a real conflict", "PATCH", true, []testutil.Reply{stale}, "", scim.ErrPreconditionFailed, false,
			[]string{"PATCH"}},
		{"If-Match PATCH: every reply lost, read holds it", "PATCH", true, []testutil.Reply{lost, lost, lost, ok(newBody)}, "new", nil, false,
			[]string{"PATCH", "PATCH", "PATCH", "GET"}},
		{"If-Match PATCH: every reply lost, read does not: unknown", "PATCH", true, []testutil.Reply{lost, lost, lost, ok(oldBody)}, "", scim.ErrServer, true,
			[]string{"PATCH", "PATCH", "PATCH", "GET"}},
		{"PATCH: lost, read holds it, not sent again", "PATCH", false, []testutil.Reply{lost, ok(newBody)}, "new", nil, false,
			[]string{"PATCH", "GET"}},
		{"PATCH: lost, read does not: unknown (it may yet be applied), not sent again", "PATCH", false, []testutil.Reply{lost, ok(oldBody)}, "", scim.ErrServer, true,
			[]string{"PATCH", "GET"}},
		{"PATCH: lost, read fails", "PATCH", false, []testutil.Reply{lost, {Status: 500}}, "", scim.ErrServer, true,
			[]string{"PATCH", "GET"}},
		{"PUT: lost, 412, read holds it", "PUT", true, []testutil.Reply{lost, stale, ok(newBody)}, "new", nil, false,
			[]string{"PUT", "PUT", "GET"}},
		{"PATCH: a 400 at once is not resolved", "PATCH", false, []testutil.Reply{{Status: 400, Body: `{"detail":"bad"}`}}, "", scim.ErrBadRequest, false,
			[]string{"PATCH"}},
		{"PATCH: a 401 after a lost reply explains nothing; the give-up read finds it made", "PATCH", true, []testutil.Reply{lost, {Status: 401}, ok(newBody)}, "new", nil, false,
			[]string{"PATCH", "PATCH", "GET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := quickThings(t, tt.replies...)
			opts := []scim.RequestOption{scim.WithMaxAttempts(3)}
			if tt.ifMatch {
				opts = append(opts, scim.IfMatch(`W/"2"`))
			}
			v, err := c.Update(context.Background(), "users.Patch", "u1", tt.method, map[string]string{"name": "new"}, named, opts)
			var wants []testutil.Want
			for _, m := range tt.sent {
				w := testutil.Want{Method: m, Path: "/scim/Users/u1", Header: map[string]string{"If-Match": ""}}
				if m != http.MethodGet { // the change, sent again as it was; the read plain
					w.Body = `{"name":"new"}`
					if tt.ifMatch {
						w.Header["If-Match"] = `W/"2"`
					}
				}
				wants = append(wants, w)
			}
			rec.Check(t, wants...)
			if tt.wantErr == nil {
				if err != nil || v == nil || v.Name != tt.wantName || v.Meta.Version != `W/"3"` {
					t.Fatalf("Update = %+v, %v; want the thing as read, with its new version", v, err)
				}
				return
			}
			if v != nil || !errors.Is(err, tt.wantErr) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("Update = %+v, %v; want an error matching %v (unknown %v)", v, err, tt.wantErr, tt.unknown)
			}
		})
	}
}

// TestDeleteResolvedByReading checks a DELETE whose reply was lost: a 404 on
// the retry is read back (gone: done), and a read that finds the resource
// keeps the error.
func TestDeleteResolvedByReading(t *testing.T) {
	t.Parallel()
	lost := testutil.Reply{Status: 504}
	notFound := testutil.Reply{Status: 404, Body: `{"detail":"not found"}`}
	tests := []struct {
		name    string
		replies []testutil.Reply
		wantErr error
		unknown bool
	}{
		{"lost, 404, gone", []testutil.Reply{lost, notFound, notFound}, nil, false},
		{"lost, 404, still there", []testutil.Reply{lost, notFound, {Status: 200, Body: `{"id":"u1"}`}}, scim.ErrNotFound, false},
		{"lost, 404, read fails", []testutil.Reply{lost, notFound, {Status: 403}}, scim.ErrNotFound, true},
		{"404 at once", []testutil.Reply{notFound}, scim.ErrNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := quickThings(t, tt.replies...)
			err := c.Delete(context.Background(), "users.Delete", "u1", []scim.RequestOption{scim.WithMaxAttempts(2), scim.IfMatch(`W/"2"`)})
			var wants []testutil.Want
			for i := range tt.replies {
				w := testutil.Want{Method: http.MethodDelete, Path: "/scim/Users/u1", Header: map[string]string{"If-Match": `W/"2"`}}
				if len(tt.replies) > 1 && i == len(tt.replies)-1 {
					w = testutil.Want{Method: http.MethodGet, Path: "/scim/Users/u1", Header: map[string]string{"If-Match": ""}}
				}
				wants = append(wants, w)
			}
			rec.Check(t, wants...)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Delete = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("Delete = %v; want %v (unknown %v)", err, tt.wantErr, tt.unknown)
			}
		})
	}
}

// TestResolutionReportsInOrder checks that OnResponse sees the lost reply
// before the read that resolves it, so the last response it sees is the one
// the result comes from, and that the read takes none of the request's other
// options (it is retried by the client's policy, not WithMaxAttempts(1)).
func TestResolutionReportsInOrder(t *testing.T) {
	t.Parallel()
	c, rec := things(t, testutil.Reply{Status: 503}, testutil.Reply{Status: 200, Body: `{"id":"u1","name":"new"}`, Header: http.Header{"Etag": {`W/"9"`}}})
	var seen []string
	v, err := c.Update(context.Background(), "users.Patch", "u1", "PATCH", map[string]string{"name": "new"}, named,
		[]scim.RequestOption{scim.WithMaxAttempts(1), scim.WithAttemptTimeout(time.Minute),
			scim.OnResponse(func(r *scim.Response) { seen = append(seen, r.Request.Method+" "+r.Status) })})
	if err != nil || v.Meta.Version != `W/"9"` {
		t.Fatalf("Update = %+v, %v", v, err)
	}
	if got := strings.Join(seen, ", "); got != "PATCH 503 Service Unavailable, GET 200 OK" {
		t.Errorf("OnResponse saw %s", got)
	}
	if n := len(rec.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// TestBrokenReplyResolved checks a change whose 2xx reply breaks off (the
// connection closes inside the body): it was applied, so the If-Match retry
// is refused with 412, and the read shows the change made.
func TestBrokenReplyResolved(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		switch n.Add(1) {
		case 1: // applied; the reply breaks off
			w.Header().Set("Content-Length", "200")
			_, _ = w.Write([]byte(`{"id":"u1","na`))
		case 2:
			w.WriteHeader(http.StatusPreconditionFailed)
			_, _ = w.Write([]byte(`{"detail":"resource has been modified"}`))
		default:
			_, _ = w.Write([]byte(`{"id":"u1","name":"new","meta":{"version":"W/\"3\""}}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, _ := things(t)
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("k"),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	c.Client = client
	v, err := c.Update(context.Background(), "users.Patch", "u1", "PATCH", map[string]string{"name": "new"}, named,
		[]scim.RequestOption{scim.IfMatch(`W/"2"`)})
	if err != nil || v.Name != "new" || v.Meta.Version != `W/"3"` {
		t.Fatalf("Update = %+v, %v; want the change, read back", v, err)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("%d requests, want 3 (PATCH, PATCH, GET)", got)
	}
}
