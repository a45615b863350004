package roles_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/go-wandb/identity/roles"
)

// FuzzDecodeRole decodes arbitrary replies as a Role: never a panic, and a
// decoded role encodes and decodes again to the same permissions.
func FuzzDecodeRole(f *testing.F) {
	for _, seed := range []string{
		`{"id":"Um9sZTo3","name":"Sample","inheritedFrom":"viewer","organizationID":"T3Jn","permissions":[{"name":"run:stop","isInherited":false},{"name":"project:read","isInherited":true}],"schemas":[""]}`,
		`{"id":"r","permissions":null}`, `{"permissions":[{}]}`, `{"meta":{"created":"2025-7-01T00:00:00Z"}}`, `[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r roles.Role
		if err := json.Unmarshal(b, &r); err != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("a decoded role does not encode: %v", err)
		}
		var again roles.Role
		if err := json.Unmarshal(out, &again); err != nil || again.ID != r.ID || !slices.Equal(again.CustomPermissions(), r.CustomPermissions()) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, r, again)
		}
	})
}
