package users_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

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
		svc, rec := newService(t, testutil.GraphQLReply(`{"data":{"viewer":`+viewerNode+`}}`))
		a, err := svc.Viewer(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "query GetViewer", Contains: []string{"viewer", "...UserFragment",
			"fragment UserFragment on User", "apiKeys", "teams", "fragment ApiKeyFragment on ApiKey"}})
		if !reflect.DeepEqual(*a, wantViewer) {
			t.Errorf("account = %+v\nwant      %+v", *a, wantViewer)
		}
	})
	t.Run("null viewer", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.GraphQLReply(`{"data":{"viewer":null}}`))
		a, err := svc.Viewer(context.Background())
		if a != nil || !errors.Is(err, scim.ErrNotFound) {
			t.Errorf("got %+v, %v; want scim.ErrNotFound", a, err)
		}
	})
	t.Run("graphql errors", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.GraphQLReply(`{"data":{"viewer":null},"errors":[{"message":"relogin required"}]}`))
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
		svc, rec := newService(t, testutil.GraphQLReply(`{"data":{"users":{"edges":[{"node":`+viewerNode+`},{"node":`+other+`}]}}}`))
		got, err := svc.Search(context.Background(), "ada")
		if err != nil {
			t.Fatal(err)
		}
		rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "query SearchUsers($query: String)", Contains: []string{"users(query: $query)",
			"...UserFragment", "fragment UserFragment on User", "fragment ApiKeyFragment on ApiKey"}, Variables: `{"query":"ada"}`})
		want := []users.Account{wantViewer, {ID: "VXNlcjoy", Username: "ada2", Email: "ada2@example.com"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("accounts = %+v\nwant       %+v", got, want)
		}
	})
	t.Run("no match", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.GraphQLReply(`{"data":{"users":{"edges":[]}}}`))
		got, err := svc.Search(context.Background(), "ghost@example.com")
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("got %#v, %v; want an empty slice", got, err)
		}
		rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "SearchUsers", Variables: `{"query":"ghost@example.com"}`})
	})
	t.Run("not an admin", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.GraphQLReply(`{"data":{"users":null},"errors":[{"message":"permission denied"}]}`))
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
		vars        string
	}{
		{"with description", "ci key", `{"description":"ci key"}`},
		{"empty description is null", "", `{"description":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.GraphQLReply(`{"data":{"generateApiKey":{"apiKey":{"id":"QXBpS2V5OjM=","name":"wandb_v1_xyz","description":"ci key"}}}}`))
			k, err := svc.GenerateAPIKey(context.Background(), tt.description)
			if err != nil {
				t.Fatal(err)
			}
			rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "mutation GenerateApiKey($description: String)",
				Contains: []string{"generateApiKey(input: {description: $description})", "apiKey { ...ApiKeyFragment }",
					"fragment ApiKeyFragment on ApiKey"}, Variables: tt.vars})
			if *k != (users.APIKey{ID: "QXBpS2V5OjM=", Name: "wandb_v1_xyz", Description: "ci key"}) {
				t.Errorf("key = %+v", k)
			}
		})
	}
	t.Run("graphql error", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.GraphQLReply(`{"data":null,"errors":[{"message":"too many keys"}]}`))
		k, err := svc.GenerateAPIKey(context.Background(), "x")
		var gqlErr *scim.GraphQLError
		if k != nil || !errors.As(err, &gqlErr) {
			t.Errorf("got %+v, %v; want *scim.GraphQLError", k, err)
		}
	})
	t.Run("no key in reply", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.GraphQLReply(`{"data":{"generateApiKey":{"apiKey":null}}}`))
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
			svc, rec := newService(t, testutil.GraphQLReply(tt.reply))
			err := svc.DeleteAPIKey(context.Background(), "QXBpS2V5OjE=")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "QXBpS2V5OjE=") {
				t.Errorf("error %q does not name the key", err)
			}
			rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "mutation DeleteApiKey($id: String!)",
				Contains: []string{"deleteApiKey(input: {id: $id})", "success"}, Variables: `{"id":"QXBpS2V5OjE="}`})
		})
	}
	t.Run("graphql error", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.GraphQLReply(`{"data":{"deleteApiKey":null},"errors":[{"message":"not allowed"}]}`))
		err := svc.DeleteAPIKey(context.Background(), "QXBpS2V5OjE=")
		var gqlErr *scim.GraphQLError
		if !errors.As(err, &gqlErr) || gqlErr.Messages[0] != "not allowed" {
			t.Errorf("err = %v", err)
		}
	})
}
