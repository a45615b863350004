package scim

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestDefaultHTTPClientPool(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	at, ok := c.httpClient.Transport.(*authTransport)
	if !ok {
		t.Fatalf("transport = %T", c.httpClient.Transport)
	}
	tr, ok := at.base.(*http.Transport)
	if !ok {
		t.Fatalf("base transport = %T, want the pooled *http.Transport", at.base)
	}
	if tr.MaxIdleConnsPerHost < 64 || tr.MaxIdleConns < 64 || tr.DisableKeepAlives {
		t.Errorf("pool: MaxIdleConnsPerHost=%d MaxIdleConns=%d DisableKeepAlives=%v", tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.DisableKeepAlives)
	}
}

func TestWithHTTPClientNotModified(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	c, err := NewClient(WithAPIKey("k"), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if hc.Transport != nil || c.httpClient == hc {
		t.Error("WithHTTPClient modified or kept the caller's client instead of a copy")
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	if c.timeout != DefaultTimeout || c.maxResponseBytes != DefaultMaxResponseBytes || c.limiter != nil {
		t.Errorf("timeout %v, max reply %d, limiter %v", c.timeout, c.maxResponseBytes, c.limiter)
	}
	c, err = NewClient(WithAPIKey("k"), WithTimeout(0))
	if err != nil || c.timeout != 0 {
		t.Errorf("WithTimeout(0): %v, %v", c, err)
	}
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{
		`unsupported protocol scheme "ftp"`,
		"http: server gave HTTP response to HTTPS client",
		`net/http: invalid header field value for "X"`,
		"tls: failed to verify certificate: x509: certificate signed by unknown authority",
	} {
		if !permanent(errors.New(msg)) {
			t.Errorf("%q is not permanent", msg)
		}
	}
	if permanent(errors.New("connection reset by peer")) || permanent(&timeoutError{}) {
		t.Error("a transient error is permanent")
	}
	if !permanent(fmt.Errorf("wrapped: %w", &redirectError{"loop"})) {
		t.Error("a refused redirect is not permanent")
	}
}

func TestIsQuery(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]bool{
		"query Q { viewer { id } }":                        true,
		"{ viewer { id } }":                                true,
		"mutation M { x }":                                 false,
		"subscription S { x }":                             false,
		"# mutation\nquery Q { x }":                        true,
		`query Q { users(query: "mutation") { id } }`:      true,
		"query Q { a(s: \"\"\"mutation\"\"\") { id } }":    true,
		"fragment F on T { id } mutation M { x { ...F } }": false,
		"query mutationLike { x }":                         true,
		`query Q { a(s: "\"") { id } } mutation M { x }`:   false,
	} {
		if got := isQuery(doc); got != want {
			t.Errorf("isQuery(%q) = %v, want %v", doc, got, want)
		}
	}
}
