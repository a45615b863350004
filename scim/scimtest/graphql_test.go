package scimtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// The Python SDK's operations, as its code generator writes them.
const (
	getViewer = `query GetViewer {
  viewer { ...UserFragment }
}
fragment UserFragment on User {
  id name username email admin flags entity deletedAt
  apiKeys { edges { node { ...ApiKeyFragment } } }
  teams { edges { node { name } } }
}
fragment ApiKeyFragment on ApiKey { id name description }`
	searchUsers = `fragment UserFragment on User { id username email }
query SearchUsers($query: String) { users(query: $query) { edges { node { ...UserFragment } } } }`
	generateAPIKey = `mutation GenerateApiKey($description: String) {
  result: generateApiKey(input: {description: $description}) { apiKey { id name description } }
}`
	deleteAPIKey   = `mutation DeleteApiKey($id: String!) { result: deleteApiKey(input: {id: $id}) { success } }`
	getTeamEntity  = `query GetTeamEntity($name: String!) { entity(name: $name) { id name isTeam members { id admin pending email username name accountType apiKey } } }`
	createTeam     = `mutation CreateTeam($teamName: String!, $teamAdminUserName: String) { result: createTeam(input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName}) { entity { id name } } }`
	createInvite   = `mutation CreateInvite($entity: String!, $email: String, $username: String, $admin: Boolean) { result: createInvite(input: {entityName: $entity, email: $email, username: $username, admin: $admin}) { invite { id name email createdAt toUser { name } } } }`
	deleteInvite   = `mutation DeleteInvite($id: String, $entity: String) { result: deleteInvite(input: {id: $id, entityName: $entity}) { success } }`
	createTeamSA   = `mutation CreateServiceAccount($entity: String!, $description: String!) { result: createServiceAccount(input: {description: $description, entityName: $entity}) { user { id } } }`
	adminKeyNodeID = "QXBpS2V5OjE=" // ApiKey:1
)

func graphqlOrg() scimtest.Options {
	return scimtest.Options{
		AdminUserName: "scimtest-admin",
		Users: []scimtest.User{
			{UserName: "alice", Email: "alice@example.com", DisplayName: "Alice"},
			{UserName: "bob", Email: "bob@corp.example", APIKey: "bob-key-012345678901234567890123456789012"},
		},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"scimtest-admin", "alice"}, Roles: map[string]string{"alice": "admin"}}},
	}
}

func TestGraphQLViewer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	data, err := e.graphql(getViewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, data, `{"viewer":{"id":"VXNlcjox","name":"scimtest-admin","username":"scimtest-admin",
		"email":"scimtest-admin@example.com","admin":true,"entity":"scimtest-admin","flags":null,"deletedAt":null,
		"apiKeys":{"edges":[{"node":{"id":"`+adminKeyNodeID+`","name":"`+scimtest.DefaultAPIKey+`","description":"scimtest admin key"}}]},
		"teams":{"edges":[{"node":{"name":"ml"}}]}}}`)
}

func TestGraphQLSearchUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	tests := []struct {
		query string
		want  []string
	}{
		{"ali", []string{"alice"}},
		{"CORP.example", []string{"bob"}},
		{"example", []string{"scimtest-admin", "alice", "bob"}},
		{"nobody", []string{}},
	}
	for _, tt := range tests {
		var data struct {
			Users struct {
				Edges []struct{ Node struct{ Username string } }
			}
		}
		if err := e.c.GraphQL(context.Background(), searchUsers, map[string]any{"query": tt.query}, &data); err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, edge := range data.Users.Edges {
			got = append(got, edge.Node.Username)
		}
		if !equalJSON(got, tt.want) {
			t.Errorf("users(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	// Only admins may search.
	bob, err := scim.NewClient(scim.WithBaseURL(e.srv.URL), scim.WithAPIKey("bob-key-012345678901234567890123456789012"))
	if err != nil {
		t.Fatal(err)
	}
	var ge *scim.GraphQLError
	if err := bob.GraphQL(context.Background(), searchUsers, map[string]any{"query": "a"}, nil); !errors.As(err, &ge) {
		t.Errorf("non-admin search: err = %v, want a GraphQL error", err)
	}
}

func TestGraphQLAPIKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	var gen struct {
		Result struct {
			APIKey struct{ ID, Name, Description string }
		}
	}
	if err := e.c.GraphQL(context.Background(), generateAPIKey, map[string]any{"description": "ci"}, &gen); err != nil {
		t.Fatal(err)
	}
	key := gen.Result.APIKey
	if key.ID == "" || len(key.Name) < 40 || key.Description != "ci" {
		t.Fatalf("generated key = %+v", key)
	}
	// The new key is the caller's: it works for SCIM as the admin.
	other, err := scim.NewClient(scim.WithBaseURL(e.srv.URL), scim.WithAPIKey(key.Name), scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(other, context.Background(), http.MethodGet, "Users", nil, nil); err != nil {
		t.Errorf("SCIM with the generated key: %v", err)
	}
	if data, _ := e.graphql(getViewer, nil); !strings.Contains(string(data), `"description":"ci"`) {
		t.Errorf("viewer does not list the new key: %s", data)
	}

	data, err := e.graphql(deleteAPIKey, map[string]any{"id": key.ID})
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, data, `{"result":{"success":true}}`)
	if _, err := call(other, context.Background(), http.MethodGet, "Users", nil, nil); !errors.Is(err, scim.ErrUnauthorized) {
		t.Errorf("SCIM with a deleted key: %v, want 401", err)
	}
	var ge *scim.GraphQLError
	if _, err := e.graphql(deleteAPIKey, map[string]any{"id": key.ID}); !errors.As(err, &ge) || !strings.Contains(ge.Messages[0], "not found") {
		t.Errorf("deleting it again: %v", err)
	}
}

func TestGraphQLTeams(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	gql := func(q string, vars map[string]any) json.RawMessage {
		t.Helper()
		data, err := e.graphql(q, vars)
		if err != nil {
			t.Fatalf("%s: %v", strings.Fields(q)[1], err)
		}
		return data
	}
	gqlFails := func(q string, vars map[string]any, want string) {
		t.Helper()
		var ge *scim.GraphQLError
		if _, err := e.graphql(q, vars); !errors.As(err, &ge) || !strings.Contains(ge.Messages[0], want) {
			t.Errorf("%s %v: err = %v, want a GraphQL error about %q", strings.Fields(q)[1], vars, err, want)
		}
		if last := decode(t, e.tap.last()); last["data"] != nil {
			t.Errorf("failed operation answered data %v, want null", last["data"])
		}
	}

	// createTeam: the named admin joins as team admin; the creator does not.
	jsonEq(t, gql(createTeam, map[string]any{"teamName": "vision", "teamAdminUserName": "bob"}),
		`{"result":{"entity":{"id":"RW50aXR5OjI=","name":"vision"}}}`)
	group := e.must(http.MethodGet, "Groups?filter="+urlq(`displayName eq "vision"`), nil)
	jsonEq(t, field(group, "totalResults"), `1`)
	bob := e.must(http.MethodGet, "Users/"+user3ID, nil)
	jsonEq(t, bob["teamRoles"], `[{"teamName":"vision","roleName":"admin"}]`)
	gqlFails(createTeam, map[string]any{"teamName": "ML"}, "already exists")
	gqlFails(createTeam, map[string]any{"teamName": "x", "teamAdminUserName": "ghost"}, "ghost")

	// Invites are pending members.
	jsonEq(t, gql(createInvite, map[string]any{"entity": "vision", "email": "new@example.com"}),
		`{"result":{"invite":{"id":"SW52aXRlOjE=","name":"new@example.com","email":"new@example.com","createdAt":"2023-10-01T00:00:00Z","toUser":null}}}`)
	jsonEq(t, gql(createInvite, map[string]any{"entity": "vision", "username": "alice", "admin": true}),
		`{"result":{"invite":{"id":"SW52aXRlOjI=","name":"alice","email":"alice@example.com","createdAt":"2023-10-01T00:00:00Z","toUser":{"name":"alice"}}}}`)
	gqlFails(createInvite, map[string]any{"entity": "vision", "email": "NEW@example.com"}, "already invited")
	gqlFails(createInvite, map[string]any{"entity": "vision", "username": "bob"}, "already a member")
	gqlFails(createInvite, map[string]any{"entity": "nope", "username": "alice"}, "not found")
	gqlFails(createInvite, map[string]any{"entity": "vision", "username": "ghost"}, "ghost")

	// Team service accounts get an API key and show in the entity.
	jsonEq(t, gql(createTeamSA, map[string]any{"entity": "vision", "description": "deploys"}), `{"result":{"user":{"id":"VXNlcjo0"}}}`)
	sa, _ := e.srv.User("VXNlcjo0")
	jsonEq(t, gql(getTeamEntity, map[string]any{"name": "vision"}), `{"entity":{"id":"RW50aXR5OjI=","name":"vision","isTeam":true,"members":[
		{"id":"VXNlcjoz","admin":true,"pending":false,"email":"bob@corp.example","username":"bob","name":"bob","accountType":"USER","apiKey":null},
		{"id":"VXNlcjo0","admin":false,"pending":false,"email":null,"username":"vision-service-account-4","name":"vision-service-account-4","accountType":"SERVICE","apiKey":"`+sa.APIKey+`"},
		{"id":"SW52aXRlOjE=","admin":false,"pending":true,"email":"new@example.com","username":null,"name":"","accountType":"USER","apiKey":null},
		{"id":"SW52aXRlOjI=","admin":true,"pending":true,"email":"alice@example.com","username":"alice","name":"","accountType":"USER","apiKey":null}]}}`)
	if got := e.must(http.MethodGet, "Users/VXNlcjo0", nil); got["accountType"] != "SERVICE" {
		t.Errorf("SCIM view of the team service account: %v", got)
	}
	if team, _ := e.srv.Team("vision"); !equalJSON(team.Invites, []string{"new@example.com", "alice"}) {
		t.Errorf("invites = %v", team.Invites)
	}

	// deleteInvite removes an invite or a member.
	jsonEq(t, gql(deleteInvite, map[string]any{"id": "SW52aXRlOjE=", "entity": "vision"}), `{"result":{"success":true}}`)
	jsonEq(t, gql(deleteInvite, map[string]any{"id": user3ID, "entity": "vision"}), `{"result":{"success":true}}`)
	if team, _ := e.srv.Team("vision"); !equalJSON(team.Members, []string{"vision-service-account-4"}) || len(team.Invites) != 1 {
		t.Errorf("after deletes: %+v", team)
	}
	gqlFails(deleteInvite, map[string]any{"id": user3ID, "entity": "vision"}, "no member")

	// An unknown entity is null, not an error.
	jsonEq(t, gql(getTeamEntity, map[string]any{"name": "nope"}), `{"entity":null}`)
}

func TestGraphQLPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	bob, err := scim.NewClient(scim.WithBaseURL(e.srv.URL), scim.WithAPIKey("bob-key-012345678901234567890123456789012"))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []struct {
		q    string
		vars map[string]any
	}{
		{createTeam, map[string]any{"teamName": "mine"}},
		{createInvite, map[string]any{"entity": "ml", "email": "x@example.com"}},
		{createTeamSA, map[string]any{"entity": "ml", "description": "x"}},
	} {
		var ge *scim.GraphQLError
		if err := bob.GraphQL(context.Background(), op.q, op.vars, nil); !errors.As(err, &ge) || !strings.Contains(ge.Messages[0], "permission denied") {
			t.Errorf("%s as a member: %v", strings.Fields(op.q)[1], err)
		}
	}
	// A team admin may invite to their team.
	alice, err := e.srv.NewAPIKey("alice")
	if err != nil {
		t.Fatal(err)
	}
	ac, err := scim.NewClient(scim.WithBaseURL(e.srv.URL), scim.WithAPIKey(alice))
	if err != nil {
		t.Fatal(err)
	}
	if err := ac.GraphQL(context.Background(), createInvite, map[string]any{"entity": "ml", "email": "x@example.com"}, nil); err != nil {
		t.Errorf("team admin invite: %v", err)
	}
}

