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

func TestGet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, path, body string
	}{
		{"legacy emails, id with =", "VXNlcjox=", "/scim/Users/VXNlcjox=", legacyUser},
		{"emails array, id with slash", "a/b", "/scim/Users/a%2Fb", arrayUser},
		{"id with space and plus", "a b+c", "/scim/Users/a%20b+c", arrayUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.Reply{Status: 200, Body: tt.body, Header: http.Header{"Etag": {`W/"v1"`}}})
			u, err := svc.Get(context.Background(), tt.id)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "GET", Path: tt.path})
			checkDevUser1(t, u)
			if u.Meta.Version != `W/"v1"` {
				t.Errorf("Meta.Version = %q, want the ETag header", u.Meta.Version)
			}
		})
	}
}

func TestGetServiceAccount(t *testing.T) {
	t.Parallel()
	svc, rec := newService(t, ok(saCreated))
	u, err := svc.Get(context.Background(), "VXNlcjoz")
	if err != nil {
		t.Fatal(err)
	}
	rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjoz"})
	if !u.IsServiceAccount() || u.AccountType != users.AccountOrgService || u.PrimaryEmail() != "" || u.Emails != nil {
		t.Errorf("user = %+v", u)
	}
}

func TestGetErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		sentinel error
		detail   string
	}{
		{404, scim.ErrNotFound, "User not found"},
		{401, scim.ErrUnauthorized, "authentication failed"},
		{403, scim.ErrForbidden, "insufficient permissions"},
		{500, scim.ErrServer, "internal error"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.Reply{Status: tt.status, Body: errorBody(http.StatusText(tt.status)[:3], tt.detail)})
			u, err := svc.Get(context.Background(), "VXNlcjox=")
			if u != nil {
				t.Errorf("user = %+v, want nil", u)
			}
			wantAPIError(t, err, tt.status, tt.sentinel, tt.detail)
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users/VXNlcjox="})
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
		{"filter with + and space", &scim.ListOptions{Filter: scim.Eq("userName", "a+b c")}, "filter=userName%20eq%20%22a%2Bb%20c%22"},
		{"paging", &scim.ListOptions{StartIndex: 2, Count: 50}, "count=50&startIndex=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, ok(listOf(legacyUser, arrayUser, saCreated)))
			page, err := svc.List(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users", Query: tt.query})
			if page.TotalResults != 3 || page.ItemsPerPage != 9999 || page.StartIndex != 1 || len(page.Resources) != 3 {
				t.Fatalf("page = %+v", page)
			}
			checkDevUser1(t, &page.Resources[0])
			checkDevUser1(t, &page.Resources[1])
			if page.Resources[2].AccountType != users.AccountOrgService {
				t.Errorf("third resource = %+v", page.Resources[2])
			}
		})
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	t.Run("server ignores paging", func(t *testing.T) {
		t.Parallel()
		// totalResults says 3 but the server sends the same 2 again: stop,
		// saying the walk is incomplete.
		page := `{"Resources":[` + legacyUser + `,` + saCreated + `],"itemsPerPage":9999,"startIndex":1,"totalResults":3}`
		svc, rec := newService(t, ok(page), ok(page))
		var ids []string
		var errs []error
		for u, err := range svc.All(context.Background(), &scim.ListOptions{Filter: scim.Eq("userName", "x")}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			ids = append(ids, u.ID)
		}
		var inc *scim.IncompleteError
		if len(errs) != 1 || !errors.As(errs[0], &inc) || inc.Seen != 2 || inc.Total != 3 || !strings.HasPrefix(errs[0].Error(), "users.All: ") {
			t.Errorf("errors = %v, want one IncompleteError (2 of 3)", errs)
		}
		rec.Check(t,
			testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=userName%20eq%20%22x%22"},
			testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=userName%20eq%20%22x%22&startIndex=3"},
		)
		if len(ids) != 2 || ids[0] != "VXNlcjox=" || ids[1] != "VXNlcjoz" {
			t.Errorf("ids = %v", ids)
		}
	})
	t.Run("two pages", func(t *testing.T) {
		t.Parallel()
		p1 := `{"Resources":[` + legacyUser + `],"itemsPerPage":1,"startIndex":1,"totalResults":2}`
		p2 := `{"Resources":[` + saCreated + `],"itemsPerPage":1,"startIndex":2,"totalResults":2}`
		svc, rec := newService(t, ok(p1), ok(p2))
		var ids []string
		for u, err := range svc.All(context.Background(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		rec.Check(t,
			testutil.Want{Method: "GET", Path: "/scim/Users"},
			testutil.Want{Method: "GET", Path: "/scim/Users", Query: "startIndex=2"},
		)
		if len(ids) != 2 || ids[1] != "VXNlcjoz" {
			t.Errorf("ids = %v", ids)
		}
	})
	t.Run("error ends the walk", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.Reply{Status: 403, Body: errorBody("403", "nope")})
		n := 0
		for u, err := range svc.All(context.Background(), nil) {
			n++
			if u != nil {
				t.Errorf("user = %+v with error", u)
			}
			wantAPIError(t, err, 403, scim.ErrForbidden, "nope")
		}
		if n != 1 {
			t.Errorf("yielded %d times, want 1", n)
		}
	})
}

