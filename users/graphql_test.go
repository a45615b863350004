package users_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// gqlReply is a 200 GraphQL reply.
func gqlReply(body string) testutil.Reply {
	return testutil.Reply{Status: 200, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
}

// checkGraphQL asserts that the only request was a GraphQL POST to
// https://wandb.test/graphql (the Basic "api:<key>" header is only added for
// that origin) whose query contains each of parts and whose variables are vars.
func checkGraphQL(t *testing.T, rec *testutil.Recorder, vars map[string]any, parts ...string) {
	t.Helper()
	reqs := rec.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/graphql" || r.RawQuery != "" {
		t.Errorf("request = %s %s?%s, want POST /graphql", r.Method, r.Path, r.RawQuery)
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+testutil.APIKey))
	if got := r.Header.Get("Authorization"); got != wantAuth {
		t.Errorf("Authorization = %q, want Basic api:<key>", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := r.Header.Get("Use-Admin-Privileges"); got != "true" {
		t.Errorf("Use-Admin-Privileges = %q", got)
	}
	var body struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	for _, p := range parts {
		if !strings.Contains(body.Query, p) {
			t.Errorf("query does not contain %q:\n%s", p, body.Query)
		}
	}
	if !reflect.DeepEqual(body.Variables, vars) {
		t.Errorf("variables = %#v, want %#v", body.Variables, vars)
	}
}

const viewerNode = `{
	"id": "VXNlcjox", "name": "Ada Lovelace", "username": "ada", "email": "ada@example.com",
	"admin": true, "flags": "{}", "entity": "ada", "deletedAt": null,
	"apiKeys": {"edges": [
		{"node": {"id": "QXBpS2V5OjE=", "name": "wandb_v1_abc", "description": "ci"}},
		{"node": {"id": "QXBpS2V5OjI=", "name": "wandb_v1_def", "description": null}}
	]},
	"teams": {"edges": [{"node": {"name": "ml"}}, {"node": {"name": "infra"}}]}
}`

var wantViewer = users.Account{
	ID: "VXNlcjox", Username: "ada", Name: "Ada Lovelace", Email: "ada@example.com", Admin: true,
	Teams: []string{"ml", "infra"},
	APIKeys: []users.APIKey{
		{ID: "QXBpS2V5OjE=", Name: "wandb_v1_abc", Description: "ci"},
		{ID: "QXBpS2V5OjI=", Name: "wandb_v1_def"},
	},
}

func TestViewer(t *testing.T) {
	t.Parallel()
	t.Run("found", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, gqlReply(`{"data":{"viewer":`+viewerNode+`}}`))
		a, err := svc.Viewer(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		checkGraphQL(t, rec, nil, "query GetViewer", "viewer", "...UserFragment", "fragment UserFragment on User",
			"apiKeys", "teams", "fragment ApiKeyFragment on ApiKey")
		if !reflect.DeepEqual(*a, wantViewer) {
			t.Errorf("account = %+v\nwant      %+v", *a, wantViewer)
		}
	})
	t.Run("null viewer", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, gqlReply(`{"data":{"viewer":null}}`))
		a, err := svc.Viewer(context.Background())
		if a != nil || !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("got %+v, %v; want scim.ErrNotFound", a, err)
		}
	})
	t.Run("graphql errors", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, gqlReply(`{"data":{"viewer":null},"errors":[{"message":"relogin required"}]}`))
		_, err := svc.Viewer(context.Background())
		var gqlErr *scim.GraphQLError
		if !errors.As(err, &gqlErr) || len(gqlErr.Messages) != 1 || gqlErr.Messages[0] != "relogin required" {
			t.Errorf("err = %v, want the GraphQL error", err)
		}
	})
	t.Run("401", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.Reply{Status: 401, Body: `{"errors":[{"message":"bad key"}]}`})
		_, err := svc.Viewer(context.Background())
		wantAPIError(t, err, 401, scim.ErrUnauthorized, "bad key")
	})
}

