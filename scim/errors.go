package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors matched with errors.Is against any *Error.
var (
	ErrBadRequest         = errors.New("scim: bad request")         // 400
	ErrUnauthorized       = errors.New("scim: unauthorized")        // 401
	ErrForbidden          = errors.New("scim: forbidden")           // 403
	ErrNotFound           = errors.New("scim: not found")           // 404
	ErrConflict           = errors.New("scim: conflict")            // 409
	ErrPreconditionFailed = errors.New("scim: precondition failed") // 412
	ErrTooManyRequests    = errors.New("scim: too many requests")   // 429
	ErrServer             = errors.New("scim: server error")        // any 5xx
)

// maxErrorBody bounds how much of an error reply is read.
const maxErrorBody = 1 << 20

// Error is a non-2xx reply from the server. Detail holds the server's SCIM
// "detail" text, or, for a body that is not JSON, a note quoting its first
// bytes. URL never carries credentials.
type Error struct {
	StatusCode int
	ScimType   string
	Detail     string
	Method     string
	URL        string
	// RetryAfter is the wait the server asked for (429, 503), if it said.
	RetryAfter time.Duration
	// Attempts is how many requests were made before giving up.
	Attempts int
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scim: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.ScimType != "" {
		fmt.Fprintf(&b, " (%s)", e.ScimType)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Is matches the sentinel for e's status code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPreconditionFailed:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrTooManyRequests:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}

// GraphQLError carries the "errors" of a GraphQL reply that came back 200.
type GraphQLError struct {
	Messages []string
}

// Error implements error.
func (e *GraphQLError) Error() string {
	switch len(e.Messages) {
	case 0:
		return "scim: graphql: request failed"
	case 1:
		return "scim: graphql: " + e.Messages[0]
	}
	return "scim: graphql: [" + strings.Join(e.Messages, "; ") + "]"
}

// errorBody is a SCIM error message; status may be a string or a number.
type errorBody struct {
	Detail   string          `json:"detail"`
	ScimType string          `json:"scimType"`
	Status   json.RawMessage `json:"status"`
	Message  string          `json:"message"`
	Errors   []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// newError builds the *Error for a non-2xx reply, reading at most 1 MiB of its
// body. The body text is redacted.
func (c *Client) newError(req *http.Request, resp *http.Response) *Error {
	e := &Error{
		StatusCode: resp.StatusCode,
		Method:     req.Method,
		URL:        safeURL(req),
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return e
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && body[0] == '{' {
		e.ScimType = eb.ScimType
		e.Detail = eb.Detail
		if e.Detail == "" {
			e.Detail = eb.Message
		}
		if e.Detail == "" && len(eb.Errors) > 0 {
			e.Detail = eb.Errors[0].Message
		}
		e.Detail = c.redactor.String(e.Detail)
		return e
	}
	e.Detail = c.nonJSON(resp, body)
	return e
}

// nonJSON describes a body that should have been JSON, quoting its first bytes.
func (c *Client) nonJSON(resp *http.Response, body []byte) string {
	const quoted = 200
	snippet := body
	if len(snippet) > quoted {
		snippet = snippet[:quoted]
		for len(snippet) > 0 && !utf8.Valid(snippet) {
			snippet = snippet[:len(snippet)-1]
		}
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "no Content-Type"
	}
	return fmt.Sprintf("response body is not JSON (%s): %q", ct, c.redactor.String(string(snippet)))
}

// safeURL is the request URL without user info.
func safeURL(req *http.Request) string {
	u := *req.URL
	u.User = nil
	return u.String()
}
