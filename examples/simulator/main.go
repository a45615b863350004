// Simulator runs the SDK's W&B simulator, scim/scimtest, as a standalone
// server: a local W&B organization for the examples (with -live), curl, or
// any other SCIM client, such as a Python script or an identity provider's
// connector. It serves the SCIM API under /scim and /scim/v2 and the GraphQL
// operations the SDK uses at /graphql, and behaves as W&B does, quirks
// included.
//
//	go run ./examples/simulator -state sim-state.json -seed examples/simulator/seed.json
//
// It prints the two lines a shell needs on standard output,
//
//	export WANDB_BASE_URL=http://127.0.0.1:7357
//	export WANDB_API_KEY=scimtest-admin-key-0123456789abcdef0123456789
//
// and everything else on standard error. With -state FILE the organization
// is loaded from FILE at start and saved to it, atomically, after every
// change, so that a restart with the same command continues where the last
// run stopped. The file says what it is ("kind": "wandb-simulator-state"),
// and the simulator refuses, in one line, any other file given as -state
// (an organization file of orgsync, say) rather than overwrite it. With -v it logs one line per request: method, path, status
// and duration (never a credential). It stops cleanly on Ctrl-C or SIGTERM,
// finishing the requests in flight. Run it with -h for every flag; exit
// status 0 is a clean stop, 1 a failure (a busy address, a bad seed or state
// file, a failed save, a bad command line), 3 an interrupt before it could
// start; it never exits 2 (changes pending), having no plan or dry run.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
)

// defaultAddr is where the simulator listens unless -addr says otherwise: a
// fixed port, so that the exported WANDB_BASE_URL stays right across
// restarts, on loopback only.
const defaultAddr = "127.0.0.1:7357"

func main() { exampleenv.Main("simulator", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/simulator [flags]",
	About: `Simulator runs the SDK's W&B simulator (the scim/scimtest package) as a
standalone server: a local W&B organization for the examples (run them with
-live), curl, or any other SCIM client. It serves the SCIM API under /scim and
/scim/v2 and W&B's GraphQL operations at /graphql, and behaves as W&B does,
quirks included (Dedicated Cloud, Self-Managed or Multi-tenant Cloud).

On standard output it prints the two lines a shell needs to point the
examples and the SDK at it; everything else goes to standard error:

    export WANDB_BASE_URL=http://` + defaultAddr + `
    export WANDB_API_KEY=` + scimtest.DefaultAPIKey + `

With -state FILE the organization is loaded from FILE at start (made from the
seed when FILE does not exist yet) and saved to it after every change, by
writing a temporary file and renaming it, so a restart with the same command
continues exactly (users, teams, roles, keys, IDs, ETags). The file says what
it is ("kind": "wandb-simulator-state") and holds API keys (mode 0600); give
-state a file of its own, such as sim-state.json: any other file (an
organization file of orgsync, say) is refused, not overwritten. Without
-state the organization lives in memory only. Ctrl-C (or SIGTERM) stops it
cleanly.

Input (-seed, used when there is no state to load): a JSON file with the
first users, teams and custom roles (fields as scimtest.User, Team and Role);
examples/simulator/seed.json is a sample:

    {
      "users": [{"userName": "alice", "email": "alice@example.com",
                 "lastActiveAt": "2025-06-01T09:00:00Z", "daysActive": 120}],
      "teams": [{"name": "ml-research", "members": ["alice"], "roles": {"alice": "admin"}}],
      "roles": [{"name": "run-operator", "permissions": ["run:stop"]}]
    }

Without -seed the organization holds only its admin (userName admin, the key
above).`,
	Example: "go run ./examples/simulator -state sim-state.json -seed examples/simulator/seed.json -v",
	Exit: `Exit status: 0 after a clean stop (Ctrl-C, SIGTERM); 1 when it cannot start
(a busy address, a bad seed or state file, a bad command line) or the last
save failed; 3 when interrupted before it could start. Never 2 (changes
pending): the simulator has no plan or dry run.
` + exampleenv.GoRunNote,
}

// config is the command line.
type config struct {
	addr, seed, state string
	flavor            scimtest.Flavor
	legacyEmails      bool
	honorPaging       bool
	faults            scimtest.Faults
	verbose           bool
}

// parse reads the command line.
func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	fs := exampleenv.NewFlagSet("simulator", help)
	fs.StringVar(&c.addr, "addr", defaultAddr, "`host:port` to listen on; port 0 picks a free one")
	fs.TextVar(&c.flavor, "flavor", scimtest.Dedicated, "the W&B `deployment` to imitate: dedicated, self-managed or multi-tenant")
	fs.BoolVar(&c.legacyEmails, "legacy-emails", false, `reply with the shapes of W&B before v0.80.1: "emails" as one object, null for empty lists`)
	fs.BoolVar(&c.honorPaging, "honor-paging", false, "honour startIndex and count in lists (W&B ignores them and returns everything)")
	fs.StringVar(&c.seed, "seed", "", "a JSON `file` of the first users, teams and roles (used when there is no state to load)")
	fs.StringVar(&c.state, "state", "", "keep the organization in this JSON `file` of its own, such as sim-state.json: loaded at start, saved after every change (any other file is refused)")
	fs.DurationVar(&c.faults.Latency, "latency", 0, "add this delay to every request, such as 200ms")
	fs.Float64Var(&c.faults.FailureRate, "failure-rate", 0, "fail this fraction of requests, 0 to 1, with -fail-status")
	fs.IntVar(&c.faults.FailFirst, "fail-first", 0, "fail the first `n` requests, with -fail-status")
	fs.IntVar(&c.faults.FailStatus, "fail-status", 503, "the HTTP `status` of failed requests, such as 429 or 503")
	fs.StringVar(&c.faults.RetryAfter, "retry-after", "", "send this Retry-After header (seconds or an HTTP date) with failed requests")
	fs.BoolVar(&c.verbose, "v", false, "log one line per request on standard error: method, path, status, duration")
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	switch {
	case c.addr == "":
		return c, exampleenv.Usagef("-addr must not be empty")
	case c.faults.FailureRate < 0 || c.faults.FailureRate > 1:
		return c, exampleenv.Usagef("-failure-rate %g: want 0 to 1", c.faults.FailureRate)
	case c.faults.FailStatus < 400 || c.faults.FailStatus > 599:
		return c, exampleenv.Usagef("-fail-status %d: want an error status, 400 to 599", c.faults.FailStatus)
	case c.faults.FailFirst < 0 || c.faults.Latency < 0:
		return c, exampleenv.Usagef("-fail-first and -latency must not be negative")
	}
	return c, exampleenv.NoArgs(fs)
}

