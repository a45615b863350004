package scim_test

import (
	"testing"

	"github.com/go-wandb/identity/scim"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	a, b, c := scim.Eq("userName", "a"), scim.Eq("emails.value", "b@x.io"), scim.Eq("displayName", "c")
	tests := []struct {
		got  scim.Filter
		want string
	}{
		{scim.Eq("userName", "dev-user1"), `userName eq "dev-user1"`},
		{scim.Eq("displayName", `say "hi"`), `displayName eq "say \"hi\""`},
		{scim.Eq("userName", `back\slash`), `userName eq "back\\slash"`},
		{scim.Eq("userName", `\"`), `userName eq "\\\""`},
		{scim.Eq("userName", "a\nb\tc\r\x00\x1f\x1b"), `userName eq "a\nb\tc\r\u0000\u001F\u001B"`},
		{scim.Eq("displayName", "ünï©ødé"), `displayName eq "ünï©ødé"`},
		{a.And(b), `userName eq "a" and emails.value eq "b@x.io"`},
		{a.Or(b), `userName eq "a" or emails.value eq "b@x.io"`},
		{a.Or(b).And(c), `(userName eq "a" or emails.value eq "b@x.io") and displayName eq "c"`},
		{c.And(a.Or(b)), `displayName eq "c" and (userName eq "a" or emails.value eq "b@x.io")`},
		{scim.Eq("displayName", "x or y").And(c), `displayName eq "x or y" and displayName eq "c"`},
		{scim.Filter("").And(a), `userName eq "a"`},
		{a.Or(""), `userName eq "a"`},
	}
	for _, tt := range tests {
		if tt.got.String() != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
	if q := scim.Quote(`a"b`); q != `"a\"b"` {
		t.Errorf("Quote = %s", q)
	}
}
