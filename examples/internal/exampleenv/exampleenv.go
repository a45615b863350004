// Package exampleenv connects the example programs to W&B: to a real
// deployment when WANDB_API_KEY is set (with WANDB_BASE_URL and, optionally,
// WANDB_USERNAME, as scim.FromEnv reads them), and otherwise to the SDK's
// built-in simulator, scim/scimtest, started in-process on a loopback port.
// It also holds what every example's main and tests share: Main (signal
// handling and exit status), UsageError, ReadInput (an input file or the
// built-in sample), and UseSimulator and UseServer for tests.
package exampleenv

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// SimulatorBanner is the first line an example prints when it runs against
// the built-in simulator.
const SimulatorBanner = "Using the built-in W&B simulator (set WANDB_BASE_URL and WANDB_API_KEY to use a real W&B)"

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

// Connect returns a client for a real W&B when WANDB_API_KEY is set, and
// otherwise starts the simulator with seed as its options (seed data, flavor)
// and returns a client for it. Either way it first writes one line to w
// saying which it uses. Setting WANDB_BASE_URL without WANDB_API_KEY is an
// error rather than a silent switch to the simulator.
func Connect(w io.Writer, seed scimtest.Options) (*Env, error) {
	if os.Getenv(scim.EnvAPIKey) != "" {
		c, err := scim.NewClient(scim.FromEnv())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "Using W&B at %s\n", c.BaseURL())
		return &Env{Client: c}, nil
	}
	if os.Getenv(scim.EnvBaseURL) != "" {
		return nil, errors.New(scim.EnvBaseURL + " is set but " + scim.EnvAPIKey +
			" is not: set both to use a real W&B, or neither to use the built-in simulator")
	}
	fmt.Fprintln(w, SimulatorBanner)
	srv := scimtest.NewServer(seed)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Env{Client: c, Simulated: true, srv: srv}, nil
}
