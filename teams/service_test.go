package teams

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestTeamRequests checks the exact request and the decoded reply of every
// SCIM method that returns one team.
func TestTeamRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		call  func(context.Context, *Service) (*Team, error)
		reply testutil.Reply
		want  testutil.Want
		team  wantTeam
	}{
		{
			name:  "Get",
			call:  func(ctx context.Context, s *Service) (*Team, error) { return s.Get(ctx, "ghi") },
			reply: testutil.Reply{Status: 200, Body: groupGhiJSON},
			want:  testutil.Want{Method: "GET", Path: "/scim/Groups/ghi"},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: created},
		},
		{
			name: "Get escapes the ID and fills Version from ETag",
			call: func(ctx context.Context, s *Service) (*Team, error) { return s.Get(ctx, "VGVhbTox/+=") },
			reply: testutil.Reply{Status: 200, Body: groupGhiJSON,
				Header: http.Header{"Etag": {`W/"xyz123"`}}},
			want: testutil.Want{Method: "GET", Path: "/scim/Groups/VGVhbTox%2F+="},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: created, Version: `W/"xyz123"`},
		},
		{
			name: "Create without bucket (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{DisplayName: "wandb-support", Members: []string{"def"}})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "wandb-support",
				"members": [{"value": "def"}]
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "Create with no members sends an empty array",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{DisplayName: "wandb-support"})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "wandb-support",
				"members": []
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "Create with COREWEAVE bucket (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{
					DisplayName: "ml-training-team",
					Members:     []string{"user@example.com"},
					StorageBucket: &StorageBucket{Name: "wandb-coreweave-bucket", Provider: ProviderCoreWeave,
						Path: "ml-training/experiments"},
				})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "ml-training-team",
				"members": [{"value": "user@example.com"}],
				"storageBucket": {
					"name": "wandb-coreweave-bucket",
					"provider": "COREWEAVE",
					"path": "ml-training/experiments"
				}
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "Create with AWS bucket (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{
					DisplayName: "ml-team",
					Members:     []string{"user@example.com"},
					StorageBucket: &StorageBucket{
						Name:          "my-company-wandb-data",
						Provider:      ProviderAWS,
						Path:          "ml-team/experiments",
						KMSKeyID:      "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
						AWSExternalID: "wandb-external-id-abc123",
					},
				})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "ml-team",
				"members": [{"value": "user@example.com"}],
				"storageBucket": {
					"name": "my-company-wandb-data",
					"provider": "AWS",
					"path": "ml-team/experiments",
					"kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
					"awsExternalId": "wandb-external-id-abc123"
				}
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "Create with AZURE bucket and no members (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{
					DisplayName: "research-team",
					Members:     []string{},
					StorageBucket: &StorageBucket{
						Name:          "wandbstorage",
						Provider:      ProviderAzure,
						Path:          "research/artifacts",
						AzureTenantID: "12345678-1234-1234-1234-123456789012",
						AzureClientID: "87654321-4321-4321-4321-210987654321",
					},
				})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "research-team",
				"members": [],
				"storageBucket": {
					"name": "wandbstorage",
					"provider": "AZURE",
					"path": "research/artifacts",
					"azureTenantId": "12345678-1234-1234-1234-123456789012",
					"azureClientId": "87654321-4321-4321-4321-210987654321"
				}
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "Create with GCP bucket and user IDs (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{
					DisplayName:   "data-science-team",
					Members:       []string{"VXNlcjox", "VXNlcjoy"},
					StorageBucket: &StorageBucket{Name: "my-gcs-bucket", Provider: ProviderGCP, Path: "data-science/runs"},
				})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "data-science-team",
				"members": [{"value": "VXNlcjox"}, {"value": "VXNlcjoy"}],
				"storageBucket": {"name": "my-gcs-bucket", "provider": "GCP", "path": "data-science/runs"}
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "Create with MINIO bucket, name and provider only",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{
					DisplayName:   "on-prem-team",
					Members:       []string{"abc"},
					StorageBucket: &StorageBucket{Name: "wandb-minio", Provider: ProviderMinIO},
				})
			},
			reply: testutil.Reply{Status: 201, Body: groupCreatedJSON},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "on-prem-team",
				"members": [{"value": "abc"}],
				"storageBucket": {"name": "wandb-minio", "provider": "MINIO"}
			}`},
			team: wantTeam{ID: "jkl", DisplayName: "wandb-support", Members: []MemberRef{devUser2},
				Location: "Groups/jkl", Created: created, Mod: created},
		},
		{
			name: "AddMembers sends one add with every value (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.AddMembers(ctx, "ghi", []string{"def", "jane@example.com"})
			},
			reply: testutil.Reply{Status: 200, Body: groupAddedJSON},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": ""}, Body: `{
				"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				"Operations": [
					{"op": "add", "path": "members", "value": [{"value": "def"}, {"value": "jane@example.com"}]}
				]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1, devUser2},
				Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "AddMembers with IfMatch",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.AddMembers(ctx, "ghi", []string{"def"}, scim.IfMatch(`W/"v1"`))
			},
			reply: testutil.Reply{Status: 200, Body: groupAddedJSON},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": `W/"v1"`}, Body: `{
				"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				"Operations": [{"op": "add", "path": "members", "value": [{"value": "def"}]}]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1, devUser2},
				Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "RemoveMember (doc example; reply lacks Ref and Type)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.RemoveMember(ctx, "ghi", "def")
			},
			reply: testutil.Reply{Status: 200, Body: groupRemovedOneJSON},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Body: `{
				"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				"Operations": [{"op": "remove", "path": "members[value eq \"def\"]"}]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "RemoveMember escapes the value",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.RemoveMember(ctx, "ghi", `a"b\c@x.io`, scim.IfMatch(`W/"v2"`))
			},
			reply: testutil.Reply{Status: 200, Body: groupRemovedOneJSON},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": `W/"v2"`}, Body: `{
				"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				"Operations": [{"op": "remove", "path": "members[value eq \"a\\\"b\\\\c@x.io\"]"}]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "RemoveAllMembers (doc example; reply has members null)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.RemoveAllMembers(ctx, "ghi")
			},
			reply: testutil.Reply{Status: 200, Body: groupRemovedAllJSON},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Body: `{
				"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				"Operations": [{"op": "remove", "path": "members"}]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "ReplaceMembers (doc example)",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.ReplaceMembers(ctx, "ghi", "acme-devs", []string{"user_id_1", "user_id_2"}, scim.IfMatch(`W/"v3"`))
			},
			reply: testutil.Reply{Status: 200, Body: groupReplacedJSON},
			want: testutil.Want{Method: "PUT", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": `W/"v3"`}, Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "acme-devs",
				"members": [{"value": "user_id_1"}, {"value": "user_id_2"}]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs",
				Members:  []MemberRef{{Value: "user_id_1", Display: "user1"}, {Value: "user_id_2", Display: "user2"}},
				Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "ReplaceMembers with no members clears them",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.ReplaceMembers(ctx, "ghi", "acme-devs", nil)
			},
			reply: testutil.Reply{Status: 200, Body: strings.Replace(groupRemovedAllJSON, `"members": null`, `"members": []`, 1)},
			want: testutil.Want{Method: "PUT", Path: "/scim/Groups/ghi", Body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
				"displayName": "acme-devs",
				"members": []
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Location: "Groups/ghi", Created: created, Mod: modified},
		},
		{
			name: "Patch sends the operations as given",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Patch(ctx, "ghi", []scim.Operation{
					scim.Replace("members", []map[string]string{{"value": "abc"}}),
					scim.Replace("", map[string]any{"displayName": "acme-devs"}),
				}, scim.IfMatch(`W/"v4"`))
			},
			reply: testutil.Reply{Status: 200, Body: groupGhiJSON},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": `W/"v4"`}, Body: `{
				"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
				"Operations": [
					{"op": "replace", "path": "members", "value": [{"value": "abc"}]},
					{"op": "replace", "value": {"displayName": "acme-devs"}}
				]
			}`},
			team: wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: created},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.reply)
			team, err := tt.call(context.Background(), New(c))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			rec.Check(t, tt.want)
			checkTeam(t, team, tt.team)
		})
	}
}

// TestReplyWithoutTeam checks that a 2xx reply holding no team (empty, not
// JSON, or without an id) is followed by a read: FindByName after a create,
// GET /scim/Groups/{id} after a PATCH or PUT.
func TestReplyWithoutTeam(t *testing.T) {
	t.Parallel()
	text := func(status int, body string) testutil.Reply {
		return testutil.Reply{Status: status, Body: body, Header: http.Header{"Content-Type": {"text/plain"}}}
	}
	createReq := testutil.Want{Method: "POST", Path: "/scim/Groups", Header: map[string]string{"If-Match": `W/"x"`},
		Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"acme-devs","members":[{"value":"abc"}]}`}
	find := testutil.Want{Method: "GET", Path: "/scim/Groups", Query: "filter=displayName%20eq%20%22acme-devs%22"}
	create := func(ctx context.Context, s *Service) (*Team, error) {
		return s.Create(ctx, CreateParams{DisplayName: "acme-devs", Members: []string{"abc"}}, scim.IfMatch(`W/"x"`))
	}
	addReq := testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi",
		Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"abc"}]}]}`}
	get := testutil.Want{Method: "GET", Path: "/scim/Groups/ghi"}
	addMembers := func(ctx context.Context, s *Service) (*Team, error) { return s.AddMembers(ctx, "ghi", []string{"abc"}) }
	ghi := wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
		Location: "Groups/ghi", Created: created, Mod: created}

	tests := []struct {
		name    string
		call    func(context.Context, *Service) (*Team, error)
		replies []testutil.Reply
		wants   []testutil.Want
	}{
		{"Create, empty 201", create, []testutil.Reply{{Status: 201}, {Status: 200, Body: groupListJSON}},
			[]testutil.Want{createReq, find}},
		{"Create, 201 without id", create, []testutil.Reply{{Status: 201, Body: `{"displayName":"acme-devs"}`}, {Status: 200, Body: groupListJSON}},
			[]testutil.Want{createReq, find}},
		{"Create, non-JSON 201", create, []testutil.Reply{text(201, "Created"), {Status: 200, Body: groupListJSON}},
			[]testutil.Want{createReq, find}},
		{"AddMembers, non-JSON 200", addMembers, []testutil.Reply{text(200, "OK"), {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{addReq, get}},
		{"AddMembers, 200 with {}", addMembers, []testutil.Reply{{Status: 200, Body: "{}"}, {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{addReq, get}},
		{"AddMembers, echoed PatchOp", addMembers, []testutil.Reply{{Status: 200, Body: addReq.Body}, {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{addReq, get}},
		{"RemoveMember, 204", func(ctx context.Context, s *Service) (*Team, error) { return s.RemoveMember(ctx, "ghi", "def") },
			[]testutil.Reply{{Status: 204}, {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{{Method: "PATCH", Path: "/scim/Groups/ghi",
				Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"def\"]"}]}`}, get}},
		{"RemoveAllMembers, empty 200", func(ctx context.Context, s *Service) (*Team, error) { return s.RemoveAllMembers(ctx, "ghi") },
			[]testutil.Reply{{Status: 200}, {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{{Method: "PATCH", Path: "/scim/Groups/ghi",
				Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}`}, get}},
		{"ReplaceMembers, non-JSON 200", func(ctx context.Context, s *Service) (*Team, error) {
			return s.ReplaceMembers(ctx, "ghi", "acme-devs", []string{"abc"})
		}, []testutil.Reply{text(200, "OK"), {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{{Method: "PUT", Path: "/scim/Groups/ghi",
				Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"acme-devs","members":[{"value":"abc"}]}`}, get}},
		{"Patch, empty 200; op in any case", func(ctx context.Context, s *Service) (*Team, error) {
			return s.Patch(ctx, "ghi", []scim.Operation{{Op: "REMOVE", Path: "members"}})
		}, []testutil.Reply{{Status: 200}, {Status: 200, Body: groupGhiJSON}},
			[]testutil.Want{{Method: "PATCH", Path: "/scim/Groups/ghi",
				Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"REMOVE","path":"members"}]}`}, get}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			team, err := tt.call(context.Background(), New(c))
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, tt.wants...)
			checkTeam(t, team, ghi)
		})
	}

	failed := []struct {
		name     string
		call     func(context.Context, *Service) (*Team, error)
		replies  []testutil.Reply
		wants    []testutil.Want
		sentinel error
		text     string
	}{
		{"Create, lookup finds nothing", create, []testutil.Reply{{Status: 201}, {Status: 200, Body: listOf(0, 1)}},
			[]testutil.Want{createReq, find}, scim.ErrNotFound, "create succeeded but its reply held no team"},
		{"Create, lookup ambiguous", create,
			[]testutil.Reply{{Status: 201, Body: "{}"}, {Status: 200, Body: listOf(2, 1, "t1", "acme-devs", "t2", "acme-devs")}},
			[]testutil.Want{createReq, find}, ErrAmbiguous, "create succeeded but its reply held no team"},
		{"Create, lookup fails", create,
			[]testutil.Reply{text(201, "Created"), {Status: 403, Body: scimError("403", "insufficient permissions")}},
			[]testutil.Want{createReq, find}, scim.ErrForbidden, "create succeeded but its reply held no team"},
		{"AddMembers, read-back fails", addMembers,
			[]testutil.Reply{{Status: 200}, {Status: 404, Body: scimError("404", "Group not found")}},
			[]testutil.Want{addReq, get}, scim.ErrNotFound, "the change was applied"},
	}
	for _, tt := range failed {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			team, err := tt.call(context.Background(), New(c))
			rec.Check(t, tt.wants...)
			if team != nil || !errors.Is(err, tt.sentinel) {
				t.Fatalf("got %+v, %v; want nil and an error matching %v", team, err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
		})
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  *scim.ListOptions
		query string
	}{
		{name: "no options", opts: nil, query: ""},
		{name: "zero options", opts: &scim.ListOptions{}, query: ""},
		{
			name:  "filter and paging",
			opts:  &scim.ListOptions{Filter: scim.Eq("displayName", "acme devs+1"), StartIndex: 2, Count: 10},
			query: "count=10&filter=displayName%20eq%20%22acme%20devs%2B1%22&startIndex=2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: groupListJSON})
			page, err := New(c).List(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Groups", Query: tt.query})
			if page.TotalResults != 1 || page.StartIndex != 1 || page.ItemsPerPage != 9999 || len(page.Resources) != 1 {
				t.Fatalf("page = %+v", page)
			}
			checkTeam(t, &page.Resources[0], wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: created})
		})
	}
}

// listOf builds a ListResponse of teams given as (id, displayName) pairs.
func listOf(total, start int, pairs ...string) string {
	var b strings.Builder
	b.WriteString(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[`)
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id":"` + pairs[i] + `","displayName":"` + pairs[i+1] +
			`","members":null,"meta":{"resourceType":"Group","location":"Groups/` + pairs[i] + `"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`)
	}
	b.WriteString(`],"itemsPerPage":9999,"startIndex":` + strconv.Itoa(start) + `,"totalResults":` + strconv.Itoa(total) + `}`)
	return b.String()
}

