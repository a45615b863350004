package teams_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
)

// exampleServer stands in for a W&B server: it answers the two calls the
// examples make with the replies from W&B's SCIM documentation.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/scim/Groups" && strings.Contains(string(body), `"ml-team"`):
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, `{"displayName":"ml-team","id":"jkl",
				"members":[{"Value":"VXNlcjox","Ref":"","Type":"","Display":"jane"},
				           {"Value":"VXNlcjoy","Ref":"","Type":"","Display":"john"}],
				"meta":{"resourceType":"Group","created":"2023-10-01T00:00:00Z","location":"Groups/jkl"},
				"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`)
		case r.Method == http.MethodPatch && r.URL.Path == "/scim/Groups/ghi":
			w.Header().Set("ETag", `W/"2"`)
			fmt.Fprint(w, `{"displayName":"acme-devs","id":"ghi",
				"members":[{"Value":"abc","Ref":"","Type":"","Display":"dev-user1"},
				           {"Value":"def","Ref":"","Type":"","Display":"dev-user2"}],
				"meta":{"resourceType":"Group","created":"2023-10-01T00:00:00Z","lastModified":"2023-10-01T00:01:00Z","location":"Groups/ghi"},
				"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"not found","status":"404"}`)
		}
	}))
}

func ExampleService_Create() {
	srv := exampleServer()
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("example-key"))
	if err != nil {
		log.Fatal(err)
	}
	svc := teams.New(client)

	// Members may be W&B user IDs or email addresses. The bucket is optional.
	team, err := svc.Create(context.Background(), teams.CreateParams{
		DisplayName: "ml-team",
		Members:     []string{"VXNlcjox", "john@example.com"},
		StorageBucket: &teams.StorageBucket{
			Name:     "my-company-wandb-data",
			Provider: teams.ProviderAWS,
			Path:     "ml-team/experiments",
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(team.ID, team.DisplayName)
	for _, m := range team.Members {
		fmt.Println(" member", m.Value, m.Display)
	}
	// Output:
	// jkl ml-team
	//  member VXNlcjox jane
	//  member VXNlcjoy john
}

func ExampleService_AddMembers() {
	srv := exampleServer()
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("example-key"))
	if err != nil {
		log.Fatal(err)
	}
	svc := teams.New(client)

	// One PATCH adds every user; IfMatch makes it fail with
	// scim.ErrPreconditionFailed if the team changed since it was read.
	team, err := svc.AddMembers(context.Background(), "ghi", []string{"def"}, scim.IfMatch(`W/"1"`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(team.DisplayName, len(team.Members), "members, version", team.Meta.Version)
	// Output:
	// acme-devs 2 members, version W/"2"
}

func ExampleCompareMembers() {
	srv := exampleServer()
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("example-key"))
	if err != nil {
		log.Fatal(err)
	}
	svc := teams.New(client)

	// The team as read before (GET /scim/Groups/ghi): abc and a service account.
	team := &teams.Team{ID: "ghi", Members: []teams.MemberRef{{Value: "abc"}, {Value: "sa1"}}, Meta: scim.Meta{Version: `W/"1"`}}
	isServiceAccount := func(m teams.MemberRef) bool { return m.Value == "sa1" }

	// Make its users exactly def: one PATCH adds def and removes abc, and
	// fails with scim.ErrPreconditionFailed if the team changed meanwhile.
	change := teams.CompareMembers(team.Members, []string{"def"}, isServiceAccount)
	fmt.Printf("add %v, remove %v\n", change.Add, change.Remove)
	if _, err := svc.ChangeMembers(context.Background(), team.ID, change, scim.IfMatch(team.Meta.Version)); err != nil {
		log.Fatal(err)
	}
	// Output:
	// add [def], remove [abc]
}
