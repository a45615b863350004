package teams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// gqlReply is a 200 GraphQL reply with body.
func gqlReply(body string) testutil.Reply {
	return testutil.Reply{Status: 200, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
}

// checkGraphQL asserts that the only request was a GraphQL POST to
// https://wandb.test/graphql with Basic "api:<key>" auth (which the client
// adds only for that origin), running operation op (whose text must contain
// each of fields) with exactly the variables vars.
func checkGraphQL(t *testing.T, rec *testutil.Recorder, op string, fields []string, vars string) {
	t.Helper()
	reqs := rec.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/graphql" || r.RawQuery != "" {
		t.Errorf("request = %s %s?%s, want POST /graphql", r.Method, r.Path, r.RawQuery)
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+testutil.APIKey))
	if got := r.Header.Get("Authorization"); got != wantAuth {
		t.Errorf("Authorization = %q, want %q", got, wantAuth)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := r.Header.Get("Use-Admin-Privileges"); got != "true" {
		t.Errorf("Use-Admin-Privileges = %q", got)
	}
	var body struct {
		Query     string          `json:"query"`
		Variables json.RawMessage `json:"variables"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, r.Body)
	}
	for _, s := range append([]string{op}, fields...) {
		if !strings.Contains(body.Query, s) {
			t.Errorf("query does not contain %q:\n%s", s, body.Query)
		}
	}
	testutil.JSONEq(t, body.Variables, vars)
}

func TestInvite(t *testing.T) {
	t.Parallel()
	const ok = `{"data":{"createInvite":{"invite":{"id":"SW52aXRlOjE=","name":"","email":"jane@example.com","createdAt":"2026-01-01T00:00:00","toUser":null}}}}`
	fields := []string{"createInvite(input: {entityName: $entity, email: $email, username: $username, admin: $admin})"}
	tests := []struct {
		name    string
		user    string
		admin   bool
		reply   testutil.Reply
		vars    string
		wantErr func(error) bool
	}{
		{name: "email", user: "jane@example.com", reply: gqlReply(ok),
			vars: `{"entity":"acme-devs","email":"jane@example.com","admin":false}`},
		{name: "username as admin", user: "jane", admin: true, reply: gqlReply(ok),
			vars: `{"entity":"acme-devs","username":"jane","admin":true}`},
		{
			name: "GraphQL error is returned", user: "jane",
			reply: gqlReply(`{"data":{"createInvite":null},"errors":[{"message":"user already invited"}]}`),
			vars:  `{"entity":"acme-devs","username":"jane","admin":false}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && len(g.Messages) == 1 && g.Messages[0] == "user already invited"
			},
		},
		{
			name: "no result", user: "jane", reply: gqlReply(`{"data":{"createInvite":null}}`),
			vars:    `{"entity":"acme-devs","username":"jane","admin":false}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) },
		},
		{
			name: "HTTP error", user: "jane", reply: testutil.Reply{Status: 403, Body: `{"errors":[{"message":"forbidden"}]}`},
			vars: `{"entity":"acme-devs","username":"jane","admin":false}`,
			wantErr: func(err error) bool {
				var e *scim.Error
				return errors.As(err, &e) && errors.Is(err, scim.ErrForbidden) && e.Detail == "forbidden"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.reply)
			err := New(c).Invite(context.Background(), "acme-devs", tt.user, tt.admin)
			checkGraphQL(t, rec, "mutation CreateInvite", fields, tt.vars)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Invite: %v", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("Invite error = %v (%T)", err, err)
			}
		})
	}
}

func TestMembers(t *testing.T) {
	t.Parallel()
	fields := []string{"entity(name: $name)", "members { id admin pending email username name accountType }"}
	tests := []struct {
		name    string
		reply   string
		want    []Member
		wantErr error
	}{
		{
			name: "users, a service account and a pending invite",
			reply: `{"data":{"entity":{"id":"RW50aXR5OjE=","name":"acme-devs","available":false,"isTeam":true,"members":[
				{"id":"VXNlcjox","admin":true,"pending":false,"email":"dev1@example.com","username":"dev-user1","name":"Dev User 1","photoUrl":"","accountType":"USER","apiKey":null},
				{"id":"VXNlcjo5","admin":false,"pending":false,"email":null,"username":"ci-bot","name":"ci bot","accountType":"SERVICE"},
				{"id":"SW52aXRlOjE=","admin":null,"pending":true,"email":"new@example.com","username":null,"name":"","accountType":"USER"}
			]}}}`,
			want: []Member{
				{ID: "VXNlcjox", Admin: true, Email: "dev1@example.com", Username: "dev-user1", Name: "Dev User 1", AccountType: "USER"},
				{ID: "VXNlcjo5", Username: "ci-bot", Name: "ci bot", AccountType: "SERVICE"},
				{ID: "SW52aXRlOjE=", Pending: true, Email: "new@example.com", AccountType: "USER"},
			},
		},
		{name: "no members", reply: `{"data":{"entity":{"id":"RW50aXR5OjE=","name":"acme-devs","members":[]}}}`, want: []Member{}},
		{name: "unknown team", reply: `{"data":{"entity":null}}`, wantErr: scim.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, gqlReply(tt.reply))
			got, err := New(c).Members(context.Background(), "acme-devs")
			checkGraphQL(t, rec, "query GetTeamEntity", fields, `{"name":"acme-devs"}`)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || got != nil {
					t.Fatalf("Members = %v, %v; want error %v", got, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), `"acme-devs"`) {
					t.Errorf("error %q does not name the team", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("Members =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestDeleteMember(t *testing.T) {
	t.Parallel()
	fields := []string{"deleteInvite(input: {id: $id, entityName: $entity})", "success"}
	tests := []struct {
		name    string
		reply   string
		wantErr func(error) bool
	}{
		{name: "success", reply: `{"data":{"deleteInvite":{"success":true}}}`},
		{name: "success false", reply: `{"data":{"deleteInvite":{"success":false}}}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) }},
		{name: "no result", reply: `{"data":{"deleteInvite":null}}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) }},
		{name: "GraphQL error", reply: `{"data":null,"errors":[{"message":"not a member"}]}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "not a member"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, gqlReply(tt.reply))
			err := New(c).DeleteMember(context.Background(), "acme-devs", "VXNlcjox")
			checkGraphQL(t, rec, "mutation DeleteInvite", fields, `{"id":"VXNlcjox","entity":"acme-devs"}`)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("DeleteMember: %v", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("DeleteMember error = %v (%T)", err, err)
			}
		})
	}
}