func TestFind(t *testing.T) {
	t.Parallel()
	byName := "filter=userName%20eq%20%22dev-user1%22"
	byEmail := "filter=emails.value%20eq%20%22dev-user1%40example.com%22"
	other := `{"id":"OTHER","userName":"Dev-User1","emails":[{"value":"other@example.com","primary":true}]}`
	stranger := `{"id":"STRANGER","userName":"someone-else","emails":[{"value":"someone@example.com","primary":true}]}`
	tests := []struct {
		name   string
		call   func(*users.Service) (*users.User, error)
		reply  string
		query  string
		wantID string
	}{
		{"FindByUserName legacy", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "dev-user1")
		}, listOf(legacyUser), byName, "VXNlcjox="},
		{"FindByUserName prefers the exact name", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "dev-user1")
		}, listOf(other, arrayUser), byName, "VXNlcjox="},
		{"FindByEmail array", func(s *users.Service) (*users.User, error) {
			return s.FindByEmail(context.Background(), "dev-user1@example.com")
		}, listOf(arrayUser), byEmail, "VXNlcjox="},
		{"FindByEmail legacy, prefers the matching address", func(s *users.Service) (*users.User, error) {
			return s.FindByEmail(context.Background(), "dev-user1@example.com")
		}, listOf(other, legacyUser), byEmail, "VXNlcjox="},
		{"Find with @ filters by email", func(s *users.Service) (*users.User, error) {
			return s.Find(context.Background(), "dev-user1@example.com")
		}, listOf(legacyUser), byEmail, "VXNlcjox="},
		{"Find without @ filters by userName", func(s *users.Service) (*users.User, error) {
			return s.Find(context.Background(), "dev-user1")
		}, listOf(arrayUser), byName, "VXNlcjox="},
		{"FindByUserName without exact match takes the one case-insensitive match", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "DEV-USER1")
		}, listOf(stranger, arrayUser), "filter=userName%20eq%20%22DEV-USER1%22", "VXNlcjox="},
		{"FindByEmail without exact match takes the one case-insensitive match", func(s *users.Service) (*users.User, error) {
			return s.FindByEmail(context.Background(), "Dev-User1@Example.com")
		}, listOf(stranger, legacyUser), "filter=emails.value%20eq%20%22Dev-User1%40Example.com%22", "VXNlcjox="},
		{"Find with quotes escapes them", func(s *users.Service) (*users.User, error) {
			return s.Find(context.Background(), `a"b`)
		}, listOf(`{"id":"Q","userName":"a\"b"}`), "filter=userName%20eq%20%22a%5C%22b%22", "Q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, ok(tt.reply))
			u, err := tt.call(svc)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users", Query: tt.query})
			if u.ID != tt.wantID {
				t.Errorf("ID = %q, want %q", u.ID, tt.wantID)
			}
		})
	}
}

func TestFindNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(*users.Service) (*users.User, error)
	}{
		{"FindByUserName", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "ghost")
		}},
		{"FindByEmail", func(s *users.Service) (*users.User, error) {
			return s.FindByEmail(context.Background(), "ghost@example.com")
		}},
		{"Find", func(s *users.Service) (*users.User, error) { return s.Find(context.Background(), "ghost") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, ok(`{"Resources":[],"itemsPerPage":9999,"startIndex":1,"totalResults":0}`))
			u, err := tt.call(svc)
			if u != nil || !errors.Is(err, scim.ErrNotFound) {
				t.Fatalf("got %+v, %v; want scim.ErrNotFound", u, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "ghost") {
				t.Errorf("error %q does not name what was searched", msg)
			}
			if len(rec.Requests()) != 1 {
				t.Errorf("%d requests", len(rec.Requests()))
			}
		})
	}
	t.Run("list error passes through", func(t *testing.T) {
		t.Parallel()
		svc, _ := newService(t, testutil.Reply{Status: 400, Body: errorBody("400", "bad filter")})
		_, err := svc.Find(context.Background(), "x")
		wantAPIError(t, err, 400, scim.ErrBadRequest, "bad filter")
	})
}

