package scim

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-wandb/identity/internal/clip"
	"github.com/go-wandb/identity/internal/ratelimit"
	"github.com/go-wandb/identity/internal/redact"
	"github.com/go-wandb/identity/internal/retry"
	"github.com/go-wandb/identity/internal/version"
	"github.com/hashicorp/go-cleanhttp"
)

// maxConnsPerHost is the number of idle connections per host that the
// default HTTP client keeps for reuse: enough for 64 concurrent callers to
// reuse connections. It does not limit how many connections are open at
// once (MaxConnsPerHost stays 0, no limit).
const maxConnsPerHost = 64

// Client talks to one W&B organization's SCIM API (and its GraphQL endpoint).
// It is immutable after NewClient and safe for concurrent use.
type Client struct {
	baseURL          *url.URL // SCIM root, no trailing slash
	graphqlURL       *url.URL
	httpClient       *http.Client
	userAgent        string
	retry            retry.Policy
	logger           *slog.Logger
	redactor         redact.Redactor
	timeout          time.Duration // per attempt; 0: none
	maxResponseBytes int64
	limiter          *ratelimit.Limiter // nil: requests are not paced
	deployment       Deployment
}

// NewClient returns a client configured by opts. It fails, without panicking,
// when no credentials are given, when two auth options are given, when a URL is
// malformed, or when a URL uses plain http to a host that is not loopback
// (unless WithInsecureHTTP).
func NewClient(opts ...Option) (*Client, error) {
	var cfg config
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.authSet > 1 {
		return nil, errors.New("scim: more than one auth option given (WithAPIKey, WithBasicAuth): choose one")
	}
	if cfg.env != nil {
		if cfg.baseURL == "" {
			cfg.baseURL = cfg.env.baseURL
		}
		if cfg.creds.kind == authNone && cfg.env.creds.kind != authNone {
			if err := cfg.env.creds.check("FromEnv"); err != nil {
				return nil, err
			}
			cfg.creds = cfg.env.creds
		}
	}
	if cfg.creds.kind == authNone {
		return nil, errors.New("scim: no credentials: use WithAPIKey, WithBasicAuth, or FromEnv with " + EnvAPIKey + " set")
	}
	if cfg.baseURL == "" {
		cfg.baseURL = DefaultBaseURL
	}
	base, err := parseBaseURL(cfg.baseURL, cfg.insecure)
	if err != nil {
		return nil, err
	}
	gql := &url.URL{Scheme: base.Scheme, Host: base.Host, Path: "/graphql"}
	if cfg.graphqlURL != "" {
		if gql, err = parseURL("GraphQL URL", cfg.graphqlURL, cfg.insecure); err != nil {
			return nil, err
		}
	}

	hc := cfg.httpClient
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
		if tr, ok := hc.Transport.(*http.Transport); ok {
			tr.MaxIdleConnsPerHost = maxConnsPerHost
			tr.MaxIdleConns = max(tr.MaxIdleConns, 2*maxConnsPerHost)
		}
	}
	copied := *hc
	copied.Transport = &authTransport{
		base:    hc.Transport,
		scim:    newAuthRule(base, scimAuthHeader(cfg.creds)),
		graphql: newAuthRule(gql, basicHeader("api", cfg.creds.key)),
	}
	copied.CheckRedirect = checkRedirect(hc.CheckRedirect)

	ua := cfg.userAgent
	if ua == "" {
		ua = version.UserAgent
	}
	c := &Client{
		baseURL:    base,
		graphqlURL: gql,
		httpClient: &copied,
		userAgent:  ua,
		retry: retry.Policy{
			MaxAttempts:   cfg.retry.MaxAttempts,
			MinBackoff:    cfg.retry.MinBackoff,
			MaxBackoff:    cfg.retry.MaxBackoff,
			MaxRetryAfter: cfg.retry.MaxRetryAfter,
		}.WithDefaults(),
		logger:           cfg.logger,
		redactor:         redact.New(cfg.creds.key, scimAuthHeader(cfg.creds), basicHeader("api", cfg.creds.key)),
		timeout:          DefaultTimeout,
		maxResponseBytes: DefaultMaxResponseBytes,
	}
	if cfg.timeoutSet {
		c.timeout = cfg.timeout
	}
	if cfg.maxResponseBytes > 0 {
		c.maxResponseBytes = cfg.maxResponseBytes
	}
	c.deployment = cfg.deployment
	if c.deployment == "" {
		c.deployment = DeploymentFor(cfg.baseURL)
	}
	if cfg.ratePerSecond > 0 {
		c.limiter = ratelimit.New(cfg.ratePerSecond, cfg.rateBurst)
	}
	return c, nil
}

