package scim

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-wandb/identity/internal/redact"
	"github.com/go-wandb/identity/internal/retry"
	"github.com/go-wandb/identity/internal/version"
	"github.com/hashicorp/go-cleanhttp"
)

// maxConnsPerHost is the idle pool size per host of the default HTTP client:
// enough for 64 concurrent callers to reuse connections.
const maxConnsPerHost = 64

// Client talks to one W&B organization's SCIM API (and its GraphQL endpoint).
// It is immutable after NewClient and safe for concurrent use.
type Client struct {
	baseURL    *url.URL // SCIM root, no trailing slash
	graphqlURL *url.URL
	httpClient *http.Client
	userAgent  string
	retry      retry.Policy
	logger     *slog.Logger
	redactor   redact.Redactor
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
		if cfg.creds.kind == authNone {
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
		scim:    authRule{origin: origin(base), header: scimAuthHeader(cfg.creds)},
		graphql: authRule{origin: origin(gql), header: basicHeader("api", cfg.creds.key)},
	}

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
		logger:   cfg.logger,
		redactor: redact.New(cfg.creds.key, scimAuthHeader(cfg.creds), basicHeader("api", cfg.creds.key)),
	}
	return c, nil
}

// BaseURL returns the SCIM root every request path is resolved against, for
// example "https://api.wandb.ai/scim".
func (c *Client) BaseURL() string { return c.baseURL.String() }

// GraphQLURL returns the endpoint used by GraphQL.
func (c *Client) GraphQLURL() string { return c.graphqlURL.String() }

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("scim.Client{BaseURL: %s, GraphQLURL: %s, UserAgent: %q, Auth: %s}",
		c.baseURL, c.graphqlURL, c.userAgent, redact.Placeholder)
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

// parseURL checks an absolute http(s) URL with a host, no credentials, query or
// fragment, and trims trailing slashes from its path.
func parseURL(what, u string, insecure bool) (*url.URL, error) {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		// url.Error quotes the input, which could hold credentials.
		return nil, fmt.Errorf("scim: malformed %s: %v", what, redact.New().String(errors.Unwrap(err).Error()))
	}
	switch {
	case parsed.User != nil:
		return nil, fmt.Errorf("scim: %s must not contain credentials; use WithAPIKey or WithBasicAuth", what)
	case parsed.Scheme != "http" && parsed.Scheme != "https":
		return nil, fmt.Errorf("scim: malformed %s %q: scheme must be http or https", what, parsed.Redacted())
	case parsed.Host == "" || parsed.Hostname() == "":
		return nil, fmt.Errorf("scim: malformed %s %q: no host", what, parsed.Redacted())
	case parsed.RawQuery != "" || parsed.Fragment != "" || parsed.ForceQuery:
		return nil, fmt.Errorf("scim: malformed %s %q: must not have a query or fragment", what, parsed.Redacted())
	case parsed.Scheme == "http" && !insecure && !isLoopback(parsed.Hostname()):
		return nil, fmt.Errorf("scim: %s %q uses plain http to a non-loopback host; use https, or WithInsecureHTTP to allow it", what, parsed.Redacted())
	}
	parsed.Path = strings.TrimRight(parsed.Path, "/")
	parsed.RawPath = strings.TrimRight(parsed.RawPath, "/")
	return parsed, nil
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
