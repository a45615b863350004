package orgsync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// exampleFile wants ada in the team ml-platform as its admin, and the
// custom role auditor.
const exampleFile = `{
  "users": [{"userName": "ada", "email": "ada@example.com", "organizationRole": "member"}],
  "teams": [{"name": "ml-platform", "members": [{"userName": "ada", "role": "admin"}]}],
  "roles": [{"name": "auditor", "description": "read-only audits", "inheritedFrom": "viewer", "permissions": ["run:stop"]}]
}`

// exampleSyncer returns a Syncer on a simulator that stands in for W&B: its
// organization has an admin, carol, and the team ml-platform with carol.
func exampleSyncer() (*orgsync.Syncer, func()) {
	srv := scimtest.NewServer(scimtest.Options{
		Users: []scimtest.User{{UserName: "carol", Email: "carol@example.com"}},
		Teams: []scimtest.Team{{Name: "ml-platform", Members: []string{"carol"}}},
	})
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		log.Fatal(err)
	}
	return orgsync.New(client, orgsync.Options{}), srv.Close
}

func ExampleSyncer_Plan() {
	s, stop := exampleSyncer()
	defer stop()
	f, err := orgsync.Decode([]byte(exampleFile))
	if err != nil {
		log.Fatal(err) // an *orgsync.ValidationError lists every problem with its JSON path
	}
	plan, err := s.Plan(context.Background(), f, orgsync.PlanOptions{})
	if err != nil {
		log.Fatal(err)
	}
	if err := plan.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	//   + role auditor: description "read-only audits", inheritedFrom viewer, permissions +run:stop
	//   + user ada: email ada@example.com, organizationRole member
	//   ~ team ml-platform members: +ada -carol
	//   ~ user ada team roles: ml-platform member → admin
	// Plan: 2 to create, 0 to update, 0 to deactivate, 1 member to add, 1 to remove, 1 team role to change.
}

func ExampleSyncer_Apply() {
	s, stop := exampleSyncer()
	defer stop()
	ctx := context.Background()
	f, err := orgsync.Decode([]byte(exampleFile))
	if err != nil {
		log.Fatal(err)
	}
	plan, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		log.Fatal(err)
	}
	// A plan saved as JSON (for review, or to apply later) applies exactly:
	// a resource changed since it was planned is refused.
	saved, err := json.Marshal(plan)
	if err != nil {
		log.Fatal(err)
	}
	var reviewed orgsync.Plan
	if err := json.Unmarshal(saved, &reviewed); err != nil {
		log.Fatal(err)
	}
	report, err := s.Apply(ctx, &reviewed, orgsync.ApplyOptions{MaxRemovals: orgsync.MaxRemovals(1)})
	if err != nil {
		log.Fatal(err) // an *orgsync.ApplyError holds the report
	}
	fmt.Println(report.Summary())

	again, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(again.Summary())
	// Output:
	// Applied 4 changes.
	// No changes: the organization matches the file.
}

func ExampleSyncer_Export() {
	s, stop := exampleSyncer()
	defer stop()
	f, err := s.Export(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	out, err := json.MarshalIndent(f.Teams, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))
	// Output:
	// [
	//   {
	//     "name": "ml-platform",
	//     "members": [
	//       {
	//         "userName": "carol"
	//       }
	//     ]
	//   }
	// ]
}

func ExampleDecode() {
	_, err := orgsync.Decode([]byte(`{"users": [{"userName": "ada", "emial": "ada@example.com", "modelsSeat": "gold"}]}`))
	var ve *orgsync.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// users[0].modelsSeat: "gold" is not a seat (want full, viewer or none)
	// users[0].emial: unknown key "emial" (did you mean "email"?)
}

func ExampleGuard() {
	srv := scimtest.NewServer(scimtest.Options{Users: []scimtest.User{
		{UserName: "ada", Email: "ada@example.com", OrgRole: "admin"},
		{UserName: "ci-bot", AccountType: scimtest.AccountOrgService},
	}})
	defer srv.Close()
	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey)) // the admin's key
	if err != nil {
		log.Fatal(err)
	}
	g, err := orgsync.NewGuard(context.Background(), client)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.CheckDeactivate("admin", true)) // the caller
	fmt.Println(g.CheckDelete("ci-bot", false))   // a service account nobody named
	fmt.Println(g.CheckDemote("ada"))             // the caller stays admin
	errs := g.CheckAll([]orgsync.GuardChange{     // a set of changes at once: ada may go, the caller may not
		{UserName: "ada", Action: orgsync.GuardDemote},
		{UserName: "admin", Action: orgsync.GuardDemote},
	})
	fmt.Println(errs[0], "/", errs[1], "/", errors.Is(errs[1], orgsync.ErrGuarded))
	// Output:
	// refusing to deactivate admin: it is the calling account
	// refusing to delete ci-bot: it is a service account, touched only when named
	// <nil>
	// <nil> / refusing to demote admin: it is the calling account / true
}
