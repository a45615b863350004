package roles_test

import (
	"testing"
	"time"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
)

// Fixtures are the role bodies of W&B's SCIM docs (platform/hosting/iam/scim.mdx,
// "Role resource"), with the docs' // comments and "..." elements removed.
const (
	// role7JSON is the Get and Create reply for "Um9sZTo3".
	role7JSON = `{
		"description": "A sample custom role for example",
		"id": "Um9sZTo3",
		"inheritedFrom": "member",
		"meta": {
			"resourceType": "Role",
			"created": "2023-11-20T23:10:14Z",
			"lastModified": "2023-11-20T23:31:23Z",
			"location": "Roles/Um9sZTo3"
		},
		"name": "Sample custom role",
		"organizationID": "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		"permissions": [
			{"name": "artifact:read", "isInherited": true},
			{"name": "project:update", "isInherited": false}
		],
		"schemas": [""]
	}`

	// role12JSON is the second role of the docs' list reply; its meta has no
	// lastModified.
	role12JSON = `{
		"description": "Another sample custom role for example",
		"id": "Um9sZToxMg==",
		"inheritedFrom": "viewer",
		"meta": {
			"resourceType": "Role",
			"created": "2023-11-21T01:07:50Z",
			"location": "Roles/Um9sZToxMg=="
		},
		"name": "Sample custom role 2",
		"organizationID": "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		"permissions": [
			{"name": "launchagent:read", "isInherited": true},
			{"name": "run:stop", "isInherited": false}
		],
		"schemas": [""]
	}`

	listJSON = `{
		"Resources": [` + role7JSON + `,` + role12JSON + `],
		"itemsPerPage": 9999,
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
		"startIndex": 1,
		"totalResults": 2
	}`

	// createBody is the docs' POST /scim/Roles request.
	createBody = `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Role"],
		"name": "Sample custom role",
		"description": "A sample custom role for example",
		"permissions": [{"name": "project:update"}],
		"inheritedFrom": "member"
	}`

	// addBody is the docs' PATCH request adding permissions.
	addBody = `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{
			"op": "add",
			"path": "permissions",
			"value": [{"name": "project:delete"}, {"name": "run:stop"}]
		}]
	}`

	// addReply is role7JSON after addBody (the docs only say "the updated role").
	addReply = `{
		"description": "A sample custom role for example",
		"id": "Um9sZTo3",
		"inheritedFrom": "member",
		"meta": {
			"resourceType": "Role",
			"created": "2023-11-20T23:10:14Z",
			"lastModified": "2023-11-21T08:00:00Z",
			"location": "Roles/Um9sZTo3"
		},
		"name": "Sample custom role",
		"organizationID": "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		"permissions": [
			{"name": "artifact:read", "isInherited": true},
			{"name": "run:stop", "isInherited": false},
			{"name": "project:update", "isInherited": false},
			{"name": "project:delete", "isInherited": false}
		],
		"schemas": [""]
	}`

	// removeBody is the docs' PATCH request removing a permission.
	removeBody = `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{
			"op": "remove",
			"path": "permissions",
			"value": [{"name": "project:update"}]
		}]
	}`

	removeReply = `{
		"description": "A sample custom role for example",
		"id": "Um9sZTo3",
		"inheritedFrom": "member",
		"meta": {"resourceType": "Role", "created": "2023-11-20T23:10:14Z",
			"lastModified": "2023-11-21T09:00:00Z", "location": "Roles/Um9sZTo3"},
		"name": "Sample custom role",
		"organizationID": "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		"permissions": [{"name": "artifact:read", "isInherited": true}],
		"schemas": [""]
	}`

	// replaceBody is the docs' PUT /scim/Roles/{id} request.
	replaceBody = `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Role"],
		"name": "Updated custom role",
		"description": "Updated description for the custom role",
		"permissions": [{"name": "project:read"}, {"name": "run:read"}, {"name": "artifact:read"}],
		"inheritedFrom": "viewer"
	}`

	replaceReply = `{
		"description": "Updated description for the custom role",
		"id": "Um9sZTo3",
		"inheritedFrom": "viewer",
		"meta": {"resourceType": "Role", "created": "2023-11-20T23:10:14Z",
			"lastModified": "2023-11-22T10:00:00Z", "location": "Roles/Um9sZTo3"},
		"name": "Updated custom role",
		"organizationID": "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		"permissions": [
			{"name": "launchagent:read", "isInherited": true},
			{"name": "project:read", "isInherited": false},
			{"name": "run:read", "isInherited": false},
			{"name": "artifact:read", "isInherited": false}
		],
		"schemas": [""]
	}`

	// escapedID needs path escaping ("/" → %2F); "+" and "=" are legal in a
	// path segment and stay as they are.
	escapedID   = "Um9s/ZTo3+x=="
	escapedPath = "/scim/Roles/Um9s%2FZTo3+x=="
)

