package scim_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-wandb/identity/scim"
)

// TestConcurrentCalls shares one client among 64 goroutines over a real
// socket; run under -race it checks the client is safe for concurrent use, and
// the connection count checks the pool lets them reuse connections.
func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"id":%q}`, r.URL.Path)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	const workers, calls = 64, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				var v struct{ ID string }
				path := fmt.Sprintf("Users/u%d-%d", w, i)
				if _, err := call(c, context.Background(), "GET", path, nil, &v); err != nil {
					errs <- err
				} else if v.ID != "/scim/"+path {
					errs <- fmt.Errorf("got %q for %s", v.ID, path)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// A transport may dial a spare connection while another frees up (up to
	// 97 for 64 workers on a loaded 2-core machine), so allow some slack; a
	// pool of 2 idle connections per host opens about one per call.
	if n := conns.Load(); n > 3*workers {
		t.Errorf("%d connections for %d workers making %d calls: the pool does not reuse them", n, workers, workers*calls)
	}
}
