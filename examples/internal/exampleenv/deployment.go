package exampleenv

import (
	"flag"
	"io"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// DeploymentHelp is the -deployment flag's text.
const DeploymentHelp = "the kind of W&B: multi-tenant, dedicated or self-managed (default: multi-tenant for the host api.wandb.ai, else dedicated; on the simulator, its flavor)"

// DeploymentFlag adds -deployment to fs, stored in p (empty when not given).
func DeploymentFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "deployment", "", DeploymentHelp)
}

// ParseDeploymentFlag checks a -deployment value: "" (not given) or a name
// that scim.ParseDeployment reads; anything else is a usage error.
func ParseDeploymentFlag(s string) (scim.Deployment, error) {
	if s == "" {
		return "", nil
	}
	d, err := scim.ParseDeployment(s)
	if err != nil {
		return "", Usagef("-deployment %q: want multi-tenant, dedicated or self-managed", s)
	}
	return d, nil
}

// flavorOf is the simulator flavor that imitates d.
func flavorOf(d scim.Deployment) scimtest.Flavor {
	switch d {
	case scim.MultiTenant:
		return scimtest.MultiTenant
	case scim.SelfManaged:
		return scimtest.SelfManaged
	}
	return scimtest.Dedicated
}

// deploymentOf is the deployment the simulator flavor f imitates.
func deploymentOf(f scimtest.Flavor) scim.Deployment {
	switch f {
	case scimtest.MultiTenant:
		return scim.MultiTenant
	case scimtest.SelfManaged:
		return scim.SelfManaged
	}
	return scim.Dedicated
}

// ConnectTo is Connect for a program with -deployment: deployment (from
// ParseDeploymentFlag, "" when not given) is the client's scim.Deployment
// and, on the simulator, selects the flavor it imitates; not given, a live
// client takes scim.DeploymentFor its base URL and a simulated one the
// seed's flavor.
func ConnectTo(w io.Writer, live bool, deployment scim.Deployment, seed scimtest.Options) (*Env, error) {
	if !live && deployment != "" {
		seed.Flavor = flavorOf(deployment)
	}
	return connect(w, live, deployment, seed)
}
