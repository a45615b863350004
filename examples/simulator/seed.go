package main

import (
	"os"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/scimtest"
)

// seedFile is the -seed file: the first users, teams and custom roles, with
// the fields of scimtest.User, Team and Role (keys match them ignoring case,
// as encoding/json does: "userName", "email", "members", ...).
type seedFile struct {
	Users []scimtest.User `json:"users"`
	Teams []scimtest.Team `json:"teams"`
	Roles []scimtest.Role `json:"roles"`
}

// loadSeed reads the seed file into opts. Errors name the file, and the line
// and column for JSON that cannot be read; what is wrong with the data
// itself (a duplicate name, an unknown member) is found when the server
// starts.
func loadSeed(file string, opts *scimtest.Options) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var seed seedFile
	if err := exampleenv.DecodeJSON(file, data, &seed, `a JSON object such as {"users": [{"userName": "alice", "email": "alice@example.com"}]}`); err != nil {
		return err
	}
	opts.Users, opts.Teams, opts.Roles = seed.Users, seed.Teams, seed.Roles
	return nil
}
