package users

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/go-wandb/identity/scim"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	ada := &User{ID: "u1", UserName: "ada", DisplayName: "Ada", Emails: scim.Emails{{Value: "Ada@Example.com", Primary: true}},
		OrganizationRole: "member", ModelsSeat: SeatFull, WeaveRole: SeatViewer}
	tests := []struct {
		name string
		user *User
		want Attributes
		out  []AttributeChange
	}{
		{"nothing managed", ada, Attributes{}, nil},
		{"equal; email and predefined roles ignore case", ada,
			Attributes{Email: "ada@example.com", DisplayName: "Ada", OrganizationRole: "Member", ModelsSeat: SeatFull, WeaveRole: SeatViewer}, nil},
		{"everything differs", ada,
			Attributes{Email: "ada@new.example", DisplayName: "Ada L.", OrganizationRole: "admin", ModelsSeat: SeatViewer, WeaveRole: SeatNone},
			[]AttributeChange{
				{"email", "Ada@Example.com", "ada@new.example"}, {"displayName", "Ada", "Ada L."},
				{"organizationRole", "member", "admin"}, {"modelsSeat", "full", "viewer"}, {"weaveRole", "viewer", "none"},
			}},
		{"custom role names are case-sensitive", &User{OrganizationRole: "Auditor"}, Attributes{OrganizationRole: "auditor"},
			[]AttributeChange{{"organizationRole", "Auditor", "auditor"}}},
		{"legacy viewer is member with viewer seats", ada, Attributes{OrganizationRole: "viewer"},
			[]AttributeChange{{"modelsSeat", "full", "viewer"}}},
		{"legacy viewer, seats given", &User{OrganizationRole: "admin", ModelsSeat: SeatFull, WeaveRole: SeatFull},
			Attributes{OrganizationRole: "Viewer", WeaveRole: SeatNone},
			[]AttributeChange{{"organizationRole", "admin", "member"}, {"modelsSeat", "full", "viewer"}, {"weaveRole", "full", "none"}}},
		{"nil user", nil, Attributes{Email: "a@b.c", OrganizationRole: "member"},
			[]AttributeChange{{"email", "", "a@b.c"}, {"organizationRole", "", "member"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Compare(tt.user, tt.want); !reflect.DeepEqual(got, tt.out) {
				t.Errorf("Compare = %+v\nwant %+v", got, tt.out)
			}
		})
	}
}

func TestAttributeChangeOperation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		change AttributeChange
		json   string
	}{
		{AttributeChange{"email", "a@x.io", "b@x.io"}, `{"op":"replace","path":"emails","value":[{"value":"b@x.io","primary":true}]}`},
		{AttributeChange{"displayName", "A", "B"}, `{"op":"replace","path":"displayName","value":"B"}`},
		{AttributeChange{"organizationRole", "member", "admin"}, `{"op":"replace","path":"organizationRole","value":"admin"}`},
		{AttributeChange{"modelsSeat", "full", "none"}, `{"op":"replace","path":"modelsSeat","value":"none"}`},
		{AttributeChange{"weaveRole", "", "viewer"}, `{"op":"replace","path":"weaveRole","value":"viewer"}`},
	} {
		got, err := json.Marshal(tt.change.Operation())
		if err != nil || string(got) != tt.json {
			t.Errorf("%+v: Operation = %s, %v; want %s", tt.change, got, err, tt.json)
		}
	}
}
