package users

import (
	"context"
	"fmt"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Account is a W&B user as the GraphQL API describes it (the Python SDK's
// User): Teams are team names, APIKeys the user's keys (names and IDs, never
// secrets).
type Account struct {
	ID       string
	Username string
	Name     string
	Email    string
	Admin    bool
	Teams    []string
	APIKeys  []APIKey
}

// APIKey is an API key as GraphQL reports it. Name identifies the key (an ID
// or prefix); servers with hashed keys never return the secret.
type APIKey struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// GraphQL documents, as the Python SDK sends them.
const (
	apiKeyFragment = `fragment ApiKeyFragment on ApiKey { id name description }`
	userFragment   = `fragment UserFragment on User {
  id name username email admin flags entity deletedAt
  apiKeys { edges { node { ...ApiKeyFragment } } }
  teams { edges { node { name } } }
}`

	getViewerQuery = `query GetViewer {
  viewer { ...UserFragment }
}
` + userFragment + "\n" + apiKeyFragment

	searchUsersQuery = `query SearchUsers($query: String) {
  users(query: $query) { edges { node { ...UserFragment } } }
}
` + userFragment + "\n" + apiKeyFragment

	generateAPIKeyMutation = `mutation GenerateApiKey($description: String) {
  generateApiKey(input: {description: $description}) { apiKey { ...ApiKeyFragment } }
}
` + apiKeyFragment

	deleteAPIKeyMutation = `mutation DeleteApiKey($id: String!) {
  deleteApiKey(input: {id: $id}) { success }
}`
)

// gqlUser is UserFragment as it arrives.
type gqlUser struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
	Email    string `json:"email"`
	Admin    bool   `json:"admin"`
	APIKeys  struct {
		Edges []struct {
			Node *APIKey `json:"node"`
		} `json:"edges"`
	} `json:"apiKeys"`
	Teams struct {
		Edges []struct {
			Node *struct {
				Name string `json:"name"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"teams"`
}

// account maps the GraphQL user to an Account.
func (g *gqlUser) account() Account {
	a := Account{ID: g.ID, Username: g.Username, Name: g.Name, Email: g.Email, Admin: g.Admin}
	for _, e := range g.Teams.Edges {
		if e.Node != nil {
			a.Teams = append(a.Teams, e.Node.Name)
		}
	}
	for _, e := range g.APIKeys.Edges {
		if e.Node != nil {
			a.APIKeys = append(a.APIKeys, *e.Node)
		}
	}
	return a
}

// Viewer returns the authenticated caller: GraphQL query GetViewer
// (POST {host}/graphql, Basic "api:<key>"), the Python SDK's Api.viewer. When
// the server reports no viewer the error matches scim.ErrNotFound.
func (s *Service) Viewer(ctx context.Context, opts ...scim.RequestOption) (*Account, error) {
	const op = "users.Viewer"
	var data struct {
		Viewer *gqlUser `json:"viewer"`
	}
	if err := s.client.GraphQL(ctx, getViewerQuery, nil, &data, opts...); err != nil {
		return nil, resource.Wrap(op, err)
	}
	if data.Viewer == nil {
		return nil, resource.Wrap(op, fmt.Errorf("the server returned no viewer for these credentials: %w", scim.ErrNotFound))
	}
	a := data.Viewer.account()
	return &a, nil
}

// Search returns every user whose user name or email matches
// usernameOrEmail: GraphQL query SearchUsers (POST {host}/graphql), the
// Python SDK's Api.users. It needs an instance (local) admin; no match is an
// empty slice and no error.
func (s *Service) Search(ctx context.Context, usernameOrEmail string, opts ...scim.RequestOption) ([]Account, error) {
	const op = "users.Search"
	if resource.Blank(usernameOrEmail) {
		return nil, resource.Invalid(op, "empty user name or email")
	}
	var data struct {
		Users *struct {
			Edges []struct {
				Node *gqlUser `json:"node"`
			} `json:"edges"`
		} `json:"users"`
	}
	if err := s.client.GraphQL(ctx, searchUsersQuery, map[string]any{"query": usernameOrEmail}, &data, opts...); err != nil {
		return nil, resource.Wrap(op, err)
	}
	out := []Account{}
	if data.Users != nil {
		for _, e := range data.Users.Edges {
			if e.Node != nil {
				out = append(out, e.Node.account())
			}
		}
	}
	return out, nil
}

// GenerateAPIKey creates an API key for the authenticated caller (whatever
// user is meant: the mutation names none): GraphQL mutation GenerateApiKey
// (POST {host}/graphql). An empty description is sent as null. Servers with
// hashed keys return the key's name, not its secret. A reply without a key
// matches scim.ErrUnsuccessful.
func (s *Service) GenerateAPIKey(ctx context.Context, description string, opts ...scim.RequestOption) (*APIKey, error) {
	const op = "users.GenerateAPIKey"
	vars := map[string]any{"description": nil}
	if description != "" {
		vars["description"] = description
	}
	var data struct {
		GenerateAPIKey *struct {
			APIKey *APIKey `json:"apiKey"`
		} `json:"generateApiKey"`
	}
	if err := s.client.GraphQL(ctx, generateAPIKeyMutation, vars, &data, opts...); err != nil {
		return nil, resource.Wrap(op, err)
	}
	if data.GenerateAPIKey == nil || data.GenerateAPIKey.APIKey == nil {
		return nil, resource.Wrap(op, fmt.Errorf("the server returned no API key: %w", scim.ErrUnsuccessful))
	}
	return data.GenerateAPIKey.APIKey, nil
}

// DeleteAPIKey deletes the API key with the given GraphQL ID (APIKey.ID, not
// its name): GraphQL mutation DeleteApiKey (POST {host}/graphql). Only the
// key's owner or an admin may. A reply with success false matches
// scim.ErrUnsuccessful.
func (s *Service) DeleteAPIKey(ctx context.Context, keyID string, opts ...scim.RequestOption) error {
	const op = "users.DeleteAPIKey"
	if resource.Blank(keyID) {
		return resource.Invalid(op, "empty API key ID")
	}
	var data struct {
		DeleteAPIKey *struct {
			Success bool `json:"success"`
		} `json:"deleteApiKey"`
	}
	if err := s.client.GraphQL(ctx, deleteAPIKeyMutation, map[string]any{"id": keyID}, &data, opts...); err != nil {
		return resource.Wrap(op, err)
	}
	if data.DeleteAPIKey == nil || !data.DeleteAPIKey.Success {
		return resource.Wrap(op, fmt.Errorf("API key %s was not deleted: %w", resource.Quote(keyID), scim.ErrUnsuccessful))
	}
	return nil
}