// TestFindNoSafeMatch checks that a search never falls back to an arbitrary
// result: users the filter should not have returned are ignored, and several
// equally good matches are ErrAmbiguous.
func TestFindNoSafeMatch(t *testing.T) {
	t.Parallel()
	byName := "filter=userName%20eq%20%22dev-user1%22"
	byEmail := "filter=emails.value%20eq%20%22dev-user1%40example.com%22"
	stranger := `{"id":"STRANGER","userName":"someone-else","emails":[{"value":"someone@example.com","primary":true}]}`
	upper := `{"id":"UPPER","userName":"DEV-USER1","emails":[{"value":"DEV-USER1@example.com","primary":true}]}`
	title := `{"id":"TITLE","userName":"Dev-User1","emails":[{"value":"Dev-User1@example.com","primary":true}]}`
	twin := strings.Replace(arrayUser, `"id": "VXNlcjox="`, `"id": "TWIN"`, 1)
	tests := []struct {
		name     string
		call     func(*users.Service) (*users.User, error)
		reply    string
		query    string
		sentinel error
		text     []string
	}{
		{"FindByUserName: only other users", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "dev-user1")
		}, listOf(stranger), byName, scim.ErrNotFound, []string{`userName "dev-user1"`}},
		{"FindByEmail: only other users", func(s *users.Service) (*users.User, error) {
			return s.FindByEmail(context.Background(), "dev-user1@example.com")
		}, listOf(stranger), byEmail, scim.ErrNotFound, []string{`emails.value "dev-user1@example.com"`}},
		{"Find: only other users", func(s *users.Service) (*users.User, error) {
			return s.Find(context.Background(), "dev-user1")
		}, listOf(stranger), byName, scim.ErrNotFound, []string{`"dev-user1"`}},
		{"FindByUserName: two case-insensitive matches", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "dev-user1")
		}, listOf(upper, stranger, title), byName, users.ErrAmbiguous, []string{"2 users", "UPPER", "TITLE"}},
		{"FindByEmail: two case-insensitive matches", func(s *users.Service) (*users.User, error) {
			return s.FindByEmail(context.Background(), "dev-user1@example.com")
		}, listOf(title, upper), byEmail, users.ErrAmbiguous, []string{"2 users", "UPPER", "TITLE"}},
		{"FindByUserName: two exact matches", func(s *users.Service) (*users.User, error) {
			return s.FindByUserName(context.Background(), "dev-user1")
		}, listOf(arrayUser, twin, upper), byName, users.ErrAmbiguous, []string{"2 users", "VXNlcjox=", "TWIN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, ok(tt.reply))
			u, err := tt.call(svc)
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users", Query: tt.query})
			if u != nil || !errors.Is(err, tt.sentinel) {
				t.Fatalf("got %+v, %v; want %v", u, err, tt.sentinel)
			}
			var apiErr *scim.Error
			if errors.As(err, &apiErr) {
				t.Errorf("error %v is a *scim.Error; nothing failed on the server", err)
			}
			for _, want := range tt.text {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	t.Run("204", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.Reply{Status: 204})
		if err := svc.Delete(context.Background(), "a/b", scim.IfMatch(`W/"1"`)); err != nil {
			t.Fatal(err)
		}
		rec.Check(t, testutil.Want{Method: "DELETE", Path: "/scim/Users/a%2Fb", Header: map[string]string{"If-Match": `W/"1"`}})
	})
	tests := []struct {
		status   int
		sentinel error
		detail   string
	}{
		{404, scim.ErrNotFound, "User not found"},
		{412, scim.ErrPreconditionFailed, "ETag mismatch"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.Reply{Status: tt.status, Body: errorBody("4xx", tt.detail)})
			err := svc.Delete(context.Background(), "VXNlcjox=")
			wantAPIError(t, err, tt.status, tt.sentinel, tt.detail)
			rec.Check(t, testutil.Want{Method: "DELETE", Path: "/scim/Users/VXNlcjox="})
		})
	}
}

