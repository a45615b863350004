package users_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestDeleteAPIKeyLostReply checks how DeleteAPIKey resolves a lost reply:
// it asks for the deletion once more, and the key is gone when that deletes
// it or the server says there is no such key; another answer keeps the lost
// attempt's error; no answer makes the outcome unknown.
func TestDeleteAPIKeyLostReply(t *testing.T) {
	t.Parallel()
	lost := testutil.Reply{Status: 502, Body: `{"errors":[{"message":"bad gateway"}]}`}
	tests := []struct {
		name    string
		check   testutil.Reply
		wantErr error
		unknown bool
	}{
		{"the check deletes it", testutil.GraphQLReply(`{"data":{"deleteApiKey":{"success":true}}}`), nil, false},
		{"the key is gone", testutil.GraphQLReply(`{"data":{"deleteApiKey":null},"errors":[{"message":"API key \"k1\" not found"}]}`), nil, false},
		{"refused", testutil.GraphQLReply(`{"data":{"deleteApiKey":null},"errors":[{"message":"permission denied"}]}`), scim.ErrServer, false},
		{"no answer", testutil.Reply{Status: 401, Body: `{"errors":[{"message":"unauthorized"}]}`}, scim.ErrServer, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, lost, tt.check)
			err := svc.DeleteAPIKey(context.Background(), "k1")
			del := testutil.WantGraphQL{Operation: "mutation DeleteApiKey($id: String!)", Variables: `{"id":"k1"}`}
			rec.CheckGraphQL(t, del, del)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("DeleteAPIKey = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("DeleteAPIKey = %v, want %v (unknown %v)", err, tt.wantErr, tt.unknown)
			}
		})
	}
}

// TestGenerateAPIKeyLostReply checks that a key whose reply was lost is
// never generated again: one request, and an error matching
// ErrOutcomeUnknown.
func TestGenerateAPIKeyLostReply(t *testing.T) {
	t.Parallel()
	svc, rec := newService(t, testutil.Reply{Status: 503, Body: `{"errors":[{"message":"unavailable"}]}`})
	k, err := svc.GenerateAPIKey(context.Background(), "ci", scim.WithMaxAttempts(4))
	if k != nil || !errors.Is(err, scim.ErrOutcomeUnknown) {
		t.Fatalf("GenerateAPIKey = %v, %v; want ErrOutcomeUnknown", k, err)
	}
	rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "mutation GenerateApiKey", Variables: `{"description":"ci"}`})
}
