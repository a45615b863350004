package users_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

func TestCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		params    users.CreateParams
		reply     string
		body      string
		wantSeat  users.Seat
		wantRole  string
		wantGroup bool
	}{
		{
			name:   "dedicated/self-managed body, user name from email",
			params: users.CreateParams{Email: "dev-user2@example.com", ModelsSeat: users.SeatViewer, WeaveRole: users.SeatNone},
			reply:  dcCreated,
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"userName": "dev-user2",
				"emails": [{"primary": true, "value": "dev-user2@example.com"}],
				"modelsSeat": "viewer",
				"weaveRole": "none"
			}`,
			wantSeat: users.SeatViewer,
		},
		{
			name:   "explicit user name, no seats",
			params: users.CreateParams{UserName: "dev-user2", Email: "someone@example.com"},
			reply:  dcCreated,
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"userName": "dev-user2",
				"emails": [{"primary": true, "value": "someone@example.com"}]
			}`,
			wantSeat: users.SeatViewer,
		},
		{
			name:   "multi-tenant body with the teams extension",
			params: users.CreateParams{Email: "dev-user2@example.com", Teams: []string{"ml", "infra"}},
			reply:  mtCreated,
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
				"userName": "dev-user2",
				"emails": [{"primary": true, "value": "dev-user2@example.com"}],
				"urn:ietf:params:scim:schemas:extension:teams:2.0:User": {"teams": ["ml", "infra"]}
			}`,
			wantSeat:  users.SeatFull,
			wantRole:  "member",
			wantGroup: true,
		},
		{
			name: "Email plus extra addresses; a duplicate of Email is dropped",
			params: users.CreateParams{Email: "dev-user2@example.com", Emails: []scim.Email{
				{Value: "DEV-USER2@example.com"}, {Value: "alt@example.com", Type: "work"},
			}},
			reply: mtCreated,
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"userName": "dev-user2",
				"emails": [
					{"primary": true, "value": "dev-user2@example.com"},
					{"primary": false, "value": "alt@example.com", "type": "work"}
				]
			}`,
			wantSeat: users.SeatFull, wantRole: "member", wantGroup: true,
		},
		{
			name: "Emails only: the primary names the user",
			params: users.CreateParams{Emails: []scim.Email{
				{Value: "alt@example.com"}, {Value: "dev-user2@example.com", Primary: true},
			}},
			reply: mtCreated,
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
				"userName": "dev-user2",
				"emails": [
					{"primary": false, "value": "alt@example.com"},
					{"primary": true, "value": "dev-user2@example.com"}
				]
			}`,
			wantSeat: users.SeatFull, wantRole: "member", wantGroup: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.Reply{Status: 201, Body: tt.reply})
			u, err := svc.Create(context.Background(), tt.params)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "POST", Path: "/scim/Users", Body: tt.body})
			if u.ID != "VXNlcjoy" || u.UserName != "dev-user2" || u.PrimaryEmail() != "dev-user2@example.com" ||
				u.ModelsSeat != tt.wantSeat || u.OrganizationRole != tt.wantRole || (len(u.Groups) == 1) != tt.wantGroup {
				t.Errorf("user = %+v", u)
			}
			if !u.Meta.LastModified.IsZero() || u.Meta.Created.IsZero() {
				t.Errorf("Meta = %+v (create replies have created, no lastModified)", u.Meta)
			}
		})
	}
}

func TestCreateWithOrganizationRole(t *testing.T) {
	t.Parallel()
	createBody := `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "dev-user2",
		"emails": [{"primary": true, "value": "dev-user2@example.com"}]
	}`
	patchBody := `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "path": "organizationRole", "value": "admin"}]
	}`
	params := users.CreateParams{Email: "dev-user2@example.com", OrganizationRole: "admin"}

	t.Run("follow-up PATCH succeeds", func(t *testing.T) {
		t.Parallel()
		patched := strings.Replace(dcCreated, `"userName"`, `"organizationRole": "admin", "userName"`, 1)
		svc, rec := newService(t, testutil.Reply{Status: 201, Body: dcCreated}, ok(patched))
		u, err := svc.Create(context.Background(), params)
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t,
			testutil.Want{Method: "POST", Path: "/scim/Users", Body: createBody},
			testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjoy", Body: patchBody},
		)
		if u.ID != "VXNlcjoy" || u.OrganizationRole != "admin" {
			t.Errorf("user = %+v", u)
		}
	})
	t.Run("follow-up PATCH reply without the user", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.Reply{Status: 201, Body: dcCreated}, ok(`{"organizationRole":"admin"}`))
		u, err := svc.Create(context.Background(), params)
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t,
			testutil.Want{Method: "POST", Path: "/scim/Users", Body: createBody},
			testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjoy", Body: patchBody},
		)
		if u.ID != "VXNlcjoy" || u.UserName != "dev-user2" || u.OrganizationRole != "admin" {
			t.Errorf("user = %+v, want the created user with the new role", u)
		}
	})
	t.Run("follow-up PATCH reply not JSON", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t, testutil.Reply{Status: 201, Body: dcCreated}, textOK)
		u, err := svc.Create(context.Background(), params)
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t,
			testutil.Want{Method: "POST", Path: "/scim/Users", Body: createBody},
			testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjoy", Body: patchBody},
		)
		if u.ID != "VXNlcjoy" || u.UserName != "dev-user2" || u.OrganizationRole != "admin" {
			t.Errorf("user = %+v, want the created user with the new role", u)
		}
	})
	t.Run("follow-up PATCH fails: no user, an error holding the created user", func(t *testing.T) {
		t.Parallel()
		svc, rec := newService(t,
			testutil.Reply{Status: 201, Body: dcCreated},
			testutil.Reply{Status: 403, Body: errorBody("403", "insufficient permissions")})
		u, err := svc.Create(context.Background(), params)
		rec.Check(t,
			testutil.Want{Method: "POST", Path: "/scim/Users", Body: createBody},
			testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjoy", Body: patchBody},
		)
		if u != nil {
			t.Errorf("user = %+v, want nil with the error", u)
		}
		var partial *users.PartialCreateError
		if !errors.As(err, &partial) || partial.User == nil || partial.User.ID != "VXNlcjoy" || partial.User.UserName != "dev-user2" || partial.Role != "admin" {
			t.Fatalf("err = %v, want a *users.PartialCreateError holding the created user", err)
		}
		if !strings.HasPrefix(err.Error(), "users.Create: ") || strings.Count(err.Error(), "users.Create") != 1 {
			t.Errorf("error %q, want the prefix users.Create once", err)
		}
		wantAPIError(t, err, 403, scim.ErrForbidden, "insufficient permissions")
		if !strings.Contains(err.Error(), "created") || !strings.Contains(err.Error(), "VXNlcjoy") {
			t.Errorf("error %q does not say the user was created", err)
		}
	})
}

// TestCreateReplyWithoutUser checks that a 201 whose body holds no user
// (empty, not JSON, or without an id) leads to a lookup by userName, and that
// a failed lookup says the create succeeded.
func TestCreateReplyWithoutUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	userBody := `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "dev-user2",
		"emails": [{"primary": true, "value": "dev-user2@example.com"}]
	}`
	saBody := `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
		"userName": "ci-bot",
		"accountType": "SERVICE",
		"urn:ietf:params:scim:schemas:extension:teams:2.0:User": {"defaultTeam": "ml"}
	}`
	createUser := func(s *users.Service) (*users.User, error) {
		return s.Create(ctx, users.CreateParams{Email: "dev-user2@example.com"})
	}
	createSA := func(s *users.Service) (*users.User, error) {
		return s.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "ci-bot", DefaultTeam: "ml"})
	}
	postUser := testutil.Want{Method: "POST", Path: "/scim/Users", Body: userBody}
	findUser := testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=userName%20eq%20%22dev-user2%22"}
	postSA := testutil.Want{Method: "POST", Path: "/scim/Users", Body: saBody}
	findSA := testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=userName%20eq%20%22ci-bot%22"}
	created := func(status int, body string) testutil.Reply { return testutil.Reply{Status: status, Body: body} }

	found := []struct {
		name    string
		call    func(*users.Service) (*users.User, error)
		replies []testutil.Reply
		wants   []testutil.Want
		wantID  string
	}{
		{"Create, empty 201", createUser, []testutil.Reply{created(201, ""), ok(listOf(dcCreated))},
			[]testutil.Want{postUser, findUser}, "VXNlcjoy"},
		{"Create, 201 without id", createUser, []testutil.Reply{created(201, `{"userName":"dev-user2"}`), ok(listOf(dcCreated))},
			[]testutil.Want{postUser, findUser}, "VXNlcjoy"},
		{"Create, non-JSON 201", createUser, []testutil.Reply{
			{Status: 201, Body: "Created", Header: map[string][]string{"Content-Type": {"text/plain"}}}, ok(listOf(dcCreated)),
		}, []testutil.Want{postUser, findUser}, "VXNlcjoy"},
		{"CreateServiceAccount, empty 201", createSA, []testutil.Reply{created(201, ""), ok(listOf(saCreated))},
			[]testutil.Want{postSA, findSA}, "VXNlcjoz"},
		{"CreateServiceAccount, 201 with {}", createSA, []testutil.Reply{created(201, "{}"), ok(listOf(saCreated))},
			[]testutil.Want{postSA, findSA}, "VXNlcjoz"},
	}
	for _, tt := range found {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, tt.replies...)
			u, err := tt.call(svc)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, tt.wants...)
			if u.ID != tt.wantID || u.UserName == "" {
				t.Errorf("user = %+v, want ID %s", u, tt.wantID)
			}
		})
	}

	failed := []struct {
		name     string
		call     func(*users.Service) (*users.User, error)
		replies  []testutil.Reply
		wants    []testutil.Want
		sentinel error
	}{
		{"Create, lookup finds nothing", createUser,
			[]testutil.Reply{created(201, ""), ok(listOf())}, []testutil.Want{postUser, findUser}, scim.ErrNotFound},
		{"Create, lookup fails", createUser,
			[]testutil.Reply{created(201, "{}"), {Status: 403, Body: errorBody("403", "insufficient permissions")}},
			[]testutil.Want{postUser, findUser}, scim.ErrForbidden},
		{"CreateServiceAccount, lookup finds nothing", createSA,
			[]testutil.Reply{created(201, ""), ok(listOf())}, []testutil.Want{postSA, findSA}, scim.ErrNotFound},
	}
	for _, tt := range failed {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, tt.replies...)
			u, err := tt.call(svc)
			rec.Check(t, tt.wants...)
			if u != nil || !errors.Is(err, tt.sentinel) {
				t.Fatalf("got %+v, %v; want nil and an error matching %v", u, err, tt.sentinel)
			}
			if msg := err.Error(); !strings.Contains(msg, "create succeeded") || !strings.Contains(msg, "no user") {
				t.Errorf("error %q does not say the create succeeded without a user in the reply", msg)
			}
		})
	}

	t.Run("Create with OrganizationRole patches the user found", func(t *testing.T) {
		t.Parallel()
		patched := strings.Replace(dcCreated, `"userName"`, `"organizationRole": "admin", "userName"`, 1)
		svc, rec := newService(t, created(201, ""), ok(listOf(dcCreated)), ok(patched))
		u, err := svc.Create(ctx, users.CreateParams{Email: "dev-user2@example.com", OrganizationRole: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		rec.Check(t, postUser, findUser, testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjoy",
			Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"organizationRole","value":"admin"}]}`})
		if u.ID != "VXNlcjoy" || u.OrganizationRole != "admin" {
			t.Errorf("user = %+v", u)
		}
	})
}