// TestInvalidInput checks that bad arguments fail with scim.ErrInvalidInput
// before any request is sent.
func TestInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		call func(*users.Service) error
	}{
		{"Get empty ID", func(s *users.Service) error { _, err := s.Get(ctx, ""); return err }},
		{"Get dot ID", func(s *users.Service) error { _, err := s.Get(ctx, "."); return err }},
		{"Get dot-dot ID", func(s *users.Service) error { _, err := s.Get(ctx, ".."); return err }},
		{"List negative count", func(s *users.Service) error {
			_, err := s.List(ctx, &scim.ListOptions{Count: -1})
			return err
		}},
		{"All negative start", func(s *users.Service) error {
			for _, err := range s.All(ctx, &scim.ListOptions{StartIndex: -1}) {
				return err
			}
			return nil
		}},
		{"FindByUserName empty", func(s *users.Service) error { _, err := s.FindByUserName(ctx, ""); return err }},
		{"FindByEmail without @", func(s *users.Service) error { _, err := s.FindByEmail(ctx, "ada"); return err }},
		{"FindByEmail without domain", func(s *users.Service) error { _, err := s.FindByEmail(ctx, "ada@"); return err }},
		{"Find blank", func(s *users.Service) error { _, err := s.Find(ctx, "  "); return err }},
		{"Delete empty ID", func(s *users.Service) error { return s.Delete(ctx, "") }},
		{"Delete dot-dot ID", func(s *users.Service) error { return s.Delete(ctx, "..") }},

		{"Create no email", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{UserName: "ada"})
			return err
		}},
		{"Create email without @", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "ada.example.com"})
			return err
		}},
		{"Create email without local part", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "@example.com"})
			return err
		}},
		{"Create extra email without @", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "ada@x.io", Emails: []scim.Email{{Value: "bad"}}})
			return err
		}},
		{"Create Emails without primary", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Emails: []scim.Email{{Value: "a@x.io"}}})
			return err
		}},
		{"Create Emails with two primaries", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Emails: []scim.Email{{Value: "a@x.io", Primary: true}, {Value: "b@x.io", Primary: true}}})
			return err
		}},
		{"Create extra primary besides Email", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "a@x.io", Emails: []scim.Email{{Value: "b@x.io", Primary: true}}})
			return err
		}},
		{"Create bad models seat", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "a@x.io", ModelsSeat: "admin"})
			return err
		}},
		{"Create bad weave role", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "a@x.io", WeaveRole: "Full"})
			return err
		}},
		{"Create blank user name", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "a@x.io", UserName: " "})
			return err
		}},
		{"Create empty team name", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "a@x.io", Teams: []string{"ml", ""}})
			return err
		}},
		{"Create blank org role", func(s *users.Service) error {
			_, err := s.Create(ctx, users.CreateParams{Email: "a@x.io", OrganizationRole: " "})
			return err
		}},
		{"CreateServiceAccount no name", func(s *users.Service) error {
			_, err := s.CreateServiceAccount(ctx, users.ServiceAccountParams{DefaultTeam: "ml"})
			return err
		}},
		{"CreateServiceAccount no default team", func(s *users.Service) error {
			_, err := s.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "bot", Teams: []string{"ml"}})
			return err
		}},
		{"CreateServiceAccount empty team", func(s *users.Service) error {
			_, err := s.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "bot", DefaultTeam: "ml", Teams: []string{""}})
			return err
		}},

		{"Deactivate empty ID", func(s *users.Service) error { _, err := s.Deactivate(ctx, ""); return err }},
		{"Reactivate dot ID", func(s *users.Service) error { _, err := s.Reactivate(ctx, "."); return err }},
		{"UpdateEmail without @", func(s *users.Service) error { _, err := s.UpdateEmail(ctx, "U", "ada"); return err }},
		{"UpdateEmail empty ID", func(s *users.Service) error { _, err := s.UpdateEmail(ctx, "", "a@x.io"); return err }},
		{"UpdateDisplayName empty", func(s *users.Service) error { _, err := s.UpdateDisplayName(ctx, "U", ""); return err }},
		{"UpdateDisplayName dot-dot ID", func(s *users.Service) error {
			_, err := s.UpdateDisplayName(ctx, "..", "Ada")
			return err
		}},
		{"SetOrganizationRole empty", func(s *users.Service) error {
			_, err := s.SetOrganizationRole(ctx, "U", "")
			return err
		}},
		{"SetOrganizationRole empty ID", func(s *users.Service) error {
			_, err := s.SetOrganizationRole(ctx, "", "admin")
			return err
		}},
		{"SetTeamRoles none", func(s *users.Service) error { _, err := s.SetTeamRoles(ctx, "U", nil); return err }},
		{"SetTeamRoles empty team", func(s *users.Service) error {
			_, err := s.SetTeamRoles(ctx, "U", []users.TeamRole{{RoleName: "admin"}})
			return err
		}},
		{"SetTeamRoles empty role", func(s *users.Service) error {
			_, err := s.SetTeamRoles(ctx, "U", []users.TeamRole{{TeamName: "ml"}})
			return err
		}},
		{"SetTeamRoles empty ID", func(s *users.Service) error {
			_, err := s.SetTeamRoles(ctx, "", []users.TeamRole{{TeamName: "ml", RoleName: "admin"}})
			return err
		}},
		{"SetModelsSeat empty", func(s *users.Service) error { _, err := s.SetModelsSeat(ctx, "U", ""); return err }},
		{"SetModelsSeat unknown", func(s *users.Service) error { _, err := s.SetModelsSeat(ctx, "U", "admin"); return err }},
		{"SetWeaveRole unknown", func(s *users.Service) error { _, err := s.SetWeaveRole(ctx, "U", "FULL"); return err }},
		{"SetWeaveRole empty ID", func(s *users.Service) error { _, err := s.SetWeaveRole(ctx, "", "full"); return err }},
		{"AddRegistryRoles none", func(s *users.Service) error { _, err := s.AddRegistryRoles(ctx, "U", nil); return err }},
		{"AddRegistryRoles empty name", func(s *users.Service) error {
			_, err := s.AddRegistryRoles(ctx, "U", []users.RegistryRole{{RoleName: "viewer"}})
			return err
		}},
		{"AddRegistryRoles empty role", func(s *users.Service) error {
			_, err := s.AddRegistryRoles(ctx, "U", []users.RegistryRole{{RegistryName: "model"}})
			return err
		}},
		{"RemoveRegistryRole empty name", func(s *users.Service) error {
			_, err := s.RemoveRegistryRole(ctx, "U", "")
			return err
		}},
		{"RemoveRegistryRole empty ID", func(s *users.Service) error {
			_, err := s.RemoveRegistryRole(ctx, "", "model")
			return err
		}},
		{"RemoveAllRegistryRoles dot ID", func(s *users.Service) error {
			_, err := s.RemoveAllRegistryRoles(ctx, ".")
			return err
		}},
		{"Patch no ops", func(s *users.Service) error { _, err := s.Patch(ctx, "U", nil); return err }},
		{"Patch unknown op", func(s *users.Service) error {
			_, err := s.Patch(ctx, "U", []scim.Operation{{Op: "move", Path: "x"}})
			return err
		}},
		{"Patch empty op", func(s *users.Service) error {
			_, err := s.Patch(ctx, "U", []scim.Operation{{Path: "x"}})
			return err
		}},
		{"Patch op foo", func(s *users.Service) error {
			_, err := s.Patch(ctx, "U", []scim.Operation{scim.Remove("registryRoles"), {Op: "foo", Path: "x"}})
			return err
		}},
		{"Patch empty ID", func(s *users.Service) error {
			_, err := s.Patch(ctx, "", []scim.Operation{scim.Remove("registryRoles")})
			return err
		}},

		{"Search empty", func(s *users.Service) error { _, err := s.Search(ctx, ""); return err }},
		{"DeleteAPIKey empty", func(s *users.Service) error { return s.DeleteAPIKey(ctx, " ") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t)
			err := tt.call(svc)
			if !errors.Is(err, scim.ErrInvalidInput) {
				t.Fatalf("err = %v, want scim.ErrInvalidInput", err)
			}
			var inErr *scim.InputError
			if !errors.As(err, &inErr) || inErr.Op == "" || inErr.Msg == "" {
				t.Errorf("err = %#v, want an *scim.InputError naming the call", err)
			}
			if n := len(rec.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}