func TestAll(t *testing.T) {
	t.Parallel()
	t.Run("walks pages", func(t *testing.T) {
		t.Parallel()
		c, mock := testutil.NewClient(t)
		rec := testutil.Serve(t, mock,
			testutil.Reply{Status: 200, Body: listOf(3, 1, "t1", "one", "t2", "two")},
			testutil.Reply{Status: 200, Body: listOf(3, 3, "t3", "three")},
		)
		var ids []string
		for team, err := range New(c).All(context.Background(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, team.ID+"="+team.DisplayName)
		}
		rec.Check(t,
			testutil.Want{Method: "GET", Path: "/scim/Groups"},
			testutil.Want{Method: "GET", Path: "/scim/Groups", Query: "startIndex=3"},
		)
		if got := strings.Join(ids, ","); got != "t1=one,t2=two,t3=three" {
			t.Errorf("teams = %s", got)
		}
	})
	t.Run("one page of everything", func(t *testing.T) {
		t.Parallel()
		c, mock := testutil.NewClient(t)
		rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: groupListJSON})
		n := 0
		for team, err := range New(c).All(context.Background(), &scim.ListOptions{Filter: scim.Eq("displayName", "acme-devs")}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			checkTeam(t, team, wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
				Location: "Groups/ghi", Created: created, Mod: created})
		}
		rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Groups", Query: "filter=displayName%20eq%20%22acme-devs%22"})
		if n != 1 {
			t.Errorf("yielded %d teams, want 1", n)
		}
	})
	t.Run("error ends the walk", func(t *testing.T) {
		t.Parallel()
		c, mock := testutil.NewClient(t)
		testutil.Serve(t, mock,
			testutil.Reply{Status: 200, Body: listOf(3, 1, "t1", "one")},
			testutil.Reply{Status: 403, Body: scimError("403", "forbidden")},
		)
		var got []string
		var gotErr error
		for team, err := range New(c).All(context.Background(), nil) {
			if err != nil {
				if team != nil {
					t.Error("team with error is not nil")
				}
				gotErr = err
				continue
			}
			got = append(got, team.ID)
		}
		if len(got) != 1 || got[0] != "t1" || !errors.Is(gotErr, scim.ErrForbidden) {
			t.Errorf("got %v, %v", got, gotErr)
		}
	})
}

