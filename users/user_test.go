package users_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

func TestUserDecode(t *testing.T) {
	t.Parallel()
	date := func(y int, m time.Month, d int) *time.Time {
		tm := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return &tm
	}
	tests := []struct {
		name string
		body string
		want users.User
	}{
		{
			name: "legacy emails object",
			body: legacyUser,
			want: users.User{
				ID: "VXNlcjox=", UserName: "dev-user1", DisplayName: "Dev User 1", Active: true,
				Emails:           scim.Emails{{Value: "dev-user1@example.com", Primary: true}},
				OrganizationRole: "member", ModelsSeat: users.SeatFull, WeaveRole: users.SeatViewer,
				DaysActive: 12, LastActiveAt: date(2025, time.July, 1),
				Schemas: []string{scim.UserSchema},
			},
		},
		{
			name: "emails array, lastActiveAt null, roles",
			body: arrayUser,
			want: users.User{
				ID: "VXNlcjox=", UserName: "dev-user1", DisplayName: "Dev User 1", Active: true,
				Emails: scim.Emails{
					{Value: "alt@example.com", Type: "other"},
					{Value: "dev-user1@example.com", Type: "work", Primary: true},
				},
				TeamRoles:     []users.TeamRole{{TeamName: "ml", RoleName: "admin"}},
				RegistryRoles: []users.RegistryRole{{RegistryName: "model", RoleName: "viewer"}},
				Schemas:       []string{scim.UserSchema},
			},
		},
		{
			name: "multi-tenant create reply with groups",
			body: mtCreated,
			want: users.User{
				ID: "VXNlcjoy", UserName: "dev-user2", DisplayName: "dev-user2", Active: true,
				Emails:           scim.Emails{{Value: "dev-user2@example.com", Primary: true}},
				Groups:           []users.GroupRef{{Value: "R3JvdXA6MQ=="}},
				OrganizationRole: "member",
				TeamRoles:        []users.TeamRole{{TeamName: "ml", RoleName: "member"}},
				ModelsSeat:       users.SeatFull, WeaveRole: users.SeatFull,
				Schemas: []string{scim.UserSchema, scim.TeamsUserExtension},
			},
		},
		{
			name: "service account without emails",
			body: saCreated,
			want: users.User{
				ID: "VXNlcjoz", UserName: "ci-bot", DisplayName: "ci-bot", Active: true,
				AccountType: users.AccountOrgService, OrganizationRole: "member",
				TeamRoles: []users.TeamRole{{TeamName: "ml", RoleName: "member"}},
				Schemas:   []string{scim.UserSchema, scim.WandbUserExtension},
			},
		},
		{
			name: "self-managed service account role only in the wandb extension",
			body: `{"id":"SA","userName":"bot","accountType":"SERVICE",
				"urn:ietf:params:scim:schemas:extension:wandb:2.0:User":{"organizationRole":"service"}}`,
			want: users.User{ID: "SA", UserName: "bot", AccountType: users.AccountService, OrganizationRole: "service"},
		},
		{
			name: "top-level organizationRole wins over the extension",
			body: `{"id":"SA","userName":"bot","accountType":"ORG_SERVICE","organizationRole":"org_service",
				"urn:ietf:params:scim:schemas:extension:wandb:2.0:User":{"organizationRole":"member"}}`,
			want: users.User{ID: "SA", UserName: "bot", AccountType: users.AccountOrgService, OrganizationRole: "org_service"},
		},
		{
			name: "capitalised group keys, null lists",
			body: `{"id":"U","userName":"u","groups":[{"Value":"G1","Display":"ml"}],"teamRoles":null,"registryRoles":[],"emails":null}`,
			want: users.User{ID: "U", UserName: "u", Groups: []users.GroupRef{{Value: "G1", Display: "ml"}}, RegistryRoles: []users.RegistryRole{}},
		},
		{
			name: "lenient scalars: bad timestamp, string daysActive and active",
			body: `{"id":"U","userName":"u","lastActiveAt":"yesterday","daysActive":"7","active":"true"}`,
			want: users.User{ID: "U", UserName: "u", DaysActive: 7, Active: true},
		},
		{
			name: "lastActiveAt as a number is ignored",
			body: `{"id":"U","userName":"u","lastActiveAt":1719792000,"daysActive":3.0}`,
			want: users.User{ID: "U", UserName: "u", DaysActive: 3},
		},
		{
			name: "lastActiveAt with offset",
			body: `{"id":"U","userName":"u","lastActiveAt":"2025-07-01T02:00:00+02:00"}`,
			want: users.User{ID: "U", UserName: "u", LastActiveAt: date(2025, time.July, 1)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got users.User
			if err := json.Unmarshal([]byte(tt.body), &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			got.Meta = scim.Meta{} // checked elsewhere
			if (got.LastActiveAt == nil) != (tt.want.LastActiveAt == nil) ||
				got.LastActiveAt != nil && !got.LastActiveAt.Equal(*tt.want.LastActiveAt) {
				t.Errorf("LastActiveAt = %v, want %v", got.LastActiveAt, tt.want.LastActiveAt)
			}
			got.LastActiveAt, tt.want.LastActiveAt = nil, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestUserDecodeRejectsNonObject(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`[]`, `"user"`, `{"id":"U","teamRoles":"admin"}`} {
		var u users.User
		if err := json.Unmarshal([]byte(body), &u); err == nil {
			t.Errorf("Unmarshal(%s) succeeded: %+v", body, u)
		}
	}
}

func TestUserRoundTrip(t *testing.T) {
	t.Parallel()
	var u users.User
	if err := json.Unmarshal([]byte(legacyUser), &u); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(&u)
	if err != nil {
		t.Fatal(err)
	}
	var again users.User
	if err := json.Unmarshal(b, &again); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if !reflect.DeepEqual(u.Emails, again.Emails) || !u.LastActiveAt.Equal(*again.LastActiveAt) ||
		u.DaysActive != again.DaysActive || u.OrganizationRole != again.OrganizationRole {
		t.Errorf("round trip changed the user:\n%+v\n%+v", u, again)
	}
}

func TestPrimaryEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		user *users.User
		want string
	}{
		{"nil user", nil, ""},
		{"no emails", &users.User{}, ""},
		{"primary not first", &users.User{Emails: scim.Emails{{Value: "a@x.io"}, {Value: "b@x.io", Primary: true}}}, "b@x.io"},
		{"no primary: first", &users.User{Emails: scim.Emails{{Value: "a@x.io"}, {Value: "b@x.io"}}}, "a@x.io"},
	}
	for _, tt := range tests {
		if got := tt.user.PrimaryEmail(); got != tt.want {
			t.Errorf("%s: PrimaryEmail = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSeatAndAccountType(t *testing.T) {
	t.Parallel()
	for seat, want := range map[users.Seat]bool{"full": true, "viewer": true, "none": true, "": false, "Full": false, "admin": false} {
		if seat.Valid() != want {
			t.Errorf("Seat(%q).Valid() = %v", seat, !want)
		}
	}
	for at, want := range map[users.AccountType]bool{"USER": false, "SERVICE": true, "ORG_SERVICE": true, "": false} {
		if at.IsServiceAccount() != want {
			t.Errorf("AccountType(%q).IsServiceAccount() = %v", at, !want)
		}
		if (&users.User{AccountType: at}).IsServiceAccount() != want {
			t.Errorf("User{AccountType: %q}.IsServiceAccount() = %v", at, !want)
		}
	}
	var nilUser *users.User
	if nilUser.IsServiceAccount() {
		t.Error("nil user is a service account")
	}
}
