package exampleenv

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// TestConnect checks that only -live reaches the W&B the environment names
// (here a scimtest server standing in for one), whatever variables are set,
// and that the first line says which is used and what was ignored. It sets
// environment variables, so it does not run in parallel.
func TestConnect(t *testing.T) {
	tests := []struct {
		name                   string
		baseURL, apiKey, user  bool
		live                   bool
		wantLine               string // with {URL} for the server's URL
		wantUsage, wantReached bool
	}{
		{name: "nothing set", wantLine: SimulatorBanner + " (use -live for a real W&B)."},
		{name: "URL and key set, no -live", baseURL: true, apiKey: true,
			wantLine: SimulatorBanner + ": WANDB_BASE_URL ({URL}) and WANDB_API_KEY are ignored without -live."},
		{name: "everything set, no -live", baseURL: true, apiKey: true, user: true,
			wantLine: SimulatorBanner + ": WANDB_BASE_URL ({URL}), WANDB_API_KEY and WANDB_USERNAME are ignored without -live."},
		{name: "key only, no -live", apiKey: true, wantLine: SimulatorBanner + ": WANDB_API_KEY is ignored without -live."},
		{name: "URL only, no -live", baseURL: true, wantLine: SimulatorBanner + ": WANDB_BASE_URL ({URL}) is ignored without -live."},
		{name: "-live", baseURL: true, apiKey: true, live: true, wantLine: "Using W&B at {URL}/scim (-live).", wantReached: true},
		{name: "-live without a key", baseURL: true, live: true, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := scimtest.Start(t, scimtest.Options{})
			set := func(name string, on bool, v string) {
				if !on {
					v = ""
				}
				t.Setenv(name, v)
			}
			set(scim.EnvBaseURL, tt.baseURL, srv.URL)
			set(scim.EnvAPIKey, tt.apiKey, srv.APIKey)
			set(scim.EnvUsername, tt.user, srv.AdminUserName)

			var out bytes.Buffer
			env, err := Connect(&out, tt.live, scimtest.Options{})
			if tt.wantUsage {
				if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), "-live needs WANDB_API_KEY") || out.Len() != 0 {
					t.Fatalf("Connect = %v, output %q; want a usage error asking for WANDB_API_KEY", err, out.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer env.Close()
			if _, err := users.New(env.Client).List(context.Background(), nil); err != nil {
				t.Fatalf("listing users through the connection: %v", err)
			}
			if want := strings.ReplaceAll(tt.wantLine, "{URL}", srv.URL) + "\n"; out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
			if reached := len(srv.Requests()) > 0; reached != tt.wantReached || env.Simulated == tt.wantReached {
				t.Errorf("the environment's server reached: %t, Simulated: %t; want reached %t", reached, env.Simulated, tt.wantReached)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://acme.wandb.io":                     "https://acme.wandb.io",
		"https://me:secret@acme.wandb.io/x?key=abc": "https://acme.wandb.io/x",
		"acme.wandb.io":                             "not a URL",
		"http://[::1":                               "not a URL",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConnectTo checks that -deployment reaches the client and, on the
// simulator, the flavor it imitates; not given, the simulator's flavor or
// the live host decides. It sets environment variables, so it does not run
// in parallel.
func TestConnectTo(t *testing.T) {
	live := scimtest.Start(t, scimtest.Options{})
	tests := []struct {
		name       string
		live       bool
		flag       string
		seed       scimtest.Flavor
		want       scim.Deployment
		wantUsage  string
		wantFlavor scimtest.Flavor
	}{
		{name: "simulator, no flag", want: scim.Dedicated, wantFlavor: scimtest.Dedicated},
		{name: "simulator seeded multi-tenant, no flag", seed: scimtest.MultiTenant, want: scim.MultiTenant, wantFlavor: scimtest.MultiTenant},
		{name: "simulator, -deployment multi-tenant", flag: "multi-tenant", want: scim.MultiTenant, wantFlavor: scimtest.MultiTenant},
		{name: "simulator, -deployment self-managed", flag: "Self-Managed", want: scim.SelfManaged, wantFlavor: scimtest.SelfManaged},
		{name: "-live, no flag, a loopback host", live: true, want: scim.Dedicated},
		{name: "-live -deployment multi-tenant", live: true, flag: "multi-tenant", want: scim.MultiTenant},
		{name: "a bad flag", flag: "saas", wantUsage: `-deployment "saas": want multi-tenant, dedicated or self-managed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(scim.EnvBaseURL, live.URL)
			t.Setenv(scim.EnvAPIKey, live.APIKey)
			t.Setenv(scim.EnvUsername, "")
			d, err := ParseDeploymentFlag(tt.flag)
			if tt.wantUsage != "" {
				if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.wantUsage) {
					t.Fatalf("ParseDeploymentFlag(%q) = %v, want a usage error %q", tt.flag, err, tt.wantUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			env, err := ConnectTo(new(bytes.Buffer), tt.live, d, scimtest.Options{Flavor: tt.seed})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			if got := env.Client.Deployment(); got != tt.want {
				t.Errorf("Deployment() = %q, want %q", got, tt.want)
			}
			if env.srv != nil {
				if got := env.srv.State().Flavor; got != tt.wantFlavor {
					t.Errorf("the simulator's flavor = %v, want %v", got, tt.wantFlavor)
				}
			}
		})
	}
}
