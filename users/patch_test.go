package users_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// textOK is a 200 reply whose body is not JSON, which a PATCH may get.
var textOK = testutil.Reply{Status: 200, Body: "OK", Header: http.Header{"Content-Type": {"text/plain"}}}

// patchOp wraps JSON operations in the PatchOp envelope.
func patchOp(ops string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + ops + `]}`
}

func TestPatchMethods(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	etag := scim.IfMatch(`W/"xyz123"`)
	tests := []struct {
		name  string
		call  func(*users.Service, string) (*users.User, error)
		ops   string
		reply string // defaults to arrayUser
	}{
		{
			name: "UpdateEmail",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.UpdateEmail(ctx, id, "dev-user1@example.com", etag)
			},
			ops: `{"op":"replace","path":"emails","value":[{"value":"dev-user1@example.com","primary":true}]}`,
		},
		{
			name: "UpdateEmail, legacy reply",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.UpdateEmail(ctx, id, "dev-user1@example.com", etag)
			},
			ops:   `{"op":"replace","path":"emails","value":[{"value":"dev-user1@example.com","primary":true}]}`,
			reply: legacyUser,
		},
		{
			name: "UpdateDisplayName",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.UpdateDisplayName(ctx, id, "Dev User 1", etag)
			},
			ops: `{"op":"replace","path":"displayName","value":"Dev User 1"}`,
		},
		{
			name: "SetOrganizationRole",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.SetOrganizationRole(ctx, id, "admin", etag)
			},
			ops: `{"op":"replace","path":"organizationRole","value":"admin"}`,
		},
		{
			name: "SetTeamRoles",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.SetTeamRoles(ctx, id, []users.TeamRole{{TeamName: "ml", RoleName: "admin"}, {TeamName: "infra", RoleName: "custom-ops"}}, etag)
			},
			ops: `{"op":"replace","path":"teamRoles","value":[{"teamName":"ml","roleName":"admin"},{"teamName":"infra","roleName":"custom-ops"}]}`,
		},
		{
			name: "SetModelsSeat",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.SetModelsSeat(ctx, id, users.SeatViewer, etag)
			},
			ops:   `{"op":"replace","path":"modelsSeat","value":"viewer"}`,
			reply: legacyUser,
		},
		{
			name: "SetWeaveRole",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.SetWeaveRole(ctx, id, users.SeatNone, etag)
			},
			ops: `{"op":"replace","path":"weaveRole","value":"none"}`,
		},
		{
			name: "AddRegistryRoles",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.AddRegistryRoles(ctx, id, []users.RegistryRole{{RegistryName: "model", RoleName: "viewer"}}, etag)
			},
			ops: `{"op":"add","path":"registryRoles","value":[{"registryName":"model","roleName":"viewer"}]}`,
		},
		{
			name: "RemoveRegistryRole quotes the name",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.RemoveRegistryRole(ctx, id, `my "best" models`, etag)
			},
			ops: `{"op":"remove","path":"registryRoles[registryName eq \"my \\\"best\\\" models\"]"}`,
		},
		{
			name: "RemoveRegistryRole",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.RemoveRegistryRole(ctx, id, "model", etag)
			},
			ops: `{"op":"remove","path":"registryRoles[registryName eq \"model\"]"}`,
		},
		{
			name: "RemoveAllRegistryRoles",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.RemoveAllRegistryRoles(ctx, id, etag)
			},
			ops: `{"op":"remove","path":"registryRoles"}`,
		},
		{
			name: "Patch",
			call: func(s *users.Service, id string) (*users.User, error) {
				return s.Patch(ctx, id, []scim.Operation{
					scim.Replace("organizationRole", "member"),
					{Op: "Add", Path: "teamRoles", Value: []map[string]string{{"teamName": "ml", "roleName": "viewer"}}},
				}, etag)
			},
			ops: `{"op":"replace","path":"organizationRole","value":"member"},` +
				`{"op":"Add","path":"teamRoles","value":[{"teamName":"ml","roleName":"viewer"}]}`,
		},
	}
	for _, tt := range tests {
		for _, id := range []struct{ id, path string }{{"VXNlcjox=", "/scim/Users/VXNlcjox="}, {"a/b", "/scim/Users/a%2Fb"}} {
			t.Run(tt.name+" "+id.id, func(t *testing.T) {
				t.Parallel()
				reply := tt.reply
				if reply == "" {
					reply = arrayUser
				}
				svc, rec := newService(t, ok(reply))
				u, err := tt.call(svc, id.id)
				if err != nil {
					t.Fatal(err)
				}
				rec.Check(t, testutil.Want{
					Method: "PATCH", Path: id.path,
					Header: map[string]string{"If-Match": `W/"xyz123"`},
					Body:   patchOp(tt.ops),
				})
				checkDevUser1(t, u)
			})
		}
	}
}

func TestPatchErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		sentinel error
		detail   string
	}{
		{"stale ETag", 412, scim.ErrPreconditionFailed, "ETag mismatch"},
		{"unknown user", 404, scim.ErrNotFound, "User not found"},
		{"service account", 400, scim.ErrBadRequest, "service accounts cannot be updated"},
		{"seat limit", 400, scim.ErrBadRequest, "Seat limit reached"},
		{"conflict", 409, scim.ErrConflict, "email already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.Reply{Status: tt.status, Body: errorBody("4xx", tt.detail)})
			u, err := svc.SetModelsSeat(context.Background(), "VXNlcjox=", users.SeatFull, scim.IfMatch(`W/"old"`))
			if u != nil {
				t.Errorf("user = %+v", u)
			}
			wantAPIError(t, err, tt.status, tt.sentinel, tt.detail)
			rec.Check(t, testutil.Want{
				Method: "PATCH", Path: "/scim/Users/VXNlcjox=", Header: map[string]string{"If-Match": `W/"old"`},
				Body: patchOp(`{"op":"replace","path":"modelsSeat","value":"full"}`),
			})
		})
	}
}

func TestPatchFillsVersionFromETag(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, testutil.Reply{Status: 200, Body: legacyUser, Header: http.Header{"Etag": {`W/"v2"`}}})
	u, err := svc.UpdateDisplayName(context.Background(), "VXNlcjox=", "Dev User 1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Meta.Version != `W/"v2"` {
		t.Errorf("Meta.Version = %q", u.Meta.Version)
	}
}

func TestDeactivate(t *testing.T) {
	t.Parallel()
	deactivate := testutil.Want{
		Method: "PATCH", Path: "/scim/Users/VXNlcjox=",
		Body: patchOp(`{"op":"replace","value":{"active":false}}`),
	}
	get := testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjox="}
	inactive := strings.Replace(arrayUser, `"active": true`, `"active": false`, 1)
	inactiveLegacy := strings.Replace(legacyUser, `"active": true`, `"active": false`, 1)

	t.Run("dedicated: reply is the user", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.Reply{Status: 200, Body: inactiveLegacy, Header: http.Header{"Etag": {`W/"v3"`}}})
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate)
		if u.Active || u.UserName != "dev-user1" || u.PrimaryEmail() != "dev-user1@example.com" || u.Meta.Version != `W/"v3"` {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("If-Match is sent", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(inactive))
		if _, err := svc.Deactivate(context.Background(), "a/b", scim.IfMatch(`W/"v1"`)); err != nil {
			t.Fatal(err)
		}
		rec.Check(t, testutil.Want{
			Method: "PATCH", Path: "/scim/Users/a%2Fb", Header: map[string]string{"If-Match": `W/"v1"`},
			Body: patchOp(`{"op":"replace","value":{"active":false}}`),
		})
	})
	t.Run("multi-tenant echo, user still readable", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(mtEcho), ok(inactive))
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate, get)
		if u.Active || u.UserName != "dev-user1" {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("multi-tenant echo, user removed from the org", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(mtEcho), testutil.Reply{Status: 404, Body: errorBody("404", "User not found")})
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate, get)
		if u == nil || u.ID != "VXNlcjox=" || u.Active {
			t.Errorf("user = %+v, want ID and Active false", u)
		}
	})
	t.Run("empty 200 reply is re-read", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(""), ok(inactive))
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate, get)
		if u.ID != "VXNlcjox=" || u.Active || u.PrimaryEmail() != "dev-user1@example.com" {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("non-JSON 200 reply is re-read", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, textOK, ok(inactive))
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate, get)
		if u.ID != "VXNlcjox=" || u.Active || u.UserName != "dev-user1" || u.PrimaryEmail() != "dev-user1@example.com" {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("non-JSON 200 reply, user removed from the org", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, textOK, testutil.Reply{Status: 404, Body: errorBody("404", "User not found")})
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate, get)
		if u == nil || u.ID != "VXNlcjox=" || u.Active || u.UserName != "" {
			t.Errorf("user = %+v, want only ID, Active false", u)
		}
	})
	t.Run("204 reply is re-read", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.Reply{Status: 204}, ok(inactive))
		if _, err := svc.Deactivate(context.Background(), "VXNlcjox="); err != nil {
			t.Fatal(err)
		}
		rec.Check(t, deactivate, get)
	})
	t.Run("echo, re-read fails otherwise", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, ok(mtEcho), testutil.Reply{Status: 500, Body: errorBody("500", "boom")})
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if u != nil {
			t.Errorf("user = %+v", u)
		}
		wantAPIError(t, err, 500, scim.ErrServer, "boom")
	})
	t.Run("a malformed user reply is an error", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(`{"id":"VXNlcjox=","userName":"dev-user1","emails":5}`))
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if u != nil || err == nil || !strings.Contains(err.Error(), "users.Deactivate") {
			t.Errorf("got %+v, %v; want a decode error", u, err)
		}
		rec.Check(t, deactivate)
	})
	t.Run("404 on the PATCH is an error", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.Reply{Status: 404, Body: errorBody("404", "User not found")})
		u, err := svc.Deactivate(context.Background(), "VXNlcjox=")
		if u != nil {
			t.Errorf("user = %+v", u)
		}
		wantAPIError(t, err, 404, scim.ErrNotFound, "User not found")
		rec.Check(t, deactivate)
	})
	t.Run("412", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.Reply{Status: 412, Body: errorBody("412", "ETag mismatch")})
		_, err := svc.Deactivate(context.Background(), "VXNlcjox=", scim.IfMatch(`W/"old"`))
		wantAPIError(t, err, 412, scim.ErrPreconditionFailed, "ETag mismatch")
	})
}