func TestCreateServiceAccount(t *testing.T) {
	t.Parallel()
	fields := []string{"createServiceAccount(input: {description: $description, entityName: $entity})", "user { id }"}
	tests := []struct {
		name    string
		reply   string
		want    *Member
		wantErr func(error) bool
	}{
		{
			name:  "returns the new account by its ID",
			reply: `{"data":{"createServiceAccount":{"user":{"id":"VXNlcjo0Mg=="}}}}`,
			want:  &Member{ID: "VXNlcjo0Mg==", Name: "ci bot", AccountType: "SERVICE"},
		},
		{name: "no user", reply: `{"data":{"createServiceAccount":{"user":null}}}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) }},
		{name: "GraphQL error", reply: `{"errors":[{"message":"permission denied"}]}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "permission denied"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, gqlReply(tt.reply))
			got, err := New(c).CreateServiceAccount(context.Background(), "acme-devs", "ci bot")
			checkGraphQL(t, rec, "mutation CreateServiceAccount", fields, `{"entity":"acme-devs","description":"ci bot"}`)
			if tt.wantErr != nil {
				if got != nil || !tt.wantErr(err) {
					t.Fatalf("CreateServiceAccount = %+v, %v (%T)", got, err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CreateServiceAccount = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCreateTeam(t *testing.T) {
	t.Parallel()
	fields := []string{"createTeam(input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName})"}
	const ok = `{"data":{"createTeam":{"entity":{"id":"RW50aXR5OjI=","name":"new-team"}}}}`
	tests := []struct {
		name    string
		admin   string
		reply   testutil.Reply
		vars    string
		wantErr func(error) bool
	}{
		{name: "with admin", admin: "jane", reply: gqlReply(ok), vars: `{"teamName":"new-team","teamAdminUserName":"jane"}`},
		{name: "caller as admin", reply: gqlReply(ok), vars: `{"teamName":"new-team"}`},
		{
			name: "name taken is returned, not swallowed", reply: gqlReply(`{"data":{"createTeam":null},"errors":[{"message":"entity name already taken"}]}`),
			vars: `{"teamName":"new-team"}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "entity name already taken"
			},
		},
		{
			name: "no entity", reply: gqlReply(`{"data":{"createTeam":{"entity":null}}}`), vars: `{"teamName":"new-team"}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) },
		},
		{
			name: "HTTP 409", reply: testutil.Reply{Status: 409, Body: `{"errors":[{"message":"conflict"}]}`}, vars: `{"teamName":"new-team"}`,
			wantErr: func(err error) bool { return errors.Is(err, scim.ErrConflict) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, tt.reply)
			err := New(c).CreateTeam(context.Background(), "new-team", tt.admin)
			checkGraphQL(t, rec, "mutation CreateTeam", fields, tt.vars)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("CreateTeam: %v", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("CreateTeam error = %v (%T)", err, err)
			}
		})
	}
}
