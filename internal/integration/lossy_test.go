package integration_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// lossyProxy forwards every request to upstream. For a share of the POSTs it
// lets upstream apply the request and then loses the reply: half of those by
// closing the connection without an answer, half by answering 502, as a
// gateway whose upstream reply was lost. For a further share it answers 502
// without forwarding, so that the request was never applied.
type lossyProxy struct {
	upstream      string
	share, before float64

	mu                      sync.Mutex
	rng                     *rand.Rand
	posts                   int
	dropped, gateways, lost int
}

// fate draws what happens to one POST.
func (p *lossyProxy) fate() (drop, gateway, unsent bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts++
	switch x := p.rng.Float64(); {
	case x < p.share/2:
		p.dropped++
		return true, false, false
	case x < p.share:
		p.gateways++
		return false, true, false
	case x < p.share+p.before:
		p.lost++
		return false, false, true
	}
	return false, false, false
}

func (p *lossyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var drop, gateway bool
	if r.Method == http.MethodPost {
		var unsent bool
		if drop, gateway, unsent = p.fate(); unsent {
			http.Error(w, "upstream unreachable", http.StatusBadGateway)
			return
		}
	}
	body, _ := io.ReadAll(r.Body)
	out, _ := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	out.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	switch {
	case drop:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	case gateway:
		http.Error(w, "upstream reply lost", http.StatusBadGateway)
		return
	}
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(reply)
}

// TestCreatesSurviveLostReplies is the proof of the create rule: 1,000 user
// creates from 16 goroutines, and 100 teams and 100 roles, through a proxy
// that applies 20% of the POSTs and then loses their replies, and loses
// another 5% before they reach the server. Every resource must exist exactly
// once and every call must return it.
func TestCreatesSurviveLostReplies(t *testing.T) {
	t.Parallel()
	nUsers, nTeams, nRoles := 1000, 100, 100
	if testing.Short() {
		nUsers, nTeams, nRoles = 100, 20, 20
	}
	srv := scimtest.Start(t, scimtest.Options{})
	proxy := &lossyProxy{upstream: srv.URL, share: 0.2, before: 0.05, rng: rand.New(rand.NewPCG(1, 2))}
	front := httptest.NewServer(proxy)
	defer front.Close()
	c, err := scim.NewClient(scim.WithBaseURL(front.URL), scim.WithAPIKey(srv.APIKey),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 6, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	us, ts, rs := users.New(c), teams.New(c), roles.New(c)
	ctx := context.Background()

	var failures atomic.Int32
	run := func(n int, create func(i int) (string, error), want func(i int) string) {
		var wg sync.WaitGroup
		next := atomic.Int32{}
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
					got, err := create(i)
					if err != nil || got != want(i) {
						failures.Add(1)
						t.Errorf("create %d: got %q, %v; want %q", i, got, err, want(i))
					}
				}
			}()
		}
		wg.Wait()
	}
	userName := func(i int) string { return fmt.Sprintf("user%04d", i) }
	run(nUsers, func(i int) (string, error) {
		u, err := us.Create(ctx, users.CreateParams{Email: userName(i) + "@example.com"})
		if err != nil {
			return "", err
		}
		return u.UserName, nil
	}, userName)
	teamName := func(i int) string { return fmt.Sprintf("team-%03d", i) }
	run(nTeams, func(i int) (string, error) {
		tm, err := ts.Create(ctx, teams.CreateParams{DisplayName: teamName(i)})
		if err != nil {
			return "", err
		}
		return tm.DisplayName, nil
	}, teamName)
	roleName := func(i int) string { return fmt.Sprintf("role-%03d", i) }
	run(nRoles, func(i int) (string, error) {
		r, err := rs.Create(ctx, roles.Params{Name: roleName(i), InheritedFrom: roles.InheritViewer, Permissions: []string{"run:stop"}})
		if err != nil {
			return "", err
		}
		return r.Name, nil
	}, roleName)

	// Exactly once each: the simulator keeps names unique, so count them.
	counts := map[string]int{}
	for u, err := range us.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts[u.UserName]++
	}
	for tm, err := range ts.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts[tm.DisplayName]++
	}
	for r, err := range rs.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts[r.Name]++
	}
	for i := range nUsers {
		if counts[userName(i)] != 1 {
			t.Errorf("%s exists %d times", userName(i), counts[userName(i)])
		}
	}
	for i := range nTeams {
		if counts[teamName(i)] != 1 {
			t.Errorf("%s exists %d times", teamName(i), counts[teamName(i)])
		}
	}
	for i := range nRoles {
		if counts[roleName(i)] != 1 {
			t.Errorf("%s exists %d times", roleName(i), counts[roleName(i)])
		}
	}
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	creates := nUsers + nTeams + nRoles
	t.Logf("%d creates: %d POSTs; %d applied and their replies lost (%d connections closed, %d 502s), %d lost before the server; %d failures",
		creates, proxy.posts, proxy.dropped+proxy.gateways, proxy.dropped, proxy.gateways, proxy.lost, failures.Load())
	if proxy.dropped+proxy.gateways < creates/10 || proxy.dropped == 0 || proxy.gateways == 0 || proxy.lost == 0 {
		t.Errorf("the proxy lost %d+%d+%d of %d POSTs; the test needs every kind", proxy.dropped, proxy.gateways, proxy.lost, proxy.posts)
	}
	if proxy.posts != creates+proxy.lost {
		t.Errorf("%d POSTs for %d creates and %d lost before the server: a POST was repeated needlessly or not at all",
			proxy.posts, creates, proxy.lost)
	}
}

// TestLostCreateOfATakenName checks that a create whose reply was lost does
// not take another resource that holds the name for its own: the first
// POST of each create fails with a 502 before the server sees it, the lookup
// finds a different resource, and the call ends with the server's 409.
func TestLostCreateOfATakenName(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "carol", Email: "carol@old.example.com"}},
		Teams: []scimtest.Team{{Name: "ML-Platform"}},
		Roles: []scimtest.Role{{Name: "auditor", InheritedFrom: "viewer", Permissions: []string{"project:read"}}},
	})
	c := srv.Client(t, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	us, ts, rs := users.New(c), teams.New(c), roles.New(c)
	ctx := context.Background()
	for name, create := range map[string]func() error{
		"a user with another address": func() error {
			_, err := us.Create(ctx, users.CreateParams{UserName: "carol", Email: "carol@new.example.com"})
			return err
		},
		"a service account named as a user": func() error {
			_, err := us.CreateServiceAccount(ctx, users.ServiceAccountParams{Name: "carol", DefaultTeam: "ML-Platform"})
			return err
		},
		"a team named in another case": func() error {
			_, err := ts.Create(ctx, teams.CreateParams{DisplayName: "ml-platform"})
			return err
		},
		"a role with other permissions": func() error {
			_, err := rs.Create(ctx, roles.Params{Name: "auditor", InheritedFrom: roles.InheritViewer, Permissions: []string{"run:stop"}})
			return err
		},
	} {
		srv.SetFaults(scimtest.Faults{FailFirst: 1, FailStatus: 502})
		if err := create(); !errors.Is(err, scim.ErrConflict) {
			t.Errorf("%s: err = %v, want the server's 409", name, err)
		}
	}
	if u, _ := srv.User("carol"); u.Email != "carol@old.example.com" || u.AccountType != scimtest.AccountUser {
		t.Errorf("carol changed: %+v", u)
	}
}
