package scim_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
)

const key = testutil.APIKey

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, wantBase, wantGraphQL string
	}{
		{"", "https://api.wandb.ai/scim", "https://api.wandb.ai/graphql"},
		{"https://acme.wandb.io", "https://acme.wandb.io/scim", "https://acme.wandb.io/graphql"},
		{"https://acme.wandb.io/", "https://acme.wandb.io/scim", "https://acme.wandb.io/graphql"},
		{"https://api.wandb.ai/scim/v2", "https://api.wandb.ai/scim/v2", "https://api.wandb.ai/graphql"},
		{"https://api.wandb.ai/scim/v2//", "https://api.wandb.ai/scim/v2", "https://api.wandb.ai/graphql"},
		{"https://wandb.corp:8443/scim", "https://wandb.corp:8443/scim", "https://wandb.corp:8443/graphql"},
		{"http://localhost:8080", "http://localhost:8080/scim", "http://localhost:8080/graphql"},
		{"http://127.0.0.1:9/scim/", "http://127.0.0.1:9/scim", "http://127.0.0.1:9/graphql"},
		{"http://[::1]:9", "http://[::1]:9/scim", "http://[::1]:9/graphql"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			opts := []scim.Option{scim.WithAPIKey(key)}
			if tt.in != "" {
				opts = append(opts, scim.WithBaseURL(tt.in))
			}
			c, err := scim.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.wantBase || c.GraphQLURL() != tt.wantGraphQL {
				t.Errorf("BaseURL, GraphQLURL = %q, %q; want %q, %q", c.BaseURL(), c.GraphQLURL(), tt.wantBase, tt.wantGraphQL)
			}
		})
	}
}

func TestNewClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []scim.Option
		want string
	}{
		{"no credentials", nil, "no credentials"},
		{"empty key", []scim.Option{scim.WithAPIKey("")}, "empty API key"},
		{"empty basic key", []scim.Option{scim.WithBasicAuth("admin", "")}, "empty API key"},
		{"two auth options", []scim.Option{scim.WithAPIKey(key), scim.WithBasicAuth("admin", key)}, "more than one auth option"},
		{"same auth option twice", []scim.Option{scim.WithAPIKey(key), scim.WithAPIKey("other-key")}, "more than one auth option"},
		{"malformed", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("https://bad host/")}, "malformed base URL"},
		{"no scheme", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("acme.wandb.io")}, "scheme must be http or https"},
		{"ftp", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("ftp://acme.wandb.io")}, "scheme must be http or https"},
		{"no host", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("https:///scim")}, "no host"},
		{"query", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("https://acme.wandb.io?x=1")}, "query or fragment"},
		{"credentials in URL", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("https://admin:" + key + "@acme.wandb.io")}, "must not contain credentials"},
		{"plain http", []scim.Option{scim.WithAPIKey(key), scim.WithBaseURL("http://acme.wandb.io")}, "plain http"},
		{"plain http graphql", []scim.Option{scim.WithAPIKey(key), scim.WithGraphQLURL("http://acme.wandb.io/graphql")}, "plain http"},
		{"nil http client", []scim.Option{scim.WithAPIKey(key), scim.WithHTTPClient(nil)}, "nil client"},
		{"negative retry", []scim.Option{scim.WithAPIKey(key), scim.WithRetry(scim.RetryPolicy{MaxAttempts: -1})}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := scim.NewClient(tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("NewClient = %v, %v; want an error", c, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
}

func TestInsecureHTTPAllowed(t *testing.T) {
	t.Parallel()
	c, err := scim.NewClient(scim.WithAPIKey(key), scim.WithBaseURL("http://wandb.internal"), scim.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://wandb.internal/scim" {
		t.Errorf("BaseURL = %q", c.BaseURL())
	}
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuthHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		auth        scim.Option
		wantSCIM    string
		wantGraphQL string
	}{
		{"bearer", scim.WithAPIKey("p@55w0rd"), "Bearer p@55w0rd", basic("api", "p@55w0rd")},
		{"basic user", scim.WithBasicAuth("demo", "p@55w0rd"), "Basic ZGVtbzpwQDU1dzByZA==", basic("api", "p@55w0rd")},
		{"basic service account", scim.WithBasicAuth("", "sa-p@55w0rd"), "Basic OnNhLXBANTV3MHJk", basic("api", "sa-p@55w0rd")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mock := httpmock.NewMockTransport()
			var got []string
			mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				got = append(got, r.Header.Get("Authorization"))
				return httpmock.NewStringResponse(200, `{"data":{}}`), nil
			})
			c, err := scim.NewClient(tt.auth, scim.WithBaseURL("https://wandb.test"), scim.WithHTTPClient(&http.Client{Transport: mock}))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := call(c, context.Background(), "GET", "Users", nil, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.GraphQL(context.Background(), "query { viewer { id } }", nil, nil); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0] != tt.wantSCIM || got[1] != tt.wantGraphQL {
				t.Errorf("Authorization headers = %q, want [%q %q]", got, tt.wantSCIM, tt.wantGraphQL)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	// t.Setenv forbids t.Parallel.
	tests := []struct {
		name               string
		env                map[string]string
		opts               []scim.Option
		wantBase, wantAuth string
		wantErr            string
	}{
		{name: "bearer", env: map[string]string{"WANDB_BASE_URL": "https://acme.wandb.io", "WANDB_API_KEY": "k1"},
			wantBase: "https://acme.wandb.io/scim", wantAuth: "Bearer k1"},
		{name: "basic with username", env: map[string]string{"WANDB_API_KEY": "k1", "WANDB_USERNAME": "admin"},
			wantBase: "https://api.wandb.ai/scim", wantAuth: basic("admin", "k1")},
		{name: "explicit options win", env: map[string]string{"WANDB_BASE_URL": "https://env.wandb.io", "WANDB_API_KEY": "k1"},
			opts:     []scim.Option{scim.WithBaseURL("https://explicit.wandb.io"), scim.WithAPIKey("k2")},
			wantBase: "https://explicit.wandb.io/scim", wantAuth: "Bearer k2"},
		{name: "no key", env: map[string]string{"WANDB_BASE_URL": "https://acme.wandb.io"}, wantErr: "WANDB_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"WANDB_BASE_URL", "WANDB_API_KEY", "WANDB_USERNAME"} {
				t.Setenv(k, tt.env[k])
			}
			mock := httpmock.NewMockTransport()
			var auth string
			mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
				auth = r.Header.Get("Authorization")
				return httpmock.NewStringResponse(204, ""), nil
			})
			opts := append([]scim.Option{scim.FromEnv(), scim.WithHTTPClient(&http.Client{Transport: mock})}, tt.opts...)
			c, err := scim.NewClient(opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := call(c, context.Background(), "GET", "Users", nil, nil); err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.wantBase || auth != tt.wantAuth {
				t.Errorf("base, auth = %q, %q; want %q, %q", c.BaseURL(), auth, tt.wantBase, tt.wantAuth)
			}
		})
	}
}

