package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"net/http"
	"strings"

	"github.com/go-wandb/identity/internal/jsonx"
	"github.com/google/go-querystring/query"
)

// ListOptions filters and pages a list request. StartIndex (1-based) and Count
// are sent only when set. W&B ignores them today and returns up to 9999
// resources in one page.
type ListOptions struct {
	Filter     Filter `url:"filter,omitempty"`
	StartIndex int    `url:"startIndex,omitempty"`
	Count      int    `url:"count,omitempty"`
}

// Encode returns the options as a query string, spaces encoded as %20 (never
// "+", which some SCIM servers do not decode in a filter).
func (o *ListOptions) Encode() (string, error) {
	if o == nil {
		return "", nil
	}
	if o.StartIndex < 0 || o.Count < 0 {
		return "", &InputError{Op: "scim.ListOptions", Msg: fmt.Sprintf("StartIndex %d and Count %d must not be negative", o.StartIndex, o.Count)}
	}
	v, err := query.Values(o)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(v.Encode(), "+", "%20"), nil
}

// Page is one SCIM ListResponse. ItemsPerPage is what the server reports (W&B
// always says 9999), not necessarily len(Resources).
//
// Do decodes a *Page as it reads the reply, a resource at a time, so the
// reply is never held whole; a reply that is not a ListResponse (an empty
// object, an error body, a single resource) is an error, so that a wrong
// endpoint or a confused server never reads as an empty list.
type Page[T any] struct {
	Resources    []T `json:"Resources"`
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
}

// ErrIncomplete matches the error a walk (Paginate, and the services' All)
// ends with when it saw fewer resources than the server's totalResults: the
// server ignores paging and caps a reply (W&B returns at most 9999), or the
// collection changed during the walk. The error is an *IncompleteError.
var ErrIncomplete = errors.New("scim: the walk ended before totalResults resources were seen")

// IncompleteError reports a walk that ended with Seen of Total resources.
// Everything it saw was yielded before it.
type IncompleteError struct {
	Seen, Total int
}

// Error implements error.
func (e *IncompleteError) Error() string {
	return fmt.Sprintf("scim: the server reported %d resources but returned %d: the walk is incomplete (W&B returns at most 9999 per request and ignores paging)", e.Total, e.Seen)
}

// Is matches ErrIncomplete.
func (e *IncompleteError) Is(target error) bool { return target == ErrIncomplete }

// pageDecoder is implemented by Page: Do hands it a 2xx body to read.
type pageDecoder interface {
	decodePage(body io.Reader) error
}

// decodePage reads a ListResponse into p, a resource at a time.
func (p *Page[T]) decodePage(body io.Reader) error {
	lr := newListReader(body)
	var resources []T
	for {
		raw, err := lr.next()
		if err != nil {
			return err
		}
		if raw == nil {
			break
		}
		resources = append(resources, *new(T))
		if err := jsonx.UnmarshalValid(raw, &resources[len(resources)-1]); err != nil {
			return fmt.Errorf("decoding resource %d: %w", len(resources), err)
		}
	}
	*p = Page[T]{Resources: resources, TotalResults: lr.total, StartIndex: lr.startIndex, ItemsPerPage: lr.itemsPerPage}
	return nil
}

// listReader reads a ListResponse, whatever the order of its members,
// handing out the raw bytes of one resource at a time.
type listReader struct {
	s           *jsonx.Stream
	started     bool
	inResources bool
	first       bool // no member (or element) read yet at the current level
	done        bool

	total, startIndex, itemsPerPage int
	sawTotal, sawListSchema         bool
}

func newListReader(r io.Reader) *listReader { return &listReader{s: jsonx.NewStream(r)} }

// next returns the next resource's raw bytes, valid until the following
// call, or nil once the whole reply was read (its other members included).
func (lr *listReader) next() ([]byte, error) {
	raw, err := lr.step()
	if err != nil {
		return nil, listError(err)
	}
	return raw, nil
}

func (lr *listReader) step() ([]byte, error) {
	s := lr.s
	if lr.done {
		return nil, nil
	}
	if !lr.started {
		if c, err := s.Peek(); err != nil || c != '{' {
			return nil, errNotList
		}
		s.Expect('{')
		lr.started, lr.first = true, true
	}
	for {
		if lr.inResources {
			more, err := s.Next(']', lr.first)
			if err != nil {
				return nil, err
			}
			lr.first = false
			if more {
				return s.Value()
			}
			lr.inResources = false
		}
		more, err := s.Next('}', lr.first)
		if err != nil {
			return nil, err
		}
		lr.first = false
		if !more {
			lr.done = true
			if err := s.End(); err != nil {
				return nil, err
			}
			if !lr.sawTotal && !lr.sawListSchema {
				return nil, errNotList
			}
			return nil, nil
		}
		key, err := s.Key()
		if err != nil {
			return nil, err
		}
		switch {
		case strings.EqualFold(key, "Resources"):
			c, err := s.Peek()
			if err != nil {
				return nil, err
			}
			if c == 'n' { // null: no resources
				if _, err := s.Value(); err != nil {
					return nil, err
				}
				continue
			}
			if err := s.Expect('['); err != nil {
				return nil, errors.New("Resources is not an array")
			}
			lr.inResources, lr.first = true, true
		case strings.EqualFold(key, "totalResults"):
			lr.sawTotal = true
			lr.total, err = s.Int()
		case strings.EqualFold(key, "startIndex"):
			lr.startIndex, err = s.Int()
		case strings.EqualFold(key, "itemsPerPage"):
			lr.itemsPerPage, err = s.Int()
		case strings.EqualFold(key, "schemas"):
			var raw []byte
			if raw, err = s.Value(); err == nil {
				var schemas []string
				_ = json.Unmarshal(raw, &schemas) // anything but a list of strings names no schema
				for _, sc := range schemas {
					lr.sawListSchema = lr.sawListSchema || sc == ListResponseSchema
				}
			}
		default:
			_, err = s.Value() // checked, and skipped
		}
		if err != nil {
			return nil, err
		}
	}
}

