package scim_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
)

// TestTooLargeReplyCostsAboutTheLimit checks that a reply larger than
// WithMaxResponseBytes costs about the limit in memory before its error: a
// reply of four times the limit without a Content-Length allocates less than
// one and a half times the limit (it allocated four times it when the
// buffer doubled),
// and one whose Content-Length says it is too large is refused before it is
// read. It does not run in parallel, so that other tests' allocations do not
// count.
func TestTooLargeReplyCostsAboutTheLimit(t *testing.T) {
	const limit = 8 << 20
	chunk := []byte(`{"id":"` + strings.Repeat("x", 64<<10) + `"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("length") != "" {
			w.Header().Set("Content-Length", strconv.Itoa(4*limit))
		}
		for sent := 0; sent < 4*limit; sent += len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), 4*limit-sent)]); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("k"), scim.WithMaxResponseBytes(limit))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		max  uint64
	}{
		{"Users/u1", limit + limit/2},
		{"Users/u1?length=1", limit / 4},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var v map[string]any
		_, err := call(c, context.Background(), "GET", tt.path, nil, &v)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "larger than") || errors.Is(err, scim.ErrOutcomeUnknown) {
			t.Fatalf("%s: err = %v, want the reply too large", tt.path, err)
		}
		got := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: allocated %.1f MiB for a reply over %d MiB", tt.path, float64(got)/(1<<20), limit>>20)
		if got > tt.max {
			t.Errorf("%s: allocated %d MiB for a reply over %d MiB, want at most %d MiB", tt.path, got>>20, limit>>20, tt.max>>20)
		}
	}
}
