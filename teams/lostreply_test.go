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
// reply: they read (GetTeamEntity); done, the call succeeds;
// not done, the mutation is sent again; the read failing, the outcome is
// unknown. CreateServiceAccount is never sent again.
func TestMutationsLostReply(t *testing.T) {
	t.Parallel()
	lost := testutil.Reply{Status: 504, Body: `{"errors":[{"message":"gateway timeout"}]}`}
	const (
		invite    = "mutation CreateInvite"
		deleteInv = "mutation DeleteInvite"
		members   = "query GetTeamEntity"
		createSA  = "mutation CreateServiceAccount"
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

// TestCreateTeamLostReply checks how CreateTeam resolves a lost reply: the
// team is looked up over SCIM by name, and only a team of that name created
// since the call began is this call's. A team or a user that held the name
// before is not: the mutation is sent again and the server's refusal is
// returned as scim.ErrConflict. A refusal after the lost attempt is looked
// up the same way, since the lost attempt may have made the team.
func TestCreateTeamLostReply(t *testing.T) {
	t.Parallel()
	lost := testutil.Reply{Status: 504, Body: `{"errors":[{"message":"gateway timeout"}]}`}
	group := func(created time.Time) testutil.Reply {
		return testutil.Reply{Status: 200, Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,` +
			`"Resources":[{"id":"g1","displayName":"new-team","members":[],"meta":{"resourceType":"Group","created":"` + created.UTC().Format(time.RFC3339) + `"}}]}`}
	}
	now, old := group(time.Now().Add(time.Minute)), group(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	none := testutil.Reply{Status: 200, Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`}
	taken := testutil.GraphQLReply(`{"data":{"createTeam":null},"errors":[{"message":"entity name already taken"}]}`)
	created := testutil.GraphQLReply(`{"data":{"createTeam":{"entity":{"id":"RW50aXR5OjI=","name":"new-team"}}}}`)
	const (
		mutation = "mutation CreateTeam"
		exists   = "query EntityExists"
		lookup   = "GET /scim/Groups?filter=displayName%20eq%20%22new-team%22"
	)
	tests := []struct {
		name    string
		replies []testutil.Reply
		sent    []string
		wantErr error // nil: success
		unknown bool
	}{
		{"made by this call", []testutil.Reply{lost, now}, []string{mutation, lookup}, nil, false},
		{"not made, sent again", []testutil.Reply{lost, none, created}, []string{mutation, lookup, mutation}, nil, false},
		{"a team that held the name before is not made: the resend is refused", []testutil.Reply{lost, old, taken, old, testutil.GraphQLReply(teamExists)},
			[]string{mutation, lookup, mutation, lookup, exists}, scim.ErrConflict, false},
		{"a user that holds the name: the resend is refused", []testutil.Reply{lost, none, taken, none, testutil.GraphQLReply(teamExists)},
			[]string{mutation, lookup, mutation, lookup, exists}, scim.ErrConflict, false},
		{"the refusal after the lost attempt is its doing", []testutil.Reply{lost, none, taken, now}, []string{mutation, lookup, mutation, lookup}, nil, false},
		{"the lookup fails", []testutil.Reply{lost, {Status: 401}}, []string{mutation, lookup}, scim.ErrServer, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			rec := testutil.Serve(t, mock, tt.replies...)
			err := New(c).CreateTeam(context.Background(), "new-team", "", scim.WithMaxAttempts(2))
			got := rec.Requests()
			if len(got) != len(tt.sent) {
				t.Fatalf("%d requests, want %d", len(got), len(tt.sent))
			}
			for i, r := range got {
				if r.Path == "/graphql" {
					var body struct {
						Query     string         `json:"query"`
						Variables map[string]any `json:"variables"`
					}
					if err := json.Unmarshal(r.Body, &body); err != nil || !strings.Contains(body.Query, tt.sent[i]) || body.Variables["teamName"] != nil && body.Variables["teamName"] != "new-team" ||
						body.Variables["name"] != nil && body.Variables["name"] != "new-team" {
						t.Errorf("request %d: %s, want %s", i+1, r.Body, tt.sent[i])
					}
					continue
				}
				if g := r.Method + " " + r.Path + "?" + r.RawQuery; g != tt.sent[i] {
					t.Errorf("request %d: %s, want %s", i+1, g, tt.sent[i])
				}
			}
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
