// Package exampleenv is what the example programs share: how they connect
// to W&B, their command line (-h text, -live, exit statuses), and reading
// their input files.
//
// An example reaches a real W&B only when its command line says -live: then
// WANDB_BASE_URL, WANDB_API_KEY and WANDB_USERNAME select the server and the
// credentials, as scim.FromEnv reads them. Without -live it runs against the
// SDK's built-in simulator, scim/scimtest, started in-process on a loopback
// port, whatever the environment holds: many W&B users export
// WANDB_BASE_URL and WANDB_API_KEY for the wandb tools, and an example run to
// see what it does must not change their organization. Its first line of
// output says which it uses, and that the variables were ignored.
package exampleenv

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// SimulatorBanner starts the first line an example prints when it runs
// against the built-in simulator.
const SimulatorBanner = "Using the built-in W&B simulator"

// Env is a connection made by Connect.
type Env struct {
	// Client talks to the real W&B or to the simulator.
	Client *scim.Client
	// Simulated is true when Client talks to the built-in simulator.
	Simulated bool

	srv *scimtest.Server
}

// Close stops the simulator, if one was started. It is safe on a nil Env.
func (e *Env) Close() {
	if e != nil && e.srv != nil {
		e.srv.Close()
	}
}

// Connect returns a client for the W&B that the environment names when live
// is set (WANDB_API_KEY is then required, and WANDB_BASE_URL defaults to
// W&B's Multi-tenant Cloud, as in scim.FromEnv), and otherwise starts the
// built-in simulator with seed as its options and returns a client for it.
// Either way its first line to w says which it uses: "Using W&B at <url>
// (-live)." or a line starting with SimulatorBanner that names the
// variables it ignored. Without WANDB_API_KEY, -live is a usage error
// (ErrUsage).
func Connect(w io.Writer, live bool, seed scimtest.Options) (*Env, error) {
	return connect(w, live, "", seed)
}

func connect(w io.Writer, live bool, deployment scim.Deployment, seed scimtest.Options) (*Env, error) {
	if live {
		if os.Getenv(scim.EnvAPIKey) == "" {
			return nil, Usagef("-live needs %s, the API key of an organization admin (and %s for Dedicated Cloud "+
				"or Self-Managed, such as https://acme.wandb.io; without it, W&B's Multi-tenant Cloud is used)",
				scim.EnvAPIKey, scim.EnvBaseURL)
		}
		opts := []scim.Option{scim.FromEnv()}
		if deployment != "" {
			opts = append(opts, scim.WithDeployment(deployment))
		}
		c, err := scim.NewClient(opts...)
		if err != nil {
			return nil, fmt.Errorf("-live: %w", err)
		}
		fmt.Fprintf(w, "Using W&B at %s (-live).\n", c.BaseURL())
		return &Env{Client: c}, nil
	}
	fmt.Fprintln(w, simulatorLine(os.Getenv))
	srv, err := scimtest.Listen(seed)
	if err != nil {
		return nil, fmt.Errorf("starting the simulator: %w", err)
	}
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey), scim.WithDeployment(deploymentOf(seed.Flavor)))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Env{Client: c, Simulated: true, srv: srv}, nil
}

// simulatorLine is the first line of a run on the simulator: it names the
// W&B variables that are set, and so ignored without -live.
func simulatorLine(getenv func(string) string) string {
	var set []string
	for _, name := range []string{scim.EnvBaseURL, scim.EnvAPIKey, scim.EnvUsername} {
		if v := getenv(name); v != "" {
			if name == scim.EnvBaseURL {
				name += " (" + safeURL(v) + ")"
			}
			set = append(set, name)
		}
	}
	switch len(set) {
	case 0:
		return SimulatorBanner + " (use -live for a real W&B)."
	case 1:
		return SimulatorBanner + ": " + set[0] + " is ignored without -live."
	}
	return SimulatorBanner + ": " + strings.Join(set[:len(set)-1], ", ") + " and " + set[len(set)-1] + " are ignored without -live."
}

// safeURL shows a base URL without any credentials or query it may carry.
func safeURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return "not a URL"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
