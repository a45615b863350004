package scim

import (
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"
)

// Option configures a Client. Options are applied in order by NewClient; an
// option given an invalid value makes NewClient fail.
type Option func(*config) error

// RetryPolicy bounds the client's automatic retries. Zero fields take the
// defaults: MaxAttempts 4, MinBackoff 500ms, MaxBackoff 8s, MaxRetryAfter 60s.
//
// MaxAttempts counts every request including the first, so 1 disables retries.
// MinBackoff and MaxBackoff bound the jittered exponential wait between
// attempts. MaxRetryAfter caps how long a server's Retry-After may make the
// client wait.
//
// A wait that would outlast the call's context deadline is not started; the
// last error is returned instead.
//
// What is retried is fixed: 429 for any method; 5xx and network errors for GET,
// PUT, DELETE, and PATCH carrying If-Match; a POST only when its connection was
// never made. 409 and other 4xx replies are never retried.
type RetryPolicy struct {
	MaxAttempts   int
	MinBackoff    time.Duration
	MaxBackoff    time.Duration
	MaxRetryAfter time.Duration
}

// DefaultBaseURL is the W&B Multi-tenant Cloud host used when no base URL is set.
const DefaultBaseURL = "https://api.wandb.ai"

// Environment variables read by FromEnv.
const (
	EnvBaseURL  = "WANDB_BASE_URL"
	EnvAPIKey   = "WANDB_API_KEY"
	EnvUsername = "WANDB_USERNAME"
)

type authKind int

const (
	authNone authKind = iota
	authBearer
	authBasic
)

type credentials struct {
	kind     authKind
	username string
	key      string
}

type config struct {
	baseURL    string
	graphqlURL string
	creds      credentials
	authSet    int // explicit auth options given
	env        *envConfig
	httpClient *http.Client
	userAgent  string
	retry      RetryPolicy
	logger     *slog.Logger
	insecure   bool
}

// envConfig holds what FromEnv read; explicit options win over it.
type envConfig struct {
	baseURL string
	creds   credentials
}

// WithBaseURL sets the W&B host ("https://acme.wandb.io") or SCIM root
// ("https://api.wandb.ai/scim/v2"). A URL with an empty path gets "/scim";
// trailing slashes do not matter. The default is DefaultBaseURL.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		if u == "" {
			return errors.New("scim: WithBaseURL: empty URL")
		}
		c.baseURL = u
		return nil
	}
}

// WithGraphQLURL sets the GraphQL endpoint used by Client.GraphQL. The default
// is the base URL's scheme and host followed by "/graphql".
func WithGraphQLURL(u string) Option {
	return func(c *config) error {
		if u == "" {
			return errors.New("scim: WithGraphQLURL: empty URL")
		}
		c.graphqlURL = u
		return nil
	}
}

// WithAPIKey authenticates SCIM calls with "Authorization: Bearer <key>"
// (Multi-tenant, and Dedicated/Self-Managed v0.79.0+) and GraphQL calls with
// Basic "api:<key>".
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("scim: WithAPIKey: empty API key")
		}
		c.creds = credentials{kind: authBearer, key: key}
		c.authSet++
		return nil
	}
}

// WithBasicAuth authenticates SCIM calls with HTTP Basic "username:key", the
// form every W&B deployment accepts. An empty username gives the org service
// account form ":key". GraphQL calls use Basic "api:<key>".
func WithBasicAuth(username, key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("scim: WithBasicAuth: empty API key")
		}
		c.creds = credentials{kind: authBasic, username: username, key: key}
		c.authSet++
		return nil
	}
}

// FromEnv reads WANDB_BASE_URL, WANDB_API_KEY and WANDB_USERNAME. A set
// WANDB_USERNAME selects Basic auth (username:key), otherwise the key is sent
// as a Bearer token. Values from explicit options win over the environment,
// whatever their order.
func FromEnv() Option {
	return func(c *config) error {
		env := &envConfig{baseURL: os.Getenv(EnvBaseURL)}
		if key := os.Getenv(EnvAPIKey); key != "" {
			if user := os.Getenv(EnvUsername); user != "" {
				env.creds = credentials{kind: authBasic, username: user, key: key}
			} else {
				env.creds = credentials{kind: authBearer, key: key}
			}
		}
		c.env = env
		return nil
	}
}

// WithHTTPClient replaces the default pooled HTTP client. The client is copied,
// not modified: the SDK wraps its transport to add credentials, so its
// Transport, Timeout, Jar and CheckRedirect keep working.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("scim: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent replaces the default User-Agent, "go-wandb-identity/<version>".
func WithUserAgent(s string) Option {
	return func(c *config) error {
		if s == "" {
			return errors.New("scim: WithUserAgent: empty User-Agent")
		}
		c.userAgent = s
		return nil
	}
}

// WithRetry sets the retry policy; zero fields keep their defaults.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 0 || p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
			return errors.New("scim: WithRetry: negative value in RetryPolicy")
		}
		c.retry = p
		return nil
	}
}

// WithLogger logs one debug record per attempt (method, path, status, attempt,
// duration). Credentials are never logged. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL to a host that is not loopback.
// Credentials then cross the network unencrypted; use it only on trusted links.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.insecure = true
		return nil
	}
}
