package scim_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

func TestGraphQL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []scim.Option
		reply    testutil.Reply
		wantPath string
		wantName string
		wantErr  []string
		wantHTTP error
	}{
		{"data", nil, testutil.Reply{Status: 200, Body: `{"data":{"viewer":{"username":"ada"}}}`, Header: http.Header{"Content-Type": {"application/json"}}},
			"/graphql", "ada", nil, nil},
		{"errors with 200", nil, testutil.Reply{Status: 200, Body: `{"data":{"viewer":null},"errors":[{"message":"not found"},{"message":"denied"}]}`},
			"/graphql", "", []string{"not found", "denied"}, nil},
		{"http error", nil, testutil.Reply{Status: 401, Body: `{"errors":[{"message":"invalid api key"}]}`},
			"/graphql", "", nil, scim.ErrUnauthorized},
		{"custom url under scim/v2 base", []scim.Option{scim.WithBaseURL("https://api.wandb.ai/scim/v2"), scim.WithGraphQLURL("https://gql.wandb.test/api/graphql")},
			testutil.Reply{Status: 200, Body: `{"data":{"viewer":{"username":"bo"}}}`}, "/api/graphql", "bo", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, tt.opts...)
			rec := testutil.Serve(t, mock, tt.reply)
			var v struct {
				Viewer *struct{ Username string }
			}
			err := c.GraphQL(context.Background(), "query GetViewer { viewer { username } }", map[string]any{"x": 1}, &v)
			var gqlErr *scim.GraphQLError
			switch {
			case tt.wantHTTP != nil:
				if !errors.Is(err, tt.wantHTTP) {
					t.Fatalf("err = %v, want %v", err, tt.wantHTTP)
				}
			case tt.wantErr != nil:
				if !errors.As(err, &gqlErr) || len(gqlErr.Messages) != len(tt.wantErr) || gqlErr.Messages[1] != tt.wantErr[1] {
					t.Fatalf("err = %v, want GraphQLError %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if v.Viewer == nil || v.Viewer.Username != tt.wantName {
					t.Errorf("decoded %+v", v)
				}
			}
			r := rec.Requests()[0]
			if r.Method != "POST" || r.Path != tt.wantPath {
				t.Errorf("request %s %s", r.Method, r.Path)
			}
			if got := r.Header.Get("Authorization"); got != basic("api", key) {
				t.Errorf("Authorization = %q, want Basic api:<key>", got)
			}
			if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Use-Admin-Privileges") != "true" ||
				!strings.HasPrefix(r.Header.Get("User-Agent"), "W&B Public Client go-wandb-identity/") {
				t.Errorf("headers = %v", r.Header)
			}
			testutil.JSONEq(t, r.Body, `{"query":"query GetViewer { viewer { username } }","variables":{"x":1}}`)
		})
	}
}

// TestGraphQLErrorsWinOverDecode keeps the server's message when data does not
// fit the caller's type.
func TestGraphQLErrorsWinOverDecode(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: `{"data":{"viewer":"unexpected"},"errors":[{"message":"relogin required"}]}`})
	var v struct{ Viewer struct{ ID string } }
	err := c.GraphQL(context.Background(), "query { viewer { id } }", nil, &v)
	var gqlErr *scim.GraphQLError
	if !errors.As(err, &gqlErr) || gqlErr.Messages[0] != "relogin required" {
		t.Errorf("err = %v, want the GraphQL error", err)
	}
}
