package scimtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// richOrg starts a server of flavor holding every kind of data (custom roles
// as org and team roles, a removed Multi-tenant user, service accounts,
// registry roles, activity, a storage bucket, a pending invite, a generated
// API key), changed through SCIM and GraphQL so that versions and counters
// are past their seed values.
func richOrg(t *testing.T, flavor scimtest.Flavor) *env {
	t.Helper()
	e := newEnv(t, scimtest.Options{
		Flavor: flavor,
		Roles:  []scimtest.Role{{Name: "Ops", Permissions: []string{"run:stop"}}, {Name: "Auditor", InheritedFrom: "viewer"}},
		Users: []scimtest.User{
			{UserName: "alice", Email: "alice@example.com", OrgRole: "admin", DaysActive: 40, LastActiveAt: epoch.Add(-time.Hour)},
			{UserName: "bob", Email: "bob@example.com", OrgRole: "Ops", ModelsSeat: "viewer",
				RegistryRoles: []scimtest.RegistryRole{{RegistryName: "models", RoleName: "admin"}}},
			{UserName: "bot", AccountType: scimtest.AccountOrgService, APIKey: "bot-key-0123456789012345678901234567890123"},
			{UserName: "tsa", AccountType: scimtest.AccountService},
		},
		Teams: []scimtest.Team{
			{Name: "ml", Members: []string{"alice", "bob", "tsa"}, Roles: map[string]string{"alice": "admin", "bob": "Auditor"}},
			{Name: "data", StorageBucket: &scimtest.StorageBucket{Name: "b", Provider: "GCP", Path: "p"}},
		},
	})
	e.must(http.MethodPatch, "Users/"+user3ID, patchOp(scim.Replace("weaveRole", "none")))
	carol := e.must(http.MethodPost, "Users", map[string]any{
		"userName": "carol", "emails": []map[string]any{{"value": "carol@example.com", "primary": true}},
	})
	e.must(http.MethodPatch, "Groups/"+group2, patchOp(scim.Add("members", []map[string]string{{"value": carol["id"].(string)}})))
	e.fails(http.StatusNotFound, http.MethodGet, "Users/VXNlcjo5OQ==", nil) // changes nothing
	if _, err := e.graphql(createInvite, map[string]any{"entity": "ml", "email": "new@example.com", "admin": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.graphql(generateAPIKey, map[string]any{"description": "ci"}); err != nil {
		t.Fatal(err)
	}
	// Dedicated deletes carol for good; Multi-tenant removes her from the
	// organization and keeps her account for a later POST.
	e.do(http.MethodDelete, "Users/"+carol["id"].(string), nil)
	return e
}

// bodies returns the raw replies of a few reads, ETags included.
func bodies(t *testing.T, e *env) []string {
	t.Helper()
	var out []string
	for _, path := range []string{"Users", "Groups", "Roles", "Users/" + user2ID, "Groups/" + group1} {
		raw, resp, err := e.do(http.MethodGet, path, nil)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		out = append(out, resp.ETag+" "+string(raw))
	}
	data, err := e.graphql(getTeamEntity, map[string]any{"name": "ml"})
	if err != nil {
		t.Fatal(err)
	}
	return append(out, string(data))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStateRoundTrip saves a server's state as JSON, starts a second server
// from it, and checks that the second continues exactly: the same state,
// the same replies and ETags, and the same IDs for what is created next.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		t.Run(flavor.String(), func(t *testing.T) {
			t.Parallel()
			first := richOrg(t, flavor)
			saved := first.srv.State()
			raw := mustJSON(t, saved)
			var loaded scimtest.State
			if err := json.Unmarshal([]byte(raw), &loaded); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(raw, `{"kind":"`+scimtest.StateKind+`",`) {
				t.Errorf("the state's JSON does not start with its kind: %.60s…", raw)
			}
			if loaded.Format != scimtest.StateFormat || loaded.Flavor != flavor || loaded.Revision != 6 || loaded.Counters.Users != 6 ||
				loaded.Counters.Invites != 1 || len(loaded.APIKeys) != 3 {
				t.Errorf("state: format %d, flavor %v, revision %d, counters %+v, %d keys; want 1, %v, 6, 6 users and 1 invite, 3 keys",
					loaded.Format, loaded.Flavor, loaded.Revision, loaded.Counters, len(loaded.APIKeys), flavor)
			}
			if removed := slices.ContainsFunc(loaded.Users, func(u scimtest.StateUser) bool { return u.Removed }); removed != (flavor == scimtest.MultiTenant) {
				t.Errorf("a removed user in the state: %t", removed)
			}

			second := newEnv(t, scimtest.Options{Flavor: flavor, State: &loaded})
			if got := mustJSON(t, second.srv.State()); got != raw {
				t.Errorf("state after loading differs:\n got %s\nwant %s", got, raw)
			}
			if a, b := bodies(t, first), bodies(t, second); !slices.Equal(a, b) {
				t.Errorf("replies differ:\nfirst  %q\nsecond %q", a, b)
			}
			// Both create the same next resources, with the same IDs.
			for _, e := range []*env{first, second} {
				e.must(http.MethodPost, "Users", map[string]any{
					"userName": "dave", "emails": []map[string]any{{"value": "dave@example.com", "primary": true}},
				})
				e.must(http.MethodPost, "Groups", map[string]any{"displayName": "new-team", "members": []any{}})
				if _, err := e.graphql(createInvite, map[string]any{"entity": "data", "email": "x@example.com"}); err != nil {
					t.Fatal(err)
				}
				if flavor == scimtest.MultiTenant { // carol comes back with her ID
					e.must(http.MethodPost, "Users", map[string]any{
						"userName": "carol", "emails": []map[string]any{{"value": "carol@example.com", "primary": true}},
					})
				}
			}
			a, b := first.srv.State(), second.srv.State()
			if mustJSON(t, a) != mustJSON(t, b) {
				t.Errorf("after the same requests the states differ:\nfirst  %s\nsecond %s", mustJSON(t, a), mustJSON(t, b))
			}
			// The keys still authenticate: the generated one, and a seeded one.
			for _, key := range []string{saved.APIKeys[len(saved.APIKeys)-1].Secret, "bot-key-0123456789012345678901234567890123"} {
				c, err := scim.NewClient(scim.WithBaseURL(second.srv.URL), scim.WithAPIKey(key))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := call(c, context.Background(), http.MethodGet, "Users", nil, nil); err != nil {
					t.Errorf("key %.8s… after loading: %v", key, err)
				}
			}
		})
	}
}

