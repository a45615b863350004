package scim_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

func TestNewRequest(t *testing.T) {
	t.Parallel()
	c, _ := testutil.NewClient(t)
	tests := []struct {
		path, wantURL string
	}{
		{"Users", "https://wandb.test/scim/Users"},
		{"/Users", "https://wandb.test/scim/Users"},
		{"Users/VXNlcjox", "https://wandb.test/scim/Users/VXNlcjox"},
		{"Users/a%2Fb", "https://wandb.test/scim/Users/a%2Fb"},
		{"Users/..%2FGroups", "https://wandb.test/scim/Users/..%2FGroups"},
		{"Users/%252e%252e", "https://wandb.test/scim/Users/%252e%252e"},
		{"Users/...", "https://wandb.test/scim/Users/..."},
		{"Users?filter=userName%20eq%20%22x%22", "https://wandb.test/scim/Users?filter=userName%20eq%20%22x%22"},
		{"", "https://wandb.test/scim"},
	}
	for _, tt := range tests {
		req, err := c.NewRequest(context.Background(), "GET", tt.path, nil)
		if err != nil {
			t.Fatalf("NewRequest(%q): %v", tt.path, err)
		}
		if got := req.URL.String(); got != tt.wantURL {
			t.Errorf("NewRequest(%q) URL = %q, want %q", tt.path, got, tt.wantURL)
		}
		if req.Header.Get("Authorization") != "" {
			t.Errorf("NewRequest set Authorization on the request itself")
		}
		if req.Header.Get("Content-Type") != "" {
			t.Errorf("Content-Type set on a request without a body")
		}
	}
	for _, bad := range []string{"../Users", "Users/../../x", "Users/./x", "https://evil.test/x", "//evil.test/x", "Users/%2E%2E", "Users/%2e", "%2e%2e/x", "Users/..", "mailto:x"} {
		if _, err := c.NewRequest(context.Background(), "GET", bad, nil); !errors.Is(err, scim.ErrPathForbidden) {
			t.Errorf("NewRequest(%q) err = %v, want ErrPathForbidden", bad, err)
		}
	}
	//lint:ignore SA1012 checking the nil-context guard
	if _, err := c.NewRequest(nil, "GET", "Users", nil); err == nil { //nolint:staticcheck
		t.Error("NewRequest(nil ctx) = nil error")
	}
	if _, err := c.NewRequest(context.Background(), "POST", "Users", func() {}); err == nil {
		t.Error("NewRequest with an unencodable body = nil error")
	}
}

func TestNewRequestUnderBasePath(t *testing.T) {
	t.Parallel()
	c, _ := testutil.NewClient(t, scim.WithBaseURL("https://api.wandb.ai/scim/v2/"))
	req, err := c.NewRequest(context.Background(), "GET", "Groups/R3JvdXA6MQ==", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := req.URL.String(); got != "https://api.wandb.ai/scim/v2/Groups/R3JvdXA6MQ==" {
		t.Errorf("URL = %q", got)
	}
}

func TestDoRequestHeadersAndBody(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 201, Body: `{"id":"1"}`})
	body := map[string]any{"userName": "a b+c"}
	if _, err := call(c, context.Background(), "POST", "Users", body, nil, scim.WithHeader("X-Trace", "t1"), scim.WithHeader("Authorization", "stolen")); err != nil {
		t.Fatal(err)
	}
	rec.Check(t, testutil.Want{Method: "POST", Path: "/scim/Users", Header: map[string]string{"X-Trace": "t1"}, Body: `{"userName":"a b+c"}`})
}

func TestDoDecoding(t *testing.T) {
	t.Parallel()
	type res struct {
		ID   string    `json:"id"`
		Meta scim.Meta `json:"meta"`
	}
	tests := []struct {
		name      string
		reply     testutil.Reply
		wantID    string
		wantVer   string
		wantETag  string
		wantError bool
	}{
		{"scim+json", testutil.Reply{Status: 200, Body: `{"id":"a"}`}, "a", "", "", false},
		{"json with charset", testutil.Reply{Status: 200, Body: `{"id":"b"}`, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}}, "b", "", "", false},
		{"text/plain JSON", testutil.Reply{Status: 200, Body: `{"id":"c"}`, Header: http.Header{"Content-Type": {"text/plain"}}}, "c", "", "", false},
		{"204", testutil.Reply{Status: 204}, "", "", "", false},
		{"empty 200", testutil.Reply{Status: 200, Body: "  \n"}, "", "", "", false},
		{"etag fills version", testutil.Reply{Status: 200, Body: `{"id":"d"}`, Header: http.Header{"Etag": {`W/"7"`}}}, "d", `W/"7"`, `W/"7"`, false},
		{"body version kept", testutil.Reply{Status: 200, Body: `{"id":"e","meta":{"version":"W/\"9\""}}`, Header: http.Header{"Etag": {`W/"7"`}}}, "e", `W/"9"`, `W/"7"`, false},
		{"html 200", testutil.Reply{Status: 200, Body: "<html>proxy login</html>", Header: http.Header{"Content-Type": {"text/html"}}}, "", "", "", true},
		{"bad json", testutil.Reply{Status: 200, Body: `{"id":`}, "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			testutil.Serve(t, mock, tt.reply)
			var v res
			resp, err := call(c, context.Background(), "GET", "Users/x", nil, &v)
			if tt.wantError {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.ID != tt.wantID || v.Meta.Version != tt.wantVer || resp.ETag != tt.wantETag || resp.StatusCode != tt.reply.Status {
				t.Errorf("got id=%q version=%q etag=%q status=%d", v.ID, v.Meta.Version, resp.ETag, resp.StatusCode)
			}
		})
	}
}

func TestDoNonJSONSuccessQuotesBody(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: "<html>Sign in</html>", Header: http.Header{"Content-Type": {"text/html"}}})
	var v map[string]any
	_, err := call(c, context.Background(), "GET", "Users", nil, &v)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("not JSON")) || !bytes.Contains([]byte(err.Error()), []byte("<html>Sign in")) {
		t.Errorf("err = %v, want one that says not JSON and quotes the body", err)
	}
}

func TestDoWriter(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: `{"raw":true}`})
	var buf bytes.Buffer
	if _, err := call(c, context.Background(), "GET", "Users", nil, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != `{"raw":true}` {
		t.Errorf("writer got %q", buf.String())
	}
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 204}, testutil.Reply{Status: 204})
	ctx := context.Background()
	if _, err := call(c, ctx, "DELETE", "Roles/x", nil, nil, scim.IfMatch(`W/"3"`)); err != nil {
		t.Fatal(err)
	}
	if _, err := call(c, ctx, "DELETE", "Roles/y", nil, nil, scim.IfMatch("")); err != nil {
		t.Fatal(err)
	}
	rec.Check(t,
		testutil.Want{Method: "DELETE", Path: "/scim/Roles/x", Header: map[string]string{"If-Match": `W/"3"`}},
		testutil.Want{Method: "DELETE", Path: "/scim/Roles/y", Header: map[string]string{"If-Match": ""}},
	)
}
