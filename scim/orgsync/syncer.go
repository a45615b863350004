package orgsync

import (
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// Options configure a Syncer. What the organization's deployment can change
// is the client's: scim.WithDeployment, or scim.DeploymentFor its base URL.
type Options struct {
	// Concurrency bounds the requests Apply has in flight; 0 means 4.
	Concurrency int
}

// Syncer plans and applies the changes that make a W&B organization equal
// to a File, and exports an organization as a File. It holds no state
// between calls and is safe for concurrent use.
type Syncer struct {
	client *scim.Client
	users  *users.Service
	teams  *teams.Service
	roles  *roles.Service
	opts   Options
}

// New returns a Syncer that sends its requests through client, which must
// act as an organization admin (or an org-scoped service account). The
// client's Deployment says which changes the organization can make: on
// Multi-tenant Cloud, a user's email and display name cannot be changed,
// nor a user reactivated.
func New(client *scim.Client, opts Options) *Syncer {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	return &Syncer{client: client, users: users.New(client), teams: teams.New(client), roles: roles.New(client), opts: opts}
}

// Deployment returns the deployment the Syncer plans for: its client's.
func (s *Syncer) Deployment() scim.Deployment { return s.client.Deployment() }
