package testutil

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB collects the failures a check reports instead of failing the test.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

// failures runs check against a fakeTB and returns what it reported.
func failures(t *testing.T, check func(testing.TB)) []string {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(f)
	}()
	<-done
	return f.errs
}

// recordGraphQL makes one GraphQL call through the mock client and returns
// the recorder and what it recorded.
func recordGraphQL(t *testing.T) (*Recorder, Recorded) {
	t.Helper()
	c, mock := NewClient(t)
	rec := Serve(t, mock, GraphQLReply(`{"data":{"createTeam":{"entity":{"id":"RW50aXR5OjE="}}}}`))
	query := "mutation CreateTeam($teamName: String!) { createTeam(input: {teamName: $teamName}) { entity { id } } }"
	var v any
	if err := c.GraphQL(context.Background(), query, map[string]any{"teamName": "ml"}, &v); err != nil {
		t.Fatal(err)
	}
	return rec, rec.Requests()[0]
}

var wantCreateTeam = WantGraphQL{
	Operation: "mutation CreateTeam",
	Contains:  []string{"createTeam(input: {teamName: $teamName})"},
	Variables: `{"teamName":"ml"}`,
}

func TestCheckGraphQLAcceptsTheClientsCall(t *testing.T) {
	t.Parallel()
	rec, got := recordGraphQL(t)
	if got.Host != "wandb.test" {
		t.Errorf("recorded Host = %q, want wandb.test", got.Host)
	}
	rec.CheckGraphQL(t, wantCreateTeam)
}

func TestCheckGraphQLRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Recorded, *WantGraphQL)
		want   string // in a reported failure
	}{
		{"method", func(r *Recorded, _ *WantGraphQL) { r.Method = "GET" }, "want POST /graphql"},
		{"path", func(r *Recorded, _ *WantGraphQL) { r.Path = "/api/graphql" }, "want POST /graphql"},
		{"query string", func(r *Recorded, _ *WantGraphQL) { r.RawQuery = "a=1" }, "want POST /graphql"},
		{"host", func(r *Recorded, _ *WantGraphQL) { r.Host = "evil.test" }, `Host = "evil.test"`},
		{"bearer auth", func(r *Recorded, _ *WantGraphQL) { r.Header.Set("Authorization", "Bearer "+APIKey) }, "Authorization"},
		{"other key", func(r *Recorded, _ *WantGraphQL) { r.Header.Set("Authorization", "Basic YXBpOm90aGVy") }, "Authorization"},
		{"content type", func(r *Recorded, _ *WantGraphQL) { r.Header.Set("Content-Type", "application/scim+json") }, "Content-Type"},
		{"no admin privileges", func(r *Recorded, _ *WantGraphQL) { r.Header.Del("Use-Admin-Privileges") }, "Use-Admin-Privileges"},
		{"user agent", func(r *Recorded, _ *WantGraphQL) { r.Header.Set("User-Agent", "go-wandb-identity/dev") }, "User-Agent"},
		{"body not JSON", func(r *Recorded, _ *WantGraphQL) { r.Body = []byte("query=x") }, "not JSON"},
		{"operation", func(_ *Recorded, w *WantGraphQL) { w.Operation = "mutation DeleteTeam" }, `"mutation DeleteTeam"`},
		{"contains", func(_ *Recorded, w *WantGraphQL) { w.Contains = []string{"members"} }, `"members"`},
		{"variables differ", func(_ *Recorded, w *WantGraphQL) { w.Variables = `{"teamName":"ops"}` }, "mismatch"},
		{"extra variable", func(_ *Recorded, w *WantGraphQL) { w.Variables = `{"teamName":"ml","x":null}` }, "mismatch"},
		{"variables wanted, none sent", func(r *Recorded, _ *WantGraphQL) {
			r.Body = []byte(`{"query":"mutation CreateTeam createTeam(input: {teamName: $teamName})"}`)
		}, "mismatch"},
		{"none wanted, some sent", func(_ *Recorded, w *WantGraphQL) { w.Variables = "" }, "mismatch"},
	}
	_, orig := recordGraphQL(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, want := orig, wantCreateTeam
			got.Header = orig.Header.Clone()
			tt.change(&got, &want)
			errs := failures(t, func(tb testing.TB) { CheckGraphQLRequest(tb, got, want) })
			if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), tt.want) {
				t.Errorf("failures = %q, want one mentioning %q", errs, tt.want)
			}
		})
	}
}

func TestCheckGraphQLCountsRequests(t *testing.T) {
	t.Parallel()
	rec, _ := recordGraphQL(t)
	errs := failures(t, func(tb testing.TB) { rec.CheckGraphQL(tb, wantCreateTeam, wantCreateTeam) })
	if len(errs) != 1 || !strings.Contains(errs[0], "got 1 requests, want 2") {
		t.Errorf("failures = %q", errs)
	}
}

func TestCheckRequestHost(t *testing.T) {
	t.Parallel()
	c, mock := NewClient(t)
	rec := Serve(t, mock, Reply{Status: http.StatusNoContent})
	req, err := c.NewRequest(context.Background(), http.MethodDelete, "Users/u1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(req, nil); err != nil {
		t.Fatal(err)
	}
	want := Want{Method: http.MethodDelete, Path: "/scim/Users/u1"}
	rec.Check(t, want)

	got := rec.Requests()[0]
	got.Host = "evil.test"
	errs := failures(t, func(tb testing.TB) { CheckRequest(tb, got, want) })
	if len(errs) != 1 || !strings.Contains(errs[0], `Host = "evil.test", want "wandb.test"`) {
		t.Errorf("failures = %q", errs)
	}
}
