package scim_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// ExampleNewClient shows the client a sync job would build: an explicit host,
// Basic auth, and a retry budget.
func ExampleNewClient() {
	client, err := scim.NewClient(
		scim.WithBaseURL("https://acme.wandb.io"),
		scim.WithBasicAuth("admin", "api-key"),
		scim.WithRetry(scim.RetryPolicy{MaxAttempts: 5, MaxRetryAfter: 30 * time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// Output: https://acme.wandb.io/scim
}

// ExampleClient_Do uses the low-level request path for an endpoint the
// service packages do not wrap, and matches a SCIM error with errors.Is.
func ExampleClient_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"user not found","status":"404"}`)
	}))
	defer srv.Close()

	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("api-key"))
	if err != nil {
		log.Fatal(err)
	}
	req, err := client.NewRequest(context.Background(), http.MethodGet, "Users/"+url.PathEscape("VXNlcjo5OQ=="), nil)
	if err != nil {
		log.Fatal(err)
	}
	var user map[string]any
	_, err = client.Do(req, &user)
	var scimErr *scim.Error
	if errors.Is(err, scim.ErrNotFound) && errors.As(err, &scimErr) {
		fmt.Println(scimErr.StatusCode, scimErr.Detail)
	}
	// Output: 404 user not found
}

// ExampleEq builds the filters W&B supports.
func ExampleEq() {
	fmt.Println(scim.Eq("emails.value", "ada@example.com"))
	fmt.Println(scim.Eq("displayName", `team "A"`))
	// Output:
	// emails.value eq "ada@example.com"
	// displayName eq "team \"A\""
}

// ExamplePaginate walks a collection page by page: the loop ends at the
// last resource, or with one error (here none), after which nothing more is
// yielded. A walk that gets fewer resources than the server's totalResults
// ends with an error matching scim.ErrIncomplete.
func ExamplePaginate() {
	srv := scimtest.NewServer(scimtest.Options{
		HonorPaging: true,
		Users: []scimtest.User{
			{UserName: "ada", Email: "ada@example.com"},
			{UserName: "grace", Email: "grace@example.com"},
		},
	})
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	type user struct {
		UserName string `json:"userName"`
	}
	// Two users a page: GET /scim/Users?count=2, then ?startIndex=3&count=2.
	for u, err := range scim.Paginate[user](context.Background(), client, "Users", &scim.ListOptions{Count: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.UserName)
	}
	// Output:
	// admin
	// ada
	// grace
}

// ExampleWithMaxAttempts sends one request once, without retries, and
// reads W&B's request id from the failed reply for a support ticket.
func ExampleWithMaxAttempts() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "4f2a")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("api-key"))
	if err != nil {
		log.Fatal(err)
	}
	req, err := client.NewRequest(context.Background(), http.MethodGet, "Users", nil,
		scim.WithMaxAttempts(1), scim.WithAttemptTimeout(5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Do(req, nil)
	var scimErr *scim.Error
	if errors.As(err, &scimErr) {
		fmt.Println(scimErr.StatusCode, scimErr.Attempts, scimErr.Response.Header.Get("X-Request-Id"))
	}
	// Output: 503 1 4f2a
}
