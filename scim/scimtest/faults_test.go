package scimtest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

var newUser = map[string]any{
	"userName": "bob", "emails": []map[string]any{{"value": "bob@example.com", "primary": true}},
}

func TestFailFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		want   error
	}{
		{"503", 0, scim.ErrServer},
		{"429", http.StatusTooManyRequests, scim.ErrTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{Faults: scimtest.Faults{FailFirst: 2, FailStatus: tt.status, RetryAfter: "7"}})
			for i := 0; i < 2; i++ {
				_, _, err := e.do(http.MethodPost, "Users", newUser)
				var se *scim.Error
				if !errors.Is(err, tt.want) || !errors.As(err, &se) || se.RetryAfter != 7*time.Second {
					t.Fatalf("attempt %d: err = %v, want %v with Retry-After 7s", i+1, err, tt.want)
				}
				if _, ok := e.srv.User("bob"); ok {
					t.Fatal("a failed request created the user")
				}
			}
			if _, _, err := e.do(http.MethodPost, "Users", newUser); err != nil {
				t.Fatalf("third attempt: %v", err)
			}
			var statuses []int
			for _, r := range e.srv.Requests() {
				statuses = append(statuses, r.Status)
			}
			want := []int{503, 503, 201}
			if tt.status != 0 {
				want = []int{tt.status, tt.status, 201}
			}
			if !equalJSON(statuses, want) {
				t.Errorf("statuses = %v, want %v", statuses, want)
			}
		})
	}
}

func TestFaultsWithClientRetries(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{Faults: scimtest.Faults{FailFirst: 2, FailStatus: http.StatusTooManyRequests, RetryAfter: "0"}})
	c := srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	var u map[string]any
	if _, err := call(c, context.Background(), http.MethodPost, "Users", newUser, &u); err != nil {
		t.Fatalf("POST with retries: %v", err)
	}
	if reqs := srv.Requests(); len(reqs) != 3 || reqs[2].Status != http.StatusCreated {
		t.Errorf("requests = %d, want 3 ending in 201", len(reqs))
	}
	if u["userName"] != "bob" {
		t.Errorf("reply = %v", u)
	}
}

// failures returns which of n GETs failed.
func failures(t *testing.T, f scimtest.Faults, n int) []bool {
	e := newEnv(t, scimtest.Options{Faults: f})
	out := make([]bool, n)
	for i := range out {
		_, _, err := e.do(http.MethodGet, "Users", nil)
		out[i] = err != nil
		if err != nil && !errors.Is(err, scim.ErrServer) {
			t.Fatalf("err = %v, want a 503", err)
		}
	}
	return out
}

func TestFailureRateIsDeterministic(t *testing.T) {
	t.Parallel()
	f := scimtest.Faults{FailureRate: 0.5, Seed: 42}
	a, b := failures(t, f, 40), failures(t, f, 40)
	if !equalJSON(a, b) {
		t.Errorf("same seed, different failures:\n%v\n%v", a, b)
	}
	n := 0
	for _, failed := range a {
		if failed {
			n++
		}
	}
	if n < 8 || n > 32 {
		t.Errorf("%d of 40 failed at rate 0.5", n)
	}
	if c := failures(t, scimtest.Faults{FailureRate: 0.5, Seed: 7}, 40); equalJSON(a, c) {
		t.Error("another seed gave the same failures")
	}
	for _, failed := range failures(t, scimtest.Faults{}, 20) {
		if failed {
			t.Fatal("a request failed without faults")
		}
	}
}

func TestLatencyAndSetFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, scimtest.Options{})
	e.srv.SetFaults(scimtest.Faults{Latency: 60 * time.Millisecond})
	start := time.Now()
	e.must(http.MethodGet, "Users", nil)
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("request took %v, want at least 60ms", d)
	}
	e.srv.SetFaults(scimtest.Faults{FailFirst: 1})
	e.fails(http.StatusServiceUnavailable, http.MethodGet, "Users", nil)
	e.must(http.MethodGet, "Users", nil)
	// Faults apply to GraphQL too.
	e.srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: http.StatusBadGateway})
	if _, err := e.graphql(`{ viewer { id } }`, nil); !errors.Is(err, scim.ErrServer) {
		t.Errorf("GraphQL err = %v, want a 502", err)
	}
}
