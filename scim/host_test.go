package scim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

func TestNewHostRequest(t *testing.T) {
	t.Parallel()
	// The SCIM root has a path of its own: a host path ignores it.
	c, _ := testutil.NewClient(t, scim.WithBaseURL("https://wandb.test/scim/v2"))
	tests := []struct{ path, wantURL string }{
		{"/admin/audit_logs", "https://wandb.test/admin/audit_logs"},
		{"/audit_logs?startDate=2026-08-01&numDays=2", "https://wandb.test/audit_logs?startDate=2026-08-01&numDays=2"},
		{"/a/b%2Fc", "https://wandb.test/a/b%2Fc"},
		{"/", "https://wandb.test/"},
	}
	for _, tt := range tests {
		req, err := c.NewHostRequest(context.Background(), http.MethodGet, tt.path, nil)
		if err != nil {
			t.Fatalf("NewHostRequest(%q): %v", tt.path, err)
		}
		if got := req.URL.String(); got != tt.wantURL {
			t.Errorf("NewHostRequest(%q) URL = %q, want %q", tt.path, got, tt.wantURL)
		}
		if req.Host != "wandb.test" || req.Header.Get("Authorization") != "" {
			t.Errorf("NewHostRequest(%q): Host %q, Authorization %q", tt.path, req.Host, req.Header.Get("Authorization"))
		}
	}
	for _, bad := range []string{"admin/audit_logs", "//evil.test/x", "https://evil.test/x", "/a/../b", "/a/%2e%2e/b", "/./x", "mailto:x", ""} {
		if _, err := c.NewHostRequest(context.Background(), http.MethodGet, bad, nil); !errors.Is(err, scim.ErrPathForbidden) {
			t.Errorf("NewHostRequest(%q) err = %v, want ErrPathForbidden", bad, err)
		}
	}
	var nilClient *scim.Client
	if _, err := nilClient.NewHostRequest(context.Background(), http.MethodGet, "/x", nil); err == nil {
		t.Error("nil client: no error")
	}
}

// TestOpen checks that a host request goes through Do's path: the client's
// credential on its origin, retries, the size limit while the body is read,
// and *scim.Error for a non-2xx reply.
func TestOpen(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t, scim.WithMaxResponseBytes(64), scim.WithRetry(scim.RetryPolicy{MaxAttempts: 2, MinBackoff: 1, MaxBackoff: 1}))
	rec := testutil.Serve(t, mock,
		testutil.Reply{Status: http.StatusServiceUnavailable, Body: `{"detail":"busy"}`},
		testutil.Reply{Status: http.StatusOK, Body: `{"audit_logs":[]}`},
		testutil.Reply{Status: http.StatusOK, Body: strings.Repeat("x", 100)},
		testutil.Reply{Status: http.StatusForbidden, Body: `{"error":"not an admin"}`},
	)
	open := func() (*scim.Response, error) {
		req, err := c.NewHostRequest(context.Background(), http.MethodGet, "/admin/audit_logs?limit=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Open(req)
	}

	resp, err := open() // 503, then 200: retried as a GET
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != `{"audit_logs":[]}` || resp.StatusCode != http.StatusOK {
		t.Errorf("Open = %d %q, %v", resp.StatusCode, body, err)
	}

	resp, err = open() // larger than WithMaxResponseBytes: the read fails
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || !strings.Contains(err.Error(), "WithMaxResponseBytes") {
		t.Errorf("reading a reply past the limit: err = %v", err)
	}

	_, err = open()
	var apiErr *scim.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.Detail != "not an admin" {
		t.Errorf("Open of a 403 = %v", err)
	}

	reqs := rec.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != http.MethodGet || r.Host != testutil.Host || r.Path != "/admin/audit_logs" || r.RawQuery != "limit=1" {
			t.Errorf("request = %s %s %s?%s", r.Method, r.Host, r.Path, r.RawQuery)
		}
		if a := r.Header.Get("Authorization"); a != "Bearer "+testutil.APIKey {
			t.Errorf("Authorization = %q, want the client's credential", a)
		}
	}
}
