package users

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
func (s *Service) Viewer(ctx context.Context) (*Account, error) {
	var data struct {
		Viewer *gqlUser `json:"viewer"`
	}
	if err := s.client.GraphQL(ctx, getViewerQuery, nil, &data); err != nil {
		return nil, err
	}
	if data.Viewer == nil {
		return nil, fmt.Errorf("users.Viewer: the server returned no viewer for these credentials: %w", scim.ErrNotFound)
	}
	a := data.Viewer.account()
	return &a, nil
}

// Search returns every user whose user name or email matches
// usernameOrEmail: GraphQL query SearchUsers (POST {host}/graphql), the
// Python SDK's Api.users. It needs an instance (local) admin; no match is an
// empty slice and no error.
func (s *Service) Search(ctx context.Context, usernameOrEmail string) ([]Account, error) {
	if strings.TrimSpace(usernameOrEmail) == "" {
		return nil, scim.Invalid("users.Search", "empty user name or email")
	}
	var data struct {
		Users *struct {
			Edges []struct {
				Node *gqlUser `json:"node"`
			} `json:"edges"`
		} `json:"users"`
	}
	if err := s.client.GraphQL(ctx, searchUsersQuery, map[string]any{"query": usernameOrEmail}, &data); err != nil {
		return nil, err
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
// hashed keys return the key's name, not its secret.
func (s *Service) GenerateAPIKey(ctx context.Context, description string) (*APIKey, error) {
	vars := map[string]any{"description": nil}
	if description != "" {
		vars["description"] = description
	}
	var data struct {
		GenerateAPIKey *struct {
			APIKey *APIKey `json:"apiKey"`
		} `json:"generateApiKey"`
	}
	if err := s.client.GraphQL(ctx, generateAPIKeyMutation, vars, &data); err != nil {
		return nil, err
	}
	if data.GenerateAPIKey == nil || data.GenerateAPIKey.APIKey == nil {
		return nil, errors.New("users.GenerateAPIKey: the server returned no API key")
	}
	return data.GenerateAPIKey.APIKey, nil
}

// DeleteAPIKey deletes the API key with the given GraphQL ID (APIKey.ID, not
// its name): GraphQL mutation DeleteApiKey (POST {host}/graphql). Only the
// key's owner or an admin may. A reply with success false is an error.
func (s *Service) DeleteAPIKey(ctx context.Context, keyID string) error {
	const op = "users.DeleteAPIKey"
	if strings.TrimSpace(keyID) == "" {
		return scim.Invalid(op, "empty API key ID")
	}
	var data struct {
		DeleteAPIKey *struct {
			Success bool `json:"success"`
		} `json:"deleteApiKey"`
	}
	if err := s.client.GraphQL(ctx, deleteAPIKeyMutation, map[string]any{"id": keyID}, &data); err != nil {
		return err
	}
	if data.DeleteAPIKey == nil || !data.DeleteAPIKey.Success {
		return fmt.Errorf("%s: the server did not delete API key %q (success is not true)", op, keyID)
	}
	return nil
}
