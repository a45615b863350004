package teams

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

func TestCompareMembers(t *testing.T) {
	t.Parallel()
	refs := func(ids ...string) []MemberRef {
		out := make([]MemberRef, len(ids))
		for i, id := range ids {
			out[i] = MemberRef{Value: id, Display: "user-" + id}
		}
		return out
	}
	serviceAccount := func(m MemberRef) bool { return m.Value == "sa" }
	always := func(MemberRef) bool { return true }
	tests := []struct {
		name    string
		current []MemberRef
		want    []string
		keep    func(MemberRef) bool
		change  MemberChange
	}{
		{"equal", refs("a", "b"), []string{"b", "a"}, nil, MemberChange{}},
		{"empty team", nil, []string{"a", "b"}, nil, MemberChange{Add: []string{"a", "b"}}},
		{"add and remove, in order", refs("c", "a", "d"), []string{"b", "a", "e"}, nil, MemberChange{Add: []string{"b", "e"}, Remove: []string{"c", "d"}}},
		{"repeats count once", refs("a", "a", "c", "c"), []string{"b", "b", "a"}, nil, MemberChange{Add: []string{"b"}, Remove: []string{"c"}}},
		{"want nobody", refs("a", "b"), nil, nil, MemberChange{Remove: []string{"a", "b"}}},
		{"service accounts stay", refs("a", "sa"), []string{"b"}, serviceAccount, MemberChange{Add: []string{"b"}, Remove: []string{"a"}}},
		{"additive removes nobody", refs("a", "sa"), []string{"b"}, always, MemberChange{Add: []string{"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := CompareMembers(tt.current, tt.want, tt.keep)
			if !reflect.DeepEqual(got, tt.change) {
				t.Errorf("CompareMembers = %+v, want %+v", got, tt.change)
			}
			if got.IsZero() != (len(tt.change.Add)+len(tt.change.Remove) == 0) {
				t.Errorf("IsZero = %v", got.IsZero())
			}
		})
	}
}

// TestChangeMembers checks the one request ChangeMembers sends: one add of
// every new member and one remove per leaving member, conditional with
// IfMatch, and the team decoded from the reply.
func TestChangeMembers(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: groupAddedJSON})
	team, err := New(c).ChangeMembers(context.Background(), "ghi",
		MemberChange{Add: []string{"def", "jane@example.com"}, Remove: []string{"abc", `x"y`}}, scim.IfMatch(`W/"3"`))
	rec.Check(t, testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Header: map[string]string{"If-Match": `W/"3"`}, Body: `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [
			{"op": "add", "path": "members", "value": [{"value": "def"}, {"value": "jane@example.com"}]},
			{"op": "remove", "path": "members[value eq \"abc\"]"},
			{"op": "remove", "path": "members[value eq \"x\\\"y\"]"}
		]}`})
	if err != nil {
		t.Fatal(err)
	}
	checkTeam(t, team, wantTeam{ID: "ghi", DisplayName: "acme-devs", Members: []MemberRef{devUser1, devUser2},
		Location: "Groups/ghi", Created: created, Mod: modified})

	// Removals only: no add operation.
	c, mock = testutil.NewClient(t)
	rec = testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: groupRemovedOneJSON})
	if _, err := New(c).ChangeMembers(context.Background(), "ghi", MemberChange{Remove: []string{"def"}}); err != nil {
		t.Fatal(err)
	}
	rec.Check(t, testutil.Want{Method: "PATCH", Path: "/scim/Groups/ghi", Body: `{
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "remove", "path": "members[value eq \"def\"]"}]}`})
}

func TestChangeMembersInvalid(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		id     string
		change MemberChange
		msg    string
	}{
		{"nothing", "ghi", MemberChange{}, "no members to add or remove"},
		{"blank add", "ghi", MemberChange{Add: []string{" "}}, "member 0: empty user ID or email"},
		{"blank remove", "ghi", MemberChange{Add: []string{"a"}, Remove: []string{"b", ""}}, "member 1: empty user ID or email"},
		{"added and removed", "ghi", MemberChange{Add: []string{"a"}, Remove: []string{"a"}}, `member "a" is both added and removed`},
		{"dot-dot ID", "..", MemberChange{Add: []string{"a"}}, "invalid team ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock)
			team, err := New(c).ChangeMembers(context.Background(), tt.id, tt.change)
			if team != nil || !errors.Is(err, scim.ErrInvalidInput) || !strings.HasPrefix(err.Error(), "teams.ChangeMembers: ") ||
				!strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ChangeMembers = %v, %v; want an input error containing %q", team, err, tt.msg)
			}
			rec.Check(t)
		})
	}
}
