package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
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

// Error implements error.
func (e *InputError) Error() string { return e.Op + ": " + e.Msg }

// Is matches ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Invalid returns an *InputError for op with a formatted message.
func Invalid(op, format string, args ...any) error {
	return &InputError{Op: op, Msg: fmt.Sprintf(format, args...)}
}

// ResourcePath returns collection + "/" + the path-escaped id, for example
// "Users/VXNlcjox". It rejects "", "." and ".." with an *InputError naming op,
// since such an ID would address the collection or its parent.
func ResourcePath(op, collection, id string) (string, error) {
	switch id {
	case "":
		return "", Invalid(op, "empty %s ID", resourceName(collection))
	case ".", "..":
		return "", Invalid(op, "invalid %s ID %q", resourceName(collection), id)
	}
	return collection + "/" + url.PathEscape(id), nil
}

func resourceName(collection string) string {
	switch collection {
	case "Users":
		return "user"
	case "Groups":
		return "team"
	case "Roles":
		return "role"
	}
	return collection
}

// Call builds a request with NewRequest and sends it with Do, decoding the
// reply into v. It is the shortest way through the client's one request path.
func (c *Client) Call(ctx context.Context, method, path string, body, v any, opts ...RequestOption) (*Response, error) {
	req, err := c.NewRequest(ctx, method, path, body, opts...)
	if err != nil {
		return nil, err
	}
	return c.Do(req, v)
}

// Send is Call decoding into a new T, which it returns.
func Send[T any](ctx context.Context, c *Client, method, path string, body any, opts ...RequestOption) (*T, error) {
	v := new(T)
	if _, err := c.Call(ctx, method, path, body, v, opts...); err != nil {
		return nil, err
	}
	return v, nil
}

// SendResource is Send for calls whose 2xx reply may not hold the resource:
// W&B answers some PATCH and PUT calls with an empty body, a non-JSON body, or
// an echo of the request. ok reports whether the reply was a JSON object with
// a non-empty "id"; when it is false, v is nil, err is nil, and the caller
// decides how to learn the resource's state (usually with a GET).
func SendResource[T any](ctx context.Context, c *Client, method, path string, body any, opts ...RequestOption) (v *T, ok bool, err error) {
	var buf bytes.Buffer
	resp, err := c.Call(ctx, method, path, body, &buf, opts...)
	if err != nil {
		return nil, false, err
	}
	raw := bytes.TrimSpace(buf.Bytes())
	var probe struct {
		ID string `json:"id"`
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &probe) != nil || probe.ID == "" {
		return nil, false, nil
	}
	v = new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, false, fmt.Errorf("scim: decoding %s %s reply: %w", method, path, err)
	}
	if resp.ETag != "" {
		fillVersion(v, resp.ETag)
	}
	return v, true, nil
}
