package roles_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
)

var validParams = roles.Params{
	Name:          "Sample custom role",
	Description:   "A sample custom role for example",
	Permissions:   []string{"project:update"},
	InheritedFrom: "member",
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func(*roles.Service) (any, error)
		reply    testutil.Reply
		want     testutil.Want
		sentinel error
		status   int
		detail   string
	}{
		{
			name:     "Get 404",
			call:     func(s *roles.Service) (any, error) { return s.Get(ctx, "Um9sZTo5OQ==") },
			reply:    testutil.Reply{Status: 404, Body: `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "role not found", "status": "404"}`},
			want:     testutil.Want{Method: "GET", Path: "/scim/Roles/Um9sZTo5OQ=="},
			sentinel: scim.ErrNotFound, status: 404, detail: "role not found",
		},
		{
			name:     "Create 409",
			call:     func(s *roles.Service) (any, error) { return s.Create(ctx, validParams) },
			reply:    testutil.Reply{Status: 409, Body: `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "role already exists", "status": "409"}`},
			want:     testutil.Want{Method: "POST", Path: "/scim/Roles", Body: createBody},
			sentinel: scim.ErrConflict, status: 409, detail: "role already exists",
		},
		{
			name: "Replace 412 with If-Match",
			call: func(s *roles.Service) (any, error) {
				return s.Replace(ctx, "Um9sZTo3", validParams, scim.IfMatch(`W/"old"`))
			},
			reply: testutil.Reply{Status: 412, Body: `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "ETag mismatch", "status": "412"}`},
			want: testutil.Want{Method: "PUT", Path: "/scim/Roles/Um9sZTo3", Body: createBody,
				Header: map[string]string{"If-Match": `W/"old"`}},
			sentinel: scim.ErrPreconditionFailed, status: 412, detail: "ETag mismatch",
		},
		{
			name: "AddPermissions 400 with numeric status",
			call: func(s *roles.Service) (any, error) {
				return s.AddPermissions(ctx, "Um9sZTo3", []string{"project:delete", "run:stop"})
			},
			reply:    testutil.Reply{Status: 400, Body: `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "invalid permission: run:stop", "status": 400}`},
			want:     testutil.Want{Method: "PATCH", Path: "/scim/Roles/Um9sZTo3", Body: addBody},
			sentinel: scim.ErrBadRequest, status: 400, detail: "invalid permission: run:stop",
		},
		{
			name: "RemovePermissions 404",
			call: func(s *roles.Service) (any, error) {
				return s.RemovePermissions(ctx, "Um9sZTo3", []string{"project:update"})
			},
			reply:    testutil.Reply{Status: 404, Body: `{"detail": "role not found", "status": "404"}`},
			want:     testutil.Want{Method: "PATCH", Path: "/scim/Roles/Um9sZTo3", Body: removeBody},
			sentinel: scim.ErrNotFound, status: 404, detail: "role not found",
		},
		{
			name:     "Delete 404",
			call:     func(s *roles.Service) (any, error) { return nil, s.Delete(ctx, "Um9sZTo3") },
			reply:    testutil.Reply{Status: 404, Body: `{"detail": "role not found", "status": "404"}`},
			want:     testutil.Want{Method: "DELETE", Path: "/scim/Roles/Um9sZTo3"},
			sentinel: scim.ErrNotFound, status: 404, detail: "role not found",
		},
		{
			name:     "List 500",
			call:     func(s *roles.Service) (any, error) { return s.List(ctx, nil) },
			reply:    testutil.Reply{Status: 500, Body: `{"detail": "internal error", "status": "500"}`},
			want:     testutil.Want{Method: "GET", Path: "/scim/Roles"},
			sentinel: scim.ErrServer, status: 500, detail: "internal error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.reply)
			got, err := tt.call(roles.New(c))
			rec.Check(t, tt.want) // exactly one request: no read-back after a failed change
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("err = %v, want one matching %v", err, tt.sentinel)
			}
			var se *scim.Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %T, want *scim.Error", err)
			}
			if se.StatusCode != tt.status || se.Detail != tt.detail || se.Method != tt.want.Method {
				t.Errorf("scim.Error = %+v, want status %d, detail %q", se, tt.status, tt.detail)
			}
			if !isNil(got) {
				t.Errorf("result = %v, want nil", got)
			}
		})
	}
}

// isNil reports whether v is nil or a typed nil pointer.
func isNil(v any) bool {
	switch p := v.(type) {
	case nil:
		return true
	case *roles.Role:
		return p == nil
	case *scim.Page[roles.Role]:
		return p == nil
	}
	return false
}

func TestReadBackFailure(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	rec := testutil.Serve(t, mock,
		testutil.Reply{Status: 200},
		testutil.Reply{Status: 404, Body: `{"detail": "role not found", "status": "404"}`},
	)
	got, err := roles.New(c).Replace(context.Background(), "Um9sZTo3", validParams)
	rec.Check(t,
		testutil.Want{Method: "PUT", Path: "/scim/Roles/Um9sZTo3", Body: createBody},
		testutil.Want{Method: "GET", Path: "/scim/Roles/Um9sZTo3"},
	)
	if got != nil || !errors.Is(err, scim.ErrNotFound) || !strings.Contains(err.Error(), "the change was applied") {
		t.Errorf("Replace = %v, %v; want nil and an error saying the change was applied", got, err)
	}
}

func TestRejectedInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	with := func(f func(*roles.Params)) roles.Params {
		p := validParams
		p.Permissions = append([]string(nil), validParams.Permissions...)
		f(&p)
		return p
	}
	badPermission := func(name string) roles.Params {
		return with(func(p *roles.Params) { p.Permissions = []string{"project:update", name} })
	}
	tests := []struct {
		name string
		op   string
		call func(*roles.Service) error
		msg  string
	}{
		{"Get empty ID", "roles.Get", func(s *roles.Service) error { _, err := s.Get(ctx, ""); return err }, "empty role ID"},
		{"Get dot", "roles.Get", func(s *roles.Service) error { _, err := s.Get(ctx, "."); return err }, `"."`},
		{"Get dot-dot", "roles.Get", func(s *roles.Service) error { _, err := s.Get(ctx, ".."); return err }, `".."`},
		{"Delete empty ID", "roles.Delete", func(s *roles.Service) error { return s.Delete(ctx, "") }, "empty role ID"},
		{"Delete dot-dot", "roles.Delete", func(s *roles.Service) error { return s.Delete(ctx, "..") }, `".."`},
		{"Replace empty ID", "roles.Replace", func(s *roles.Service) error { _, err := s.Replace(ctx, "", validParams); return err }, "empty role ID"},
		{"Replace dot", "roles.Replace", func(s *roles.Service) error { _, err := s.Replace(ctx, ".", validParams); return err }, `"."`},
		{"FindByName empty", "roles.FindByName", func(s *roles.Service) error { _, err := s.FindByName(ctx, ""); return err }, "empty role name"},

		{"Create empty name", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, with(func(p *roles.Params) { p.Name = "" }))
			return err
		}, "empty role name"},
		{"Create blank name", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, with(func(p *roles.Params) { p.Name = " \t" }))
			return err
		}, "empty role name"},
		{"Create empty InheritedFrom", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, with(func(p *roles.Params) { p.InheritedFrom = "" }))
			return err
		}, "empty InheritedFrom"},
		{"Create InheritedFrom admin", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, with(func(p *roles.Params) { p.InheritedFrom = "admin" }))
			return err
		}, `InheritedFrom "admin"`},
		{"Create InheritedFrom capitalised", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, with(func(p *roles.Params) { p.InheritedFrom = "Member" }))
			return err
		}, `InheritedFrom "Member"`},
		{"Replace InheritedFrom custom", "roles.Replace", func(s *roles.Service) error {
			_, err := s.Replace(ctx, "Um9sZTo3", with(func(p *roles.Params) { p.InheritedFrom = "Sample custom role" }))
			return err
		}, "InheritedFrom"},
		{"Replace empty name", "roles.Replace", func(s *roles.Service) error {
			_, err := s.Replace(ctx, "Um9sZTo3", with(func(p *roles.Params) { p.Name = "" }))
			return err
		}, "empty role name"},

		{"permission without colon", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission("project"))
			return err
		}, `"project"`},
		{"permission empty", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission(""))
			return err
		}, "object:operation"},
		{"permission empty operation", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission("project:"))
			return err
		}, "must not be empty"},
		{"permission empty object", "roles.Replace", func(s *roles.Service) error {
			_, err := s.Replace(ctx, "Um9sZTo3", badPermission(":update"))
			return err
		}, "must not be empty"},
		{"permission two colons", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission("run:stop:now"))
			return err
		}, "exactly one colon"},
		{"permission only a colon", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission(":"))
			return err
		}, "must not be empty"},
		{"permission with space", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission("run: stop"))
			return err
		}, "white space"},
		{"permission with tab", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission("run\t:stop"))
			return err
		}, "white space"},
		{"permission with trailing newline", "roles.Create", func(s *roles.Service) error {
			_, err := s.Create(ctx, badPermission("run:stop\n"))
			return err
		}, "white space"},

		{"AddPermissions nil", "roles.AddPermissions", func(s *roles.Service) error {
			_, err := s.AddPermissions(ctx, "Um9sZTo3", nil)
			return err
		}, "no permission names"},
		{"AddPermissions empty", "roles.AddPermissions", func(s *roles.Service) error {
			_, err := s.AddPermissions(ctx, "Um9sZTo3", []string{})
			return err
		}, "no permission names"},
		{"AddPermissions bad name after a good one", "roles.AddPermissions", func(s *roles.Service) error {
			_, err := s.AddPermissions(ctx, "Um9sZTo3", []string{"run:stop", "run stop"})
			return err
		}, `"run stop"`},
		{"AddPermissions empty ID", "roles.AddPermissions", func(s *roles.Service) error {
			_, err := s.AddPermissions(ctx, "", []string{"run:stop"})
			return err
		}, "empty role ID"},
		{"RemovePermissions empty", "roles.RemovePermissions", func(s *roles.Service) error {
			_, err := s.RemovePermissions(ctx, "Um9sZTo3", nil)
			return err
		}, "no permission names"},
		{"RemovePermissions bad name", "roles.RemovePermissions", func(s *roles.Service) error {
			_, err := s.RemovePermissions(ctx, "Um9sZTo3", []string{"project:update:all"})
			return err
		}, "exactly one colon"},
		{"RemovePermissions dot-dot", "roles.RemovePermissions", func(s *roles.Service) error {
			_, err := s.RemovePermissions(ctx, "..", []string{"run:stop"})
			return err
		}, `".."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock) // any request fails the test
			err := tt.call(roles.New(c))
			if !errors.Is(err, scim.ErrInvalidInput) {
				t.Fatalf("err = %v, want one matching scim.ErrInvalidInput", err)
			}
			var ie *scim.InputError
			if !errors.As(err, &ie) || ie.Op != tt.op {
				t.Errorf("err = %#v, want *scim.InputError with Op %q", err, tt.op)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
			if n := len(rec.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}
