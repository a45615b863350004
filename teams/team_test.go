package teams

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestTeamDecodesMembers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		members string // the "members" member, or "" for none
		want    []MemberRef
		wantNil bool
	}{
		{
			name:    "capitalised keys with empty Ref and Type",
			members: `"members":[{"Value":"abc","Ref":"","Type":"","Display":"dev-user1"}]`,
			want:    []MemberRef{{Value: "abc", Display: "dev-user1"}},
		},
		{
			name:    "Ref and Type missing",
			members: `"members":[{"Value":"abc","Display":"dev-user1"},{"Value":"def"}]`,
			want:    []MemberRef{{Value: "abc", Display: "dev-user1"}, {Value: "def"}},
		},
		{
			name:    "capitalised Ref and Type set",
			members: `"members":[{"Value":"abc","Ref":"Users/abc","Type":"User","Display":"dev-user1"}]`,
			want:    []MemberRef{{Value: "abc", Display: "dev-user1", Ref: "Users/abc", Type: "User"}},
		},
		{
			name:    "RFC 7643 keys",
			members: `"members":[{"value":"abc","$ref":"https://x/scim/Users/abc","type":"User","display":"dev-user1"}]`,
			want:    []MemberRef{{Value: "abc", Display: "dev-user1", Ref: "https://x/scim/Users/abc", Type: "User"}},
		},
		{name: "null", members: `"members":null`, wantNil: true},
		{name: "empty array", members: `"members":[]`, want: []MemberRef{}},
		{name: "absent", members: "", wantNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"id":"ghi","displayName":"acme-devs","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]`
			if tt.members != "" {
				body += "," + tt.members
			}
			body += "}"
			var team Team
			if err := json.Unmarshal([]byte(body), &team); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if team.ID != "ghi" || team.DisplayName != "acme-devs" {
				t.Errorf("team = %+v", team)
			}
			if tt.wantNil {
				if len(team.Members) != 0 {
					t.Errorf("Members = %+v, want none", team.Members)
				}
				return
			}
			if !reflect.DeepEqual(team.Members, tt.want) {
				t.Errorf("Members = %+v, want %+v", team.Members, tt.want)
			}
		})
	}
}

func TestTeamDecodesDocExample(t *testing.T) {
	t.Parallel()
	var team Team
	if err := json.Unmarshal([]byte(groupGhiJSON), &team); err != nil {
		t.Fatal(err)
	}
	checkTeam(t, &team, wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1},
		Location: "Groups/ghi", Created: created, Mod: created})
}

func TestMemberRefMarshal(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal([]MemberRef{{Value: "abc", Display: "dev-user1"}, {Value: "d", Ref: "Users/d", Type: "User"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"value":"abc","display":"dev-user1"},{"value":"d","$ref":"Users/d","type":"User"}]`
	if string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
}
