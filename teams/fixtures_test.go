package teams

import (
	"reflect"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
)

// Replies from W&B's SCIM documentation (platform/hosting/iam/scim.mdx).
const (
	// GET /scim/Groups/ghi
	groupGhiJSON = `{
    "displayName": "acme-devs",
    "id": "ghi",
    "members": [
        {"Value": "abc", "Ref": "", "Type": "", "Display": "dev-user1"}
    ],
    "meta": {
        "resourceType": "Group",
        "created": "2023-10-01T00:00:00Z",
        "lastModified": "2023-10-01T00:00:00Z",
        "location": "Groups/ghi"
    },
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]
}`

	// GET /scim/Groups
	groupListJSON = `{
    "Resources": [` + groupGhiJSON + `],
    "itemsPerPage": 9999,
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
    "startIndex": 1,
    "totalResults": 1
}`

	// POST /scim/Groups → 201
	groupCreatedJSON = `{
    "displayName": "wandb-support",
    "id": "jkl",
    "members": [
        {"Value": "def", "Ref": "", "Type": "", "Display": "dev-user2"}
    ],
    "meta": {
        "resourceType": "Group",
        "created": "2023-10-01T00:00:00Z",
        "lastModified": "2023-10-01T00:00:00Z",
        "location": "Groups/jkl"
    },
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]
}`

	// PUT /scim/Groups/ghi
	groupReplacedJSON = `{
    "displayName": "acme-devs",
    "id": "ghi",
    "members": [
        {"Value": "user_id_1", "Ref": "", "Type": "", "Display": "user1"},
        {"Value": "user_id_2", "Ref": "", "Type": "", "Display": "user2"}
    ],
    "meta": {
        "resourceType": "Group",
        "created": "2023-10-01T00:00:00Z",
        "lastModified": "2023-10-01T00:01:00Z",
        "location": "Groups/ghi"
    },
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]
}`

	// PATCH /scim/Groups/ghi, add dev-user2
	groupAddedJSON = `{
    "displayName": "acme-devs",
    "id": "ghi",
    "members": [
        {"Value": "abc", "Ref": "", "Type": "", "Display": "dev-user1"},
        {"Value": "def", "Ref": "", "Type": "", "Display": "dev-user2"}
    ],
    "meta": {
        "resourceType": "Group",
        "created": "2023-10-01T00:00:00Z",
        "lastModified": "2023-10-01T00:01:00Z",
        "location": "Groups/ghi"
    },
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]
}`

	// PATCH /scim/Groups/ghi, remove dev-user2: Ref and Type are missing.
	groupRemovedOneJSON = `{
    "displayName": "acme-devs",
    "id": "ghi",
    "members": [
        {"Value": "abc", "Display": "dev-user1"}
    ],
    "meta": {
        "resourceType": "Group",
        "created": "2023-10-01T00:00:00Z",
        "lastModified": "2023-10-01T00:01:00Z",
        "location": "Groups/ghi"
    },
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]
}`

	// PATCH /scim/Groups/ghi, remove all: members is null.
	groupRemovedAllJSON = `{
    "displayName": "acme-devs",
    "id": "ghi",
    "members": null,
    "meta": {
        "resourceType": "Group",
        "created": "2023-10-01T00:00:00Z",
        "lastModified": "2023-10-01T00:01:00Z",
        "location": "Groups/ghi"
    },
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"]
}`
)

var (
	created    = time.Date(2023, 10, 1, 0, 0, 0, 0, time.UTC)
	modified   = time.Date(2023, 10, 1, 0, 1, 0, 0, time.UTC)
	devUser1   = MemberRef{Value: "abc", Display: "dev-user1"}
	devUser2   = MemberRef{Value: "def", Display: "dev-user2"}
	groupSchem = []string{scim.GroupSchema}
)

// wantTeam is what checkTeam compares: Meta times are given as time.Time.
type wantTeam struct {
	ID, DisplayName string
	Members         []MemberRef
	Location        string
	Created, Mod    time.Time
	Version         string
}

// checkTeam asserts every decoded field of got.
func checkTeam(t *testing.T, got *Team, w wantTeam) {
	t.Helper()
	if got == nil {
		t.Fatal("team is nil")
	}
	if got.ID != w.ID || got.DisplayName != w.DisplayName {
		t.Errorf("team = {ID %q, DisplayName %q}, want {%q, %q}", got.ID, got.DisplayName, w.ID, w.DisplayName)
	}
	if len(got.Members) != len(w.Members) || (len(w.Members) > 0 && !reflect.DeepEqual(got.Members, w.Members)) {
		t.Errorf("Members = %+v, want %+v", got.Members, w.Members)
	}
	if !reflect.DeepEqual(got.Schemas, groupSchem) {
		t.Errorf("Schemas = %q", got.Schemas)
	}
	m := got.Meta
	if m.ResourceType != "Group" || m.Location != w.Location || m.Version != w.Version {
		t.Errorf("Meta = {%q, %q, version %q}, want {Group, %q, %q}", m.ResourceType, m.Location, m.Version, w.Location, w.Version)
	}
	if !m.Created.Equal(w.Created) || !m.LastModified.Equal(w.Mod) {
		t.Errorf("Meta times = %v / %v, want %v / %v", m.Created.Time, m.LastModified.Time, w.Created, w.Mod)
	}
}

// scimError is a W&B SCIM error body; status is a string, as W&B sends it.
func scimError(status, detail string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"` + detail + `","status":"` + status + `"}`
}
