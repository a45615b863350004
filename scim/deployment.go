package scim

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-wandb/identity/internal/clip"
)

// Deployment names the kind of W&B a client talks to. W&B runs two SCIM
// implementations, one for Multi-tenant Cloud and one shared by Dedicated
// Cloud and Self-Managed, which differ in what they can change (Multi-tenant
// Cloud cannot update a user's email or display name, nor reactivate a user,
// and deactivation removes the user from the organization) and where their
// audit logs are served. Services and scim/orgsync read it from
// Client.Deployment.
type Deployment string

// The deployments of W&B.
const (
	MultiTenant Deployment = "multi-tenant" // api.wandb.ai
	Dedicated   Deployment = "dedicated"    // Dedicated Cloud, a host of W&B's
	SelfManaged Deployment = "self-managed" // W&B Server run by its customer
)

// multiTenantHost is the host of W&B Multi-tenant Cloud.
const multiTenantHost = "api.wandb.ai"

// DeploymentFor guesses a deployment from a base URL: MultiTenant for the
// host api.wandb.ai, Dedicated for any other (Dedicated and Self-Managed
// behave alike). A program that knows better says so with WithDeployment.
func DeploymentFor(baseURL string) Deployment {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err == nil && strings.EqualFold(u.Hostname(), multiTenantHost) {
		return MultiTenant
	}
	return Dedicated
}

// ParseDeployment reads a deployment's name as a flag or a file holds it
// ("multi-tenant", "dedicated", "self-managed", in any case), failing with a
// message that lists the names for anything else.
func ParseDeployment(s string) (Deployment, error) {
	d := Deployment(strings.ToLower(strings.TrimSpace(s)))
	if d.valid() {
		return d, nil
	}
	return "", fmt.Errorf("scim: %q is not a deployment (want %s, %s or %s)", clip.String(s, maxQuoted), MultiTenant, Dedicated, SelfManaged)
}

// String returns the deployment's name.
func (d Deployment) String() string { return string(d) }

// IsMultiTenant reports whether d is W&B Multi-tenant Cloud.
func (d Deployment) IsMultiTenant() bool { return d == MultiTenant }

func (d Deployment) valid() bool {
	return d == MultiTenant || d == Dedicated || d == SelfManaged
}

// WithDeployment says which kind of W&B the client talks to. The default
// is DeploymentFor the base URL. An unknown deployment makes NewClient fail.
func WithDeployment(d Deployment) Option {
	return func(c *config) error {
		if !d.valid() {
			return fmt.Errorf("scim: WithDeployment: %q is not a deployment (want %s, %s or %s)", clip.String(string(d), maxQuoted), MultiTenant, Dedicated, SelfManaged)
		}
		c.deployment = d
		return nil
	}
}

// Deployment returns the kind of W&B the client talks to: the one given to
// WithDeployment, else DeploymentFor its base URL.
func (c *Client) Deployment() Deployment { return c.deployment }
