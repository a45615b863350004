package users_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// FuzzDecodeUser decodes arbitrary replies as a User: decoding never panics,
// and a decoded user encodes and decodes again to the same user.
func FuzzDecodeUser(f *testing.F) {
	for _, seed := range []string{
		legacyUser, arrayUser, saCreated,
		`{"id":"u","emails":null,"active":"True","daysActive":"3","lastActiveAt":"2025-7-1T3:04:05Z"}`,
		`{"id":"u","emails":{"Value":"a@b.c","Primary":"true"},"lastActiveAt":null}`,
		`{"id":"u","lastActiveAt":"2025-07-01T00:00:00+24:00","meta":{"created":"2025-13-01"}}`,
		`{"id":"u","urn:ietf:params:scim:schemas:extension:wandb:2.0:User":{"organizationRole":"org_service"}}`,
		`{"id":5}`, `[]`, `null`, `{"emails":[{"primary":1}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var u users.User
		if err := json.Unmarshal(b, &u); err != nil {
			return
		}
		out, err := json.Marshal(u)
		if err != nil {
			t.Fatalf("a decoded user does not encode: %v\n%+v", err, u)
		}
		var again users.User
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("an encoded user does not decode: %v\n%s", err, out)
		}
		if again.ID != u.ID || again.UserName != u.UserName || again.Active != u.Active || again.PrimaryEmail() != u.PrimaryEmail() ||
			again.DaysActive != u.DaysActive || (again.LastActiveAt == nil) != (u.LastActiveAt == nil) || again.OrganizationRole != u.OrganizationRole {
			t.Fatalf("round trip changed the user:\n%+v\n%+v", u, again)
		}
	})
}

// mirror is User as plain encoding/json reads it, the lenient fields left raw.
type mirror struct {
	ID               string                 `json:"id"`
	UserName         string                 `json:"userName"`
	DisplayName      string                 `json:"displayName"`
	AccountType      string                 `json:"accountType"`
	OrganizationRole string                 `json:"organizationRole"`
	ModelsSeat       string                 `json:"modelsSeat"`
	WeaveRole        string                 `json:"weaveRole"`
	TeamRoles        []users.TeamRole       `json:"teamRoles"`
	RegistryRoles    []users.RegistryRole   `json:"registryRoles"`
	Groups           []users.GroupRef       `json:"groups"`
	Schemas          []string               `json:"schemas"`
	Active           json.RawMessage        `json:"active"`
	Emails           json.RawMessage        `json:"emails"`
	DaysActive       json.RawMessage        `json:"daysActive"`
	LastActiveAt     json.RawMessage        `json:"lastActiveAt"`
	Meta             json.RawMessage        `json:"meta"`
	Extension        *struct{ OrgRole any } `json:"urn:ietf:params:scim:schemas:extension:wandb:2.0:User"`
}

// FuzzUserDecoderAgrees compares the reflection-free User decoder with
// encoding/json on every field that has no lenient reading: where
// encoding/json reads the input, the decoder reads the same values, and the
// decoder reads nothing that is not valid JSON.
func FuzzUserDecoderAgrees(f *testing.F) {
	for _, seed := range []string{
		legacyUser, arrayUser, saCreated,
		`{"ID":"a","USERNAME":"b","userName":"c","teamRoles":[{"TEAMNAME":"t","roleName":"admin"},null]}`,
		`{"id":"a\u00e9\ud83d\ude00\ud800","displayName":"\xff","schemas":["x",null]}`,
		`{"id":"a","groups":null,"registryRoles":[],"weaveRole":null}`,
		`{"ſchemas":["k"],"K":"x"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var u users.User
		err := json.Unmarshal(b, &u) // validates, then calls the decoder
		direct := u.UnmarshalJSON(b)
		if direct == nil && !json.Valid(b) {
			t.Fatalf("the decoder read invalid JSON %q", b)
		}
		var m mirror
		if json.Unmarshal(b, &m) != nil {
			return
		}
		if err != nil {
			// encoding/json reads the strict fields; only a lenient field in
			// an impossible shape (emails: 5) may fail the decoder.
			var lenient struct {
				Emails scim.Emails `json:"emails"`
				Meta   scim.Meta   `json:"meta"`
			}
			if json.Unmarshal(b, &lenient) == nil {
				t.Fatalf("encoding/json reads %q, the decoder fails: %v", b, err)
			}
			return
		}
		got := mirror{ID: u.ID, UserName: u.UserName, DisplayName: u.DisplayName, AccountType: string(u.AccountType),
			ModelsSeat: string(u.ModelsSeat), WeaveRole: string(u.WeaveRole), TeamRoles: u.TeamRoles,
			RegistryRoles: u.RegistryRoles, Groups: u.Groups, Schemas: u.Schemas}
		want := m
		want.OrganizationRole, want.Active, want.Emails, want.DaysActive, want.LastActiveAt, want.Meta, want.Extension = "", nil, nil, nil, nil, nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoder:\n%+v\nencoding/json:\n%+v", got, want)
		}
		if m.OrganizationRole != "" && u.OrganizationRole != m.OrganizationRole {
			t.Fatalf("organizationRole %q, encoding/json %q", u.OrganizationRole, m.OrganizationRole)
		}
		var meta struct{ ResourceType, Location, Version string }
		if len(m.Meta) > 0 && json.Unmarshal(m.Meta, &meta) == nil &&
			(meta.ResourceType != u.Meta.ResourceType || meta.Location != u.Meta.Location || meta.Version != u.Meta.Version) {
			t.Fatalf("meta %+v, encoding/json %+v", u.Meta, meta)
		}
		var emails []struct {
			Value, Display, Type string
		}
		if len(m.Emails) > 0 && json.Unmarshal(m.Emails, &emails) == nil {
			if len(emails) != len(u.Emails) {
				t.Fatalf("emails %+v, encoding/json %+v", u.Emails, emails)
			}
			for i, e := range emails {
				if e.Value != u.Emails[i].Value || e.Display != u.Emails[i].Display || e.Type != u.Emails[i].Type {
					t.Fatalf("email %d: %+v, encoding/json %+v", i, u.Emails[i], e)
				}
			}
		}
	})
}
