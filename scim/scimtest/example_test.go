package scimtest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// Start a simulated Multi-tenant W&B organization with one team, and call
// its SCIM API through the SDK's core client.
func Example() {
	srv := scimtest.NewServer(scimtest.Options{
		Flavor: scimtest.MultiTenant,
		Users:  []scimtest.User{{UserName: "alice", Email: "alice@example.com"}},
		Teams:  []scimtest.Team{{Name: "ml", Members: []string{"alice"}}},
	})
	defer srv.Close()

	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	page, err := users.New(client).List(context.Background(), &scim.ListOptions{Filter: scim.Eq("userName", "alice")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.TotalResults, page.ItemsPerPage, page.Resources[0].UserName, page.Resources[0].PrimaryEmail())

	team, _ := srv.Team("ml")
	fmt.Println(team.Members)
	// Output:
	// 1 9999 alice alice@example.com
	// [alice]
}

// Make the first two requests fail with 429 and a Retry-After, to test how
// code copes with throttling.
func ExampleFaults() {
	srv := scimtest.NewServer(scimtest.Options{
		Faults: scimtest.Faults{FailFirst: 2, FailStatus: http.StatusTooManyRequests, RetryAfter: "0"},
	})
	defer srv.Close()

	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	// The client retries 429s (three times by default after the first try).
	if _, err := users.New(client).List(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// GET /scim/Users 429
	// GET /scim/Users 429
	// GET /scim/Users 200
}
