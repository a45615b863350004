package resource

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// thing is a resource of the test collection.
type thing struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Meta    scim.Meta `json:"meta"`
	Schemas []string  `json:"schemas"`
}

func things(t *testing.T, replies ...testutil.Reply) (*Collection[thing], *testutil.Recorder) {
	t.Helper()
	c, mock := testutil.NewClient(t)
	return &Collection[thing]{
		Client: c, Path: "Users", Type: "User", Schema: scim.UserSchema, Noun: "user",
		ID:      func(v *thing) string { return v.ID },
		Meta:    func(v *thing) *scim.Meta { return &v.Meta },
		Schemas: func(v *thing) []string { return v.Schemas },
	}, testutil.Serve(t, mock, replies...)
}

func TestItemPath(t *testing.T) {
	t.Parallel()
	c, _ := things(t)
	for _, id := range []string{"", ".", ".."} {
		_, err := c.ItemPath("users.Get", id)
		var ie *scim.InputError
		if !errors.Is(err, scim.ErrInvalidInput) || !errors.As(err, &ie) || ie.Op != "users.Get" {
			t.Errorf("ItemPath(%q) = %v, want an InputError of users.Get", id, err)
		}
	}
	for id, want := range map[string]string{
		"R3JvdXA6MQ==/x": "Users/R3JvdXA6MQ==%2Fx",
		"../Groups":      "Users/..%2FGroups",
		"a b+c":          "Users/a%20b+c",
		"...":            "Users/...",
		"%2e%2e":         "Users/%252e%252e",
	} {
		if got, err := c.ItemPath("op", id); err != nil || got != want {
			t.Errorf("ItemPath(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
}

// TestGetChecksTheReply checks that a 200 reply to a GET must hold a
// resource of the collection's type with an id, and that the error quotes
// the reply.
func TestGetChecksTheReply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"empty object", `{}`, "it holds no user (no id)"},
		{"null", `null`, "it holds no user"},
		{"empty body", ``, "it holds no user"},
		{"text", `OK`, "it holds no user"},
		{"SCIM error body", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"nope","status":"404"}`, "(no id)"},
		{"a group by meta", `{"id":"g1","meta":{"resourceType":"Group"}}`, "it holds a Group, not a User"},
		{"a group by schema", `{"id":"g1","schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`, "it holds a Group, not a User"},
		{"bad JSON", `{"id":`, "not valid JSON"},
		{"wrong shape", `{"id":"u1","name":5}`, "decoding the user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := things(t, testutil.Reply{Status: 200, Body: tt.body})
			v, err := c.Get(context.Background(), "users.Get", "u1", nil)
			rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users/u1"})
			if v != nil || err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "unexpected 200 reply") {
				t.Fatalf("Get = %+v, %v; want an error containing %q", v, err, tt.want)
			}
			if tt.body != "" && !strings.Contains(err.Error(), "; body (application/scim+json): ") {
				t.Errorf("error %q does not quote the reply", err)
			}
		})
	}
	t.Run("a user with its ETag", func(t *testing.T) {
		t.Parallel()
		c, rec := things(t, testutil.Reply{Status: 200, Body: `{"id":"u1","schemas":["urn:ietf:params:scim:schemas:core:2.0:User","x"],"meta":{"resourceType":"User"}}`,
			Header: http.Header{"Etag": {`W/"7"`}}})
		v, err := c.Get(context.Background(), "users.Get", "u1", nil)
		rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users/u1"})
		if err != nil || v.ID != "u1" || v.Meta.Version != `W/"7"` {
			t.Fatalf("Get = %+v, %v", v, err)
		}
	})
}