func TestFindByName(t *testing.T) {
	t.Parallel()
	const query = "filter=displayName%20eq%20%22acme-devs%22"
	tests := []struct {
		name    string
		reply   string
		wantID  string
		wantErr error
		errText []string
	}{
		{name: "one match (doc example)", reply: groupListJSON, wantID: "ghi"},
		{name: "none", reply: listOf(0, 1), wantErr: scim.ErrNotFound, errText: []string{`"acme-devs"`}},
		{
			name: "two match", reply: listOf(2, 1, "t1", "acme-devs", "t2", "acme-devs"),
			wantErr: ErrAmbiguous, errText: []string{"2 teams", "t1", "t2"},
		},
		{name: "exact case wins over case-insensitive matches", reply: listOf(2, 1, "t1", "Acme-Devs", "t2", "acme-devs"), wantID: "t2"},
		{name: "case-insensitive match alone", reply: listOf(1, 1, "t1", "ACME-DEVS"), wantID: "t1"},
		{name: "teams the filter should have excluded are ignored", reply: listOf(2, 1, "t1", "other", "t2", "acme-devs"), wantID: "t2"},
		{name: "only other teams", reply: listOf(1, 1, "t1", "other"), wantErr: scim.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: tt.reply})
			team, err := New(c).FindByName(context.Background(), "acme-devs")
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Groups", Query: query})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || team != nil {
					t.Fatalf("FindByName = %v, %v; want error %v", team, err, tt.wantErr)
				}
				var apiErr *scim.Error
				if errors.As(err, &apiErr) {
					t.Errorf("error %v is a *scim.Error; nothing failed on the server", err)
				}
				for _, s := range tt.errText {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if team.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", team.ID, tt.wantID)
			}
		})
	}
	t.Run("escapes quotes in the filter", func(t *testing.T) {
		t.Parallel()
		c, mock := testutil.NewClient(t)
		rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: listOf(0, 1)})
		_, err := New(c).FindByName(context.Background(), `a"b`)
		if !errors.Is(err, scim.ErrNotFound) {
			t.Fatal(err)
		}
		rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Groups", Query: "filter=displayName%20eq%20%22a%5C%22b%22"})
	})
}

