package teams

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestMutationsLostReply checks how the team mutations resolve a lost
// reply: they read (EntityExists, GetTeamEntity); done, the call succeeds;
// not done, the mutation is sent again; the read failing, the outcome is
// unknown. CreateServiceAccount is never sent again.
func TestMutationsLostReply(t *testing.T) {
	t.Parallel()
	lost := testutil.Reply{Status: 504, Body: `{"errors":[{"message":"gateway timeout"}]}`}
	const (
		createTeam = "mutation CreateTeam"
		invite     = "mutation CreateInvite"
		deleteInv  = "mutation DeleteInvite"
		entity     = "query EntityExists"
		members    = "query GetTeamEntity"
		createSA   = "mutation CreateServiceAccount"
	)
	pending := testutil.GraphQLReply(`{"data":{"entity":{"members":[{"id":"SW52aXRlOjE=","username":"bob","pending":true,"admin":false}]}}}`)
	noMembers := testutil.GraphQLReply(`{"data":{"entity":{"members":[]}}}`)
	tests := []struct {
		name    string
		call    func(*Service) error
		replies []testutil.Reply
		sent    []string
		wantErr error
		unknown bool
	}{
		{"CreateTeam: made", func(s *Service) error { return s.CreateTeam(context.Background(), "new-team", "") },
			[]testutil.Reply{lost, testutil.GraphQLReply(teamExists)}, []string{createTeam, entity}, nil, false},
		{"CreateTeam: not made, sent again", func(s *Service) error {
			return s.CreateTeam(context.Background(), "new-team", "", scim.WithMaxAttempts(2))
		},
			[]testutil.Reply{lost, testutil.GraphQLReply(teamMissing), testutil.GraphQLReply(`{"data":{"createTeam":{"entity":{"id":"RW50aXR5OjI="}}}}`)},
			[]string{createTeam, entity, createTeam}, nil, false},
		{"CreateTeam: the read fails", func(s *Service) error { return s.CreateTeam(context.Background(), "new-team", "") },
			[]testutil.Reply{lost, {Status: 401}}, []string{createTeam, entity}, scim.ErrServer, true},
		{"Invite: made", func(s *Service) error { return s.Invite(context.Background(), "ml", "bob", false) },
			[]testutil.Reply{lost, pending}, []string{invite, members}, nil, false},
		{"Invite: not made, sent again", func(s *Service) error {
			return s.Invite(context.Background(), "ml", "bob", false, scim.WithMaxAttempts(2))
		},
			[]testutil.Reply{lost, noMembers, testutil.GraphQLReply(`{"data":{"createInvite":{"invite":{"id":"SW52aXRlOjE="}}}}`)},
			[]string{invite, members, invite}, nil, false},
		{"DeleteMember: made", func(s *Service) error { return s.DeleteMember(context.Background(), "ml", "SW52aXRlOjE=") },
			[]testutil.Reply{lost, noMembers}, []string{deleteInv, members}, nil, false},
		{"DeleteMember: the read fails", func(s *Service) error { return s.DeleteMember(context.Background(), "ml", "SW52aXRlOjE=") },
			[]testutil.Reply{lost, {Status: 500}}, []string{deleteInv, members}, scim.ErrServer, true},
		{"CreateServiceAccount: never sent again", func(s *Service) error {
			_, err := s.CreateServiceAccount(context.Background(), "ml", "nightly", scim.WithMaxAttempts(3))
			return err
		}, []testutil.Reply{lost}, []string{createSA}, scim.ErrServer, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			rec := testutil.Serve(t, mock, tt.replies...)
			err := tt.call(New(c))
			var wants []testutil.WantGraphQL
			for _, op := range tt.sent {
				wants = append(wants, testutil.WantGraphQL{Operation: op})
			}
			checkAllGraphQL(t, rec, wants)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("err = %v, want %v (unknown %v)", err, tt.wantErr, tt.unknown)
			}
		})
	}
}

// checkAllGraphQL checks the operations of the requests, whatever their
// variables.
func checkAllGraphQL(t *testing.T, rec *testutil.Recorder, wants []testutil.WantGraphQL) {
	t.Helper()
	got := rec.Requests()
	if len(got) != len(wants) {
		t.Fatalf("%d requests, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		var body struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(got[i].Body, &body); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		if !strings.Contains(body.Query, w.Operation) {
			t.Errorf("request %d: query %q, want %q", i+1, body.Query, w.Operation)
		}
	}
}
