package roles_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
)

func TestAddPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		id      string
		names   []string
		opts    []scim.RequestOption
		replies []testutil.Reply
		wants   []testutil.Want
	}{
		{
			name:    "docs request",
			id:      "Um9sZTo3",
			names:   []string{"project:delete", "run:stop"},
			replies: []testutil.Reply{{Status: 200, Body: addReply}},
			wants:   []testutil.Want{{Method: "PATCH", Path: "/scim/Roles/Um9sZTo3", Body: addBody}},
		},
		{
			name:    "repeats sent once; escaped ID; If-Match",
			id:      escapedID,
			names:   []string{"project:delete", "run:stop", "project:delete"},
			opts:    []scim.RequestOption{scim.IfMatch(`W/"xyz123"`)},
			replies: []testutil.Reply{{Status: 200, Body: addReply}},
			wants: []testutil.Want{{Method: "PATCH", Path: escapedPath, Body: addBody,
				Header: map[string]string{"If-Match": `W/"xyz123"`}}},
		},
		{
			name:    "non-JSON reply: role read back",
			id:      "Um9sZTo3",
			names:   []string{"project:delete", "run:stop"},
			replies: []testutil.Reply{{Status: 200, Body: "OK", Header: http.Header{"Content-Type": {"text/plain"}}}, {Status: 200, Body: addReply}},
			wants: []testutil.Want{
				{Method: "PATCH", Path: "/scim/Roles/Um9sZTo3", Body: addBody},
				{Method: "GET", Path: "/scim/Roles/Um9sZTo3"},
			},
		},
		{
			name:    "reply without a role: role read back",
			id:      "Um9sZTo3",
			names:   []string{"project:delete", "run:stop"},
			replies: []testutil.Reply{{Status: 200, Body: `{}`}, {Status: 200, Body: addReply}},
			wants: []testutil.Want{
				{Method: "PATCH", Path: "/scim/Roles/Um9sZTo3", Body: addBody},
				{Method: "GET", Path: "/scim/Roles/Um9sZTo3"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			got, err := roles.New(c).AddPermissions(context.Background(), tt.id, tt.names, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, tt.wants...)
			if got.ID != "Um9sZTo3" || got.InheritedFrom != "member" || len(got.Permissions) != 4 {
				t.Errorf("role = %+v", got)
			}
			if want := []string{"project:delete", "project:update", "run:stop"}; !slices.Equal(got.CustomPermissions(), want) {
				t.Errorf("CustomPermissions = %q, want %q", got.CustomPermissions(), want)
			}
			if want := ts(t, "2023-11-21T08:00:00Z"); !got.Meta.LastModified.Equal(want) {
				t.Errorf("LastModified = %v, want %v", got.Meta.LastModified.Time, want)
			}
		})
	}
}

func TestRemovePermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		id    string
		names []string
		opts  []scim.RequestOption
		want  testutil.Want
	}{
		{
			name:  "docs request",
			id:    "Um9sZTo3",
			names: []string{"project:update"},
			want:  testutil.Want{Method: "PATCH", Path: "/scim/Roles/Um9sZTo3", Body: removeBody},
		},
		{
			name:  "repeats sent once; escaped ID; If-Match",
			id:    escapedID,
			names: []string{"project:update", "project:update"},
			opts:  []scim.RequestOption{scim.IfMatch(`W/"v2"`)},
			want: testutil.Want{Method: "PATCH", Path: escapedPath, Body: removeBody,
				Header: map[string]string{"If-Match": `W/"v2"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: removeReply})
			got, err := roles.New(c).RemovePermissions(context.Background(), tt.id, tt.names, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, tt.want)
			want := roles.Role{
				ID: "Um9sZTo3", Name: "Sample custom role", Description: "A sample custom role for example",
				InheritedFrom: "member", OrganizationID: "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
				Permissions: []roles.Permission{{Name: "artifact:read", IsInherited: true}},
				Meta: scim.Meta{
					ResourceType: "Role",
					Created:      scim.Time{Time: ts(t, "2023-11-20T23:10:14Z"), Raw: "2023-11-20T23:10:14Z"},
					LastModified: scim.Time{Time: ts(t, "2023-11-21T09:00:00Z"), Raw: "2023-11-21T09:00:00Z"},
					Location:     "Roles/Um9sZTo3",
				},
				Schemas: []string{""},
			}
			checkRole(t, got, want)
			if cp := got.CustomPermissions(); cp != nil {
				t.Errorf("CustomPermissions = %q, want none", cp)
			}
		})
	}
}
