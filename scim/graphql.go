package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-wandb/identity/internal/call"
)

// graphqlUserAgentPrefix starts the User-Agent of GraphQL calls.
const graphqlUserAgentPrefix = "W&B Public Client "

// graphqlRequest is the JSON body of a GraphQL call.
type graphqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// graphqlReply is a GraphQL reply; data is decoded into the caller's value.
type graphqlReply struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// refused reports whether the reply holds GraphQL errors.
func (r *graphqlReply) refused() bool { return len(r.Errors) > 0 }

// GraphQL runs query with variables against W&B's GraphQL endpoint (POST
// {host}/graphql, or WithGraphQLURL) as HTTP Basic "api:<key>", and decodes the
// reply's "data" into v (nil discards it). GraphQL "errors" in a 200 reply
// return *GraphQLError, after decoding whatever data came with them. The call
// goes through Do, so it is retried, logged and decoded like any other: a
// query (a document without a mutation) is retried like a GET, a mutation
// like a POST (on 429, or when no connection was made): a mutation whose
// reply was lost is never sent again by GraphQL, and its error matches
// ErrOutcomeUnknown (the users and teams services read what they can). Its
// User-Agent is the client's prefixed with "W&B Public Client ", which W&B
// requires before it returns some first-party fields. opts apply to the
// request as to a SCIM one (OnResponse, WithHeader).
func (c *Client) GraphQL(ctx context.Context, query string, variables map[string]any, v any, opts ...RequestOption) error {
	if c == nil {
		return errNilClient
	}
	if ctx == nil {
		return errors.New("scim: nil context")
	}
	kind := call.GraphQLMutation
	if isQuery(query) {
		kind = call.GraphQLQuery
	}
	req, err := c.newRequest(ctx, http.MethodPost, c.graphqlURL, graphqlRequest{Query: query, Variables: variables}, "application/json", append([]RequestOption{
		func(r *http.Request) { call.Set(r, func(cfg *call.Config) { cfg.Kind = kind }) },
		WithHeader("Accept", "application/json"),
		// W&B serves some first-party fields (a user's API keys) only to clients
		// that present themselves as its public client (wandb/wandb PR #12009).
		WithHeader("User-Agent", graphqlUserAgentPrefix+c.userAgent),
		// The public API acts with the caller's admin rights, as the Python SDK does.
		WithHeader("Use-Admin-Privileges", "true"),
	}, opts...))
	if err != nil {
		return err
	}
	var reply graphqlReply
	if _, err := c.Do(req, &reply); err != nil {
		return err
	}
	var decodeErr error
	if v != nil && len(reply.Data) > 0 && string(reply.Data) != "null" {
		if err := json.Unmarshal(reply.Data, v); err != nil {
			decodeErr = fmt.Errorf("scim: graphql: decoding data: %w", err)
		}
	}
	if len(reply.Errors) > 0 {
		gqlErr := &GraphQLError{}
		for _, e := range reply.Errors {
			gqlErr.Messages = append(gqlErr.Messages, c.redactor.String(e.Message))
		}
		if decodeErr != nil {
			// The server's own errors explain a data shape that did not fit.
			return errors.Join(gqlErr, decodeErr)
		}
		return gqlErr
	}
	if decodeErr != nil {
		return decodeErr
	}
	return nil
}

// isQuery reports whether a GraphQL document only reads: none of its
// operations is a mutation or a subscription. A query is retried like a GET
// although it is sent as a POST; a mutation follows the POST rule.
func isQuery(doc string) bool {
	depth := 0
	for i := 0; i < len(doc); i++ {
		switch c := doc[i]; {
		case c == '#': // a comment runs to the end of the line
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
		case c == '"': // a string, or a """block string"""
			if strings.HasPrefix(doc[i:], `"""`) {
				end := strings.Index(doc[i+3:], `"""`)
				if end < 0 {
					return false
				}
				i += end + 5
				continue
			}
			for i++; i < len(doc) && doc[i] != '"'; i++ {
				if doc[i] == '\\' {
					i++
				}
			}
		case c == '{' || c == '(':
			depth++
		case c == '}' || c == ')':
			depth--
		case depth == 0 && isNameStart(c):
			j := i
			for j < len(doc) && isNameChar(doc[j]) {
				j++
			}
			if word := doc[i:j]; word == "mutation" || word == "subscription" {
				return false
			}
			i = j - 1
		}
	}
	return true
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }
