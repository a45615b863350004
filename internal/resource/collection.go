// Package resource is the service packages' one way to a SCIM resource
// collection (Users, Groups, Roles): resource paths, reads that check what
// the reply holds, writes and creates whose reply may lack the resource,
// lookups by a unique name, and the error rules every exported service method
// follows. A service package keeps only its endpoint knowledge (paths, bodies,
// what it validates, and what a resource that holds a change looks like: a
// Holds); how a request is sent, retried and decoded, and how a change whose
// reply was lost is resolved by reading the resource, lives in the scim core
// (internal/call) and here, once.
package resource

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-wandb/identity/internal/call"
	"github.com/go-wandb/identity/internal/jsonx"
	"github.com/go-wandb/identity/scim"
)

// Collection is one SCIM resource collection as a service package uses it.
// It holds no state beyond its description, so one value may serve many
// goroutines.
type Collection[T any] struct {
	// Client sends every request.
	Client *scim.Client
	// Path is the collection's path under the SCIM root: "Users".
	Path string
	// Type is the resources' meta.resourceType: "User".
	Type string
	// Schema is the resources' core schema URN; a reply that names another
	// core schema holds a resource of another type.
	Schema string
	// Noun names a resource in messages: "user".
	Noun string
	// ID, Meta and Schemas read a decoded resource's id, meta and schemas.
	ID      func(*T) string
	Meta    func(*T) *scim.Meta
	Schemas func(*T) []string
}

// ItemPath returns Path + "/" + id, with id escaped into one path segment. It
// rejects "", "." and "..", which would address the collection or its
// parent, with an *scim.InputError naming op; any other ID is sent.
func (c *Collection[T]) ItemPath(op, id string) (string, error) {
	switch id {
	case "":
		return "", Invalid(op, "empty %s ID", c.Noun)
	case ".", "..":
		return "", Invalid(op, "invalid %s ID %q", c.Noun, id)
	}
	return c.Path + "/" + url.PathEscape(id), nil
}

// Get reads one resource: GET {Path}/{id}. The reply must hold a resource of
// the collection's type with an id; anything else is an error quoting it.
func (c *Collection[T]) Get(ctx context.Context, op, id string, opts []scim.RequestOption) (*T, error) {
	path, err := c.ItemPath(op, id)
	if err != nil {
		return nil, err
	}
	req, err := c.Client.NewRequest(ctx, http.MethodGet, path, nil, opts...)
	if err != nil {
		return nil, err
	}
	return c.read(req)
}

// read sends req, a GET of one resource, and returns what its reply must
// hold.
func (c *Collection[T]) read(req *http.Request) (*T, error) {
	r := &reply[T]{c: c, strict: true}
	resp, err := c.Client.Do(req, r)
	if err != nil {
		return nil, err
	}
	c.fillVersion(r.v, resp)
	return r.v, nil
}

// List reads one page: GET {Path}?filter=…&startIndex=…&count=…. The reply
// must be a ListResponse.
func (c *Collection[T]) List(ctx context.Context, opts *scim.ListOptions, reqOpts []scim.RequestOption) (*scim.Page[T], error) {
	q, err := opts.Encode()
	if err != nil {
		return nil, err
	}
	path := c.Path
	if q != "" {
		path += "?" + q
	}
	req, err := c.Client.NewRequest(ctx, http.MethodGet, path, nil, reqOpts...)
	if err != nil {
		return nil, err
	}
	page := new(scim.Page[T])
	if _, err := c.Client.Do(req, page); err != nil {
		return nil, err
	}
	return page, nil
}

// All walks every page of the collection from opts (see scim.Paginate).
func (c *Collection[T]) All(ctx context.Context, opts *scim.ListOptions, reqOpts []scim.RequestOption) iter.Seq2[*T, error] {
	return scim.Paginate[T](ctx, c.Client, c.Path, opts, reqOpts...)
}

// Holds reports whether v, a resource as read from the server, holds what a
// change asked for: each replaced value equal, added members or values
// present, removed ones absent, a PUT's fields equal. A nil v is a resource
// that is gone (a GET answered 404): Holds(nil) is true only for a change
// that removes it (a DELETE, a Multi-tenant deactivation).
type Holds[T any] func(v *T) bool

// Check is a Holds that may read more to decide (the accounts of a team's
// remaining members); an error is a failure to find out.
type Check[T any] func(ctx context.Context, v *T) (bool, error)

// Check returns h as a Check; a nil h gives nil.
func (h Holds[T]) Check() Check[T] {
	if h == nil {
		return nil
	}
	return func(_ context.Context, v *T) (bool, error) { return h(v), nil }
}

// Gone is the Holds of a DELETE: the resource is gone.
func Gone[T any](v *T) bool { return v == nil }

// resolver is the call.Resolver of a change to {Path}/{id}: it reads the
// resource (GET {Path}/{id}) and asks done whether it holds what was asked
// for, keeping what it read in *read.
func (c *Collection[T]) resolver(op, id string, done Check[T], read **T) *call.Resolver {
	return &call.Resolver{Check: func(ctx context.Context) (bool, error) {
		v, err := c.Get(ctx, op, id, nil)
		switch {
		case errors.Is(err, scim.ErrNotFound):
			return done(ctx, nil)
		case err != nil:
			return false, err
		}
		*read = v
		return done(ctx, v)
	}}
}

// Send sends a change to {Path}/{id} (method PATCH or PUT) and returns the
// resource its reply holds, or nil when the 2xx reply holds none (an empty
// body, a body that is not JSON, or an echo of the request, as W&B sends for
// some changes). It also returns the context for any request that follows
// (it carries the call's OnResponse functions).
//
// The outcome of a change whose reply was lost is resolved by reading the
// resource (see call.Resolver): when done reports that it holds what was
// asked for, the change succeeded and what was read is the result (nil when
// the resource is gone); when not, the error stands after a refusal the
// lost attempt would explain (412, 404), and otherwise (every reply lost, a
// PATCH without If-Match) matches scim.ErrOutcomeUnknown, since a read
// right after a lost reply may precede the change; when the read fails,
// the error matches scim.ErrOutcomeUnknown. A PATCH without If-Match is
// never sent again after a lost reply. A nil done resolves nothing.
func (c *Collection[T]) Send(ctx context.Context, op, id, method string, body any, done Holds[T], opts []scim.RequestOption) (*T, context.Context, error) {
	return c.SendChecked(ctx, op, id, method, body, done.Check(), opts)
}

// SendChecked is Send with a Check in place of a Holds.
func (c *Collection[T]) SendChecked(ctx context.Context, op, id, method string, body any, done Check[T], opts []scim.RequestOption) (*T, context.Context, error) {
	path, err := c.ItemPath(op, id)
	if err != nil {
		return nil, ctx, err
	}
	req, err := c.Client.NewRequest(ctx, method, path, body, opts...)
	if err != nil {
		return nil, ctx, err
	}
	next := call.FollowUp(req.Context())
	var read *T
	if done != nil {
		call.Set(req, func(cfg *call.Config) { cfg.Resolve = c.resolver(op, id, done, &read) })
	}
	r := &reply[T]{c: c}
	resp, err := c.Client.Do(req, r)
	switch {
	case errors.Is(err, call.ErrResolved):
		return read, next, nil
	case err != nil:
		return nil, next, err
	}
	c.fillVersion(r.v, resp)
	return r.v, next, nil
}

// Update is Send, reading the resource back with GET {Path}/{id} when the
// reply holds none; the read-back must hold it.
func (c *Collection[T]) Update(ctx context.Context, op, id, method string, body any, done Holds[T], opts []scim.RequestOption) (*T, error) {
	return c.UpdateChecked(ctx, op, id, method, body, done.Check(), opts)
}

// UpdateChecked is Update with a Check in place of a Holds.
func (c *Collection[T]) UpdateChecked(ctx context.Context, op, id, method string, body any, done Check[T], opts []scim.RequestOption) (*T, error) {
	v, ctx, err := c.SendChecked(ctx, op, id, method, body, done, opts)
	if err != nil || v != nil {
		return v, err
	}
	if v, err = c.Get(ctx, op, id, nil); err != nil {
		return nil, fmt.Errorf("the change was applied, but reading the %s back failed: %w", c.Noun, err)
	}
	return v, nil
}

// Create sends POST {Path} with body and returns the new resource, and the
// context for the call's follow-up requests (it carries the call's
// OnResponse functions). The resource is the reply's or, when the reply holds
// none, the one find returns: find looks the resource up by its unique name
// and fails with scim.ErrNotFound when there is none.
//
// A create is never duplicated and never lost: when an attempt's reply is
// lost (the connection failed after the request was sent, a timeout, a 502,
// 503 or 504), the client asks find whether the resource exists, and made
// whether what find returned is the resource this request makes (its name
// exactly, and what the request set) rather than another that holds the name.
// Made, it is the result; otherwise the POST is sent again within the retry
// policy, and a 409 (or another refusal) after a lost attempt is resolved by
// the same question, or returned. When find cannot tell, the error matches
// scim.ErrOutcomeUnknown.
func (c *Collection[T]) Create(ctx context.Context, body any, find func(context.Context) (*T, error), made func(*T) bool,
	opts []scim.RequestOption) (*T, context.Context, error) {
	req, err := c.Client.NewRequest(ctx, http.MethodPost, c.Path, body, opts...)
	if err != nil {
		return nil, ctx, err
	}
	next := call.FollowUp(req.Context()) // the call's OnResponse functions, for every request that follows
	var found *T
	call.Set(req, func(cfg *call.Config) {
		cfg.Resolve = &call.Resolver{Resend: true, Check: func(ctx context.Context) (bool, error) {
			v, err := find(ctx)
			switch {
			case err == nil && made(v):
				found = v
				return true, nil
			case err == nil, errors.Is(err, scim.ErrNotFound):
				return false, nil // not this request's resource: the POST was not applied
			}
			return false, err
		}}
	})
	r := &reply[T]{c: c}
	resp, err := c.Client.Do(req, r)
	switch {
	case errors.Is(err, call.ErrResolved):
		return found, next, nil
	case err != nil:
		return nil, next, err
	case r.v != nil:
		c.fillVersion(r.v, resp)
		return r.v, next, nil
	}
	// The create succeeded (2xx) without the resource in its reply.
	v, err := find(next)
	if err != nil {
		return nil, next, fmt.Errorf("the create succeeded but its reply held no %s, and looking it up failed: %w", c.Noun, err)
	}
	return v, next, nil
}

