package scim

import (
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
