package scim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode"
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
// What is retried is fixed (see the package documentation): 429 for any
// method; 5xx, network errors and timeouts for GET, PUT, DELETE, PATCH
// carrying If-Match and GraphQL queries; a request that could apply twice only
// when its connection was never made, or, for the services' creates, after a
// lookup found its resource missing. 409, other 4xx replies and errors that
// cannot heal are never retried. A change whose reply may have been lost is
// resolved by the services by reading the resource (see the README's
// Retries). One request may change MaxAttempts with WithMaxAttempts.
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
	baseURL          string
	graphqlURL       string
	deployment       Deployment
	creds            credentials
	authSet          int // explicit auth options given
	env              *envConfig
	httpClient       *http.Client
	userAgent        string
	retry            RetryPolicy
	logger           *slog.Logger
	insecure         bool
	timeout          time.Duration
	timeoutSet       bool
	maxResponseBytes int64
	ratePerSecond    float64
	rateBurst        int
}

// Defaults of the options below.
const (
	// DefaultTimeout bounds each attempt of a request (WithTimeout).
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes bounds a 2xx reply (WithMaxResponseBytes):
	// about ten times W&B's largest page, 9999 users.
	DefaultMaxResponseBytes = 64 << 20
)

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
// Basic "api:<key>". A key that is empty or holds white space or a control
// character (a key read from a file with its newline) makes NewClient fail;
// the error never quotes the key.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if err := checkSecret("WithAPIKey", "API key", key); err != nil {
			return err
		}
		c.creds = credentials{kind: authBearer, key: key}
		c.authSet++
		return nil
	}
}

// WithBasicAuth authenticates SCIM calls with HTTP Basic "username:key", the
// form every W&B deployment accepts. An empty username gives the org service
// account form ":key". GraphQL calls use Basic "api:<key>". The key is checked
// as WithAPIKey checks it; a username with a colon, white space or a control
// character fails too.
func WithBasicAuth(username, key string) Option {
	return func(c *config) error {
		creds := credentials{kind: authBasic, username: username, key: key}
		if err := creds.check("WithBasicAuth"); err != nil {
			return err
		}
		c.creds = creds
		c.authSet++
		return nil
	}
}

// check validates credentials for option, naming what is wrong but never a
// value.
func (cr credentials) check(option string) error {
	what := "API key"
	if option == "FromEnv" {
		what = EnvAPIKey
	}
	if err := checkSecret(option, what, cr.key); err != nil {
		return err
	}
	if cr.kind != authBasic || cr.username == "" {
		return nil
	}
	what = "username"
	if option == "FromEnv" {
		what = EnvUsername
	}
	if err := checkSecret(option, what, cr.username); err != nil {
		return err
	}
	if strings.Contains(cr.username, ":") {
		return fmt.Errorf("scim: %s: the %s contains a colon, which Basic auth cannot carry", option, what)
	}
	return nil
}

// checkSecret rejects an empty credential, or one with white space or a
// control character, naming what is wrong but never the value.
func checkSecret(option, what, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("scim: %s: empty %s", option, what)
	case strings.TrimSpace(v) != v:
		return fmt.Errorf("scim: %s: the %s has white space at its start or end (a newline from a file?)", option, what)
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return fmt.Errorf("scim: %s: the %s contains white space or a control character", option, what)
	}
	return nil
}

// FromEnv reads WANDB_BASE_URL, WANDB_API_KEY and WANDB_USERNAME, without
// the white space around them. A set WANDB_USERNAME selects Basic auth
// (username:key), otherwise the key is sent as a Bearer token. Values from
// explicit options win over the environment, whatever their order; the
// values used are checked as WithAPIKey and WithBasicAuth check theirs.
func FromEnv() Option {
	return func(c *config) error {
		env := &envConfig{baseURL: strings.TrimSpace(os.Getenv(EnvBaseURL))}
		if key := strings.TrimSpace(os.Getenv(EnvAPIKey)); key != "" {
			if user := strings.TrimSpace(os.Getenv(EnvUsername)); user != "" {
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

// WithLogger logs a record at Info level for each retry, each wait for
// WithRateLimit, each give-up (method, path, status, attempt, wait) and each
// change whose lost reply was resolved by reading the resource back
// (method, path, status, done), and one at Debug level per attempt (method,
// path, status, attempt, duration). Records never hold a credential, a
// query string or a body. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithTimeout bounds each attempt of a request: when the server sends nothing
// for d (no reply headers, or a stall while the reply is read), the attempt
// ends with an error that is a timeout (it matches os.ErrDeadlineExceeded),
// retried as the RetryPolicy allows. The default is DefaultTimeout; 0 leaves
// attempts bounded only by the call's context. A consumer that pauses between
// the resources of a walk is not timed, only the server is.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("scim: WithTimeout: negative duration %v", d)
		}
		c.timeout, c.timeoutSet = d, true
		return nil
	}
}

// WithMaxResponseBytes bounds how much of a 2xx reply the client reads
// (after any transparent decompression); a larger reply ends the call with
// an error, having cost about n bytes of memory (nothing, when its
// Content-Length says it is larger). The default is DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("scim: WithMaxResponseBytes: %d is not a positive size", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithRateLimit paces every request of the client, across goroutines, to
// perSecond on average with bursts of up to burst, so that a bulk job stays
// under a server's rate limit. Retries count. A request waiting its turn
// gives up when its context ends. By default requests are not paced.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) error {
		if !(perSecond > 0) || burst < 1 {
			return fmt.Errorf("scim: WithRateLimit: want a positive rate and a burst of at least 1, got %v and %d", perSecond, burst)
		}
		c.ratePerSecond, c.rateBurst = perSecond, burst
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
