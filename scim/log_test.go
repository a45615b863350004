package scim_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// TestLogLevels checks the records a logger at Info and at Debug gets: a
// retry, a rate-limit wait and giving up at Info, every attempt at Debug,
// and never the key, the query string or the body.
func TestLogLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		level slog.Level
		want  []string
		never []string
	}{
		{slog.LevelInfo, []string{
			`level=INFO msg="scim retry" method=PUT path=/scim/Users status=503 attempt=1 wait=`,
			`level=INFO msg="scim rate limited" method=PUT path=/scim/Users status=429 attempt=2 wait=`,
			`level=INFO msg="scim giving up" method=PUT path=/scim/Users status=503 attempts=3 error=`,
		}, []string{"DEBUG"}},
		{slog.LevelDebug, []string{
			`level=DEBUG msg="scim request" method=PUT path=/scim/Users status=503 attempt=1 duration=`,
			`level=DEBUG msg="scim request" method=PUT path=/scim/Users status=429 attempt=2 duration=`,
			`level=DEBUG msg="scim request" method=PUT path=/scim/Users status=503 attempt=3 duration=`,
			`level=INFO msg="scim giving up"`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.level.String(), func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			c, mock := testutil.NewClient(t, fastRetry,
				scim.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: tt.level}))))
			testutil.Serve(t, mock,
				testutil.Reply{Status: 503, Body: `{"detail":"down"}`},
				testutil.Reply{Status: 429, Body: `{"detail":"slow down"}`, Header: http.Header{"Retry-After": {"0"}}},
				testutil.Reply{Status: 503, Body: `{"detail":"down"}`},
			)
			_, err := call(c, context.Background(), "PUT", "Users?filter=userName%20eq%20%22ada%40example.com%22",
				map[string]string{"secret": "body-text"}, nil)
			if err == nil {
				t.Fatal("no error")
			}
			out := logs.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("logs lack %q:\n%s", w, out)
				}
			}
			for _, bad := range append([]string{testutil.APIKey, "filter", "ada", "body-text", "Bearer"}, tt.never...) {
				if strings.Contains(out, bad) {
					t.Errorf("logs contain %q:\n%s", bad, out)
				}
			}
		})
	}
}