func TestGraphQLDocuments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	tests := []struct {
		name string
		body string // query
		vars map[string]any
		want string // data, or "error: <text>"
	}{
		{"shorthand query", `{ viewer { username } }`, nil, `{"viewer":{"username":"scimtest-admin"}}`},
		{"inline literal arguments", `query { entity(name: "nope") { id } }`, nil, `{"entity":null}`},
		{"alias and two root fields", `query Q { me: viewer { id } team: entity(name: "ml") { id } }`, nil, `{"me":{"id":"VXNlcjox"},"team":{"id":"RW50aXR5OjE="}}`},
		{"comments, commas and a block string", "# c\nmutation M($d: String = \"x\") {\n result: generateApiKey(input: {description: \"\"\"multi\nline\"\"\",}) @skip(if: false) { apiKey { description } } }", nil, `{"result":{"apiKey":{"description":"multi\nline"}}}`},
		{"fragments, spreads, inline fragments, unknown fields", `query Q { viewer { ...A ... on User { email } ... @include(if: true) { nope } } } fragment A on User { username ...B } fragment B on User { id }`, nil,
			`{"viewer":{"username":"scimtest-admin","id":"VXNlcjox","email":"scimtest-admin@example.com","nope":null}}`},
		{"without operationName the first operation runs", `query A { viewer { id } } query B { entity(name: "ml") { name } }`, nil, `{"viewer":{"id":"VXNlcjox"}}`},
		{"unknown field", `{ organization(name: "x") { id } }`, nil, `error: organization`},
		{"syntax error", `{ viewer { id }`, nil, `error: syntax error`},
		{"no operation", `fragment F on User { id }`, nil, `error: no operation`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := e.graphql(tt.body, tt.vars)
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				var ge *scim.GraphQLError
				if !errors.As(err, &ge) || !strings.Contains(ge.Messages[0], want) {
					t.Errorf("err = %v, want a GraphQL error about %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(tt.want, "{") {
				jsonEq(t, data, tt.want)
			} else if !strings.Contains(string(data), tt.want) {
				t.Errorf("data = %s, want it to contain %s", data, tt.want)
			}
		})
	}
}

