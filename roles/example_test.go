package roles_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
)

// exampleServer stands in for a W&B server: it answers the two calls the
// examples make with the replies W&B documents.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/scim+json")
		switch r.Method + " " + r.URL.Path {
		case "POST /scim/Roles":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, role7JSON)
		case "PATCH /scim/Roles/Um9sZTo3":
			_, _ = io.WriteString(w, addReply)
		default:
			http.NotFound(w, r)
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

	role, err := roles.New(client).Create(context.Background(), roles.Params{
		Name:          "Sample custom role",
		Description:   "A sample custom role for example",
		Permissions:   []string{"project:update"},
		InheritedFrom: roles.InheritMember,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(role.ID, role.Name)
	fmt.Println("inherits from:", role.InheritedFrom)
	fmt.Println("custom permissions:", role.CustomPermissions())
	// Output:
	// Um9sZTo3 Sample custom role
	// inherits from: member
	// custom permissions: [project:update]
}

func ExampleService_AddPermissions() {
	srv := exampleServer()
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("example-key"))
	if err != nil {
		log.Fatal(err)
	}

	role, err := roles.New(client).AddPermissions(context.Background(), "Um9sZTo3",
		[]string{"project:delete", "run:stop"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("custom permissions:", role.CustomPermissions())
	// Output:
	// custom permissions: [project:delete project:update run:stop]
}
