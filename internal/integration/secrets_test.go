package integration_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// canary is a secret that must never be printed.
const canary = testutil.APIKey

// leaks reports every way of printing v that shows the canary, or its Basic
// encodings: every fmt verb, slog's text and JSON handlers, json.Marshal.
func leaks(v any) []string {
	forms := []string{canary,
		base64.StdEncoding.EncodeToString([]byte("api:" + canary)),
		base64.StdEncoding.EncodeToString([]byte("admin:" + canary)),
		base64.StdEncoding.EncodeToString([]byte(":" + canary))}
	var out []string
	check := func(how, s string) {
		for _, f := range forms {
			if strings.Contains(s, f) {
				out = append(out, how)
				return
			}
		}
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		check(verb, fmt.Sprintf(verb, v))
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("x", "v", v)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("x", "v", v)
	check("slog text", text.String())
	check("slog JSON", js.String())
	if b, err := json.Marshal(v); err == nil {
		check("json.Marshal", string(b))
	}
	return out
}

// TestCanaryValues prints every value that holds the client's credential or
// an API key's secret, every way, and looks for the secret.
func TestCanaryValues(t *testing.T) {
	t.Parallel()
	bearer, _ := testutil.NewClient(t)
	basic, err := scim.NewClient(scim.WithBaseURL(testutil.BaseURL), scim.WithBasicAuth("admin", canary))
	if err != nil {
		t.Fatal(err)
	}
	key := users.APIKey{ID: "QXBpS2V5OjE=", Name: canary, Description: "ci"}
	account := users.Account{ID: "VXNlcjox", Username: "ada", APIKeys: []users.APIKey{key}}
	values := map[string]any{
		"*scim.Client":      bearer,
		"scim.Client":       *basic,
		"*users.Service":    users.New(bearer),
		"users.Service":     *users.New(basic),
		"*teams.Service":    teams.New(bearer),
		"teams.Service":     *teams.New(basic),
		"*roles.Service":    roles.New(bearer),
		"roles.Service":     *roles.New(basic),
		"users.APIKey":      key,
		"*users.APIKey":     &key,
		"[]users.APIKey":    []users.APIKey{key, key},
		"map[string]APIKey": map[string]users.APIKey{"k": key},
		"users.Account":     account,
		"*users.Account":    &account,
		"a struct holding both": struct {
			A users.Account
			S *users.Service
		}{account, users.New(bearer)},
		"[]*users.Service":       []*users.Service{users.New(basic)},
		"a struct with a client": struct{ C *scim.Client }{basic},
	}
	for name, v := range values {
		if got := leaks(v); len(got) > 0 {
			t.Errorf("%s shows the secret with %v", name, got)
		}
	}
	if key.Name != canary {
		t.Error("the key's Name is not there to read")
	}
}

// TestCanaryErrors runs every service method against a server that echoes
// the credential in every place an error could quote: the SCIM detail, a
// GraphQL message, a body that is not JSON, and a 2xx reply of the wrong
// shape. No error shows it.
func TestCanaryErrors(t *testing.T) {
	t.Parallel()
	echo := []testutil.Reply{
		{Status: 401, Body: `{"detail":"bad credential ` + canary + ` (Bearer ` + canary + `)","status":"401"}`},
		{Status: 500, Body: "panic: Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+canary)), Header: http.Header{"Content-Type": {"text/plain"}}},
		{Status: 200, Body: `{"errors":[{"message":"key ` + canary + ` rejected"}],"data":null}`},
		{Status: 200, Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"` + canary + `"}`},
		{Status: 200, Body: `{"Resources":"` + canary + `"}`},
	}
	for _, m := range methods {
		for i, reply := range echo {
			s, _ := mockServices(t, reply)
			err := m.call(context.Background(), s, "VXNlcjox", nil)
			if err == nil {
				continue // a reply this method accepts
			}
			if got := leaks(err); len(got) > 0 {
				t.Errorf("%s, reply %d: the error shows the secret with %v: %v", m.op, i, got, err)
			}
		}
	}
}