func TestPrintingHidesKey(t *testing.T) {
	t.Parallel()
	c, err := scim.NewClient(scim.WithBasicAuth("admin", key), scim.WithBaseURL("https://acme.wandb.io"))
	if err != nil {
		t.Fatal(err)
	}
	opt := scim.WithAPIKey(key)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{c, *c, opt} {
			if s := fmt.Sprintf(format, v); strings.Contains(s, key) || strings.Contains(s, base64.StdEncoding.EncodeToString([]byte("admin:"+key))) {
				t.Errorf("Sprintf(%q) shows the key: %s", format, s)
			}
		}
	}
	if s := c.String(); !strings.Contains(s, "https://acme.wandb.io/scim") {
		t.Errorf("String() = %q, want the base URL", s)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		opts []scim.Option
		want string
	}{
		{nil, "go-wandb-identity/"},
		{[]scim.Option{scim.WithUserAgent("hr-sync/2.0")}, "hr-sync/2.0"},
	} {
		c, mock := testutil.NewClient(t, tt.opts...)
		rec := testutil.Serve(t, mock, testutil.Reply{Status: 204})
		if _, err := call(c, context.Background(), "DELETE", "Users/x", nil, nil); err != nil {
			t.Fatal(err)
		}
		if ua := rec.Requests()[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, tt.want) {
			t.Errorf("User-Agent = %q, want prefix %q", ua, tt.want)
		}
	}
}

func TestNilClient(t *testing.T) {
	t.Parallel()
	var c *scim.Client
	if _, err := call(c, context.Background(), "GET", "Users", nil, nil); err == nil || !strings.Contains(err.Error(), "nil *Client") {
		t.Errorf("Call on nil client: %v", err)
	}
	if err := c.GraphQL(context.Background(), "query{viewer{id}}", nil, nil); err == nil {
		t.Error("GraphQL on nil client: nil error")
	}
	if _, err := c.Do(&http.Request{}, nil); err == nil || !strings.Contains(err.Error(), "nil *Client") {
		t.Errorf("Do on nil client: %v", err)
	}
}
