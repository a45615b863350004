package scimtest_test

import (
	"net/http"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	opts := scimtest.Options{
		Users: []scimtest.User{
			{UserName: "john.doe", Email: "john@example.com"},
			{UserName: `quote"back\slash`, Email: "q@example.com"},
			{UserName: "bot", AccountType: scimtest.AccountOrgService},
		},
		Teams: []scimtest.Team{{Name: "engineering-team"}, {Name: "Engineering-Team-2"}},
	}
	tests := []struct {
		name   string
		path   string
		want   []string // userName or displayName of the results, in order
		status int
	}{
		{"userName", "Users?filter=" + urlq(string(scim.Eq("userName", "john.doe"))), []string{"john.doe"}, 0},
		{"userName, other case", "Users?filter=" + urlq(`userName eq "JOHN.DOE"`), []string{"john.doe"}, 0},
		{"attribute and operator case", "Users?filter=" + urlq(`USERNAME EQ "john.doe"`), []string{"john.doe"}, 0},
		{"escaped quote and backslash", "Users?filter=" + urlq(string(scim.Eq("userName", `quote"back\slash`))), []string{`quote"back\slash`}, 0},
		{"service account by name", "Users?filter=" + urlq(`userName eq "bot"`), []string{"bot"}, 0},
		{"email", "Users?filter=" + urlq(`emails.value eq "john@example.com"`), []string{"john.doe"}, 0},
		{"email, other case", "Users?filter=" + urlq(`emails.value eq "John@EXAMPLE.com"`), []string{"john.doe"}, 0},
		{"no match", "Users?filter=" + urlq(`userName eq "nobody"`), []string{}, 0},
		{"empty filter is none", "Users?filter=", []string{"admin", "john.doe", `quote"back\slash`, "bot"}, 0},
		{"displayName", "Groups?filter=" + urlq(`displayName eq "engineering-team"`), []string{"engineering-team"}, 0},
		{"displayName, other case", "Groups?filter=" + urlq(`displayName eq "Engineering-team"`), []string{"engineering-team"}, 0},
		{"displayName, no match", "Groups?filter=" + urlq(`displayName eq "engineering"`), []string{}, 0},

		{"other operator", "Users?filter=" + urlq(`userName sw "john"`), nil, 400},
		{"and", "Users?filter=" + urlq(`userName eq "a" and userName eq "b"`), nil, 400},
		{"or", "Users?filter=" + urlq(`userName eq "a" or emails.value eq "b"`), nil, 400},
		{"present", "Users?filter=" + urlq(`userName pr`), nil, 400},
		{"other attribute", "Users?filter=" + urlq(`displayName eq "x"`), nil, 400},
		{"emails without .value", "Users?filter=" + urlq(`emails eq "john@example.com"`), nil, 400},
		{"unquoted value", "Users?filter=" + urlq(`userName eq john.doe`), nil, 400},
		{"unterminated value", "Users?filter=" + urlq(`userName eq "john`), nil, 400},
		{"userName on Groups", "Groups?filter=" + urlq(`userName eq "x"`), nil, 400},
		{"externalId on Groups", "Groups?filter=" + urlq(`externalId eq "x"`), nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, opts)
			if tt.status != 0 {
				se := e.fails(tt.status, http.MethodGet, tt.path, nil)
				if se.ScimType != "invalidFilter" {
					t.Errorf("scimType = %q, want invalidFilter", se.ScimType)
				}
				return
			}
			got := e.must(http.MethodGet, tt.path, nil)
			names := []string{}
			for _, r := range got["Resources"].([]any) {
				m := r.(map[string]any)
				if n, ok := m["userName"]; ok {
					names = append(names, n.(string))
				} else {
					names = append(names, m["displayName"].(string))
				}
			}
			if !equalJSON(names, tt.want) || got["totalResults"] != float64(len(tt.want)) {
				t.Errorf("results %q (total %v), want %q", names, got["totalResults"], tt.want)
			}
			if !equalJSON(got["schemas"], []string{scim.ListResponseSchema}) || got["startIndex"] != 1.0 || got["itemsPerPage"] != 9999.0 {
				t.Errorf("ListResponse envelope = %v", got)
			}
		})
	}
}