// TestCreateOptionsApplyToThePostOnly checks that an If-Match given to Create
// reaches the POST but not the follow-up PATCH, where it would fail with 412.
func TestCreateOptionsApplyToThePostOnly(t *testing.T) {
	t.Parallel()
	svc, rec := newService(t, testutil.Reply{Status: 201, Body: dcCreated}, ok(dcCreated))
	_, err := svc.Create(context.Background(),
		users.CreateParams{Email: "dev-user2@example.com", OrganizationRole: "admin"}, scim.IfMatch(`W/"v1"`))
	if err != nil {
		t.Fatal(err)
	}
	rec.Check(t,
		testutil.Want{Method: "POST", Path: "/scim/Users", Header: map[string]string{"If-Match": `W/"v1"`},
			Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"dev-user2","emails":[{"primary":true,"value":"dev-user2@example.com"}]}`},
		testutil.Want{Method: "PATCH", Path: "/scim/Users/VXNlcjoy", Header: map[string]string{"If-Match": ""},
			Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"organizationRole","value":"admin"}]}`},
	)
}

func TestCreateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		sentinel error
		detail   string
	}{
		{409, scim.ErrConflict, "User already exists"},
		{400, scim.ErrBadRequest, "Seat limit reached"},
	}
	for _, tt := range tests {
		t.Run(tt.detail, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, testutil.Reply{Status: tt.status, Body: errorBody("4xx", tt.detail)})
			u, err := svc.Create(context.Background(), users.CreateParams{Email: "a@x.io", OrganizationRole: "admin"})
			if u != nil {
				t.Errorf("user = %+v", u)
			}
			wantAPIError(t, err, tt.status, tt.sentinel, tt.detail)
			if n := len(rec.Requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no PATCH after a failed create)", n)
			}
		})
	}
}

func TestCreateServiceAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params users.ServiceAccountParams
		body   string
	}{
		{
			name:   "team-scoped",
			params: users.ServiceAccountParams{Name: "ci-bot", DefaultTeam: "ml"},
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
				"userName": "ci-bot",
				"accountType": "SERVICE",
				"urn:ietf:params:scim:schemas:extension:teams:2.0:User": {"defaultTeam": "ml"}
			}`,
		},
		{
			name:   "org-scoped with teams containing the default",
			params: users.ServiceAccountParams{Name: "ci-bot", OrgScoped: true, DefaultTeam: "ml", Teams: []string{"infra", "ml"}},
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
				"userName": "ci-bot",
				"accountType": "ORG_SERVICE",
				"urn:ietf:params:scim:schemas:extension:teams:2.0:User": {"defaultTeam": "ml", "teams": ["infra", "ml"]}
			}`,
		},
		{
			name:   "teams without the default: it is added",
			params: users.ServiceAccountParams{Name: "ci-bot", OrgScoped: true, DefaultTeam: "ml", Teams: []string{"infra"}},
			body: `{
				"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:teams:2.0:User"],
				"userName": "ci-bot",
				"accountType": "ORG_SERVICE",
				"urn:ietf:params:scim:schemas:extension:teams:2.0:User": {"defaultTeam": "ml", "teams": ["ml", "infra"]}
			}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			teams := append([]string(nil), tt.params.Teams...)
			svc, rec := newService(t, testutil.Reply{Status: 201, Body: saCreated})
			u, err := svc.CreateServiceAccount(context.Background(), tt.params)
			if err != nil {
				t.Fatal(err)
			}
			rec.Check(t, testutil.Want{Method: "POST", Path: "/scim/Users", Body: tt.body})
			if !reflect.DeepEqual(teams, tt.params.Teams) {
				t.Errorf("caller's Teams changed to %v", tt.params.Teams)
			}
			if u.ID != "VXNlcjoz" || u.AccountType != users.AccountOrgService || u.OrganizationRole != "member" ||
				u.Emails != nil || u.PrimaryEmail() != "" || len(u.TeamRoles) != 1 {
				t.Errorf("user = %+v", u)
			}
		})
	}
}

func TestCreateServiceAccountSelfManagedRole(t *testing.T) {
	t.Parallel()
	reply := strings.NewReplacer(`"organizationRole": "member",`, `"organizationRole": "org_service",`).Replace(saCreated)
	svc, _ := newService(t, testutil.Reply{Status: 201, Body: reply})
	u, err := svc.CreateServiceAccount(context.Background(), users.ServiceAccountParams{Name: "ci-bot", OrgScoped: true, DefaultTeam: "ml"})
	if err != nil {
		t.Fatal(err)
	}
	if u.OrganizationRole != "org_service" {
		t.Errorf("OrganizationRole = %q, want org_service", u.OrganizationRole)
	}
}

func TestCreateServiceAccountErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		sentinel error
		detail   string
	}{
		{409, scim.ErrConflict, "service account ci-bot already exists"},
		{400, scim.ErrBadRequest, "defaultTeam ml does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.detail, func(t *testing.T) {
			t.Parallel()
			svc, _ := newService(t, testutil.Reply{Status: tt.status, Body: errorBody("4xx", tt.detail)})
			u, err := svc.CreateServiceAccount(context.Background(), users.ServiceAccountParams{Name: "ci-bot", DefaultTeam: "ml"})
			if u != nil {
				t.Errorf("user = %+v", u)
			}
			wantAPIError(t, err, tt.status, tt.sentinel, tt.detail)
			if errors.Is(err, scim.ErrInvalidInput) {
				t.Error("a server error matches ErrInvalidInput")
			}
		})
	}
}

// TestCreateFollowUpAfterRecovery checks the requests after a create whose
// reply was lost and whose user was found: the role PATCH is an ordinary
// request again (a 502 on it is its own lost reply, resolved by reading the
// user, not a recovered create), and scim.OnResponse sees every response of
// the call in the order they end: the POST's 502 before the lookup, the
// reply the result comes from last.
func TestCreateFollowUpAfterRecovery(t *testing.T) {
	t.Parallel()
	listed := `{"Resources":[` + dcCreated + `],"totalResults":1}`
	params := users.CreateParams{Email: "dev-user2@example.com", OrganizationRole: "admin"}
	tests := []struct {
		name    string
		replies []testutil.Reply
		want    []int // statuses OnResponse sees
		wantErr error
		unknown bool // the error matches ErrOutcomeUnknown
	}{
		{"created, role set", []testutil.Reply{{Status: 201, Body: dcCreated}, ok(dcCreated)}, []int{201, 200}, nil, false},
		{"reply lost, user found, role set", []testutil.Reply{{Status: 502}, ok(listed), ok(dcCreated)}, []int{502, 200, 200}, nil, false},
		{"role PATCH's reply lost, read back with the role", []testutil.Reply{{Status: 502}, ok(listed), {Status: 502, Body: `{"detail":"gateway"}`},
			ok(strings.Replace(dcCreated, `"active": true,`, `"active": true, "organizationRole": "admin",`, 1))}, []int{502, 200, 502, 200}, nil, false},
		{"role PATCH's reply lost, read back without it", []testutil.Reply{{Status: 502}, ok(listed), {Status: 502, Body: `{"detail":"gateway"}`}, ok(dcCreated)},
			[]int{502, 200, 502, 200}, scim.ErrServer, true}, // read at once: the PATCH may yet be applied
		{"role PATCH's reply lost, read back fails", []testutil.Reply{{Status: 502}, ok(listed), {Status: 502, Body: `{"detail":"gateway"}`}, {Status: 401}},
			[]int{502, 200, 502, 401}, scim.ErrServer, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, rec := newService(t, tt.replies...)
			var seen []int
			u, err := svc.Create(context.Background(), params, scim.OnResponse(func(r *scim.Response) { seen = append(seen, r.StatusCode) }))
			if fmt.Sprint(seen) != fmt.Sprint(tt.want) {
				t.Errorf("OnResponse saw %v, want %v", seen, tt.want)
			}
			if len(rec.Requests()) != len(tt.replies) {
				t.Errorf("%d requests, want %d", len(rec.Requests()), len(tt.replies))
			}
			if tt.wantErr == nil {
				if err != nil || u.ID != "VXNlcjoy" {
					t.Fatalf("Create = %+v, %v", u, err)
				}
				return
			}
			var partial *users.PartialCreateError
			if u != nil || !errors.As(err, &partial) || !errors.Is(err, tt.wantErr) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown ||
				strings.Contains(err.Error(), "though its reply was lost") {
				t.Fatalf("Create = %+v, %v; want a PartialCreateError for the role PATCH's own %v", u, err, tt.wantErr)
			}
		})
	}
}
