package scim_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

var sentinels = []error{scim.ErrBadRequest, scim.ErrUnauthorized, scim.ErrForbidden, scim.ErrNotFound,
	scim.ErrConflict, scim.ErrPreconditionFailed, scim.ErrTooManyRequests, scim.ErrServer}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		body       string
		want       error
		wantDetail string
		wantType   string
	}{
		{400, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User reactivation operations are not supported in SaaS Cloud","status":"400"}`,
			scim.ErrBadRequest, "User reactivation operations are not supported in SaaS Cloud", ""},
		{401, `{"detail":"authentication failed","status":401}`, scim.ErrUnauthorized, "authentication failed", ""},
		{403, `{"detail":"insufficient permissions","status":"403"}`, scim.ErrForbidden, "insufficient permissions", ""},
		{404, `{"detail":"user not found","status":"404"}`, scim.ErrNotFound, "user not found", ""},
		{409, `{"detail":"exists","status":"409","scimType":"uniqueness"}`, scim.ErrConflict, "exists", "uniqueness"},
		{412, `{"detail":"etag mismatch","status":412}`, scim.ErrPreconditionFailed, "etag mismatch", ""},
		{429, `{"detail":"slow down"}`, scim.ErrTooManyRequests, "slow down", ""},
		{500, `{"detail":"boom","status":"500"}`, scim.ErrServer, "boom", ""},
		{502, ``, scim.ErrServer, "", ""},
		{503, `{"message":"maintenance"}`, scim.ErrServer, "maintenance", ""},
		{504, `{"errors":[{"message":"gateway"}]}`, scim.ErrServer, "gateway", ""},
		{418, `{"detail":"teapot"}`, nil, "teapot", ""},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			testutil.Serve(t, mock, testutil.Reply{Status: tt.status, Body: tt.body})
			resp, err := call(c, context.Background(), "GET", "Users/VXNlcjox", nil, nil)
			var se *scim.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %T %v, want *scim.Error", err, err)
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Errorf("Response = %v, want one with the status", resp)
			}
			if se.StatusCode != tt.status || se.Detail != tt.wantDetail || se.ScimType != tt.wantType ||
				se.Method != "GET" || se.URL != "https://wandb.test/scim/Users/VXNlcjox" {
				t.Errorf("Error = %+v", se)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tt.want) {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
			if msg := err.Error(); !strings.Contains(msg, tt.wantDetail) || !strings.Contains(msg, http.StatusText(tt.status)) {
				t.Errorf("Error() = %q", msg)
			}
		})
	}
}

func TestErrorNonJSONBody(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	page := "<html><body>502 Bad Gateway: upstream sent Authorization: Bearer " + key + " and more</body></html>" + strings.Repeat("x", 2<<20)
	testutil.Serve(t, mock, testutil.Reply{Status: 502, Body: page, Header: http.Header{"Content-Type": {"text/html"}}})
	_, err := call(c, context.Background(), "GET", "Users", nil, nil)
	var se *scim.Error
	if !errors.As(err, &se) || se.StatusCode != 502 {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"502", "not JSON", "text/html", "<html><body>502 Bad Gateway"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, key) {
		t.Errorf("error shows the key: %q", msg)
	}
	if len(msg) > 600 {
		t.Errorf("error is %d bytes long; the body should be quoted, not copied", len(msg))
	}
}

func TestErrorDetailRedacted(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	testutil.Serve(t, mock, testutil.Reply{Status: 401, Body: `{"detail":"invalid key ` + key + `","status":"401"}`})
	_, err := call(c, context.Background(), "GET", "Users", nil, nil)
	if err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("err = %v; want an error without the key", err)
	}
}

func TestGraphQLErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		msgs []string
		want string
	}{
		{nil, "scim: graphql: request failed"},
		{[]string{"a"}, "scim: graphql: a"},
		{[]string{"a", "b"}, "scim: graphql: [a; b]"},
	} {
		if got := (&scim.GraphQLError{Messages: tt.msgs}).Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestErrorQuoteNeverCutsAKey puts the key across the point where the quote is
// cut: redacting after cutting would leak its first half.
func TestErrorQuoteNeverCutsAKey(t *testing.T) {
	t.Parallel()
	for _, offset := range []int{180, 190, 195, 199} {
		c, mock := testutil.NewClient(t)
		body := strings.Repeat("x", offset) + key + strings.Repeat("y", 50)
		testutil.Serve(t, mock, testutil.Reply{Status: 500, Body: body, Header: http.Header{"Content-Type": {"text/plain"}}})
		_, err := call(c, context.Background(), "GET", "Users", nil, nil)
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), key[:len(key)/2]) {
			t.Errorf("offset %d: error shows part of the key: %q", offset, err)
		}
	}
}

func TestErrorOtherJSONShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, wantDetail string
	}{
		{`{"error":"invalid api key"}`, "invalid api key"},
		{`{"error_description":"token expired"}`, "token expired"},
		{`{"detail":{"reason":"locked"}}`, `{"reason":"locked"}`},
		{`{"errors":["plain string"]}`, "plain string"},
		{`{"errors":[{"message":"from graphql"}]}`, "from graphql"},
		{`{"status":"500"}`, `unrecognised error body (application/scim+json): "{\"status\":\"500\"}"`},
		{`["a","b"]`, `unrecognised error body (application/scim+json): "[\"a\",\"b\"]"`},
	}
	for _, tt := range tests {
		c, mock := testutil.NewClient(t)
		testutil.Serve(t, mock, testutil.Reply{Status: 500, Body: tt.body})
		_, err := call(c, context.Background(), "GET", "Users", nil, nil)
		var se *scim.Error
		if !errors.As(err, &se) || se.Detail != tt.wantDetail {
			t.Errorf("body %s: Detail = %q, want %q", tt.body, se.Detail, tt.wantDetail)
		}
	}
}

// countingBody is an endless reply body that counts what was read from it.
type countingBody struct{ n atomic.Int64 }

func (b *countingBody) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	b.n.Add(int64(len(p)))
	return len(p), nil
}

func (b *countingBody) Close() error { return nil }

// TestErrorBodyReadBounded replies with an endless error body: the client
// reads at most 1 MiB of it (plus what it drains to reuse the connection).
func TestErrorBodyReadBounded(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	body := &countingBody{}
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"text/plain"}}, Body: body, Request: r}, nil
	})
	_, err := call(c, context.Background(), "GET", "Users", nil, nil)
	if !errors.Is(err, scim.ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if n := body.n.Load(); n > 1<<20+8<<10 {
		t.Errorf("read %d bytes of the error body, want at most about 1 MiB", n)
	}
}
