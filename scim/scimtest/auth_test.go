package scimtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{
		Users: []scimtest.User{
			{UserName: "member", Email: "m@example.com", APIKey: "member-key-0123456789012345678901234567890"},
			{UserName: "gone", Email: "g@example.com", Inactive: true, APIKey: "inactive-key-012345678901234567890123456789"},
			{UserName: "org-bot", AccountType: scimtest.AccountOrgService, APIKey: "org-sa-key-01234567890123456789012345678901"},
			{UserName: "team-bot", AccountType: scimtest.AccountService, APIKey: "team-sa-key-0123456789012345678901234567890"},
		},
	})
	bearer := func(key string) scim.Option { return scim.WithAPIKey(key) }
	basic := func(user, key string) scim.Option { return scim.WithBasicAuth(user, key) }
	tests := []struct {
		name   string
		auth   scim.Option
		base   string // "" = srv.URL
		status int    // 0 = success
	}{
		{"bearer", bearer(srv.APIKey), "", 0},
		{"basic with the admin's name", basic(srv.AdminUserName, srv.APIKey), "", 0},
		{"basic, name in another case", basic(strings.ToUpper(srv.AdminUserName), srv.APIKey), "", 0},
		{"basic service-account form", basic("", srv.APIKey), "", 0},
		{"under /scim/v2", bearer(srv.APIKey), srv.URL + "/scim/v2", 0},
		{"org service account, basic :key", basic("", "org-sa-key-01234567890123456789012345678901"), "", 0},
		{"org service account, bearer", bearer("org-sa-key-01234567890123456789012345678901"), "", 0},
		{"unknown key", bearer("wrong-key"), "", 401},
		{"basic with another user's name", basic("member", srv.APIKey), "", 401},
		{"basic api:key is for GraphQL", basic("api", srv.APIKey), "", 401},
		{"team service account", bearer("team-sa-key-0123456789012345678901234567890"), "", 401},
		{"inactive user", bearer("inactive-key-012345678901234567890123456789"), "", 401},
		{"not an org admin", bearer("member-key-0123456789012345678901234567890"), "", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := tt.base
			if base == "" {
				base = srv.URL
			}
			c, err := scim.NewClient(scim.WithBaseURL(base), tt.auth, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			var page scim.Page[map[string]any]
			_, err = call(c, context.Background(), http.MethodGet, "Users", nil, &page)
			if tt.status == 0 {
				if err != nil || page.TotalResults != 5 {
					t.Errorf("GET Users: %v, %d users", err, page.TotalResults)
				}
				return
			}
			var se *scim.Error
			if !errors.As(err, &se) || se.StatusCode != tt.status || se.Detail == "" {
				t.Errorf("err = %v, want a %d with detail", err, tt.status)
			}
		})
	}
}

// TestMissingCredentials sends a request without an Authorization header,
// which the SDK's client never does.
func TestMissingCredentials(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{})
	resp, err := http.Get(srv.URL + "/scim/Users")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
	testutil.JSONEq(t, body, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
		"detail":"authentication required: send Authorization: Bearer <api-key> or Basic credentials","status":"401"}`)
}

func TestGraphQLAuthentication(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "member", Email: "m@example.com", APIKey: "member-key-0123456789012345678901234567890"}},
	})
	tests := []struct {
		name string
		auth scim.Option
		want string // viewer username, "" for a 401
	}{
		{"api:key (WithAPIKey)", scim.WithAPIKey(srv.APIKey), "admin"},
		{"WithBasicAuth (api:key on GraphQL)", scim.WithBasicAuth("member", "member-key-0123456789012345678901234567890"), "member"},
		{"a member may use GraphQL", scim.WithAPIKey("member-key-0123456789012345678901234567890"), "member"},
		{"unknown key", scim.WithAPIKey("nope"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := scim.NewClient(scim.WithBaseURL(srv.URL), tt.auth, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			var data struct{ Viewer struct{ Username string } }
			err = c.GraphQL(context.Background(), `query Viewer { viewer { username } }`, nil, &data)
			if tt.want == "" {
				if !errors.Is(err, scim.ErrUnauthorized) {
					t.Errorf("err = %v, want 401", err)
				}
				return
			}
			if err != nil || data.Viewer.Username != tt.want {
				t.Errorf("viewer = %q, %v; want %q", data.Viewer.Username, err, tt.want)
			}
		})
	}
}
