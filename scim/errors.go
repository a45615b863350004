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

	"github.com/go-wandb/identity/internal/clip"
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

// Sentinels for outcomes that are not an HTTP status.
var (
	// ErrAmbiguous: a Find matched more than one resource and no single one
	// exactly. users.ErrAmbiguous and teams.ErrAmbiguous are this value.
	ErrAmbiguous = errors.New("scim: more than one resource matches")
	// ErrUnsuccessful: the server answered 2xx but reported that the
	// operation did not succeed (a GraphQL "success": false, or no result).
	// teams.ErrUnsuccessful is this value.
	ErrUnsuccessful = errors.New("scim: the server reported that the operation did not succeed")
)

// ErrInvalidInput matches, with errors.Is, every *InputError: an argument the
// SDK rejected before sending anything.
var ErrInvalidInput = errors.New("scim: invalid input")

// InputError reports an argument rejected before any request was sent. Op names
// the call ("users.Create"), Msg what was wrong.
type InputError struct {
	Op  string
	Msg string
}

// Error implements error. A long Msg is cut, so the text stays short however
// long the rejected input was.
func (e *InputError) Error() string { return e.Op + ": " + clip.String(e.Msg, maxErrorText) }

// Is matches ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// maxErrorText bounds the parts of an error's text that come from input or
// from the server (a URL, a detail, a message), so that no error text grows
// with them.
const maxErrorText = 1 << 10

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
	// Response is the reply, its body already read and closed: its headers
	// hold, for example, the request id W&B's support asks for. Its Request
	// is the caller's, without credentials.
	Response *http.Response

	// endpoint marks a 404 to a list or GraphQL request: the URL is wrong,
	// nothing is "not found".
	endpoint bool
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scim: %s %s: %d %s", e.Method, clip.String(e.URL, maxErrorText), e.StatusCode, http.StatusText(e.StatusCode))
	if e.ScimType != "" {
		fmt.Fprintf(&b, " (%s)", clip.String(e.ScimType, maxQuoted))
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(clip.String(e.Detail, maxErrorText))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.endpoint {
		b.WriteString(" (no such endpoint: check the base URL, scim.WithBaseURL or WANDB_BASE_URL)")
	}
	return b.String()
}

// Is matches the sentinel for e's status code, except that a 404 to a list
// or GraphQL request (a wrong base URL) does not match ErrNotFound.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound && !e.endpoint
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
		return "scim: graphql: " + clip.String(e.Messages[0], maxErrorText)
	}
	return "scim: graphql: [" + clip.String(strings.Join(e.Messages, "; "), maxErrorText) + "]"
}

// newError builds the *Error for a non-2xx reply, reading at most 1 MiB of its
// body. A SCIM error body gives ScimType and Detail ("status" may be a string
// or a number); other JSON error shapes ("message", "error", GraphQL-style
// "errors") give Detail too. A body that is not JSON, or JSON without any of
// those fields, is quoted. Everything taken from the body is redacted.
//
// A 404 to a list request or a GraphQL call (endpoint true) does not match
// ErrNotFound: a collection or an endpoint is never missing, so the URL is
// wrong, and the error says to check the base URL.
func (c *Client) newError(req *http.Request, resp *http.Response, endpoint bool) *Error {
	e := &Error{
		StatusCode: resp.StatusCode,
		Method:     req.Method,
		URL:        c.safeURL(req),
		endpoint:   endpoint && resp.StatusCode == http.StatusNotFound,
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return e
	}
	if !json.Valid(body) {
		e.Detail = c.quoteBody("response body is not JSON", resp, body)
		return e
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		e.ScimType = c.jsonText(fields["scimType"])
		for _, k := range []string{"detail", "message", "error", "error_description"} {
			if e.Detail = c.jsonText(fields[k]); e.Detail != "" {
				break
			}
		}
		if e.Detail == "" {
			e.Detail = c.firstMessage(fields["errors"])
		}
	}
	if e.Detail == "" {
		e.Detail = c.quoteBody("unrecognised error body", resp, body)
	}
	return e
}

// maxQuoted bounds how much of a body an error quotes.
const maxQuoted = 200

// jsonText returns a JSON string's text, or other JSON compacted; redacted and
// bounded.
func (c *Client) jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			raw = buf.Bytes()
		}
		s = string(raw)
	}
	return clip.String(c.redactor.String(s), 4*maxQuoted)
}

// firstMessage returns the first entry of an "errors" array: its "message",
// or the entry itself.
func (c *Client) firstMessage(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return ""
	}
	var withMessage struct {
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(list[0], &withMessage) == nil && len(withMessage.Message) > 0 {
		return c.jsonText(withMessage.Message)
	}
	return c.jsonText(list[0])
}

// quoteBody describes a body the client could not read as an error message,
// quoting its first bytes. The body is redacted before it is cut, so a
// credential straddling the cut cannot leak in part.
func (c *Client) quoteBody(what string, resp *http.Response, body []byte) string {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "no Content-Type"
	}
	return fmt.Sprintf("%s (%s): %q", what, ct, clip.String(c.redactor.String(string(body)), maxQuoted))
}

// safeURL is the request URL as errors show it: without user info, with any
// credential redacted, and cut to a bounded length.
func (c *Client) safeURL(req *http.Request) string {
	u := *req.URL
	u.User = nil
	return clip.String(c.redactor.String(u.String()), maxErrorText)
}
