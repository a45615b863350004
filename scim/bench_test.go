package scim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
)

// BenchmarkDo measures one request through the whole client path (build, auth,
// send, decode) against an in-process transport.
func BenchmarkDo(b *testing.B) {
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(httpmock.NewStringResponder(200, `{"id":"VXNlcjox","userName":"ada","emails":[{"value":"ada@x.io","primary":true}],"meta":{"resourceType":"User","created":"2025-07-01T00:00:00Z"}}`))
	c, err := scim.NewClient(scim.WithAPIKey(key), scim.WithBaseURL("https://wandb.test"), scim.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		var v struct {
			ID   string
			Meta scim.Meta
		}
		if _, err := call(c, ctx, "GET", "Users/VXNlcjox", nil, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeListPage decodes a W&B-sized page: 9999 users in one reply.
func BenchmarkDecodeListPage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"Resources":[`)
	for i := range 9999 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"u%d","userName":"user%d","emails":{"Value":"user%d@x.io","Primary":true},"meta":{"created":"2025-7-01T00:00:00Z"}}`, i, i, i)
	}
	sb.WriteString(`],"itemsPerPage":9999,"startIndex":1,"totalResults":9999}`)
	body := []byte(sb.String())
	type user struct {
		ID     string      `json:"id"`
		Emails scim.Emails `json:"emails"`
		Meta   scim.Meta   `json:"meta"`
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for range b.N {
		var p scim.Page[user]
		if err := json.Unmarshal(body, &p); err != nil || len(p.Resources) != 9999 {
			b.Fatal(err)
		}
	}
}