func TestSearch(t *testing.T) {
	t.Parallel()
	t.Run("matches", func(t *testing.T) {
		t.Parallel()
		other := `{"id":"VXNlcjoy","name":"","username":"ada2","email":"ada2@example.com","admin":null,"apiKeys":null,"teams":{"edges":[]}}`
		svc, rec := newService(t, gqlReply(`{"data":{"users":{"edges":[{"node":`+viewerNode+`},{"node":`+other+`}]}}}`))
		got, err := svc.Search(context.Background(), "ada")
		if err != nil {
			t.Fatal(err)
		}
		checkGraphQL(t, rec, map[string]any{"query": "ada"}, "query SearchUsers($query: String)", "users(query: $query)",
			"...UserFragment", "fragment UserFragment on User", "fragment ApiKeyFragment on ApiKey")
		want := []users.Account{wantViewer, {ID: "VXNlcjoy", Username: "ada2", Email: "ada2@example.com"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("accounts = %+v\nwant       %+v", got, want)
		}
	})
	t.Run("no match", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, gqlReply(`{"data":{"users":{"edges":[]}}}`))
		got, err := svc.Search(context.Background(), "ghost@example.com")
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("got %#v, %v; want an empty slice", got, err)
		}
		checkGraphQL(t, rec, map[string]any{"query": "ghost@example.com"}, "SearchUsers")
	})
	t.Run("not an admin", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, gqlReply(`{"data":{"users":null},"errors":[{"message":"permission denied"}]}`))
		_, err := svc.Search(context.Background(), "ada")
		var gqlErr *scim.GraphQLError
		if !errors.As(err, &gqlErr) {
			t.Errorf("err = %v, want *scim.GraphQLError", err)
		}
	})
}

func TestGenerateAPIKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		description string
		vars        map[string]any
	}{
		{"with description", "ci key", map[string]any{"description": "ci key"}},
		{"empty description is null", "", map[string]any{"description": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, gqlReply(`{"data":{"generateApiKey":{"apiKey":{"id":"QXBpS2V5OjM=","name":"wandb_v1_xyz","description":"ci key"}}}}`))
			k, err := svc.GenerateAPIKey(context.Background(), tt.description)
			if err != nil {
				t.Fatal(err)
			}
			checkGraphQL(t, rec, tt.vars, "mutation GenerateApiKey($description: String)",
				"generateApiKey(input: {description: $description})", "apiKey { ...ApiKeyFragment }", "fragment ApiKeyFragment on ApiKey")
			if *k != (users.APIKey{ID: "QXBpS2V5OjM=", Name: "wandb_v1_xyz", Description: "ci key"}) {
				t.Errorf("key = %+v", k)
			}
		})
	}
	t.Run("graphql error", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, gqlReply(`{"data":null,"errors":[{"message":"too many keys"}]}`))
		k, err := svc.GenerateAPIKey(context.Background(), "x")
		var gqlErr *scim.GraphQLError
		if k != nil || !errors.As(err, &gqlErr) {
			t.Errorf("got %+v, %v; want *scim.GraphQLError", k, err)
		}
	})
	t.Run("no key in reply", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, gqlReply(`{"data":{"generateApiKey":{"apiKey":null}}}`))
		if k, err := svc.GenerateAPIKey(context.Background(), "x"); k != nil || err == nil {
			t.Errorf("got %+v, %v; want an error", k, err)
		}
	})
}

func TestDeleteAPIKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reply   string
		wantErr bool
	}{
		{"success", `{"data":{"deleteApiKey":{"success":true}}}`, false},
		{"success false", `{"data":{"deleteApiKey":{"success":false}}}`, true},
		{"null result", `{"data":{"deleteApiKey":null}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, gqlReply(tt.reply))
			err := svc.DeleteAPIKey(context.Background(), "QXBpS2V5OjE=")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "QXBpS2V5OjE=") {
				t.Errorf("error %q does not name the key", err)
			}
			checkGraphQL(t, rec, map[string]any{"id": "QXBpS2V5OjE="}, "mutation DeleteApiKey($id: String!)",
				"deleteApiKey(input: {id: $id})", "success")
		})
	}
	t.Run("graphql error", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, gqlReply(`{"data":{"deleteApiKey":null},"errors":[{"message":"not allowed"}]}`))
		err := svc.DeleteAPIKey(context.Background(), "QXBpS2V5OjE=")
		var gqlErr *scim.GraphQLError
		if !errors.As(err, &gqlErr) || gqlErr.Messages[0] != "not allowed" {
			t.Errorf("err = %v", err)
		}
	})
}
