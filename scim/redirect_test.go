package scim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
)

// TestRedirects checks the client's redirect rules on real sockets: a
// redirect to another origin (here another port of the same host, where Go's
// own client would forward credentials) is not followed at all; a redirect
// on the same origin is, with the credential; a 301/302/303 that would turn
// a POST into a GET is an error, never a silent GET; a 307 keeps the method
// and body on the same origin; a loop is an error and is not retried.
func TestRedirects(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hits := map[string]int{}
	auth := map[string]string{}
	bodies := map[string]string{}
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			hits[name]++
			auth[name] = r.Header.Get("Authorization")
			bodies[name] = string(b)
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}
	}
	other := httptest.NewServer(record("other"))
	defer other.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/scim/Users/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/stolen?token=abc", http.StatusFound)
	})
	mux.HandleFunc("/scim/Users/away307", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/stolen", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/scim/Users/home", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/scim/Users/landed", http.StatusFound)
	})
	mux.HandleFunc("/scim/Users/home307", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/scim/Users/landed", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/scim/Users/loop", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits["loop"]++
		mu.Unlock()
		http.Redirect(w, r, "/scim/Users/loop", http.StatusFound)
	})
	mux.HandleFunc("/scim/Users/landed", record("same"))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		wantErr      string // "" for success
		wantHits     map[string]int
	}{
		{"GET", "Users/away", "redirect (302) to another origin, " + other.URL + "/stolen, not followed", map[string]int{"other": 0}},
		{"POST", "Users/away307", "redirect (307) to another origin", map[string]int{"other": 0}},
		{"GET", "Users/home", "", map[string]int{"same": 1}},
		{"POST", "Users/home", "a 302 redirect would turn the POST into a GET", map[string]int{"same": 1}},
		{"POST", "Users/home307", "", map[string]int{"same": 2}},
		{"GET", "Users/loop", "stopped after 10 redirects", map[string]int{"loop": 10}},
	}
	for _, tt := range tests {
		_, err := call(c, context.Background(), tt.method, tt.path, map[string]string{"userName": "ada"}, nil)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s %s: %v", tt.method, tt.path, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s %s: err = %v, want %q", tt.method, tt.path, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "token=abc"):
			t.Errorf("%s %s: the error quotes the redirect's query: %v", tt.method, tt.path, err)
		}
		mu.Lock()
		for name, n := range tt.wantHits {
			if hits[name] != n {
				t.Errorf("after %s %s: %s got %d requests, want %d", tt.method, tt.path, name, hits[name], n)
			}
		}
		mu.Unlock()
	}
	if got := auth["other"]; got != "" {
		t.Errorf("another origin saw Authorization %q", got)
	}
	if got := auth["same"]; got != "Bearer "+key {
		t.Errorf("redirect on the same origin: Authorization = %q, want the key", got)
	}
	if got := bodies["same"]; got != `{"userName":"ada"}` {
		t.Errorf("a 307 on the same origin carried body %q, want the POST's", got)
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