// TestServerErrors checks that non-2xx replies come back as *scim.Error with
// the right sentinel and the server's detail.
func TestServerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		call     func(context.Context, *Service) (*Team, error)
		reply    testutil.Reply
		want     testutil.Want
		sentinel error
		status   int
		detail   string
	}{
		{
			name:     "Get unknown team",
			call:     func(ctx context.Context, s *Service) (*Team, error) { return s.Get(ctx, "nope") },
			reply:    testutil.Reply{Status: 404, Body: scimError("404", "Group not found")},
			want:     testutil.Want{Method: "GET", Path: "/scim/Groups/nope"},
			sentinel: scim.ErrNotFound, status: 404, detail: "Group not found",
		},
		{
			name: "Create duplicate",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{DisplayName: "acme-devs"})
			},
			reply: testutil.Reply{Status: 409, Body: scimError("409", "team already exists")},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups",
				Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"acme-devs","members":[]}`},
			sentinel: scim.ErrConflict, status: 409, detail: "team already exists",
		},
		{
			name: "Create with unreachable bucket",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.Create(ctx, CreateParams{DisplayName: "t", StorageBucket: &StorageBucket{Name: "b", Provider: "GCP"}})
			},
			reply: testutil.Reply{Status: 400, Body: scimError("400", "storage bucket validation failed")},
			want: testutil.Want{Method: "POST", Path: "/scim/Groups",
				Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"t","members":[],"storageBucket":{"name":"b","provider":"GCP"}}`},
			sentinel: scim.ErrBadRequest, status: 400, detail: "storage bucket validation failed",
		},
		{
			name: "AddMembers with stale ETag",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.AddMembers(ctx, "ghi", []string{"def"}, scim.IfMatch(`W/"old"`))
			},
			reply: testutil.Reply{Status: 412, Body: scimError("412", "ETag mismatch")},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": `W/"old"`},
				Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"def"}]}]}`},
			sentinel: scim.ErrPreconditionFailed, status: 412, detail: "ETag mismatch",
		},
		{
			name: "RemoveMember of unknown team",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.RemoveMember(ctx, "nope", "def")
			},
			reply: testutil.Reply{Status: 404, Body: `{"detail":"not found","status":404}`},
			want: testutil.Want{Method: "PATCH", Path: "/scim/Groups/nope",
				Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"def\"]"}]}`},
			sentinel: scim.ErrNotFound, status: 404, detail: "not found",
		},
		{
			name: "ReplaceMembers with unknown user",
			call: func(ctx context.Context, s *Service) (*Team, error) {
				return s.ReplaceMembers(ctx, "ghi", "acme-devs", []string{"ghost"})
			},
			reply: testutil.Reply{Status: 400, Body: scimError("400", "user ghost not found")},
			want: testutil.Want{Method: "PUT", Path: "/scim/Groups/ghi",
				Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"acme-devs","members":[{"value":"ghost"}]}`},
			sentinel: scim.ErrBadRequest, status: 400, detail: "user ghost not found",
		},
		{
			name:     "RemoveAllMembers forbidden",
			call:     func(ctx context.Context, s *Service) (*Team, error) { return s.RemoveAllMembers(ctx, "ghi") },
			reply:    testutil.Reply{Status: 403, Body: scimError("403", "insufficient permissions")},
			want:     testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}`},
			sentinel: scim.ErrForbidden, status: 403, detail: "insufficient permissions",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.reply)
			team, err := tt.call(context.Background(), New(c))
			rec.Check(t, tt.want)
			if team != nil {
				t.Errorf("team = %+v, want nil", team)
			}
			var apiErr *scim.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not a *scim.Error", err)
			}
			if !errors.Is(err, tt.sentinel) || apiErr.StatusCode != tt.status || apiErr.Detail != tt.detail {
				t.Errorf("error = %+v, want status %d, detail %q, matching %v", apiErr, tt.status, tt.detail, tt.sentinel)
			}
		})
	}
}