// TestSend checks which 2xx replies to a change hold the resource.
func TestSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reply   testutil.Reply
		wantOK  bool
		wantErr string
	}{
		{"resource", testutil.Reply{Status: 200, Body: `{"id":"u1"}`, Header: http.Header{"Etag": {`W/"4"`}}}, true, ""},
		{"empty 200", testutil.Reply{Status: 200}, false, ""},
		{"204", testutil.Reply{Status: 204}, false, ""},
		{"text", testutil.Reply{Status: 200, Body: "OK", Header: http.Header{"Content-Type": {"text/plain"}}}, false, ""},
		{"patch echo", testutil.Reply{Status: 200, Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`}, false, ""},
		{"malformed resource", testutil.Reply{Status: 200, Body: `{"id":"u1","name":[]}`}, false, "decoding the user"},
		{"another type", testutil.Reply{Status: 200, Body: `{"id":"g1","meta":{"resourceType":"Group"}}`}, false, "holds a Group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := things(t, tt.reply)
			v, _, err := c.Send(context.Background(), "users.Patch", "u1", "PATCH", scim.NewPatchOp(scim.Replace("", map[string]bool{"active": false})), nil, nil)
			rec.Check(t, testutil.Want{Method: "PATCH", Path: "/scim/Users/u1",
				Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || v != nil {
					t.Fatalf("Send = %+v, %v; want an error containing %q", v, err, tt.wantErr)
				}
				return
			}
			if err != nil || (v != nil) != tt.wantOK {
				t.Fatalf("Send = %+v, %v", v, err)
			}
			if tt.wantOK && (v.ID != "u1" || v.Meta.Version != `W/"4"`) {
				t.Errorf("decoded %+v", v)
			}
		})
	}
	c, _ := things(t, testutil.Reply{Status: 404, Body: `{"detail":"gone"}`})
	if _, _, err := c.Send(context.Background(), "users.Patch", "u1", "PUT", map[string]any{}, nil, nil); !errors.Is(err, scim.ErrNotFound) {
		t.Errorf("err = %v", err)
	}
}

func TestPick(t *testing.T) {
	t.Parallel()
	byName := Match[thing]{Attr: "userName", Fold: true, Keys: func(v *thing) []string { return []string{v.Name} }}
	exactOnly := Match[thing]{Attr: "name", Named: "named", Keys: byName.Keys}
	unique := Match[thing]{Attr: "name", Named: "named", Unique: true, Keys: byName.Keys}
	tests := []struct {
		name     string
		items    []string
		want     string
		m        Match[thing]
		wantID   string
		wantErr  error
		wantText string
	}{
		{"exact", []string{"Ada", "ada"}, "ada", byName, "1", nil, ""},
		{"one folded", []string{"ADA", "bob"}, "ada", byName, "0", nil, ""},
		{"two folded", []string{"ADA", "Ada"}, "ada", byName, "", scim.ErrAmbiguous, `2 users with userName "ada" (IDs 0, 1)`},
		{"two exact", []string{"ada", "ada"}, "ada", byName, "", scim.ErrAmbiguous, "IDs 0, 1"},
		{"none", []string{"bob"}, "ada", byName, "", scim.ErrNotFound, `no user with userName "ada"`},
		{"folded, case-sensitive", []string{"Ada"}, "ada", exactOnly, "", scim.ErrNotFound, `no user named "ada" (name is case-sensitive; "Ada" exists)`},
		{"unique stops at the first", []string{"ada", "ada"}, "ada", unique, "0", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := things(t)
			seen := 0
			seq := func(yield func(*thing, error) bool) {
				for i, n := range tt.items {
					seen++
					if !yield(&thing{ID: string(rune('0' + i)), Name: n}, nil) {
						return
					}
				}
			}
			got, err := c.Pick(seq, tt.want, tt.m)
			if tt.wantErr != nil {
				if got != nil || !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("Pick = %+v, %v; want %v containing %q", got, err, tt.wantErr, tt.wantText)
				}
				return
			}
			if err != nil || got.ID != tt.wantID {
				t.Fatalf("Pick = %+v, %v; want ID %s", got, err, tt.wantID)
			}
			if tt.m.Unique && seen != 1 {
				t.Errorf("Unique walked %d items, want 1", seen)
			}
		})
	}
	boom := errors.New("boom")
	c, _ := things(t)
	if _, err := c.Pick(func(yield func(*thing, error) bool) { yield(nil, boom) }, "x", byName); !errors.Is(err, boom) {
		t.Errorf("Pick on a failing walk = %v", err)
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	own := Invalid("users.Get", "empty user ID")
	tests := []struct {
		err  error
		want string
	}{
		{base, "users.Get: boom"},
		{own, "users.Get: empty user ID"},
		{Wrap("users.Get", base), "users.Get: boom"},
		{Invalid("scim.ListOptions", "negative"), "users.Get: scim.ListOptions: negative"},
		{Wrap("users.FindByUserName", base), "users.Get: users.FindByUserName: boom"},
	}
	for _, tt := range tests {
		if got := Wrap("users.Get", tt.err).Error(); got != tt.want {
			t.Errorf("Wrap(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if Wrap("x", nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
	if !errors.Is(Wrap("users.Get", base), base) || !errors.Is(Wrap("users.Get", own), scim.ErrInvalidInput) {
		t.Error("Wrap hides the wrapped error")
	}
	long := Wrap("users.Get", errors.New(strings.Repeat("x", 100<<10)))
	if n := len(long.Error()); n > 5<<10 {
		t.Errorf("a 100 KB error became %d bytes", n)
	}
	v, err := Done("users.Get", &thing{ID: "u1"}, base)
	if v != nil || err == nil {
		t.Errorf("Done with an error = %+v, %v; want nil and the error", v, err)
	}
	if v, err := Done("users.Get", &thing{ID: "u1"}, nil); err != nil || v.ID != "u1" {
		t.Errorf("Done = %+v, %v", v, err)
	}
}

func TestWrapSeq(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	seq := func(yield func(*thing, error) bool) {
		if yield(&thing{ID: "a"}, nil) {
			yield(nil, boom)
		}
	}
	var ids []string
	var last error
	for v, err := range WrapSeq("users.All", seq) {
		if err != nil {
			last = err
			break
		}
		ids = append(ids, v.ID)
	}
	if !slices.Equal(ids, []string{"a"}) || !errors.Is(last, boom) || last.Error() != "users.All: boom" {
		t.Errorf("ids %v, err %v", ids, last)
	}
}

func TestCheckOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ops  []scim.Operation
		fail bool
	}{
		{nil, true},
		{[]scim.Operation{{Op: "add"}, {Op: "Replace"}, {Op: "REMOVE"}}, false},
		{[]scim.Operation{{Op: "add"}, {Op: ""}}, true},
		{[]scim.Operation{{Op: "move"}}, true},
		{[]scim.Operation{{Op: strings.Repeat("m", 100<<10)}}, true},
	}
	for _, tt := range tests {
		err := CheckOperations("users.Patch", tt.ops)
		if got := errors.Is(err, scim.ErrInvalidInput); got != tt.fail || (err != nil && !tt.fail) {
			t.Errorf("CheckOperations(%d ops) = %v", len(tt.ops), err)
		}
		if err != nil && len(err.Error()) > 1<<10 {
			t.Errorf("error of %d bytes", len(err.Error()))
		}
	}
}

// TestCreateSurvivesLostReplies checks the create rule: a POST whose reply
// was lost is followed by a lookup; found is the result, not found sends the
// POST again, a 409 after a lost attempt is resolved by the lookup, and a
// lookup that fails leaves the outcome unknown, saying so.
func TestCreateSurvivesLostReplies(t *testing.T) {
	t.Parallel()
	const created = `{"id":"u9","name":"ada","meta":{"resourceType":"User"}}`
	const none = `{"Resources":[],"totalResults":0}`
	const found = `{"Resources":[{"id":"u9","name":"ada"}],"totalResults":1}`
	const other = `{"Resources":[{"id":"u1","name":"ADA"}],"totalResults":1}` // W&B names ignore case
	post := testutil.Want{Method: "POST", Path: "/scim/Users", Body: `{"name":"ada"}`}
	lookup := testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=name%20eq%20%22ada%22"}
	lost := testutil.Reply{Status: 502, Body: "bad gateway", Header: http.Header{"Content-Type": {"text/plain"}}}
	dbDown := testutil.Reply{Status: 500, Body: `{"detail":"db down"}`} // the lookup is a GET: retried
	tests := []struct {
		name    string
		replies []testutil.Reply
		wants   []testutil.Want
		wantErr error
		errText string
	}{
		{"lost, not applied: sent again", []testutil.Reply{lost, {Status: 200, Body: none}, {Status: 201, Body: created}},
			[]testutil.Want{post, lookup, post}, nil, ""},
		{"lost, applied: found", []testutil.Reply{{Status: 504}, {Status: 200, Body: found}},
			[]testutil.Want{post, lookup}, nil, ""},
		{"lost, then a 409: found", []testutil.Reply{{Status: 503}, {Status: 200, Body: none}, {Status: 409, Body: `{"detail":"exists"}`}, {Status: 200, Body: found}},
			[]testutil.Want{post, lookup, post, lookup}, nil, ""},
		{"a first 409 is a conflict", []testutil.Reply{{Status: 409, Body: `{"detail":"exists"}`}},
			[]testutil.Want{post}, scim.ErrConflict, "exists"},
		{"a 500 is no lost reply", []testutil.Reply{{Status: 500, Body: `{"detail":"boom"}`}},
			[]testutil.Want{post}, scim.ErrServer, "boom"},
		{"lookup fails: outcome unknown", []testutil.Reply{lost, dbDown, dbDown, dbDown},
			[]testutil.Want{post, lookup, lookup, lookup}, scim.ErrOutcomeUnknown, "sending it again is safe for a create"},
		{"every attempt lost and not applied", []testutil.Reply{lost, {Status: 200, Body: none}, lost, {Status: 200, Body: none}, lost, {Status: 200, Body: none}},
			[]testutil.Want{post, lookup, post, lookup, post, lookup}, scim.ErrOutcomeUnknown, "found the change not made; the server may still apply it"},
		{"lost, and another resource holds the name: a conflict", []testutil.Reply{lost, {Status: 200, Body: other}, {Status: 409, Body: `{"detail":"exists"}`}, {Status: 200, Body: other}},
			[]testutil.Want{post, lookup, post, lookup}, scim.ErrConflict, "exists"},
	}
	m := Match[thing]{Attr: "name", Fold: true, Keys: func(v *thing) []string { return []string{v.Name} }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, mock := testutil.NewClient(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			rec := testutil.Serve(t, mock, tt.replies...)
			c := &Collection[thing]{Client: client, Path: "Users", Type: "User", Schema: scim.UserSchema, Noun: "user",
				ID: func(v *thing) string { return v.ID }, Meta: func(v *thing) *scim.Meta { return &v.Meta },
				Schemas: func(v *thing) []string { return v.Schemas }}
			got, _, err := c.Create(context.Background(), map[string]string{"name": "ada"}, func(ctx context.Context) (*thing, error) {
				return c.FindBy(ctx, "ada", m, nil)
			}, func(v *thing) bool { return v.Name == "ada" }, nil)
			rec.Check(t, tt.wants...)
			if tt.wantErr != nil {
				if got != nil || !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("Create = %+v, %v; want %v containing %q", got, err, tt.wantErr, tt.errText)
				}
				return
			}
			if err != nil || got.ID != "u9" {
				t.Fatalf("Create = %+v, %v; want u9", got, err)
			}
		})
	}
}

// TestUpdateReadBackReports checks that scim.OnResponse sees both requests of
// a change whose reply held no resource, the read-back last.
func TestUpdateReadBackReports(t *testing.T) {
	t.Parallel()
	c, rec := things(t,
		testutil.Reply{Status: 200, Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`, Header: http.Header{"Etag": {`W/"1"`}}},
		testutil.Reply{Status: 200, Body: `{"id":"u1"}`, Header: http.Header{"Etag": {`W/"2"`}}})
	var seen []string
	v, err := c.Update(context.Background(), "users.Patch", "u1", "PATCH", scim.NewPatchOp(scim.Replace("displayName", "Ada")), nil,
		[]scim.RequestOption{scim.IfMatch(`W/"1"`), scim.OnResponse(func(r *scim.Response) { seen = append(seen, r.Request.Method+" "+r.ETag) })})
	rec.Check(t,
		testutil.Want{Method: "PATCH", Path: "/scim/Users/u1", Header: map[string]string{"If-Match": `W/"1"`},
			Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Ada"}]}`},
		testutil.Want{Method: "GET", Path: "/scim/Users/u1", Header: map[string]string{"If-Match": ""}}, // the read-back is not conditional
	)
	if err != nil || v.Meta.Version != `W/"2"` || strings.Join(seen, ",") != `PATCH W/"1",GET W/"2"` {
		t.Errorf("Update = %+v, %v; OnResponse saw %v", v, err, seen)
	}
}
