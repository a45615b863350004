package users

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/go-wandb/identity/internal/call"

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
// or prefix) on servers with hashed keys; on older servers, and in the reply
// to GenerateAPIKey, Name is the secret itself (W&B PRs #11271, #11175). So
// Name is never printed: fmt (every verb), slog and json.Marshal show
// "[REDACTED]" in its place, also inside an Account or any other value that
// holds an APIKey. Read the field itself to use it.
type APIKey struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// redactedName stands for an APIKey's Name wherever it is printed.
const redactedName = "[REDACTED]"

// Format prints the key without its Name, whatever the verb.
func (k APIKey) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "users.APIKey{ID:%q, Name:%q, Description:%q}", k.ID, redactedName, k.Description)
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{ID:%s Name:%s Description:%s}", k.ID, redactedName, k.Description)
	default:
		fmt.Fprintf(f, "{%s %s %s}", k.ID, redactedName, k.Description)
	}
}

// LogValue logs the key without its Name.
func (k APIKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.ID), slog.String("name", redactedName), slog.String("description", k.Description))
}

// MarshalJSON encodes the key with its Name redacted.
func (k APIKey) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}{k.ID, redactedName, k.Description})
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
//
// Outcome: it is never sent again after its reply may have been lost (the
// connection failed after sending, a timeout, a 502, 503 or 504), since the
// lost reply alone held the new key's secret: the error then matches
// scim.ErrOutcomeUnknown. A key may have been made: list the caller's keys
// (Viewer's APIKeys), delete any you cannot account for (DeleteAPIKey), and
// generate again.
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
//
// Outcome: when the reply is lost (the connection failed after sending, a
// timeout, a 502, 503 or 504), the deletion is asked for once more, as a
// check: a deletion cannot apply twice. The call succeeds when that check
// deletes the key or the server answers that there is no such key (it is
// gone, which is what was asked); any other answer keeps the lost attempt's
// error; when the check gets no answer either, the error matches
// scim.ErrOutcomeUnknown.
func (s *Service) DeleteAPIKey(ctx context.Context, keyID string, opts ...scim.RequestOption) error {
	const op = "users.DeleteAPIKey"
	if resource.Blank(keyID) {
		return resource.Invalid(op, "empty API key ID")
	}
	vars := map[string]any{"id": keyID}
	opts = append(slices.Clip(opts), scim.RequestOption(call.Resolve(&call.Resolver{Definite: true,
		Check: func(ctx context.Context) (bool, error) { return s.keyGone(ctx, vars) }})))
	deleted, err := s.deleteKey(ctx, vars, opts)
	switch {
	case errors.Is(err, call.ErrResolved):
		return nil
	case err != nil:
		return resource.Wrap(op, err)
	case !deleted:
		return resource.Wrap(op, fmt.Errorf("API key %s was not deleted: %w", resource.Quote(keyID), scim.ErrUnsuccessful))
	}
	return nil
}

// deleteKey sends DeleteApiKey with vars and reports whether the reply says
// the key was deleted.
func (s *Service) deleteKey(ctx context.Context, vars map[string]any, opts []scim.RequestOption) (bool, error) {
	var data struct {
		DeleteAPIKey *struct {
			Success bool `json:"success"`
		} `json:"deleteApiKey"`
	}
	err := s.client.GraphQL(ctx, deleteAPIKeyMutation, vars, &data, opts...)
	return err == nil && data.DeleteAPIKey != nil && data.DeleteAPIKey.Success, err
}

// keyGone sends DeleteApiKey with vars once more, to find out whether a
// deletion whose reply was lost is done: the key is gone when this one
// deletes it or the server answers that there is no such key. Another
// GraphQL error says the key is not gone (a definite answer: the request
// itself was refused); no answer is an error.
func (s *Service) keyGone(ctx context.Context, vars map[string]any) (bool, error) {
	deleted, err := s.deleteKey(ctx, vars, nil)
	var gqlErr *scim.GraphQLError
	switch {
	case errors.As(err, &gqlErr):
		return slices.ContainsFunc(gqlErr.Messages, func(m string) bool { return strings.Contains(strings.ToLower(m), "not found") }), nil
	case err != nil:
		return false, err
	}
	return deleted, nil
}
