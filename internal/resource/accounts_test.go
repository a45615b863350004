package resource

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestOpsByUserID checks that members given by email are rewritten by ID
// in each form of operation, one lookup per address, and that an address
// no user has is an error.
func TestOpsByUserID(t *testing.T) {
	t.Parallel()
	const bob = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[{"id":"u2","userName":"bob","emails":[{"value":"Bob@Example.com"}]}]}`
	lookup := testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=emails.value%20eq%20%22bob%40example.com%22"}
	c, mock := testutil.NewClient(t)
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: bob}, testutil.Reply{Status: 200, Body: bob}, testutil.Reply{Status: 200, Body: bob})
	ops := []scim.Operation{
		scim.Add("members", []map[string]string{{"value": "u1"}, {"value": "bob@example.com"}}),
		scim.Remove(`members[value eq "bob@example.com"]`),
		scim.Replace("", map[string]any{"displayName": "ml", "Members": []map[string]string{{"value": "bob@example.com", "display": "bob"}}}),
		scim.Replace("displayName", "bob@example.com"),
	}
	got, err := OpsByUserID(context.Background(), c, "members", ops)
	if err != nil {
		t.Fatal(err)
	}
	want := []scim.Operation{
		{Op: "add", Path: "members", Value: []any{map[string]any{"value": "u1"}, map[string]any{"value": "u2"}}},
		{Op: "remove", Path: `members[value eq "u2"]`},
		{Op: "replace", Value: map[string]any{"displayName": "ml", "Members": []any{map[string]any{"value": "u2", "display": "bob"}}}},
		ops[3],
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OpsByUserID =\n%#v\nwant\n%#v", got, want)
	}
	if !reflect.DeepEqual(ops[1], scim.Remove(`members[value eq "bob@example.com"]`)) {
		t.Errorf("ops changed: %#v", ops[1])
	}
	rec.Check(t, lookup, lookup, lookup)

	c, mock = testutil.NewClient(t)
	testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`})
	if _, err := UserIDs(context.Background(), c, []string{"u1", "bob@example.com"}); !errors.Is(err, scim.ErrNotFound) {
		t.Errorf("UserIDs of an unknown address = %v, want ErrNotFound", err)
	}
}

// TestIsServiceAccount checks the one rule for service accounts.
func TestIsServiceAccount(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]bool{"SERVICE": true, "ORG_SERVICE": true, "org_service": true, "USER": false, "": false, "SERVICES": false} {
		if got := IsServiceAccount(typ); got != want {
			t.Errorf("IsServiceAccount(%q) = %v, want %v", typ, got, want)
		}
	}
}