// command is the program: it parses args and serves until ctx ends.
func command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	return run(ctx, stdout, stderr, c)
}

// run serves the simulator configured by c until ctx ends, then stops it
// and saves the state a last time.
func run(ctx context.Context, stdout, stderr io.Writer, c config) error {
	opts := scimtest.Options{
		Addr: c.addr, Flavor: c.flavor, LegacyEmails: c.legacyEmails, HonorPaging: c.honorPaging,
		Faults: c.faults, DiscardRequests: true,
	}
	if c.verbose {
		opts.OnRequest = func(r scimtest.Request) {
			// The path only: no query (filters hold email addresses), no header.
			fmt.Fprintf(stderr, "%s %s %d %s\n", r.Method, r.Path, r.Status, r.Duration.Round(10*time.Microsecond))
		}
	}

	var (
		sv     *saver
		origin = "in memory only (-state FILE keeps it across restarts)"
	)
	if c.state != "" {
		st, err := loadState(c.state)
		if err != nil {
			return err
		}
		sv = &saver{file: c.state, log: stderr, saved: -1}
		opts.OnChange = sv.save
		if st != nil {
			if st.Flavor != c.flavor {
				return exampleenv.Usagef("%s holds a %s organization, not a %s one: run with -flavor %s, or use another -state file",
					c.state, st.Flavor, c.flavor, strings.ToLower(st.Flavor.String()))
			}
			opts.State, sv.saved, sv.replace = st, st.Revision, true
			origin = fmt.Sprintf("loaded from %s (revision %d) and saved there after every change", c.state, st.Revision)
			if c.seed != "" {
				origin += "; -seed is ignored"
			}
		} else {
			origin = fmt.Sprintf("new, saved to %s after every change", c.state)
		}
	}
	if opts.State == nil && c.seed != "" {
		if err := loadSeed(c.seed, &opts); err != nil {
			return err
		}
	}

	srv, err := scimtest.Listen(opts)
	if err != nil {
		return startError(c, err)
	}
	if sv != nil && opts.State == nil {
		// Create the file now, so that a bad path shows at once.
		if err := sv.write(srv.State()); err != nil {
			srv.Close()
			return fmt.Errorf("creating the state file: %w", err)
		}
	}

	st := srv.State()
	active := 0
	for _, u := range st.Users {
		if !u.Removed {
			active++
		}
	}
	fmt.Fprintf(stderr, "W&B simulator (%s) listening on %s: %s, %s, %s.\n",
		c.flavor, srv.URL, exampleenv.Count(active, "user"), exampleenv.Count(len(st.Teams), "team"), exampleenv.Count(len(st.Roles), "custom role"))
	fmt.Fprintf(stderr, "Organization: %s.\n", origin)
	if !loopback(c.addr) {
		fmt.Fprintf(stderr, "Warning: %s may be reachable from other machines, and the simulator's API key is public; listen on 127.0.0.1 unless you mean to share it.\n", c.addr)
	}
	fmt.Fprintln(stderr, "To use it from a shell (the examples need -live):")
	fmt.Fprintf(stdout, "export %s=%s\nexport %s=%s\n", scim.EnvBaseURL, srv.URL, scim.EnvAPIKey, srv.APIKey)
	fmt.Fprintln(stderr, "Press Ctrl-C to stop.")

	<-ctx.Done()
	srv.Close() // waits for the requests in flight
	if sv == nil {
		fmt.Fprintln(stderr, "Stopped.")
		return nil
	}
	// A save that failed earlier is tried again here.
	if err := sv.write(srv.State()); err != nil {
		return fmt.Errorf("stopped, but the state could not be saved: %w", err)
	}
	fmt.Fprintf(stderr, "Stopped; the organization is in %s.\n", c.state)
	return nil
}

// loopback reports whether addr (host:port) listens only on this machine's
// loopback interface: localhost, 127.0.0.0/8 or ::1. An empty host, 0.0.0.0,
// :: and any other name or address may be reachable from elsewhere.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// startError explains why the server could not start: the address, or the
// state or seed file.
func startError(c config, err error) error {
	var op *net.OpError
	switch msg := err.Error(); {
	case errors.As(err, &op):
		hint := ""
		if c.addr == defaultAddr {
			hint = " (is a simulator already running? -addr picks another address)"
		}
		return fmt.Errorf("cannot listen on %s: %v%s", c.addr, op.Err, hint)
	case strings.HasPrefix(msg, "scimtest: state: "):
		return fmt.Errorf("%s: %s (delete the file to start afresh)", c.state, strings.TrimPrefix(msg, "scimtest: state: "))
	case c.seed != "":
		return fmt.Errorf("%s: %s", c.seed, strings.TrimPrefix(msg, "scimtest: "))
	}
	return err
}