// TestGraphQLHostileQueries sends queries that would take the server down if
// it read them naively: each must be answered with a GraphQL error quickly,
// and must not hold up a request sent alongside it.
func TestGraphQLHostileQueries(t *testing.T) {
	t.Parallel()
	deep := "{ viewer {" + strings.Repeat("a{", 100_000) + "id" + strings.Repeat("}", 100_000) + "} }"
	var exp strings.Builder
	exp.WriteString("{ viewer { ...F0 } }")
	for i := range 30 {
		fmt.Fprintf(&exp, " fragment F%d on User { id ...F%d ...F%d }", i, i+1, i+1)
	}
	exp.WriteString(" fragment F30 on User { id }")
	tests := []struct {
		name, query, want string
	}{
		{"100k levels deep", deep, "nests more than 64 levels"},
		{"100k levels of lists", `{ viewer(x: ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `) { id } }`, "nests more than 64 levels"},
		{"self-spreading fragment", `{ viewer { ...F } } fragment F on User {` + strings.Repeat(" ...F", 30) + ` }`, "within itself"},
		{"exponential fragments", exp.String(), "more than 100000 fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, graphqlOrg())
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			hostile := make(chan error, 1)
			go func() { hostile <- e.c.GraphQL(ctx, tt.query, nil, nil) }()
			var v struct{ Viewer struct{ Username string } }
			if err := e.c.GraphQL(ctx, `{ viewer { username } }`, nil, &v); err != nil || v.Viewer.Username != "scimtest-admin" {
				t.Errorf("concurrent request: %+v, %v", v, err)
			}
			var ge *scim.GraphQLError
			if err := <-hostile; !errors.As(err, &ge) || !strings.Contains(ge.Messages[0], tt.want) {
				t.Errorf("err = %v, want a GraphQL error about %q", err, tt.want)
			}
		})
	}
}

// TestGraphQLCredentialsBeforeSyntax: a bad key is a 401 even when the query
// is also malformed, as the query is read before the credentials are checked
// but reported after.
func TestGraphQLCredentialsBeforeSyntax(t *testing.T) {
	t.Parallel()
	e := newEnv(t, graphqlOrg())
	c, err := scim.NewClient(scim.WithBaseURL(e.srv.URL), scim.WithAPIKey("nope-key-012345678901234567890123456789012"),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.GraphQL(context.Background(), `{ viewer { ...F } } fragment F on User { ...F }`, nil, nil)
	if !errors.Is(err, scim.ErrUnauthorized) {
		t.Errorf("err = %v, want 401", err)
	}
}
