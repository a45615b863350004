package roles_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
)

func TestGet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		id       string
		path     string
		reply    testutil.Reply
		want     func(*testing.T) roles.Role
		wantETag string
	}{
		{
			name:  "docs reply",
			id:    "Um9sZTo3",
			path:  "/scim/Roles/Um9sZTo3",
			reply: testutil.Reply{Status: 200, Body: role7JSON},
			want:  wantRole7,
		},
		{
			name:     "escaped ID, ETag header fills Meta.Version",
			id:       escapedID,
			path:     escapedPath,
			reply:    testutil.Reply{Status: 200, Body: role12JSON, Header: http.Header{"Etag": {`W/"xyz123"`}}},
			want:     wantRole12,
			wantETag: `W/"xyz123"`,
		},
		{
			name:  "ID with = is not escaped",
			id:    "Um9sZToxMg==",
			path:  "/scim/Roles/Um9sZToxMg==",
			reply: testutil.Reply{Status: 200, Body: role12JSON},
			want:  wantRole12,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.reply)
			got, err := roles.New(c).Get(context.Background(), tt.id)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "GET", Path: tt.path})
			want := tt.want(t)
			want.Meta.Version = tt.wantETag
			checkRole(t, got, want)
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
		{"nil options", nil, ""},
		{"paging options are passed on", &scim.ListOptions{StartIndex: 1, Count: 50}, "count=50&startIndex=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: listJSON})
			page, err := roles.New(c).List(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Roles", Query: tt.query})
			if page.TotalResults != 2 || page.StartIndex != 1 || page.ItemsPerPage != 9999 || len(page.Resources) != 2 {
				t.Fatalf("page = %d/%d/%d with %d resources", page.TotalResults, page.StartIndex, page.ItemsPerPage, len(page.Resources))
			}
			checkRole(t, &page.Resources[0], wantRole7(t))
			checkRole(t, &page.Resources[1], wantRole12(t))
		})
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	page1 := `{"Resources": [` + role7JSON + `,` + role12JSON + `], "itemsPerPage": 9999, "startIndex": 1, "totalResults": 3}`
	page2 := `{"Resources": [{"id": "Um9sZToxMw==", "name": "Third"}], "itemsPerPage": 9999, "startIndex": 3, "totalResults": 3}`
	tests := []struct {
		name    string
		replies []testutil.Reply
		wants   []testutil.Want
		ids     []string
		wantErr error
	}{
		{
			name:    "one page",
			replies: []testutil.Reply{{Status: 200, Body: listJSON}},
			wants:   []testutil.Want{{Method: "GET", Path: "/scim/Roles"}},
			ids:     []string{"Um9sZTo3", "Um9sZToxMg=="},
		},
		{
			name:    "two pages",
			replies: []testutil.Reply{{Status: 200, Body: page1}, {Status: 200, Body: page2}},
			wants:   []testutil.Want{{Method: "GET", Path: "/scim/Roles"}, {Method: "GET", Path: "/scim/Roles", Query: "startIndex=3"}},
			ids:     []string{"Um9sZTo3", "Um9sZToxMg==", "Um9sZToxMw=="},
		},
		{
			name:    "error ends the walk",
			replies: []testutil.Reply{{Status: 200, Body: page1}, {Status: 503, Body: `{"detail": "down", "status": "503"}`}},
			wants:   []testutil.Want{{Method: "GET", Path: "/scim/Roles"}, {Method: "GET", Path: "/scim/Roles", Query: "startIndex=3"}},
			ids:     []string{"Um9sZTo3", "Um9sZToxMg=="},
			wantErr: scim.ErrServer,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			var ids []string
			var errs []error
			for r, err := range roles.New(c).All(context.Background(), nil) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ids = append(ids, r.ID)
			}
			rec.Check(t, tt.wants...)
			if !slices.Equal(ids, tt.ids) {
				t.Errorf("ids = %q, want %q", ids, tt.ids)
			}
			switch {
			case tt.wantErr == nil && len(errs) != 0:
				t.Errorf("errors = %v", errs)
			case tt.wantErr != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.wantErr)):
				t.Errorf("errors = %v, want one matching %v", errs, tt.wantErr)
			}
		})
	}
}

