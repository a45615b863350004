package scimtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/go-wandb/identity/scim/scimtest"
)

// TestLoseReply checks Faults.LoseFirst, LoseStatus and LoseMixed: a change
// is applied and its reply lost, by a closed connection or a gateway
// status; reads and GraphQL queries are never lost; the log records what the
// client saw.
func TestLoseReply(t *testing.T) {
	t.Parallel()
	post := func(srv *scimtest.Server, path, body string) (int, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	user := func(name string) string {
		b, _ := json.Marshal(map[string]any{"userName": name, "emails": []map[string]any{{"value": name + "@example.com", "primary": true}}})
		return string(b)
	}
	for _, tt := range []struct {
		name   string
		faults scimtest.Faults
		want   []int // the statuses the client sees for three creates (0: no reply)
	}{
		{"closed", scimtest.Faults{LoseFirst: 2}, []int{0, 0, 201}},
		{"gateway", scimtest.Faults{LoseFirst: 2, LoseStatus: 502}, []int{502, 502, 201}},
		{"mixed", scimtest.Faults{LoseFirst: 3, LoseMixed: true}, []int{0, 502, 0}},
		{"every one", scimtest.Faults{LoseRate: 1, LoseStatus: 504}, []int{504, 504, 504}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := scimtest.Start(t, scimtest.Options{Faults: tt.faults})
			// A read and a GraphQL query are neither lost nor counted.
			if status, err := post(srv, "/graphql", `{"query":"query { viewer { id } }"}`); err != nil || status != 200 {
				t.Fatalf("GraphQL query: %d, %v", status, err)
			}
			for i, want := range tt.want {
				name := fmt.Sprintf("u%d", i)
				status, err := post(srv, "/scim/Users", user(name))
				if (want == 0) != (err != nil) || err == nil && status != want {
					t.Errorf("create %d: %d, %v; want %d", i, status, err, want)
				}
				if _, ok := srv.User(name); !ok {
					t.Errorf("create %d was not applied", i)
				}
			}
			log := srv.Requests()
			for i, want := range tt.want {
				if got := log[i+1].Status; got != want {
					t.Errorf("log: create %d has status %d, want %d", i, got, want)
				}
			}
		})
	}
}