// CloseIdleConnections closes the connections the client keeps open for
// reuse, for a program that is done with it (or with the server) but keeps
// running. The client stays usable.
func (c *Client) CloseIdleConnections() {
	if c != nil {
		c.httpClient.CloseIdleConnections()
	}
}

// wait paces a request when WithRateLimit is set, logging a wait at Info.
func (c *Client) wait(ctx context.Context, req *http.Request, attempt int) error {
	if c.limiter == nil {
		return nil
	}
	return c.limiter.WaitNotify(ctx, func(d time.Duration) { c.logPacing(ctx, req, attempt, d) })
}

// BaseURL returns the SCIM root every request path is resolved against, for
// example "https://api.wandb.ai/scim".
func (c *Client) BaseURL() string { return c.baseURL.String() }

// GraphQLURL returns the endpoint used by GraphQL.
func (c *Client) GraphQLURL() string { return c.graphqlURL.String() }

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("scim.Client{BaseURL: %s, GraphQLURL: %s, Deployment: %s, UserAgent: %q, Auth: %s}",
		c.baseURL, c.graphqlURL, c.deployment, c.userAgent, redact.Placeholder)
}

// Format prints String for every verb, so no formatting of a Client (%v, %+v,
// %#v, %s) walks its fields.
func (c Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// parseBaseURL validates u and turns it into a SCIM root: an empty path becomes
// "/scim", any other path is kept, trailing slashes are dropped.
func parseBaseURL(u string, insecure bool) (*url.URL, error) {
	parsed, err := parseURL("base URL", u, insecure)
	if err != nil {
		return nil, err
	}
	if parsed.Path == "" {
		parsed.Path = "/scim"
		parsed.RawPath = ""
	}
	return parsed, nil
}

// parseURL checks an absolute http(s) URL with a valid host and port, no
// credentials, query or fragment, and trims trailing slashes from its path.
// Its errors quote the URL without its query, fragment or user info, which
// could hold a credential.
func parseURL(what, u string, insecure bool) (*url.URL, error) {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		// url.Error quotes the input, which could hold credentials.
		return nil, fmt.Errorf("scim: malformed %s: %v", what, clip.String(redact.New().String(errors.Unwrap(err).Error()), maxQuoted))
	}
	shown := &url.URL{Scheme: parsed.Scheme, Host: parsed.Host, Path: parsed.Path}
	quoted := strconv.Quote(clip.String(shown.String(), maxQuoted))
	switch {
	case parsed.User != nil:
		return nil, fmt.Errorf("scim: %s must not contain credentials; use WithAPIKey or WithBasicAuth", what)
	case parsed.Scheme != "http" && parsed.Scheme != "https":
		return nil, fmt.Errorf("scim: malformed %s %s: scheme must be http or https", what, quoted)
	case parsed.Host == "" || parsed.Hostname() == "":
		return nil, fmt.Errorf("scim: malformed %s %s: no host", what, quoted)
	case parsed.RawQuery != "" || parsed.Fragment != "" || parsed.ForceQuery:
		return nil, fmt.Errorf("scim: malformed %s %s: must not have a query or fragment", what, quoted)
	}
	if err := checkHost(parsed); err != nil {
		return nil, fmt.Errorf("scim: malformed %s %s: %v", what, quoted, err)
	}
	if parsed.Scheme == "http" && !insecure && !isLoopback(parsed.Hostname()) {
		return nil, fmt.Errorf("scim: %s %s uses plain http to a non-loopback host; use https, or WithInsecureHTTP to allow it", what, quoted)
	}
	parsed.Path = strings.TrimRight(parsed.Path, "/")
	parsed.RawPath = strings.TrimRight(parsed.RawPath, "/")
	return parsed, nil
}

// checkHost accepts a DNS name, an IPv4 address or a bracketed IPv6 address,
// with an optional port from 1 to 65535.
func checkHost(u *url.URL) error {
	host := u.Hostname()
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("invalid port %q", clip.String(port, 16))
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return errors.New("empty port")
	}
	if strings.HasPrefix(u.Host, "[") {
		if net.ParseIP(host) == nil || !strings.Contains(host, ":") {
			return errors.New("invalid IPv6 address")
		}
		return nil
	}
	if strings.Contains(host, ":") {
		return errors.New("an IPv6 address must be in brackets")
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			return fmt.Errorf("invalid host name %q", clip.String(host, maxQuoted))
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func scimAuthHeader(c credentials) string {
	if c.kind == authBasic {
		return basicHeader(c.username, c.key)
	}
	return "Bearer " + c.key
}

func basicHeader(user, key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+key))
}
