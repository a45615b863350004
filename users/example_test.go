package users_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// exampleServer is a tiny stand-in for a W&B Dedicated Cloud SCIM API that
// holds one user, so the examples run without a network.
func exampleServer() *httptest.Server {
	var mu sync.Mutex
	user := map[string]any{
		"schemas":  []string{scim.UserSchema},
		"id":       "VXNlcjox",
		"userName": "ada",
		"active":   true,
		"emails":   []map[string]any{{"value": "ada@example.com", "primary": true}},
		"meta":     map[string]any{"resourceType": "User", "created": "2026-01-02T03:04:05Z", "location": "Users/VXNlcjox"},
	}
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/scim/Users":
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			user["userName"], user["emails"] = body["userName"], body["emails"]
			reply(w, http.StatusCreated, user)
		case r.Method == http.MethodGet && r.URL.Path == "/scim/Users":
			reply(w, http.StatusOK, map[string]any{
				"Resources": []any{user}, "itemsPerPage": 9999, "startIndex": 1, "totalResults": 1,
			})
		case r.Method == http.MethodPatch && r.URL.Path == "/scim/Users/VXNlcjox":
			var body scim.PatchOp
			_ = json.NewDecoder(r.Body).Decode(&body)
			for _, op := range body.Operations {
				if op.Path == "" {
					for k, v := range op.Value.(map[string]any) {
						user[k] = v
					}
				} else {
					user[op.Path] = op.Value
				}
			}
			reply(w, http.StatusOK, user)
		default:
			reply(w, http.StatusNotFound, map[string]any{"detail": "not found", "status": "404"})
		}
	}))
}

// exampleClient returns a client for srv; real code would use
// scim.NewClient(scim.WithBaseURL("https://acme.wandb.io"), scim.WithAPIKey(key)).
func exampleClient(srv *httptest.Server) *scim.Client {
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("example-key"))
	if err != nil {
		log.Fatal(err)
	}
	return client
}

func ExampleService_Create() {
	srv := exampleServer()
	defer srv.Close()
	svc := users.New(exampleClient(srv))

	u, err := svc.Create(context.Background(), users.CreateParams{
		Email:      "grace@example.com", // UserName defaults to "grace"
		ModelsSeat: users.SeatViewer,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.ID, u.UserName, u.PrimaryEmail())
	// Output: VXNlcjox grace grace@example.com
}

func ExampleService_Find() {
	srv := exampleServer()
	defer srv.Close()
	svc := users.New(exampleClient(srv))

	// With "@" this filters on emails.value, otherwise on userName.
	u, err := svc.Find(context.Background(), "ada@example.com")
	if err != nil {
		log.Fatal(err) // errors.Is(err, scim.ErrNotFound) when nobody matches
	}
	fmt.Println(u.ID, u.UserName, u.Active)
	// Output: VXNlcjox ada true
}

func ExampleService_Deactivate() {
	srv := exampleServer()
	defer srv.Close()
	svc := users.New(exampleClient(srv))
	ctx := context.Background()

	u, err := svc.Find(ctx, "ada")
	if err != nil {
		log.Fatal(err)
	}
	// Conditional on the version just read; a concurrent change fails with
	// scim.ErrPreconditionFailed.
	u, err = svc.Deactivate(ctx, u.ID, scim.IfMatch(u.Meta.Version))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.UserName, "active:", u.Active)
	// Output: ada active: false
}

func ExampleService_SetTeamRoles() {
	srv := exampleServer()
	defer srv.Close()
	svc := users.New(exampleClient(srv))

	u, err := svc.SetTeamRoles(context.Background(), "VXNlcjox", []users.TeamRole{
		{TeamName: "ml", RoleName: "admin"},
		{TeamName: "infra", RoleName: "viewer"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range u.TeamRoles {
		fmt.Println(r.TeamName, r.RoleName)
	}
	// Output:
	// ml admin
	// infra viewer
}

// ExampleService_All walks every user of the organization (GET /scim/Users,
// page after page): an error ends the walk, once.
func ExampleService_All() {
	srv := exampleServer()
	defer srv.Close()
	svc := users.New(exampleClient(srv))
	for u, err := range svc.All(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.UserName, u.PrimaryEmail())
	}
	// Output: ada ada@example.com
}