func TestReactivate(t *testing.T) {
	t.Parallel()
	reactivate := testutil.Want{
		Method: "PATCH", Path: "/scim/Users/VXNlcjox=",
		Body: patchOp(`{"op":"replace","value":{"active":true}}`),
	}
	t.Run("dedicated", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(arrayUser))
		u, err := svc.Reactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, reactivate)
		checkDevUser1(t, u)
	})
	t.Run("multi-tenant 400 detail reaches the caller", func(t *testing.T) {
		t.Parallel()
		const detail = "User reactivation operations are not supported in SaaS Cloud"
		svc, rec := newService(t, testutil.Reply{Status: 400, Body: errorBody("400", detail)})
		u, err := svc.Reactivate(context.Background(), "VXNlcjox=")
		if u != nil {
			t.Errorf("user = %+v", u)
		}
		wantAPIError(t, err, 400, scim.ErrBadRequest, detail)
		rec.Check(t, reactivate)
	})
	t.Run("echo is re-read", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, ok(mtEcho), ok(legacyUser))
		u, err := svc.Reactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, reactivate, testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjox="})
		checkDevUser1(t, u)
	})
	t.Run("non-JSON 200 reply is re-read", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, textOK, ok(legacyUser))
		u, err := svc.Reactivate(context.Background(), "VXNlcjox=")
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, reactivate, testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjox="})
		checkDevUser1(t, u)
	})
	t.Run("non-JSON 200 reply then 404 is an error", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, textOK, testutil.Reply{Status: 404, Body: errorBody("404", "User not found")})
		u, err := svc.Reactivate(context.Background(), "VXNlcjox=")
		if u != nil {
			t.Errorf("user = %+v", u)
		}
		wantAPIError(t, err, 404, scim.ErrNotFound, "User not found")
		rec.Check(t, reactivate, testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjox="})
	})
	t.Run("echo then 404 is an error", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, ok(mtEcho), testutil.Reply{Status: 404, Body: errorBody("404", "User not found")})
		u, err := svc.Reactivate(context.Background(), "VXNlcjox=")
		if u != nil {
			t.Errorf("user = %+v", u)
		}
		wantAPIError(t, err, 404, scim.ErrNotFound, "User not found")
	})
}

// TestPatchReplyWithoutUser re-reads the user when a PATCH reply holds none,
// and says the change was applied when that read fails.
func TestPatchReplyWithoutUser(t *testing.T) {
	t.Parallel()
	patch := testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjox=", Body: patchOp(`{"op":"replace","path":"organizationRole","value":"admin"}`)}
	get := testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjox="}
	for _, reply := range []testutil.Reply{{Status: 200, Body: "OK", Header: http.Header{"Content-Type": {"text/plain"}}}, {Status: 204}, {Status: 200, Body: "{}"}} {
		svc, rec := newService(t, reply, testutil.Reply{Status: 200, Body: arrayUser})
		u, err := svc.SetOrganizationRole(context.Background(), "VXNlcjox=", "admin")
		if err != nil || u.ID != "VXNlcjox=" || u.UserName != "dev-user1" {
			t.Errorf("reply %q: got %+v, %v", reply.Body, u, err)
		}
		rec.Check(t, patch, get)
	}
	svc, rec := newService(t, testutil.Reply{Status: 204}, testutil.Reply{Status: 500, Body: errorBody("500", "down")})
	u, err := svc.SetOrganizationRole(context.Background(), "VXNlcjox=", "admin")
	if u != nil || !errors.Is(err, scim.ErrServer) || !strings.Contains(err.Error(), "the change was applied") {
		t.Errorf("got %+v, %v", u, err)
	}
	rec.Check(t, patch, get)
}
