package teams

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeTeam decodes arbitrary replies as a Team: never a panic, and a
// decoded team encodes and decodes again to the same members.
func FuzzDecodeTeam(f *testing.F) {
	for _, seed := range []string{
		`{"id":"g","displayName":"ml","members":[{"Value":"u1","Display":"ada","Ref":"","Type":""}]}`,
		`{"id":"g","displayName":"ml","members":null}`,
		`{"id":"g","members":[{"value":"u1","$ref":"Users/u1"},{"Value":"u2","ref":"x"}]}`,
		`{"members":{}}`, `{"id":["x"]}`, `[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm Team
		if err := json.Unmarshal(b, &tm); err != nil {
			return
		}
		out, err := json.Marshal(tm)
		if err != nil {
			t.Fatalf("a decoded team does not encode: %v", err)
		}
		var again Team
		if err := json.Unmarshal(out, &again); err != nil || again.ID != tm.ID || len(again.Members) != len(tm.Members) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, tm, again)
		}
		for i := range tm.Members {
			if again.Members[i] != tm.Members[i] {
				t.Fatalf("member %d: %+v became %+v", i, tm.Members[i], again.Members[i])
			}
		}
	})
}