var errNotList = errors.New("it is not a SCIM ListResponse")

// listError words a failure to read a ListResponse.
func listError(err error) error {
	switch {
	case errors.Is(err, errNotList), errors.Is(err, jsonx.ErrTooDeep):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("it ends before the ListResponse does")
	}
	var tooLarge *bodyTooLargeError
	if errors.As(err, &tooLarge) {
		return err
	}
	return fmt.Errorf("reading the ListResponse: %w", err)
}

// Paginate walks every page of the collection at path (relative to the SCIM
// root, as for NewRequest: "Users", "Groups"), starting from opts (which it
// does not modify): GET {root}/{path}?filter=…&startIndex=…&count=…, page
// after page. It yields each resource as soon as it is decoded from the
// reply, so a 9999-resource page is never held whole. reqOpts apply to every
// request.
//
// The walk ends on an empty page, once totalResults resources were seen, or
// on a page that repeats the previous one (a server that ignores paging sends
// the first page again; this is recognised from the page's first resource,
// before anything of it is yielded). A resource already yielded on the
// previous page is never yielded again. When the walk ends having seen fewer
// than totalResults resources, it yields an *IncompleteError (matching
// ErrIncomplete) last. Any error is yielded once, with a nil resource, and
// ends the walk.
func Paginate[T any](ctx context.Context, c *Client, path string, opts *ListOptions, reqOpts ...RequestOption) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		var o ListOptions
		if opts != nil {
			o = *opts
		}
		w := walk[T]{yield: yield, seed: maphash.MakeSeed()}
		for {
			q, err := o.Encode()
			if err != nil {
				yield(nil, err)
				return
			}
			p := path
			if q != "" {
				p += "?" + q
			}
			req, err := c.NewRequest(ctx, http.MethodGet, p, nil, reqOpts...)
			if err != nil {
				yield(nil, err)
				return
			}
			count, stop, err := w.page(c, req)
			switch {
			case err != nil:
				yield(nil, err)
				return
			case stop:
				return
			case count == 0 || w.seen >= w.total:
				w.finish()
				return
			}
			if o.StartIndex == 0 {
				o.StartIndex = 1
			}
			o.StartIndex += count
		}
	}
}

// walk is the state of one Paginate: what was seen, and enough of the
// previous page to recognise it again. Ids are kept as 64-bit hashes: a
// page's worth costs a few hundred kilobytes, not a copy of every id.
type walk[T any] struct {
	yield       func(*T, error) bool
	seen, total int
	pages       int
	seed        maphash.Seed
	prevFirst   uint64              // the hash of the previous page's first id
	prevIDs     map[uint64]struct{} // the hashes of the previous page's ids
}

// page reads one page from req's reply, yielding its resources. It returns
// how many resources the page held, and stop when the walk is over (the
// consumer stopped, or the page repeats the previous one).
func (w *walk[T]) page(c *Client, req *http.Request) (count int, stop bool, err error) {
	body, err := c.openList(req)
	if err != nil {
		return 0, false, err
	}
	defer body.Close()
	lr := newListReader(body)
	ids := make(map[uint64]struct{}, len(w.prevIDs))
	var first uint64
	for {
		raw, err := lr.next()
		if err != nil {
			return 0, false, c.replyError(req, err)
		}
		if raw == nil {
			break
		}
		idBytes, hasID := jsonx.IDBytes(raw)
		id := maphash.Bytes(w.seed, idBytes)
		if count == 0 {
			first = id
			if w.pages > 0 && hasID && id == w.prevFirst {
				// The server sent the previous page again: it ignores paging.
				w.finish()
				return 0, true, nil
			}
		}
		count++
		if hasID {
			ids[id] = struct{}{}
			if _, dup := w.prevIDs[id]; dup {
				continue // yielded with the previous page
			}
		}
		v := new(T)
		if err := jsonx.UnmarshalValid(raw, v); err != nil {
			return 0, false, c.replyError(req, fmt.Errorf("decoding resource %d: %w", count, err))
		}
		w.seen++
		if !w.yield(v, nil) {
			return 0, true, nil
		}
	}
	w.pages++
	w.total = lr.total
	w.prevFirst, w.prevIDs = first, ids
	return count, false, nil
}

// finish yields an *IncompleteError when fewer than total resources were
// seen.
func (w *walk[T]) finish() {
	if w.seen < w.total {
		w.yield(nil, &IncompleteError{Seen: w.seen, Total: w.total})
	}
}
