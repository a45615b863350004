package auditlogs_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/auditlogs"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// Who deactivated whom in the last week: the walk reads the range page by
// page and yields only the entries that pass the filters.
func ExampleService_All() {
	clock := time.Date(2026, 8, 3, 9, 30, 0, 0, time.UTC)
	srv := scimtest.NewServer(scimtest.Options{
		Now:   func() time.Time { return clock },
		Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}},
	})
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithBasicAuth(srv.AdminUserName, srv.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ada, err := users.New(client).Find(ctx, "ada")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := users.New(client).Deactivate(ctx, ada.ID); err != nil {
		log.Fatal(err)
	}

	q := auditlogs.Query{
		Start:   clock.AddDate(0, 0, -7),
		End:     clock.Add(time.Minute),
		Actions: []string{"user:deactivate"},
	}
	for e, err := range auditlogs.New(client).All(ctx, q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Timestamp.Format(time.RFC3339), e.Action, "by", e.ActorEmail, "of", string(e.Extra["user_email"]))
	}
	// Output:
	// 2026-08-03T09:30:00Z user:deactivate by admin@example.com of "ada@example.com"
}
