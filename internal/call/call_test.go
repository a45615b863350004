package call

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestSetKeepsParentsConfig checks that Set changes the request's
// configuration, not the one of the context it was built from.
func TestSetKeepsParentsConfig(t *testing.T) {
	t.Parallel()
	var seen []string
	parent := With(context.Background(), Config{Hooks: []func(*http.Response){func(*http.Response) { seen = append(seen, "parent") }}})
	req, err := http.NewRequestWithContext(parent, http.MethodGet, "http://example.test/", nil)
	if err != nil {
		t.Fatal(err)
	}
	Set(req, func(c *Config) {
		c.MaxAttempts = 1
		c.Hooks = append(c.Hooks, func(*http.Response) { seen = append(seen, "request") })
	})
	if got := From(parent); got.MaxAttempts != 0 || len(got.Hooks) != 1 {
		t.Errorf("parent's config = %+v, want it unchanged", got)
	}
	got := From(req.Context())
	if got.MaxAttempts != 1 || len(got.Hooks) != 2 {
		t.Fatalf("request's config = %+v", got)
	}
	for _, f := range got.Hooks {
		f(nil)
	}
	if len(seen) != 2 || seen[0] != "parent" || seen[1] != "request" {
		t.Errorf("hooks ran %v", seen)
	}
}

// TestFollowUpKeepsOnlyHooks checks that the context for a call's further
// requests keeps its OnResponse functions and nothing else.
func TestFollowUpKeepsOnlyHooks(t *testing.T) {
	t.Parallel()
	ctx := With(context.Background(), Config{
		Kind: GraphQLMutation, MaxAttempts: 1, AttemptTimeout: time.Second, AttemptTimeoutSet: true,
		Hooks:   []func(*http.Response){func(*http.Response) {}},
		Resolve: &Resolver{Resend: true},
	})
	got := From(FollowUp(ctx))
	if got.Kind != SCIM || got.MaxAttempts != 0 || got.AttemptTimeoutSet || got.Resolve != nil || len(got.Hooks) != 1 {
		t.Errorf("follow-up config = %+v, want only the hook", got)
	}
	if plain := context.Background(); FollowUp(plain) != plain {
		t.Error("FollowUp of a context without settings is not that context")
	}
}
