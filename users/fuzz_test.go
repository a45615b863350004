package users_test

import (
	"encoding/json"
	"testing"

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
