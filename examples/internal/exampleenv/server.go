package exampleenv

import "github.com/go-wandb/identity/scim/scimtest"

// Server returns the simulator the Env runs, or nil for a live Env: for a
// program that seeds what its requests cannot make, such as an audit log's
// history of logins.
func (e *Env) Server() *scimtest.Server {
	if e == nil {
		return nil
	}
	return e.srv
}
