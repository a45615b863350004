package scim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestOnResponse checks that OnResponse hands f the final response of a
// call, once, after retries, on SCIM and GraphQL calls, for errors too.
func TestOnResponse(t *testing.T) {
	t.Parallel()
	etag := http.Header{"Etag": {`W/"3"`}}
	tests := []struct {
		name       string
		replies    []testutil.Reply
		graphql    bool
		wantStatus int
		wantErr    error
	}{
		{"SCIM, after two retries", []testutil.Reply{{Status: 503}, {Status: 503}, {Status: 200, Body: `{"id":"u1"}`, Header: etag}}, false, 200, nil},
		{"SCIM error", []testutil.Reply{{Status: 404, Body: `{"detail":"gone"}`, Header: etag}}, false, 404, scim.ErrNotFound},
		{"GraphQL", []testutil.Reply{{Status: 200, Body: `{"data":{"viewer":{"id":"v"}}}`, Header: etag}}, true, 200, nil},
		{"GraphQL error", []testutil.Reply{{Status: 401, Body: `{"errors":[{"message":"bad key"}]}`, Header: etag}}, true, 401, scim.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, fastRetry)
			testutil.Serve(t, mock, tt.replies...)
			var got []*scim.Response
			hook := scim.OnResponse(func(r *scim.Response) { got = append(got, r) })
			var err error
			if tt.graphql {
				err = c.GraphQL(context.Background(), "query { viewer { id } }", nil, nil, hook)
			} else {
				_, err = call(c, context.Background(), "GET", "Users/u1", nil, nil, hook, scim.OnResponse(nil))
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(got) != 1 || got[0].StatusCode != tt.wantStatus || got[0].ETag != `W/"3"` {
				t.Fatalf("OnResponse saw %d responses (%v), want one %d with its ETag", len(got), got, tt.wantStatus)
			}
		})
	}
}

// TestOnResponseNoReply checks that f is not called when no response came.
func TestOnResponseNoReply(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) { return nil, errors.New("connection reset") })
	called := false
	_, err := call(c, context.Background(), "GET", "Users", nil, nil, scim.OnResponse(func(*scim.Response) { called = true }))
	if err == nil || called {
		t.Errorf("err = %v, called = %v; want an error and no call", err, called)
	}
}
