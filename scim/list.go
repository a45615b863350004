package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
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
type Page[T any] struct {
	Resources    []T `json:"Resources"`
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
}

// pageDecoder is implemented by Page: Do hands it a 2xx body to decode.
type pageDecoder interface {
	decodePage(body []byte) error
}

// decodePage decodes a ListResponse into p. A body that is not one (no
// totalResults and no ListResponse schema: an empty object, an error body,
// a single resource) is an error, so that a wrong endpoint or a confused
// server never reads as an empty list.
func (p *Page[T]) decodePage(body []byte) error {
	var raw struct {
		Schemas      []string `json:"schemas"`
		Resources    []T      `json:"Resources"`
		TotalResults *int     `json:"totalResults"`
		StartIndex   int      `json:"startIndex"`
		ItemsPerPage int      `json:"itemsPerPage"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return errors.New("it is not valid JSON")
		}
		return fmt.Errorf("decoding the list: %w", err)
	}
	if raw.TotalResults == nil && !slices.Contains(raw.Schemas, ListResponseSchema) {
		return errors.New("it is not a SCIM ListResponse")
	}
	*p = Page[T]{Resources: raw.Resources, StartIndex: raw.StartIndex, ItemsPerPage: raw.ItemsPerPage}
	if raw.TotalResults != nil {
		p.TotalResults = *raw.TotalResults
	}
	return nil
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
