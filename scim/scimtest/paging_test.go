package scimtest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/go-wandb/identity/scim/scimtest"
)

func fiveUsers() []scimtest.User {
	var users []scimtest.User
	for i := 1; i <= 4; i++ {
		users = append(users, scimtest.User{UserName: fmt.Sprintf("u%d", i), Email: fmt.Sprintf("u%d@example.com", i)})
	}
	return users // and the admin: five
}

func TestPaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		honor   bool
		legacy  bool
		query   string
		names   []string
		start   float64
		perPage float64
		status  int
	}{
		{name: "ignored by default", query: "?startIndex=3&count=2", names: []string{"admin", "u1", "u2", "u3", "u4"}, start: 1, perPage: 9999},
		{name: "bad values ignored by default", query: "?startIndex=x&count=-1", names: []string{"admin", "u1", "u2", "u3", "u4"}, start: 1, perPage: 9999},
		{name: "honoured", honor: true, query: "?startIndex=3&count=2", names: []string{"u2", "u3"}, start: 3, perPage: 2},
		{name: "honoured, last page", honor: true, query: "?startIndex=5&count=2", names: []string{"u4"}, start: 5, perPage: 1},
		{name: "honoured, past the end", honor: true, query: "?startIndex=9", names: []string{}, start: 9, perPage: 0},
		{name: "honoured, past the end, legacy null", honor: true, legacy: true, query: "?startIndex=9", names: nil, start: 9, perPage: 0},
		{name: "honoured, count 0", honor: true, query: "?count=0", names: []string{}, start: 1, perPage: 0},
		{name: "honoured, startIndex below 1", honor: true, query: "?startIndex=0&count=1", names: []string{"admin"}, start: 1, perPage: 1},
		{name: "honoured, bad count", honor: true, query: "?count=ten", status: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, scimtest.Options{HonorPaging: tt.honor, LegacyEmails: tt.legacy, Users: fiveUsers()})
			if tt.status != 0 {
				e.fails(tt.status, http.MethodGet, "Users"+tt.query, nil)
				return
			}
			got := e.must(http.MethodGet, "Users"+tt.query, nil)
			var names []string
			if rs, ok := got["Resources"].([]any); ok {
				names = []string{}
				for _, r := range rs {
					names = append(names, r.(map[string]any)["userName"].(string))
				}
			}
			if !equalJSON(names, tt.names) || got["totalResults"] != 5.0 || got["startIndex"] != tt.start || got["itemsPerPage"] != tt.perPage {
				t.Errorf("page = %v (total %v, start %v, per page %v), want %v (5, %v, %v)",
					names, got["totalResults"], got["startIndex"], got["itemsPerPage"], tt.names, tt.start, tt.perPage)
			}
		})
	}
}

func TestListCap(t *testing.T) {
	t.Parallel()
	users := make([]scimtest.User, 10000)
	for i := range users {
		users[i] = scimtest.User{UserName: fmt.Sprintf("user%05d", i), Email: fmt.Sprintf("user%05d@example.com", i)}
	}
	e := newEnv(t, scimtest.Options{Users: users})
	got := e.must(http.MethodGet, "Users", nil)
	rs := got["Resources"].([]any)
	if len(rs) != 9999 || got["totalResults"] != 10001.0 || got["itemsPerPage"] != 9999.0 {
		t.Errorf("%d resources, totalResults %v, itemsPerPage %v; want 9999, 10001, 9999", len(rs), got["totalResults"], got["itemsPerPage"])
	}
}
