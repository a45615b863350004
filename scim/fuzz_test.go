package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

const fuzzKey = "fuzz-key-0123456789abcdef"

// FuzzErrorBody reads arbitrary error replies: never a panic, a bounded
// text, and never the client's key.
func FuzzErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User not found","status":"404"}`,
		`{"detail":"x","status":404,"scimType":"uniqueness"}`,
		`{"errors":[{"message":"bad key ` + fuzzKey + `"}]}`,
		`{"message":{"nested":true}}`, `<html>Bearer ` + fuzzKey + `</html>`, ``, `null`, `"text"`,
		`{"error":"invalid_token","error_description":"Basic ZnV6ei1rZXk="}`,
	} {
		f.Add([]byte(seed), 404)
	}
	c, err := NewClient(WithAPIKey(fuzzKey))
	if err != nil {
		f.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://api.wandb.ai/scim/Users/x", nil)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 400 || status > 599 {
			status = 400 + (status%200+200)%200
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		e := c.newError(req, resp, false)
		msg := e.Error()
		if len(msg) > 4<<10 {
			t.Fatalf("error text of %d bytes", len(msg))
		}
		if strings.Contains(msg, fuzzKey) {
			t.Fatalf("the key leaked: %s", msg)
		}
		if e.StatusCode != status {
			t.Fatalf("status %d, want %d", e.StatusCode, status)
		}
	})
}

// unquoteFilterValue reads the value of `attr eq "…"` back, undoing Eq's
// escapes: the quote-aware reading a SCIM server does.
func unquoteFilterValue(s string) (string, bool) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if c == '"' || c < 0x20 {
			return "", false // unescaped: the value would end here, or is raw
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s)-1 {
			return "", false
		}
		switch s[i] {
		case '"', '\\', '/':
			b.WriteByte(s[i])
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+4 >= len(s)-1 {
				return "", false
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil || n >= 0x20 {
				return "", false
			}
			b.WriteByte(byte(n))
			i += 4
		default:
			return "", false
		}
	}
	return b.String(), true
}

// FuzzFilterQuote checks that any value survives a quote-aware round trip
// through Eq, and through Quote in a PATCH value path.
func FuzzFilterQuote(f *testing.F) {
	for _, seed := range []string{"ada@example.com", `say "hi"`, `back\slash`, "line\nbreak\ttab\x00nul", "ünï©ødé", "\xff\xfe", `"] or [x`, ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		filter := string(Eq("userName", v))
		got, ok := unquoteFilterValue(strings.TrimPrefix(filter, "userName eq "))
		if !strings.HasPrefix(filter, "userName eq ") || !ok || got != v {
			t.Fatalf("Eq(%q) = %s, read back as %q (%v)", v, filter, got, ok)
		}
		path := "members[value eq " + Quote(v) + "]"
		inner := strings.TrimSuffix(strings.TrimPrefix(path, "members[value eq "), "]")
		if got, ok := unquoteFilterValue(inner); !ok || got != v {
			t.Fatalf("value path %s reads back as %q (%v)", path, got, ok)
		}
	})
}

// FuzzBaseURL feeds arbitrary base URLs to NewClient: never a panic; an
// accepted URL gives an http(s) SCIM root without query that is accepted
// again as it is; an error never quotes a query.
func FuzzBaseURL(f *testing.F) {
	for _, seed := range []string{"https://api.wandb.ai", "https://api.wandb.ai/scim/v2/", "http://localhost:8080", "https://::",
		"https://[::1]:8443/x", "https://acme.wandb.io/scim?key=sekrit", "ftp://x", "https://a b", "https://acme..io", "https://x:0", " https://x.io "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, u string) {
		c, err := NewClient(WithBaseURL(u), WithAPIKey("k"))
		if err != nil {
			// url.Parse quotes a bad escape ("%zz"); a query of any length is never quoted.
			if i := strings.Index(u, "?"); i >= 0 && len(u) >= i+8 && strings.Contains(err.Error(), u[i:]) {
				t.Fatalf("the error quotes the query: %v", err)
			}
			return
		}
		root := c.BaseURL()
		if !strings.HasPrefix(root, "https://") && !strings.HasPrefix(root, "http://") || strings.ContainsAny(root, "?#") {
			t.Fatalf("%q gave the root %q", u, root)
		}
		again, err := NewClient(WithBaseURL(root), WithAPIKey("k"))
		if err != nil || again.BaseURL() != root {
			t.Fatalf("%q gave %q, which gives %v, %v", u, root, again, err)
		}
	})
}

// FuzzDecodePage reads arbitrary list replies a resource at a time: never a
// panic, and the same resources and total as encoding/json reads from a
// valid ListResponse.
func FuzzDecodePage(f *testing.F) {
	for _, seed := range []string{
		`{"Resources":[{"id":"a"},{"id":"b","x":[1,{"y":"]"}]}],"itemsPerPage":9999,"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"startIndex":1,"totalResults":2}`,
		`{"totalResults":0,"Resources":null}`, `{"resources":[1,2],"totalresults":2}`, `{}`, `[]`, `{"Resources":[{"id":"\"}"}],"totalResults":1}`,
		`{"Resources":[[[[[[]]]]]],"totalResults":1}`, `{"totalResults":1.0,"Resources":["a"]} `, `{"totalResults":2}x`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Page[json.RawMessage]
		err := p.decodePage(bytes.NewReader(body))
		var want struct {
			Resources    []json.RawMessage `json:"Resources"`
			TotalResults *int              `json:"totalResults"`
			Schemas      []string          `json:"schemas"`
		}
		jsonErr := json.Unmarshal(body, &want)
		if err == nil && jsonErr != nil {
			var syntax *json.SyntaxError
			if errors.As(jsonErr, &syntax) {
				t.Fatalf("read %q, which is not JSON (%v)", body, jsonErr)
			}
			return // a shape encoding/json refuses (totalResults 1.0) and the stream reads leniently
		}
		if err != nil || want.TotalResults == nil {
			return
		}
		if p.TotalResults != *want.TotalResults || len(p.Resources) != len(want.Resources) {
			t.Fatalf("stream: %d of %d; encoding/json: %d of %d", len(p.Resources), p.TotalResults, len(want.Resources), *want.TotalResults)
		}
		for i := range want.Resources {
			if !bytes.Equal(bytes.TrimSpace(p.Resources[i]), bytes.TrimSpace(want.Resources[i])) {
				t.Fatalf("resource %d: %s, want %s", i, p.Resources[i], want.Resources[i])
			}
		}
	})
}
