package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-wandb/identity/internal/clip"
)

// This file lets a service package reach a W&B API that is served beside
// SCIM on the same host (the Audit Logging API, scim/auditlogs), through the
// same request and Do path as every SCIM call.

// hostPathError is a host path NewHostRequest refuses; it matches
// ErrPathForbidden.
type hostPathError struct{ path string }

func (e *hostPathError) Error() string {
	return fmt.Sprintf("scim: host path %q must start with a single \"/\" and have no . or .. segments", clip.String(e.path, maxQuoted))
}

func (e *hostPathError) Is(target error) bool { return target == ErrPathForbidden }

// NewHostRequest builds a request to path on the base URL's origin (its
// scheme, host and port) instead of under the SCIM root: for a W&B API
// served on the same host as SCIM, such as the Audit Logging API
// ("/admin/audit_logs" on Dedicated Cloud and Self-Managed, "/audit_logs" on
// api.wandb.ai). path starts with a single "/" and may carry a query; a path
// that names another host or holds a "." or ".." segment is refused with an
// error matching ErrPathForbidden. The request is otherwise what NewRequest
// builds: the client's credential is added when it is sent, only to that
// origin, and Do (or Open) sends it with the client's retries, timeouts,
// logging and error decoding.
func (c *Client) NewHostRequest(ctx context.Context, method, path string, body any, opts ...RequestOption) (*http.Request, error) {
	if c == nil {
		return nil, errNilClient
	}
	if ctx == nil {
		return nil, errors.New("scim: nil context")
	}
	if !strings.HasPrefix(path, "/") {
		return nil, &hostPathError{path}
	}
	ref, _, err := parsePath(path, func() error { return &hostPathError{path} })
	if err != nil {
		return nil, err
	}
	u := &url.URL{Scheme: c.baseURL.Scheme, Host: c.baseURL.Host, Path: ref.Path, RawPath: ref.RawPath, RawQuery: ref.RawQuery}
	return c.newRequest(ctx, method, u, body, MediaType, opts)
}

// Open sends req as Do does (retries, timeouts, error decoding, OnResponse)
// and returns the 2xx reply with its Body open, for the caller to read as a
// stream and close. The body is bounded by WithMaxResponseBytes (a read past
// it fails), and each read by the client's per-attempt timeout (WithTimeout);
// time spent between reads is not counted. A non-2xx reply is an *Error, as
// from Do, with the body already read and closed. A body that breaks off
// while the caller reads it fails the read and is not retried: the caller
// decides whether the request may be sent again.
func (c *Client) Open(req *http.Request) (*Response, error) {
	if c == nil {
		return nil, errNilClient
	}
	var body openBody
	resp, err := c.Do(req, &body)
	if err != nil {
		return resp, err
	}
	resp.Body = body.ReadCloser
	return resp, nil
}

// MaxResponseBytes returns the largest 2xx reply the client reads
// (WithMaxResponseBytes), for a service that sizes its pages to fit.
func (c *Client) MaxResponseBytes() int64 { return c.maxResponseBytes }
