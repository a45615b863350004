package scim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
)

// TestContextEndsAfterWrite checks a call whose context ends while the
// first attempt waits for its reply, after the whole request was written:
// a change may have been applied, so its error matches ErrOutcomeUnknown as
// well as the context's error; a read's does not.
func TestContextEndsAfterWrite(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		method  string
		body    any
		unknown bool
	}{
		{http.MethodPatch, map[string]string{"displayName": "new"}, true},
		{http.MethodPost, map[string]string{"userName": "new"}, true},
		{http.MethodPut, map[string]string{"displayName": "new"}, true},
		{http.MethodDelete, nil, true},
		{http.MethodGet, nil, false},
	} {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			received := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				received <- r.Method + " " + r.URL.Path + " " + string(body)
				<-r.Context().Done() // no reply before the client gives up
			}))
			t.Cleanup(srv.Close)
			c, err := scim.NewClient(scim.WithBaseURL(srv.URL+"/scim"), scim.WithAPIKey("k"),
				scim.WithRetry(scim.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, err := c.NewRequest(ctx, tt.method, "Users/u1", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				<-received
				cancel()
			}()
			_, err = c.Do(req, nil)
			if !errors.Is(err, context.Canceled) || errors.Is(err, scim.ErrOutcomeUnknown) != tt.unknown {
				t.Fatalf("Do = %v; want context.Canceled (ErrOutcomeUnknown %v)", err, tt.unknown)
			}
		})
	}
}

// TestContextEndsWhileReadingA2xx: the server answered 2xx to a change (so
// it was made) and the context ended while its body was read: the error
// matches ErrOutcomeUnknown and the context's error, not a plain failure.
func TestContextEndsWhileReadingA2xx(t *testing.T) {
	t.Parallel()
	sent := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"id": "u1", "userName": "ada", "displayName": "n`)
		w.(http.Flusher).Flush()
		close(sent)
		<-r.Context().Done() // the rest never comes
	}))
	t.Cleanup(srv.Close)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL+"/scim"), scim.WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := c.NewRequest(ctx, http.MethodPatch, "Users/u1", map[string]any{"Operations": []any{}})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		<-sent
		time.Sleep(10 * time.Millisecond) // let the client start reading the body
		cancel()
	}()
	var v map[string]any
	_, err = c.Do(req, &v)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, scim.ErrOutcomeUnknown) {
		t.Fatalf("Do = %v; want context.Canceled and ErrOutcomeUnknown", err)
	}
}
