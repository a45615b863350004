package users_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// Reply bodies modelled on the examples of wandb-scim.md §4–§5.
const (
	// legacyUser is a Dedicated/Self-Managed reply before v0.80.1: emails is
	// one object with capitalised keys; the timestamp is malformed as in the docs.
	legacyUser = `{
		"active": true,
		"displayName": "Dev User 1",
		"emails": {"Display": "", "Primary": true, "Type": "", "Value": "dev-user1@example.com"},
		"id": "VXNlcjox=",
		"meta": {
			"resourceType": "User",
			"created": "2023-10-01T00:00:00Z",
			"lastModified": "2025-7-01T00:00:00Z",
			"location": "Users/VXNlcjox="
		},
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "dev-user1",
		"daysActive": 12,
		"lastActiveAt": "2025-7-01T00:00:00Z",
		"organizationRole": "member",
		"modelsSeat": "full",
		"weaveRole": "viewer"
	}`

	// arrayUser is the same user from v0.80.1+ (or Multi-tenant after
	// 2026-04-30): emails is an array; never active.
	arrayUser = `{
		"active": true,
		"displayName": "Dev User 1",
		"emails": [
			{"primary": false, "value": "alt@example.com", "type": "other"},
			{"primary": true, "value": "dev-user1@example.com", "type": "work"}
		],
		"id": "VXNlcjox=",
		"meta": {
			"resourceType": "User",
			"created": "2023-10-01T00:00:00Z",
			"lastModified": "2023-10-02T00:00:00Z",
			"location": "Users/VXNlcjox="
		},
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "dev-user1",
		"daysActive": 0,
		"lastActiveAt": null,
		"teamRoles": [{"teamName": "ml", "roleName": "admin"}],
		"registryRoles": [{"registryName": "model", "roleName": "viewer"}]
	}`

	// mtCreated is the Multi-tenant 201 reply to a create with the teams extension.
	mtCreated = `{
		"active": true,
		"displayName": "dev-user2",
		"emails": [{"primary": true, "value": "dev-user2@example.com"}],
		"groups": [{"value": "R3JvdXA6MQ=="}],
		"id": "VXNlcjoy",
		"meta": {"resourceType": "User", "created": "2023-10-01T00:00:00Z", "location": "Users/VXNlcjoy"},
		"organizationRole": "member",
		"teamRoles": [{"teamName": "ml", "roleName": "member"}],
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
		"userName": "dev-user2",
		"modelsSeat": "full",
		"weaveRole": "full"
	}`

	// dcCreated is the Dedicated/Self-Managed 201 reply to a create.
	dcCreated = `{
		"active": true,
		"displayName": "dev-user2",
		"emails": {"Display": "", "Primary": true, "Type": "", "Value": "dev-user2@example.com"},
		"id": "VXNlcjoy",
		"meta": {"resourceType": "User", "created": "2023-10-01T00:00:00Z", "location": "Users/VXNlcjoy"},
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "dev-user2",
		"modelsSeat": "viewer",
		"weaveRole": "none"
	}`

	// saCreated is the 201 reply to a service-account create (§5.4).
	saCreated = `{
		"accountType": "ORG_SERVICE",
		"active": true,
		"displayName": "ci-bot",
		"id": "VXNlcjoz",
		"meta": {"resourceType": "User", "created": "2026-05-20T00:00:00Z", "location": "Users/VXNlcjoz"},
		"organizationRole": "member",
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:wandb:2.0:User"],
		"teamRoles": [{"teamName": "ml", "roleName": "member"}],
		"urn:ietf:params:scim:schemas:extension:wandb:2.0:User": {"organizationRole": "member"},
		"userName": "ci-bot"
	}`

	// mtEcho is the Multi-tenant deactivate reply: the PatchOp echoed back.
	mtEcho = `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"active": true}}]
	}`
)

// errorBody is a W&B SCIM error reply; status is a string, as W&B sends it.
func errorBody(status, detail string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"` + detail + `","status":"` + status + `"}`
}

// listOf wraps resources in a ListResponse as W&B shapes it.
func listOf(resources ...string) string {
	return `{"Resources":[` + strings.Join(resources, ",") + `],"itemsPerPage":9999,` +
		`"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"startIndex":1,"totalResults":` +
		strconv.Itoa(len(resources)) + `}`
}

// newService returns a Service on a mock client that answers with replies.
func newService(t *testing.T, replies ...testutil.Reply) (*users.Service, *testutil.Recorder) {
	t.Helper()
	c, mock := testutil.NewClient(t)
	return users.New(c), testutil.Serve(t, mock, replies...)
}

// ok is a 200 reply with body.
func ok(body string) testutil.Reply { return testutil.Reply{Status: 200, Body: body} }

// wantAPIError asserts that err is a *scim.Error with status, matching
// sentinel, whose Detail is detail.
func wantAPIError(t *testing.T, err error, status int, sentinel error, detail string) {
	t.Helper()
	var apiErr *scim.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want a *scim.Error", err)
	}
	if apiErr.StatusCode != status || apiErr.Detail != detail {
		t.Errorf("error = %d %q, want %d %q", apiErr.StatusCode, apiErr.Detail, status, detail)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("errors.Is(%v, %v) = false", err, sentinel)
	}
}

// checkDevUser1 asserts the fields common to legacyUser and arrayUser.
func checkDevUser1(t *testing.T, u *users.User) {
	t.Helper()
	if u == nil {
		t.Fatal("user is nil")
	}
	if u.ID != "VXNlcjox=" || u.UserName != "dev-user1" || u.DisplayName != "Dev User 1" || !u.Active {
		t.Errorf("user = %+v", u)
	}
	if got := u.PrimaryEmail(); got != "dev-user1@example.com" {
		t.Errorf("PrimaryEmail = %q", got)
	}
	if u.Meta.ResourceType != "User" || u.Meta.Location != "Users/VXNlcjox=" || u.Meta.Created.Year() != 2023 {
		t.Errorf("Meta = %+v", u.Meta)
	}
}