func TestFindByName(t *testing.T) {
	t.Parallel()
	page1 := `{"Resources": [` + role7JSON + `], "itemsPerPage": 9999, "startIndex": 1, "totalResults": 2}`
	page2 := `{"Resources": [` + role12JSON + `], "itemsPerPage": 9999, "startIndex": 2, "totalResults": 2}`
	list := testutil.Want{Method: "GET", Path: "/scim/Roles"} // never a filter
	tests := []struct {
		name    string
		find    string
		replies []testutil.Reply
		wants   []testutil.Want
		want    func(*testing.T) roles.Role
		wantErr error
		errText string
	}{
		{
			name:    "exact match",
			find:    "Sample custom role 2",
			replies: []testutil.Reply{{Status: 200, Body: listJSON}},
			wants:   []testutil.Want{list},
			want:    wantRole12,
		},
		{
			name:    "match on a later page",
			find:    "Sample custom role 2",
			replies: []testutil.Reply{{Status: 200, Body: page1}, {Status: 200, Body: page2}},
			wants:   []testutil.Want{list, {Method: "GET", Path: "/scim/Roles", Query: "startIndex=2"}},
			want:    wantRole12,
		},
		{
			name:    "stops at the first match",
			find:    "Sample custom role",
			replies: []testutil.Reply{{Status: 200, Body: page1}},
			wants:   []testutil.Want{list},
			want:    wantRole7,
		},
		{
			name:    "case differs: not found",
			find:    "sample custom role",
			replies: []testutil.Reply{{Status: 200, Body: listJSON}},
			wants:   []testutil.Want{list},
			wantErr: scim.ErrNotFound,
			errText: `"Sample custom role" exists`,
		},
		{
			name:    "no such role",
			find:    "Auditor",
			replies: []testutil.Reply{{Status: 200, Body: listJSON}},
			wants:   []testutil.Want{list},
			wantErr: scim.ErrNotFound,
			errText: `no role named "Auditor"`,
		},
		{
			name:    "empty list",
			find:    "Auditor",
			replies: []testutil.Reply{{Status: 200, Body: `{"Resources": [], "itemsPerPage": 9999, "startIndex": 1, "totalResults": 0}`}},
			wants:   []testutil.Want{list},
			wantErr: scim.ErrNotFound,
		},
		{
			name:    "list fails",
			find:    "Auditor",
			replies: []testutil.Reply{{Status: 403, Body: `{"detail": "not an admin", "status": "403"}`}},
			wants:   []testutil.Want{list},
			wantErr: scim.ErrForbidden,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			got, err := roles.New(c).FindByName(context.Background(), tt.find)
			rec.Check(t, tt.wants...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || got != nil {
					t.Fatalf("FindByName = %v, %v; want nil, %v", got, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.errText) {
					t.Errorf("error %q does not contain %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkRole(t, got, tt.want(t))
		})
	}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params roles.Params
		body   string
	}{
		{
			name: "docs request",
			params: roles.Params{
				Name:          "Sample custom role",
				Description:   "A sample custom role for example",
				Permissions:   []string{"project:update"},
				InheritedFrom: "member",
			},
			body: createBody,
		},
		{
			name:   "no permissions: sent as [], empty description still sent",
			params: roles.Params{Name: "Plain viewer", InheritedFrom: roles.InheritViewer},
			body: `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Role"], "name": "Plain viewer",
				"description": "", "permissions": [], "inheritedFrom": "viewer"}`,
		},
		{
			name: "repeated permissions sent once, in first-given order",
			params: roles.Params{Name: "Ops", InheritedFrom: "member",
				Permissions: []string{"run:stop", "project:delete", "run:stop"}},
			body: `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Role"], "name": "Ops", "description": "",
				"permissions": [{"name": "run:stop"}, {"name": "project:delete"}], "inheritedFrom": "member"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 201, Body: role7JSON})
			got, err := roles.New(c).Create(context.Background(), tt.params)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "POST", Path: "/scim/Roles", Body: tt.body})
			checkRole(t, got, wantRole7(t))
		})
	}
}

// TestCreateReplyWithoutRole checks that a 201 holding no role (empty, not
// JSON, or without an id) leads to a lookup by name, and that a failed lookup
// says the create succeeded.
func TestCreateReplyWithoutRole(t *testing.T) {
	t.Parallel()
	post := testutil.Want{Method: "POST", Path: "/scim/Roles", Body: createBody, Header: map[string]string{"If-Match": `W/"x"`}}
	list := testutil.Want{Method: "GET", Path: "/scim/Roles"}
	text := testutil.Reply{Status: 201, Body: "Created", Header: http.Header{"Content-Type": {"text/plain"}}}
	tests := []struct {
		name     string
		replies  []testutil.Reply
		sentinel error // nil: the lookup finds the role
	}{
		{"empty 201", []testutil.Reply{{Status: 201}, {Status: 200, Body: listJSON}}, nil},
		{"201 without id", []testutil.Reply{{Status: 201, Body: `{"name": "Sample custom role"}`}, {Status: 200, Body: listJSON}}, nil},
		{"non-JSON 201", []testutil.Reply{text, {Status: 200, Body: listJSON}}, nil},
		{"lookup finds nothing", []testutil.Reply{{Status: 201}, {Status: 200, Body: `{"Resources": [` + role12JSON + `], "totalResults": 1}`}}, scim.ErrNotFound},
		{"lookup fails", []testutil.Reply{text, {Status: 403, Body: `{"detail": "not an admin", "status": "403"}`}}, scim.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			got, err := roles.New(c).Create(context.Background(), validParams, scim.IfMatch(`W/"x"`))
			rec.Check(t, post, list)
			if tt.sentinel == nil {
				if err != nil {
					t.Fatal(err)
				}
				checkRole(t, got, wantRole7(t))
				return
			}
			if got != nil || !errors.Is(err, tt.sentinel) {
				t.Fatalf("Create = %v, %v; want nil and an error matching %v", got, err, tt.sentinel)
			}
			if !strings.Contains(err.Error(), "create succeeded but its reply held no role") {
				t.Errorf("error %q does not say the create succeeded", err)
			}
		})
	}
}

func TestReplace(t *testing.T) {
	t.Parallel()
	params := roles.Params{
		Name:          "Updated custom role",
		Description:   "Updated description for the custom role",
		Permissions:   []string{"project:read", "run:read", "artifact:read"},
		InheritedFrom: "viewer",
	}
	tests := []struct {
		name    string
		id      string
		opts    []scim.RequestOption
		replies []testutil.Reply
		wants   []testutil.Want
	}{
		{
			name:    "docs request",
			id:      "Um9sZTo3",
			replies: []testutil.Reply{{Status: 200, Body: replaceReply}},
			wants:   []testutil.Want{{Method: "PUT", Path: "/scim/Roles/Um9sZTo3", Body: replaceBody, Header: map[string]string{"If-Match": ""}}},
		},
		{
			name:    "escaped ID with If-Match",
			id:      escapedID,
			opts:    []scim.RequestOption{scim.IfMatch(`W/"xyz123"`)},
			replies: []testutil.Reply{{Status: 200, Body: replaceReply}},
			wants:   []testutil.Want{{Method: "PUT", Path: escapedPath, Body: replaceBody, Header: map[string]string{"If-Match": `W/"xyz123"`}}},
		},
		{
			name:    "non-JSON reply: role read back",
			id:      "Um9sZTo3",
			replies: []testutil.Reply{{Status: 200, Body: "OK", Header: http.Header{"Content-Type": {"text/plain"}}}, {Status: 200, Body: replaceReply}},
			wants: []testutil.Want{
				{Method: "PUT", Path: "/scim/Roles/Um9sZTo3", Body: replaceBody},
				{Method: "GET", Path: "/scim/Roles/Um9sZTo3"},
			},
		},
		{
			name:    "reply without a body: role read back",
			id:      "Um9sZTo3",
			replies: []testutil.Reply{{Status: 200}, {Status: 200, Body: replaceReply}},
			wants: []testutil.Want{
				{Method: "PUT", Path: "/scim/Roles/Um9sZTo3", Body: replaceBody},
				{Method: "GET", Path: "/scim/Roles/Um9sZTo3"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.replies...)
			got, err := roles.New(c).Replace(context.Background(), tt.id, params, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, tt.wants...)
			if got.ID != "Um9sZTo3" || got.Name != "Updated custom role" || got.InheritedFrom != "viewer" ||
				got.Description != "Updated description for the custom role" {
				t.Errorf("role = %+v", got)
			}
			if want := []string{"artifact:read", "project:read", "run:read"}; !slices.Equal(got.CustomPermissions(), want) {
				t.Errorf("CustomPermissions = %q, want %q", got.CustomPermissions(), want)
			}
			if want := ts(t, "2023-11-22T10:00:00Z"); !got.Meta.LastModified.Equal(want) {
				t.Errorf("LastModified = %v, want %v", got.Meta.LastModified.Time, want)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   string
		opts []scim.RequestOption
		want testutil.Want
	}{
		{"plain", "Um9sZTo3", nil, testutil.Want{Method: "DELETE", Path: "/scim/Roles/Um9sZTo3"}},
		{"escaped ID with If-Match", escapedID, []scim.RequestOption{scim.IfMatch(`W/"v1"`)},
			testutil.Want{Method: "DELETE", Path: escapedPath, Header: map[string]string{"If-Match": `W/"v1"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, testutil.Reply{Status: 204})
			if err := roles.New(c).Delete(context.Background(), tt.id, tt.opts...); err != nil {
				t.Fatal(err)
			}
			rec.Check(t, tt.want)
		})
	}
}
