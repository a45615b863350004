package teams

import (
	"context"
	"errors"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestMembersByEmailLostReply checks how a membership change that names a
// user by email is judged after its reply was lost: W&B lists members by
// ID (their display is the userName), so the address is looked up
// (GET /scim/Users?filter=emails.value eq "…") and the team judged by ID. A
// removal of a user who is still a member is not done, an addition of one
// who is a member is, and an address no user has leaves the outcome
// unknown.
func TestMembersByEmailLostReply(t *testing.T) {
	t.Parallel()
	const (
		teamPath  = "/scim/Groups/t1"
		bobQuery  = `filter=emails.value%20eq%20%22bob%40example.com%22`
		withBob   = `{"id":"t1","displayName":"ml","members":[{"value":"u1","display":"alice"},{"value":"u2","display":"bob"}],"meta":{"version":"W/\"5\""}}`
		bobUser   = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[{"id":"u2","userName":"bob","emails":[{"value":"bob@example.com","primary":true}]}]}`
		noUser    = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`
		removeBob = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"bob@example.com\"]"}]}`
		addBob    = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"bob@example.com"}]}]}`
	)
	lost := testutil.Reply{Status: 502, Body: `{"detail":"bad gateway"}`}
	tests := []struct {
		name    string
		call    func(*Service) (*Team, error)
		replies []testutil.Reply
		want    []testutil.Want
		wantOK  bool // success, with the team as read
		unknown bool // else whether the error matches ErrOutcomeUnknown
	}{
		{"RemoveMember: still a member, not done", func(s *Service) (*Team, error) {
			return s.RemoveMember(context.Background(), "t1", "bob@example.com")
		}, []testutil.Reply{lost, {Status: 200, Body: withBob}, {Status: 200, Body: bobUser}},
			[]testutil.Want{{Method: "PATCH", Path: teamPath, Body: removeBob}, {Method: "GET", Path: teamPath}, {Method: "GET", Path: "/scim/Users", Query: bobQuery}},
			false, true},
		{"Patch remove by email: still a member, not done", func(s *Service) (*Team, error) {
			return s.Patch(context.Background(), "t1", []scim.Operation{scim.Remove(`members[value eq "bob@example.com"]`)})
		}, []testutil.Reply{lost, {Status: 200, Body: withBob}, {Status: 200, Body: bobUser}},
			[]testutil.Want{{Method: "PATCH", Path: teamPath, Body: removeBob}, {Method: "GET", Path: teamPath}, {Method: "GET", Path: "/scim/Users", Query: bobQuery}},
			false, true},
		{"AddMembers: a member, done", func(s *Service) (*Team, error) {
			return s.AddMembers(context.Background(), "t1", []string{"bob@example.com"})
		}, []testutil.Reply{lost, {Status: 200, Body: withBob}, {Status: 200, Body: bobUser}},
			[]testutil.Want{{Method: "PATCH", Path: teamPath, Body: addBob}, {Method: "GET", Path: teamPath}, {Method: "GET", Path: "/scim/Users", Query: bobQuery}},
			true, false},
		{"Patch add by email: a member, done", func(s *Service) (*Team, error) {
			return s.Patch(context.Background(), "t1", []scim.Operation{scim.Add("members", []map[string]string{{"value": "bob@example.com"}})})
		}, []testutil.Reply{lost, {Status: 200, Body: withBob}, {Status: 200, Body: bobUser}},
			[]testutil.Want{{Method: "PATCH", Path: teamPath, Body: addBob}, {Method: "GET", Path: teamPath}, {Method: "GET", Path: "/scim/Users", Query: bobQuery}},
			true, false},
		{"AddMembers: no user has the address, unknown", func(s *Service) (*Team, error) {
			return s.AddMembers(context.Background(), "t1", []string{"bob@example.com"})
		}, []testutil.Reply{lost, {Status: 200, Body: withBob}, {Status: 200, Body: noUser}},
			[]testutil.Want{{Method: "PATCH", Path: teamPath, Body: addBob}, {Method: "GET", Path: teamPath}, {Method: "GET", Path: "/scim/Users", Query: bobQuery}},
			false, true},
		{"ChangeMembers: removed by email, still a member, not done", func(s *Service) (*Team, error) {
			return s.ChangeMembers(context.Background(), "t1", MemberChange{Remove: []string{"bob@example.com"}})
		}, []testutil.Reply{lost, {Status: 200, Body: withBob}, {Status: 200, Body: bobUser}},
			[]testutil.Want{{Method: "PATCH", Path: teamPath, Body: removeBob}, {Method: "GET", Path: teamPath}, {Method: "GET", Path: "/scim/Users", Query: bobQuery}},
			false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			got, err := tt.call(New(c))
			rec.Check(t, tt.want...)
			if tt.wantOK {
				if err != nil || got == nil || got.ID != "t1" || got.Meta.Version != `W/"5"` || len(got.Members) != 2 || got.Members[1].Value != "u2" {
					t.Fatalf("= %+v, %v; want the team as read", got, err)
				}
				return
			}
			if got != nil || !errors.Is(err, scim.ErrServer) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("= %+v, %v; want an error matching ErrServer (unknown %v)", got, err, tt.unknown)
			}
		})
	}
}