// createSkew is how far a server's clock may be behind this one when
// CreatedSince judges a resource's meta.created.
const createSkew = 5 * time.Minute

// CreatedSince reports whether m says its resource was created at start or
// later, allowing for clocks that differ a little; a meta without created
// says nothing against it.
func CreatedSince(m *scim.Meta, start time.Time) bool {
	return m.Created.IsZero() || !m.Created.Before(start.Add(-createSkew))
}

// Delete sends DELETE {Path}/{id}. When a retry answers 404 (or another
// refusal) after an attempt whose reply was lost, or every attempt's reply
// is lost, the resource is read: gone, the delete succeeded; there, the
// 404 stands (after every reply lost, the error matches
// scim.ErrOutcomeUnknown); when the read fails, the error matches
// scim.ErrOutcomeUnknown.
func (c *Collection[T]) Delete(ctx context.Context, op, id string, opts []scim.RequestOption) error {
	path, err := c.ItemPath(op, id)
	if err != nil {
		return err
	}
	req, err := c.Client.NewRequest(ctx, http.MethodDelete, path, nil, opts...)
	if err != nil {
		return err
	}
	var read *T
	call.Set(req, func(cfg *call.Config) { cfg.Resolve = c.resolver(op, id, Holds[T](Gone[T]).Check(), &read) })
	_, err = c.Client.Do(req, nil)
	if errors.Is(err, call.ErrResolved) {
		return nil
	}
	return err
}

// check reports whether v is a resource of the collection: it has an id, and
// neither its meta.resourceType nor its schemas name another type.
func (c *Collection[T]) check(v *T) error {
	if c.ID(v) == "" {
		return fmt.Errorf("it holds no %s (no id)", c.Noun)
	}
	if rt := c.Meta(v).ResourceType; rt != "" && !strings.EqualFold(rt, c.Type) {
		return fmt.Errorf("it holds a %s, not a %s", Cut(rt), c.Type)
	}
	const corePrefix = "urn:ietf:params:scim:schemas:core:2.0:"
	other := ""
	for _, s := range c.Schemas(v) {
		switch {
		case s == c.Schema:
			return nil
		case strings.HasPrefix(s, corePrefix):
			other = strings.TrimPrefix(s, corePrefix)
		}
	}
	if other != "" {
		return fmt.Errorf("it holds a %s, not a %s", Cut(other), c.Type)
	}
	return nil
}

// fillVersion sets v's meta.version from the reply's ETag when the body had
// none, so that scim.IfMatch(v.Meta.Version) is all a caller needs.
func (c *Collection[T]) fillVersion(v *T, resp *scim.Response) {
	if v == nil || resp == nil || resp.ETag == "" {
		return
	}
	if m := c.Meta(v); m.Version == "" {
		m.Version = resp.ETag
	}
}

// reply decodes a 2xx body that should hold one resource of c. A strict reply
// (a GET) must hold one. Otherwise (the reply to a change) a body without an
// id leaves v nil, so that the caller reads the resource back; a body with an
// id claims to be the resource and must decode as one.
type reply[T any] struct {
	c      *Collection[T]
	strict bool
	v      *T
}

// DecodeReply implements scim's reply decoding: the client hands it the body
// and quotes the body in the error it returns.
func (r *reply[T]) DecodeReply(body []byte) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		if r.strict {
			return fmt.Errorf("it holds no %s", r.c.Noun)
		}
		return nil
	}
	v := new(T)
	if err := jsonx.Unmarshal(body, v); err != nil {
		if !r.strict && !hasID(body) {
			return nil
		}
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return errors.New("it is not valid JSON")
		}
		return fmt.Errorf("decoding the %s: %w", r.c.Noun, err)
	}
	if !r.strict && r.c.ID(v) == "" {
		return nil
	}
	if err := r.c.check(v); err != nil {
		return err
	}
	r.v = v
	return nil
}

// hasID reports whether body is a JSON object with a non-empty "id".
func hasID(body []byte) bool {
	var probe struct {
		ID any `json:"id"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.ID != nil && probe.ID != ""
}
