package scim_test

import (
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim"
)

func TestDeployment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		baseURL string
		opt     scim.Option
		want    scim.Deployment
	}{
		{"default host", "", nil, scim.MultiTenant},
		{"api.wandb.ai", "https://api.wandb.ai", nil, scim.MultiTenant},
		{"api.wandb.ai in capitals, with a path", "https://API.wandb.ai/scim/v2", nil, scim.MultiTenant},
		{"a dedicated host", "https://acme.wandb.io", nil, scim.Dedicated},
		{"loopback", "http://127.0.0.1:7357", nil, scim.Dedicated},
		{"said: self-managed", "https://wandb.corp", scim.WithDeployment(scim.SelfManaged), scim.SelfManaged},
		{"said: multi-tenant on another host", "http://127.0.0.1:7357", scim.WithDeployment(scim.MultiTenant), scim.MultiTenant},
		{"said: dedicated on api.wandb.ai", "https://api.wandb.ai", scim.WithDeployment(scim.Dedicated), scim.Dedicated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := []scim.Option{scim.WithAPIKey(key), tt.opt}
			if tt.baseURL != "" {
				opts = append(opts, scim.WithBaseURL(tt.baseURL))
			}
			c, err := scim.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Deployment(); got != tt.want {
				t.Errorf("Deployment() = %q, want %q", got, tt.want)
			}
			if !strings.Contains(c.String(), "Deployment: "+string(tt.want)) {
				t.Errorf("String() = %q, want it to name the deployment", c.String())
			}
		})
	}
}

func TestWithDeploymentRejectsUnknown(t *testing.T) {
	t.Parallel()
	_, err := scim.NewClient(scim.WithAPIKey(key), scim.WithDeployment("saas"))
	if err == nil || !strings.Contains(err.Error(), `"saas" is not a deployment (want multi-tenant, dedicated or self-managed)`) {
		t.Fatalf("err = %v", err)
	}
}

func TestParseDeployment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    scim.Deployment
		wantErr string
	}{
		{"multi-tenant", scim.MultiTenant, ""},
		{" Dedicated ", scim.Dedicated, ""},
		{"SELF-MANAGED", scim.SelfManaged, ""},
		{"", "", `"" is not a deployment`},
		{"cloud", "", `"cloud" is not a deployment (want multi-tenant, dedicated or self-managed)`},
	}
	for _, tt := range tests {
		got, err := scim.ParseDeployment(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDeployment(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDeployment(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if got.IsMultiTenant() != (tt.want == scim.MultiTenant) {
			t.Errorf("%q.IsMultiTenant() = %v", got, got.IsMultiTenant())
		}
	}
}

func TestDeploymentFor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]scim.Deployment{
		"https://api.wandb.ai":         scim.MultiTenant,
		"https://api.wandb.ai:443/x":   scim.MultiTenant,
		"https://api.wandb.ai.evil.io": scim.Dedicated,
		"https://acme.wandb.io":        scim.Dedicated,
		"not a url %":                  scim.Dedicated,
	} {
		if got := scim.DeploymentFor(in); got != want {
			t.Errorf("DeploymentFor(%q) = %q, want %q", in, got, want)
		}
	}
}