// TestStateIsACopy: a snapshot shares nothing with the server.
func TestStateIsACopy(t *testing.T) {
	t.Parallel()
	e := richOrg(t, scimtest.Dedicated)
	st := e.srv.State()
	before := mustJSON(t, e.srv.State())
	st.Users[1].Emails[0] = "changed@example.com"
	st.Users[2].RegistryRoles[0].RoleName = "changed"
	st.Teams[0].Members[0].Role = "changed"
	st.Roles[0].Permissions[0] = "changed:x"
	if after := mustJSON(t, e.srv.State()); after != before {
		t.Errorf("changing a snapshot changed the server")
	}
}

// TestStateRejected loads inconsistent states: Listen returns an error
// naming the problem, and never panics.
func TestStateRejected(t *testing.T) {
	t.Parallel()
	base := richOrg(t, scimtest.Dedicated).srv.State()
	clone := func() *scimtest.State {
		var st scimtest.State
		if err := json.Unmarshal([]byte(mustJSON(t, base)), &st); err != nil {
			t.Fatal(err)
		}
		return &st
	}
	tests := []struct {
		name   string
		change func(*scimtest.State)
		opts   scimtest.Options
		want   string
	}{
		{name: "other kind", change: func(s *scimtest.State) { s.Kind = "wandb-org" }, want: `kind "wandb-org", want "wandb-simulator-state": not a simulator state`},
		{name: "other format", change: func(s *scimtest.State) { s.Format = 2 }, want: "state format 2"},
		{name: "other flavor", opts: scimtest.Options{Flavor: scimtest.MultiTenant}, want: "Dedicated organization, the server is MultiTenant"},
		{name: "seed data too", opts: scimtest.Options{Users: []scimtest.User{{UserName: "x", Email: "x@x"}}}, want: "exclude each other"},
		{name: "ID of another kind", change: func(s *scimtest.State) { s.Users[1].ID = group1 }, want: "not a User ID"},
		{name: "ID past the counter", change: func(s *scimtest.State) { s.Counters.Users = 3 }, want: "outside the counter's range 1..3"},
		{name: "ID used twice", change: func(s *scimtest.State) { s.Users[2].ID = s.Users[1].ID }, want: "used twice"},
		{name: "user name used twice", change: func(s *scimtest.State) { s.Users[2].UserName = "ALICE" }, want: "userName is used twice"},
		{name: "email used twice", change: func(s *scimtest.State) { s.Users[2].Emails = []string{"Alice@example.com"} }, want: "used twice"},
		{name: "version 0", change: func(s *scimtest.State) { s.Roles[0].Version = 0 }, want: "version 0"},
		{name: "unknown org role", change: func(s *scimtest.State) { s.Users[2].OrgRole = "Boss" }, want: `unknown orgRole "Boss"`},
		{name: "unknown seat", change: func(s *scimtest.State) { s.Users[2].ModelsSeat = "half" }, want: "half"},
		{name: "service account with a seat", change: func(s *scimtest.State) { s.Users[3].ModelsSeat = "full" }, want: "service account"},
		{name: "removed on Dedicated", change: func(s *scimtest.State) { s.Users[2].Removed = true }, want: "only Multi-tenant"},
		{name: "member not a user", change: func(s *scimtest.State) { s.Teams[0].Members[0].UserID = "VXNlcjo5OQ==" }, want: "not a user of the organization"},
		{name: "unknown team role", change: func(s *scimtest.State) { s.Teams[0].Members[0].Role = "Boss" }, want: `unknown team role "Boss"`},
		{name: "bad bucket", change: func(s *scimtest.State) { s.Teams[1].StorageBucket.Provider = "s3" }, want: "provider"},
		{name: "invite without address", change: func(s *scimtest.State) { s.Teams[0].Invites[0].Email = "" }, want: "neither email nor username"},
		{name: "key of nobody", change: func(s *scimtest.State) { s.APIKeys[1].OwnerID = "VXNlcjo5OQ==" }, want: "owner"},
		{name: "secret used twice", change: func(s *scimtest.State) { s.APIKeys[1].Secret = s.APIKeys[0].Secret }, want: "secret"},
		{name: "predefined role name", change: func(s *scimtest.State) { s.Roles[0].Name = "member" }, want: "predefined"},
		{
			name: "no admin for the server's key",
			change: func(s *scimtest.State) {
				s.APIKeys = s.APIKeys[1:]
				s.Users[0].UserName = "root"
			},
			want: `no admin "admin"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := clone()
			if tt.change != nil {
				tt.change(st)
			}
			opts := tt.opts
			opts.State = st
			srv, err := scimtest.Listen(opts)
			if err == nil {
				srv.Close()
				t.Fatalf("Listen accepted the state; want an error mentioning %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "scimtest: ") {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestStateWithoutKind: a state written before State.Kind existed (no
// "kind") still loads, and is written back with it.
func TestStateWithoutKind(t *testing.T) {
	t.Parallel()
	st := richOrg(t, scimtest.Dedicated).srv.State()
	st.Kind = ""
	srv, err := scimtest.Listen(scimtest.Options{State: st})
	if err != nil {
		t.Fatalf("Listen refused a state without kind: %v", err)
	}
	defer srv.Close()
	if got := srv.State().Kind; got != scimtest.StateKind {
		t.Errorf("Kind = %q, want %q", got, scimtest.StateKind)
	}
}

// TestStateIssuesTheServersKey: a state without the server's key gives it
// to the admin, as seeding does.
func TestStateIssuesTheServersKey(t *testing.T) {
	t.Parallel()
	st := newEnv(t, scimtest.Options{}).srv.State()
	srv := scimtest.Start(t, scimtest.Options{State: st, APIKey: "another-admin-key-0123456789012345678901234"})
	if _, err := call(srv.Client(t), context.Background(), http.MethodGet, "Users", nil, nil); err != nil {
		t.Errorf("the server's key: %v", err)
	}
	if got := srv.State(); len(got.APIKeys) != 2 || got.APIKeys[1].OwnerID != got.Users[0].ID {
		t.Errorf("keys = %+v, want the new key issued to the admin", got.APIKeys)
	}
}

// changes records what OnChange hands over.
type changes struct {
	mu    sync.Mutex
	revs  []int
	last  *scimtest.State
	count int
}

func (c *changes) record(st *scimtest.State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revs = append(c.revs, st.Revision)
	c.count++
	if c.last == nil || st.Revision > c.last.Revision {
		c.last = st
	}
}

func (c *changes) n() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// TestOnChange checks which requests and calls count as changes, that
// OnChange has seen a change by the time its reply arrives, and that
// Revision orders the snapshots.
func TestOnChange(t *testing.T) {
	t.Parallel()
	var ch changes
	e := newEnv(t, scimtest.Options{OnChange: ch.record, Teams: []scimtest.Team{{Name: "ml"}}})
	steps := []struct {
		name string
		do   func() error
		want int // changes so far
	}{
		{"GET", func() error { _, _, err := e.do(http.MethodGet, "Users", nil); return err }, 0},
		{"POST", func() error {
			_, _, err := e.do(http.MethodPost, "Users", map[string]any{"userName": "u", "emails": []map[string]any{{"value": "u@x.io", "primary": true}}})
			return err
		}, 1},
		{"failed POST", func() error {
			_, _, err := e.do(http.MethodPost, "Users", map[string]any{"userName": "u", "emails": []map[string]any{{"value": "u@x.io", "primary": true}}})
			if !errors.Is(err, scim.ErrConflict) {
				return errors.New("want a conflict")
			}
			return nil
		}, 1},
		{"PATCH", func() error {
			_, _, err := e.do(http.MethodPatch, "Groups/"+group1, patchOp(scim.Add("members", []map[string]string{{"value": user2ID}})))
			return err
		}, 2},
		{"GraphQL query", func() error { _, err := e.graphql(getViewer, nil); return err }, 2},
		{"GraphQL mutation", func() error {
			_, err := e.graphql(createTeam, map[string]any{"teamName": "vision"})
			return err
		}, 3},
		{"failed GraphQL mutation", func() error {
			if _, err := e.graphql(createTeam, map[string]any{"teamName": "vision"}); err == nil {
				return errors.New("want an error")
			}
			return nil
		}, 3},
		{"AddUser", func() error { _, err := e.srv.AddUser(scimtest.User{UserName: "v", Email: "v@x.io"}); return err }, 4},
		{"NewAPIKey", func() error { _, err := e.srv.NewAPIKey("v"); return err }, 5},
		{"injected fault", func() error {
			e.srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: http.StatusBadGateway})
			_, _, err := e.do(http.MethodDelete, "Users/"+user2ID, nil)
			if !errors.Is(err, scim.ErrServer) {
				return errors.New("want the injected 502")
			}
			return nil
		}, 5},
		{"DELETE", func() error { _, _, err := e.do(http.MethodDelete, "Users/"+user2ID, nil); return err }, 6},
		{"Reset", e.srv.Reset, 7},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := ch.n(); got != s.want {
			t.Fatalf("after %s: %d changes seen, want %d", s.name, got, s.want)
		}
	}
	if !slices.Equal(ch.revs, []int{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("revisions %v, want 1..7", ch.revs)
	}
	if got, want := mustJSON(t, ch.last), mustJSON(t, e.srv.State()); got != want {
		t.Errorf("the last snapshot is not the server's state:\n got %s\nwant %s", got, want)
	}
}

// TestOnChangeConcurrent: under concurrent changes, the snapshot with the
// highest Revision is the final state.
func TestOnChangeConcurrent(t *testing.T) {
	t.Parallel()
	var ch changes
	e := newEnv(t, scimtest.Options{OnChange: ch.record})
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "user" + string(rune('a'+i))
			if _, _, err := e.do(http.MethodPost, "Users", map[string]any{
				"userName": name, "emails": []map[string]any{{"value": name + "@x.io", "primary": true}},
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ch.n() != n || ch.last.Revision != n || len(ch.last.Users) != n+1 {
		t.Fatalf("%d changes, last revision %d with %d users; want %d, %d, %d", ch.n(), ch.last.Revision, len(ch.last.Users), n, n, n+1)
	}
	if mustJSON(t, ch.last) != mustJSON(t, e.srv.State()) {
		t.Error("the newest snapshot is not the server's state")
	}
}

func TestOnRequestAndDiscardRequests(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []scimtest.Request
	)
	srv := scimtest.Start(t, scimtest.Options{
		DiscardRequests: true,
		Faults:          scimtest.Faults{Latency: 2 * time.Millisecond},
		OnRequest: func(r scimtest.Request) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, r)
		},
	})
	c := srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	call(c, context.Background(), http.MethodGet, "Users?filter=userName%20eq%20%22admin%22", nil, nil)
	call(c, context.Background(), http.MethodGet, "Users/nope", nil, nil)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("Requests() holds %d requests with DiscardRequests", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("OnRequest saw %d requests, want 2", len(seen))
	}
	if r := seen[0]; r.Method != http.MethodGet || r.Path != "/scim/Users" || r.RawQuery == "" || r.Status != http.StatusOK || r.Duration < 2*time.Millisecond {
		t.Errorf("first request %+v", r)
	}
	if r := seen[1]; r.Path != "/scim/Users/nope" || r.Status != http.StatusNotFound {
		t.Errorf("second request %+v", r)
	}
}

func TestAddr(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if srv, err := scimtest.Listen(scimtest.Options{Addr: busy.Addr().String()}); err == nil {
		srv.Close()
		t.Error("Listen on a busy address succeeded")
	} else if !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("err = %v", err)
	}
	if srv, err := scimtest.Listen(scimtest.Options{Addr: "no-port"}); err == nil {
		srv.Close()
		t.Error("Listen on a malformed address succeeded")
	}

	srv, err := scimtest.Listen(scimtest.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || strings.HasSuffix(srv.URL, ":0") {
		t.Errorf("URL = %q", srv.URL)
	}
	if _, err := call(srv.Client(t), context.Background(), http.MethodGet, "Users", nil, nil); err != nil {
		t.Error(err)
	}
}

func TestFlavorText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want scimtest.Flavor
		err  bool
	}{
		{"Dedicated", scimtest.Dedicated, false},
		{"self-managed", scimtest.SelfManaged, false},
		{"SELF_MANAGED", scimtest.SelfManaged, false},
		{"multi-tenant", scimtest.MultiTenant, false},
		{" multitenant ", scimtest.MultiTenant, false},
		{"saas", 0, true},
		{"", 0, true},
	} {
		var f scimtest.Flavor
		err := f.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.err || (!tt.err && f != tt.want) {
			t.Errorf("UnmarshalText(%q) = %v, %v", tt.in, f, err)
		}
		if !tt.err {
			if b, err := f.MarshalText(); err != nil || string(b) != tt.want.String() {
				t.Errorf("MarshalText(%v) = %s, %v", f, b, err)
			}
		}
	}
	if _, err := scimtest.Flavor(9).MarshalText(); err == nil {
		t.Error("MarshalText of an invalid flavor succeeded")
	}
	// A Flavor works as a flag.
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(&bytes.Buffer{})
	var f scimtest.Flavor
	fs.TextVar(&f, "flavor", scimtest.Dedicated, "")
	if err := fs.Parse([]string{"-flavor", "multi-tenant"}); err != nil || f != scimtest.MultiTenant {
		t.Errorf("-flavor multi-tenant: %v, %v", f, err)
	}
	if err := fs.Parse([]string{"-flavor", "cloud"}); err == nil {
		t.Error("-flavor cloud accepted")
	}
}
