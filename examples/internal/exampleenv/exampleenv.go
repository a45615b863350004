// Package exampleenv connects the example programs to W&B: to a real
// deployment only when both WANDB_BASE_URL and WANDB_API_KEY are set (with,
// optionally, WANDB_USERNAME, as scim.FromEnv reads them), and otherwise to
// the SDK's built-in simulator, scim/scimtest, started in-process on a
// loopback port. Many W&B users export WANDB_API_KEY for the wandb tools, so
// the key alone must not turn an example into one that changes a real
// organization; when exactly one of the two is set, the example says which
// one was ignored and uses the simulator.
// It also holds what every example's main and tests share: Main (signal
// handling and exit status), UsageError, ReadInput (an input file or the
// built-in sample), and UseSimulator and UseServer for tests.
package exampleenv

import (
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

// Connect returns a client for a real W&B when both WANDB_BASE_URL and
// WANDB_API_KEY are set, and otherwise starts the simulator with seed as its
// options (seed data, flavor) and returns a client for it. Either way its
// first line to w says which it uses: "Using W&B at <url>" or the
// SimulatorBanner. When exactly one of the two variables is set, a second
// line (see IgnoredNote) says which one is missing and that the other was
// ignored.
func Connect(w io.Writer, seed scimtest.Options) (*Env, error) {
	baseURL, apiKey := os.Getenv(scim.EnvBaseURL) != "", os.Getenv(scim.EnvAPIKey) != ""
	if baseURL && apiKey {
		c, err := scim.NewClient(scim.FromEnv())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "Using W&B at %s\n", c.BaseURL())
		return &Env{Client: c}, nil
	}
	fmt.Fprintln(w, SimulatorBanner)
	if note := IgnoredNote(baseURL, apiKey); note != "" {
		fmt.Fprintln(w, note)
	}
	srv := scimtest.NewServer(seed)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Env{Client: c, Simulated: true, srv: srv}, nil
}

// IgnoredNote is the line Connect prints after the SimulatorBanner when only
// one of WANDB_BASE_URL (baseURL set) and WANDB_API_KEY (apiKey set) is set;
// it is "" when both or neither are set.
func IgnoredNote(baseURL, apiKey bool) string {
	set, unset := scim.EnvAPIKey, scim.EnvBaseURL
	switch {
	case baseURL == apiKey:
		return ""
	case baseURL:
		set, unset = unset, set
	}
	return "Note: " + set + " is set but " + unset + " is not, so " + set + " is ignored; set both to use a real W&B."
}
