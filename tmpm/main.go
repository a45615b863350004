package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

func main() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	for _, to := range []time.Duration{time.Second} {
		c, _ := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey("k"), scim.WithTimeout(to))
		for _, name := range []string{"Get", "Create"} {
			start := time.Now()
			var err error
			if name == "Get" {
				_, err = users.New(c).Get(context.Background(), "x")
			} else {
				_, err = users.New(c).Create(context.Background(), users.CreateParams{Email: "a@b.c"})
			}
			fmt.Printf("%s timeout %v: %v in %v\n", name, to, err, time.Since(start).Round(10*time.Millisecond))
		}
	}
}