// TestInvalidInput checks that bad arguments fail before any request.
func TestInvalidInput(t *testing.T) {
	t.Parallel()
	bucket := func(name, provider string) *StorageBucket { return &StorageBucket{Name: name, Provider: provider} }
	tests := []struct {
		name string
		call func(context.Context, *Service) error
		msg  string // part of the error text
	}{
		{"Get empty ID", func(ctx context.Context, s *Service) error { _, err := s.Get(ctx, ""); return err }, "empty team ID"},
		{"Get dot", func(ctx context.Context, s *Service) error { _, err := s.Get(ctx, "."); return err }, "invalid team ID"},
		{"Get dot-dot", func(ctx context.Context, s *Service) error { _, err := s.Get(ctx, ".."); return err }, "invalid team ID"},
		{"FindByName empty", func(ctx context.Context, s *Service) error { _, err := s.FindByName(ctx, ""); return err }, "empty team display name"},
		{"Create empty name", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{Members: []string{"abc"}})
			return err
		}, "empty team display name"},
		{"Create blank name", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{DisplayName: "  "})
			return err
		}, "empty team display name"},
		{"Create empty member", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{DisplayName: "t", Members: []string{"abc", ""}})
			return err
		}, "member 1"},
		{"Create lowercase provider", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{DisplayName: "t", StorageBucket: bucket("b", "aws")})
			return err
		}, `"aws"`},
		{"Create s3 provider", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{DisplayName: "t", StorageBucket: bucket("b", "s3")})
			return err
		}, "COREWEAVE, AWS, AZURE, GCP, MINIO"},
		{"Create empty provider", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{DisplayName: "t", StorageBucket: bucket("b", "")})
			return err
		}, "provider"},
		{"Create empty bucket name", func(ctx context.Context, s *Service) error {
			_, err := s.Create(ctx, CreateParams{DisplayName: "t", StorageBucket: bucket("", "GCP")})
			return err
		}, "bucket name"},
		{"AddMembers nil list", func(ctx context.Context, s *Service) error {
			_, err := s.AddMembers(ctx, "ghi", nil)
			return err
		}, "no members"},
		{"AddMembers empty list", func(ctx context.Context, s *Service) error {
			_, err := s.AddMembers(ctx, "ghi", []string{})
			return err
		}, "no members"},
		{"AddMembers empty value", func(ctx context.Context, s *Service) error {
			_, err := s.AddMembers(ctx, "ghi", []string{""})
			return err
		}, "member 0"},
		{"AddMembers empty ID", func(ctx context.Context, s *Service) error {
			_, err := s.AddMembers(ctx, "", []string{"abc"})
			return err
		}, "empty team ID"},
		{"RemoveMember empty value", func(ctx context.Context, s *Service) error {
			_, err := s.RemoveMember(ctx, "ghi", "")
			return err
		}, "empty user ID or email"},
		{"RemoveMember dot-dot ID", func(ctx context.Context, s *Service) error {
			_, err := s.RemoveMember(ctx, "..", "abc")
			return err
		}, "invalid team ID"},
		{"RemoveAllMembers empty ID", func(ctx context.Context, s *Service) error {
			_, err := s.RemoveAllMembers(ctx, "")
			return err
		}, "empty team ID"},
		{"ReplaceMembers empty name", func(ctx context.Context, s *Service) error {
			_, err := s.ReplaceMembers(ctx, "ghi", "", []string{"abc"})
			return err
		}, "empty team display name"},
		{"ReplaceMembers empty value", func(ctx context.Context, s *Service) error {
			_, err := s.ReplaceMembers(ctx, "ghi", "acme-devs", []string{"abc", " "})
			return err
		}, "member 1"},
		{"ReplaceMembers dot ID", func(ctx context.Context, s *Service) error {
			_, err := s.ReplaceMembers(ctx, ".", "acme-devs", nil)
			return err
		}, "invalid team ID"},
		{"Patch no ops", func(ctx context.Context, s *Service) error {
			_, err := s.Patch(ctx, "ghi", nil)
			return err
		}, "no operations"},
		{"Patch empty op", func(ctx context.Context, s *Service) error {
			_, err := s.Patch(ctx, "ghi", []scim.Operation{{Path: "members"}})
			return err
		}, "operation 0"},
		{"Patch op foo", func(ctx context.Context, s *Service) error {
			_, err := s.Patch(ctx, "ghi", []scim.Operation{scim.Remove("members"), {Op: "foo", Path: "members"}})
			return err
		}, `operation 1: op "foo"`},
		{"Patch empty ID", func(ctx context.Context, s *Service) error {
			_, err := s.Patch(ctx, "", []scim.Operation{scim.Remove("members")})
			return err
		}, "empty team ID"},
		{"Invite empty team", func(ctx context.Context, s *Service) error { return s.Invite(ctx, "", "jane", false) }, "empty team name"},
		{"Invite empty user", func(ctx context.Context, s *Service) error { return s.Invite(ctx, "acme-devs", "", false) }, "empty username or email"},
		{"Members empty team", func(ctx context.Context, s *Service) error { _, err := s.Members(ctx, " "); return err }, "empty team name"},
		{"DeleteMember empty team", func(ctx context.Context, s *Service) error { return s.DeleteMember(ctx, "", "id") }, "empty team name"},
		{"DeleteMember empty ID", func(ctx context.Context, s *Service) error { return s.DeleteMember(ctx, "acme-devs", "") }, "empty member ID"},
		{"CreateServiceAccount empty team", func(ctx context.Context, s *Service) error {
			_, err := s.CreateServiceAccount(ctx, "", "ci bot")
			return err
		}, "empty team name"},
		{"CreateServiceAccount empty description", func(ctx context.Context, s *Service) error {
			_, err := s.CreateServiceAccount(ctx, "acme-devs", "")
			return err
		}, "empty description"},
		{"CreateTeam empty name", func(ctx context.Context, s *Service) error { return s.CreateTeam(ctx, "", "admin") }, "empty team name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock)
			err := tt.call(context.Background(), New(c))
			if !errors.Is(err, scim.ErrInvalidInput) {
				t.Fatalf("error = %v, want scim.ErrInvalidInput", err)
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "teams.") {
				t.Errorf("error %q should start with the op and mention %q", err, tt.msg)
			}
			if n := len(rec.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}