func ts(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wantRole7 is role7JSON decoded.
func wantRole7(t *testing.T) roles.Role {
	return roles.Role{
		ID:             "Um9sZTo3",
		Name:           "Sample custom role",
		Description:    "A sample custom role for example",
		InheritedFrom:  "member",
		OrganizationID: "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		Permissions: []roles.Permission{
			{Name: "artifact:read", IsInherited: true},
			{Name: "project:update", IsInherited: false},
		},
		Meta: scim.Meta{
			ResourceType: "Role",
			Created:      scim.Time{Time: ts(t, "2023-11-20T23:10:14Z"), Raw: "2023-11-20T23:10:14Z"},
			LastModified: scim.Time{Time: ts(t, "2023-11-20T23:31:23Z"), Raw: "2023-11-20T23:31:23Z"},
			Location:     "Roles/Um9sZTo3",
		},
		Schemas: []string{""},
	}
}

// wantRole12 is role12JSON decoded: LastModified stays zero.
func wantRole12(t *testing.T) roles.Role {
	return roles.Role{
		ID:             "Um9sZToxMg==",
		Name:           "Sample custom role 2",
		Description:    "Another sample custom role for example",
		InheritedFrom:  "viewer",
		OrganizationID: "T3JnYW5pemF0aW9uOjE0ODQ1OA==",
		Permissions: []roles.Permission{
			{Name: "launchagent:read", IsInherited: true},
			{Name: "run:stop", IsInherited: false},
		},
		Meta: scim.Meta{
			ResourceType: "Role",
			Created:      scim.Time{Time: ts(t, "2023-11-21T01:07:50Z"), Raw: "2023-11-21T01:07:50Z"},
			Location:     "Roles/Um9sZToxMg==",
		},
		Schemas: []string{""},
	}
}

// checkRole compares every field of got with want; times by instant and raw text.
func checkRole(t *testing.T, got *roles.Role, want roles.Role) {
	t.Helper()
	if got == nil {
		t.Fatal("role is nil")
	}
	if got.ID != want.ID || got.Name != want.Name || got.Description != want.Description ||
		got.InheritedFrom != want.InheritedFrom || got.OrganizationID != want.OrganizationID {
		t.Errorf("role = %+v\nwant %+v", *got, want)
	}
	if !equalPermissions(got.Permissions, want.Permissions) {
		t.Errorf("Permissions = %+v, want %+v", got.Permissions, want.Permissions)
	}
	if len(got.Schemas) != len(want.Schemas) || (len(got.Schemas) > 0 && got.Schemas[0] != want.Schemas[0]) {
		t.Errorf("Schemas = %q, want %q", got.Schemas, want.Schemas)
	}
	gm, wm := got.Meta, want.Meta
	if gm.ResourceType != wm.ResourceType || gm.Location != wm.Location || gm.Version != wm.Version {
		t.Errorf("Meta = %+v, want %+v", gm, wm)
	}
	if !gm.Created.Equal(wm.Created.Time) || gm.Created.Raw != wm.Created.Raw {
		t.Errorf("Meta.Created = %v (%q), want %v (%q)", gm.Created.Time, gm.Created.Raw, wm.Created.Time, wm.Created.Raw)
	}
	if !gm.LastModified.Equal(wm.LastModified.Time) || gm.LastModified.Raw != wm.LastModified.Raw {
		t.Errorf("Meta.LastModified = %v (%q), want %v (%q)", gm.LastModified.Time, gm.LastModified.Raw, wm.LastModified.Time, wm.LastModified.Raw)
	}
}

func equalPermissions(a, b []roles.Permission) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
