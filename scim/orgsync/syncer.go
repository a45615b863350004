package orgsync

import (
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// Options configure a Syncer. The zero value suits Dedicated Cloud and
// Self-Managed.
type Options struct {
	// MultiTenant says the organization is on W&B Multi-tenant Cloud
	// (api.wandb.ai), which cannot change a user's email or display name:
	// plans report such changes as not applicable instead of making them.
	MultiTenant bool
	// Concurrency bounds the requests Apply has in flight; 0 means 4.
	Concurrency int
}

// Syncer plans and applies the changes that make a W&B organization equal
// to a File, and exports an organization as a File. It holds no state
// between calls and is safe for concurrent use.
type Syncer struct {
	users *users.Service
	teams *teams.Service
	roles *roles.Service
	opts  Options
}

// New returns a Syncer that sends its requests through client, which must
// act as an organization admin (or an org-scoped service account).
func New(client *scim.Client, opts Options) *Syncer {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	return &Syncer{users: users.New(client), teams: teams.New(client), roles: roles.New(client), opts: opts}
}
