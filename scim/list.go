package scim

import (
	"context"
	"iter"
	"net/http"
	"reflect"
	"strings"

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
		return "", Invalid("scim.ListOptions", "StartIndex %d and Count %d must not be negative", o.StartIndex, o.Count)
	}
	v, err := query.Values(o)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(v.Encode(), "+", "%20"), nil
}

// Page is one SCIM ListResponse. ItemsPerPage is what the server reports (W&B
// always says 9999), not necessarily len(Resources).
type Page[T any] struct {
	Resources    []T `json:"Resources"`
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
}

// ListPage fetches one page of the collection at path ("Users", "Groups",
// "Roles") with opts: GET {root}/{path}?filter=…&startIndex=…&count=….
func ListPage[T any](ctx context.Context, c *Client, path string, opts *ListOptions) (*Page[T], error) {
	q, err := opts.Encode()
	if err != nil {
		return nil, err
	}
	if q != "" {
		path += "?" + q
	}
	req, err := c.NewRequest(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	page := new(Page[T])
	if _, err := c.Do(req, page); err != nil {
		return nil, err
	}
	return page, nil
}

// Paginate walks every page that list returns, starting from opts (which it
// does not modify), and yields each resource. It stops on an empty page, once
// totalResults resources were seen, or on a page that repeats the previous one
// (a server that ignores paging sends everything in the first page). An error
// is yielded once, with a nil resource, and ends the walk.
func Paginate[T any](ctx context.Context, opts *ListOptions, list func(context.Context, *ListOptions) (*Page[T], error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		var o ListOptions
		if opts != nil {
			o = *opts
		}
		seen := 0
		var prev []T
		for {
			page, err := list(ctx, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page.Resources) == 0 || (prev != nil && reflect.DeepEqual(prev, page.Resources)) {
				return
			}
			for i := range page.Resources {
				if !yield(&page.Resources[i], nil) {
					return
				}
			}
			seen += len(page.Resources)
			if seen >= page.TotalResults {
				return
			}
			if o.StartIndex == 0 {
				o.StartIndex = 1
			}
			o.StartIndex += len(page.Resources)
			prev = page.Resources
		}
	}
}
