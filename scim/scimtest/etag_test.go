package scimtest_test

import (
	"net/http"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestETags(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "alice", Email: "alice@example.com"}},
		Teams: []scimtest.Team{{Name: "ml"}},
		Roles: []scimtest.Role{{Name: "Ops"}},
	})
	rename := patchOp(scim.Replace("displayName", "Alice"))
	for _, path := range []string{"Users/" + user2ID, "Groups/" + group1, "Roles/" + role1} {
		got := e.must(http.MethodGet, path, nil)
		if field(got, "meta", "version") != `W/"1"` {
			t.Errorf("%s version = %v", path, field(got, "meta", "version"))
		}
	}

	// If-Match: the current tag (weak or strong form) or "*" passes; a stale one is a 412.
	_, resp, err := e.do(http.MethodPatch, "Users/"+user2ID, rename, scim.IfMatch(`W/"1"`))
	if err != nil || resp.ETag != `W/"2"` {
		t.Fatalf("PATCH with the current tag: %v, ETag %v", err, resp)
	}
	if _, _, err := e.do(http.MethodPatch, "Users/"+user2ID, rename, scim.IfMatch(`"2"`)); err != nil {
		t.Errorf("strong form of the current tag: %v", err)
	}
	if _, _, err := e.do(http.MethodPatch, "Users/"+user2ID, rename, scim.IfMatch(`W/"9", W/"3"`)); err != nil {
		t.Errorf("a list holding the current tag: %v", err)
	}
	se := e.fails(http.StatusPreconditionFailed, http.MethodPatch, "Users/"+user2ID, patchOp(scim.Replace("displayName", "Stale")), scim.IfMatch(`W/"1"`))
	if se.Detail == "" {
		t.Error("412 without detail")
	}
	if u, _ := e.srv.User("alice"); u.DisplayName != "Alice" {
		t.Errorf("a 412 changed the user: %q", u.DisplayName)
	}
	if _, _, err := e.do(http.MethodPatch, "Users/"+user2ID, rename, scim.IfMatch("*")); err != nil {
		t.Errorf(`If-Match "*": %v`, err)
	}

	// Team membership changes both the team's and the user's version.
	e.must(http.MethodPatch, "Groups/"+group1, patchOp(scim.Add("members", []map[string]string{{"value": user2ID}})))
	e.fails(http.StatusPreconditionFailed, http.MethodPatch, "Users/"+user2ID, rename, scim.IfMatch(`W/"5"`))
	e.fails(http.StatusPreconditionFailed, http.MethodPut, "Groups/"+group1, map[string]any{"displayName": "ml"}, scim.IfMatch(`W/"1"`))
	e.fails(http.StatusPreconditionFailed, http.MethodDelete, "Roles/"+role1, nil, scim.IfMatch(`W/"0"`))
	e.fails(http.StatusPreconditionFailed, http.MethodDelete, "Users/"+user2ID, nil, scim.IfMatch(`W/"1"`))
	if _, ok := e.srv.User("alice"); !ok {
		t.Error("a 412 DELETE deleted the user")
	}
	got := e.must(http.MethodGet, "Users/"+user2ID, nil)
	if v := field(got, "meta", "version"); v != `W/"6"` {
		t.Errorf("version after 5 changes = %v, want W/\"6\"", v)
	}
	if _, _, err := e.do(http.MethodDelete, "Users/"+user2ID, nil, scim.IfMatch(`W/"6"`)); err != nil {
		t.Errorf("DELETE with the current tag: %v", err)
	}
}
