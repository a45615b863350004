package teams

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

// Replies to the existence check a GraphQL method sends after a GraphQL
// error: the team exists, or it does not.
const (
	teamExists  = `{"data":{"entity":{"id":"RW50aXR5OjE="}}}`
	teamMissing = `{"data":{"entity":null}}`
)

// checkGraphQL asserts that rec saw want and, when check is set, then the
// existence check for team.
func checkGraphQL(t *testing.T, rec *testutil.Recorder, want testutil.WantGraphQL, check, team string) {
	t.Helper()
	wants := []testutil.WantGraphQL{want}
	if check != "" {
		wants = append(wants, testutil.WantGraphQL{Operation: "query EntityExists", Contains: []string{"entity(name: $name) { id }"},
			Variables: `{"name":"` + team + `"}`})
	}
	rec.CheckGraphQL(t, wants...)
}

// replies is the reply and, when set, the existence check's reply.
func replies(reply testutil.Reply, check string) []testutil.Reply {
	if check == "" {
		return []testutil.Reply{reply}
	}
	return []testutil.Reply{reply, testutil.GraphQLReply(check)}
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
		check   string
		vars    string
		wantErr func(error) bool
	}{
		{name: "email", user: "jane@example.com", reply: testutil.GraphQLReply(ok),
			vars: `{"entity":"acme-devs","email":"jane@example.com","admin":false}`},
		{name: "username as admin", user: "jane", admin: true, reply: testutil.GraphQLReply(ok),
			vars: `{"entity":"acme-devs","username":"jane","admin":true}`},
		{
			name: "GraphQL error is returned", user: "jane",
			reply: testutil.GraphQLReply(`{"data":{"createInvite":null},"errors":[{"message":"user already invited"}]}`),
			check: teamExists,
			vars:  `{"entity":"acme-devs","username":"jane","admin":false}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && len(g.Messages) == 1 && g.Messages[0] == "user already invited" && !errors.Is(err, scim.ErrNotFound)
			},
		},
		{
			name: "unknown team is not found", user: "jane",
			reply: testutil.GraphQLReply(`{"data":{"createInvite":null},"errors":[{"message":"team not found"}]}`),
			check: teamMissing,
			vars:  `{"entity":"acme-devs","username":"jane","admin":false}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.Is(err, scim.ErrNotFound) && errors.As(err, &g) && g.Messages[0] == "team not found"
			},
		},
		{
			name: "no result", user: "jane", reply: testutil.GraphQLReply(`{"data":{"createInvite":null}}`),
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
			rec := testutil.Serve(t, mock, replies(tt.reply, tt.check)...)
			err := New(c).Invite(context.Background(), "acme-devs", tt.user, tt.admin)
			checkGraphQL(t, rec, testutil.WantGraphQL{Operation: "mutation CreateInvite", Contains: fields, Variables: tt.vars}, tt.check, "acme-devs")
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
			rec := testutil.Serve(t, mock, testutil.GraphQLReply(tt.reply))
			got, err := New(c).Members(context.Background(), "acme-devs")
			rec.CheckGraphQL(t, testutil.WantGraphQL{Operation: "query GetTeamEntity", Contains: fields, Variables: `{"name":"acme-devs"}`})
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
		check   string
		wantErr func(error) bool
	}{
		{name: "success", reply: `{"data":{"deleteInvite":{"success":true}}}`},
		{name: "success false", reply: `{"data":{"deleteInvite":{"success":false}}}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) }},
		{name: "no result", reply: `{"data":{"deleteInvite":null}}`,
			wantErr: func(err error) bool { return errors.Is(err, ErrUnsuccessful) }},
		{name: "GraphQL error", reply: `{"data":null,"errors":[{"message":"not a member"}]}`, check: teamExists,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "not a member" && !errors.Is(err, scim.ErrNotFound)
			}},
		{name: "unknown team is not found", reply: `{"data":null,"errors":[{"message":"entity not found"}]}`, check: teamMissing,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.Is(err, scim.ErrNotFound) && errors.As(err, &g)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, replies(testutil.GraphQLReply(tt.reply), tt.check)...)
			err := New(c).DeleteMember(context.Background(), "acme-devs", "VXNlcjox")
			checkGraphQL(t, rec, testutil.WantGraphQL{Operation: "mutation DeleteInvite", Contains: fields, Variables: `{"id":"VXNlcjox","entity":"acme-devs"}`}, tt.check, "acme-devs")
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
		check   string
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
		{name: "GraphQL error", reply: `{"errors":[{"message":"permission denied"}]}`, check: teamExists,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "permission denied" && !errors.Is(err, scim.ErrNotFound)
			}},
		{name: "unknown team is not found", reply: `{"errors":[{"message":"entity not found"}]}`, check: teamMissing,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.Is(err, scim.ErrNotFound) && errors.As(err, &g)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := testutil.NewClient(t)
			rec := testutil.Serve(t, mock, replies(testutil.GraphQLReply(tt.reply), tt.check)...)
			got, err := New(c).CreateServiceAccount(context.Background(), "acme-devs", "ci bot")
			checkGraphQL(t, rec, testutil.WantGraphQL{Operation: "mutation CreateServiceAccount", Contains: fields, Variables: `{"entity":"acme-devs","description":"ci bot"}`}, tt.check, "acme-devs")
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
		check   string
		vars    string
		wantErr func(error) bool
	}{
		{name: "with admin", admin: "jane", reply: testutil.GraphQLReply(ok), vars: `{"teamName":"new-team","teamAdminUserName":"jane"}`},
		{name: "caller as admin", reply: testutil.GraphQLReply(ok), vars: `{"teamName":"new-team"}`},
		{
			name: "name taken is returned, not swallowed", reply: testutil.GraphQLReply(`{"data":{"createTeam":null},"errors":[{"message":"entity name already taken"}]}`),
			check: teamExists, vars: `{"teamName":"new-team"}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "entity name already taken" && errors.Is(err, scim.ErrConflict)
			},
		},
		{
			name: "other GraphQL error is no conflict", reply: testutil.GraphQLReply(`{"data":{"createTeam":null},"errors":[{"message":"permission denied"}]}`),
			check: teamMissing, vars: `{"teamName":"new-team"}`,
			wantErr: func(err error) bool {
				var g *scim.GraphQLError
				return errors.As(err, &g) && g.Messages[0] == "permission denied" && !errors.Is(err, scim.ErrConflict)
			},
		},
		{
			name: "no entity", reply: testutil.GraphQLReply(`{"data":{"createTeam":{"entity":null}}}`), vars: `{"teamName":"new-team"}`,
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
			rec := testutil.Serve(t, mock, replies(tt.reply, tt.check)...)
			err := New(c).CreateTeam(context.Background(), "new-team", tt.admin)
			checkGraphQL(t, rec, testutil.WantGraphQL{Operation: "mutation CreateTeam", Contains: fields, Variables: tt.vars}, tt.check, "new-team")
			if tt.wantErr == nil && err != nil {
				t.Fatalf("CreateTeam: %v", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("CreateTeam error = %v (%T)", err, err)
			}
		})
	}
}
