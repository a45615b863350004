package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-wandb/identity/scim"
)

// TestAuthorizationStaysOnOrigin redirects a request to another port of the
// same host, the case Go's own client would forward credentials to, and to a
// path on the same origin, which keeps them.
func TestAuthorizationStaysOnOrigin(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]string{}
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[name] = r.Header.Get("Authorization")
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}
	}
	other := httptest.NewServer(record("other"))
	defer other.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/scim/Users/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/stolen", http.StatusFound)
	})
	mux.HandleFunc("/scim/Users/home", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/scim/Users/landed", http.StatusFound)
	})
	mux.HandleFunc("/scim/Users/landed", record("same"))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"Users/away", "Users/home"} {
		if _, err := call(c, context.Background(), "GET", p, nil, nil); err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
	}
	if got := seen["other"]; got != "" {
		t.Errorf("redirect to another port carried Authorization %q", got)
	}
	if got := seen["same"]; got != "Bearer "+key {
		t.Errorf("redirect on the same origin: Authorization = %q, want the key", got)
	}
}

// TestResponseCarriesNoCredential checks the request a Response points back
// to: the credential went on a copy, never on what callers can read.
func TestResponseCarriesNoCredential(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+key {
			t.Errorf("server saw Authorization %q", r.Header.Get("Authorization"))
		}
		if r.URL.Path == "/scim/Users/missing" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		fmt.Fprint(w, `{"id":"a"}`)
	}))
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"Users/a", "Users/missing"} {
		resp, _ := call(c, context.Background(), "GET", path, nil, nil)
		if resp == nil || resp.Request == nil {
			t.Fatalf("GET %s: no response", path)
		}
		if got := resp.Request.Header.Get("Authorization"); got != "" {
			t.Errorf("GET %s: Response.Request carries Authorization %q", path, got)
		}
		if s := fmt.Sprintf("%+v", resp.Request); strings.Contains(s, key) {
			t.Errorf("GET %s: printing Response.Request shows the key", path)
		}
	}
}
