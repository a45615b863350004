package scim_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
)

func TestListOptionsEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts *scim.ListOptions
		want string
	}{
		{nil, ""},
		{&scim.ListOptions{}, ""},
		{&scim.ListOptions{Filter: scim.Eq("userName", "a+b@x.io")}, "filter=userName%20eq%20%22a%2Bb%40x.io%22"},
		{&scim.ListOptions{Filter: scim.Eq("displayName", "ML team"), StartIndex: 1, Count: 50}, "count=50&filter=displayName%20eq%20%22ML%20team%22&startIndex=1"},
		{&scim.ListOptions{Count: 10}, "count=10"},
	}
	for _, tt := range tests {
		got, err := tt.opts.Encode()
		if err != nil || got != tt.want {
			t.Errorf("Encode(%+v) = %q, %v; want %q", tt.opts, got, err, tt.want)
		}
	}
	if _, err := (&scim.ListOptions{StartIndex: -1}).Encode(); !errors.Is(err, scim.ErrInvalidInput) {
		t.Error("negative StartIndex accepted")
	}
}

type item struct {
	ID string `json:"id"`
}

func TestDoPage(t *testing.T) {
	t.Parallel()
	c, mock := testutil.NewClient(t)
	rec := testutil.Serve(t, mock, testutil.Reply{Status: 200, Body: `{"Resources":[{"id":"a"}],"itemsPerPage":9999,"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"startIndex":1,"totalResults":1}`})
	q, err := (&scim.ListOptions{Filter: scim.Eq("userName", "dev user")}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	page := new(scim.Page[item])
	if _, err := call(c, context.Background(), "GET", "Users?"+q, nil, page); err != nil {
		t.Fatal(err)
	}
	rec.Check(t, testutil.Want{Method: "GET", Path: "/scim/Users", Query: "filter=userName%20eq%20%22dev%20user%22"})
	if len(page.Resources) != 1 || page.Resources[0].ID != "a" || page.TotalResults != 1 || page.ItemsPerPage != 9999 || page.StartIndex != 1 {
		t.Errorf("page = %+v", page)
	}
}

// pager serves pages from a script and records the options of each call.
type pager struct {
	pages []*scim.Page[item]
	calls []scim.ListOptions
	err   error
}

func (p *pager) list(_ context.Context, o *scim.ListOptions) (*scim.Page[item], error) {
	p.calls = append(p.calls, *o)
	if len(p.calls) > len(p.pages) {
		if p.err != nil {
			return nil, p.err
		}
		return &scim.Page[item]{}, nil
	}
	return p.pages[len(p.calls)-1], nil
}

func page(total, start int, ids ...string) *scim.Page[item] {
	p := &scim.Page[item]{TotalResults: total, StartIndex: start, ItemsPerPage: 9999}
	for _, id := range ids {
		p.Resources = append(p.Resources, item{ID: id})
	}
	return p
}

func TestPaginate(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name       string
		opts       *scim.ListOptions
		pages      []*scim.Page[item]
		err        error
		wantIDs    string
		wantStarts []int
		wantErr    error
	}{
		{"one page with everything", nil, []*scim.Page[item]{page(3, 1, "a", "b", "c")}, nil, "abc", []int{0}, nil},
		{"paged by server", &scim.ListOptions{Count: 2}, []*scim.Page[item]{page(5, 1, "a", "b"), page(5, 3, "c", "d"), page(5, 5, "e")}, nil, "abcde", []int{0, 3, 5}, nil},
		{"stops on empty page", &scim.ListOptions{StartIndex: 1}, []*scim.Page[item]{page(10, 1, "a", "b")}, nil, "ab", []int{1, 3}, nil},
		{"stops on repeated page", nil, []*scim.Page[item]{page(4, 1, "a", "b"), page(4, 1, "a", "b")}, nil, "ab", []int{0, 3}, nil},
		{"error yielded once", nil, []*scim.Page[item]{page(4, 1, "a")}, boom, "a", []int{0, 2}, boom},
		{"empty list", nil, []*scim.Page[item]{page(0, 1)}, nil, "", []int{0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &pager{pages: tt.pages, err: tt.err}
			var opts scim.ListOptions
			if tt.opts != nil {
				opts = *tt.opts
			}
			ids, errs := "", 0
			for it, err := range scim.Paginate(context.Background(), tt.opts, p.list) {
				if err != nil {
					errs++
					if !errors.Is(err, tt.wantErr) || it != nil {
						t.Errorf("yielded %v, %v", it, err)
					}
					continue
				}
				ids += it.ID
			}
			if ids != tt.wantIDs {
				t.Errorf("ids = %q, want %q", ids, tt.wantIDs)
			}
			if (tt.wantErr != nil) != (errs == 1) || errs > 1 {
				t.Errorf("errors yielded = %d", errs)
			}
			var starts []int
			for _, c := range p.calls {
				starts = append(starts, c.StartIndex)
				if c.Count != opts.Count || c.Filter != opts.Filter {
					t.Errorf("call options %+v lost the caller's Count/Filter", c)
				}
			}
			if fmt.Sprint(starts) != fmt.Sprint(tt.wantStarts) {
				t.Errorf("startIndex per call = %v, want %v", starts, tt.wantStarts)
			}
			if tt.opts != nil && *tt.opts != opts {
				t.Error("Paginate modified the caller's options")
			}
		})
	}
}

func TestPaginateBreakEarly(t *testing.T) {
	t.Parallel()
	p := &pager{pages: []*scim.Page[item]{page(4, 1, "a", "b"), page(4, 3, "c", "d")}}
	for it, err := range scim.Paginate(context.Background(), nil, p.list) {
		if err != nil || it.ID != "a" {
			t.Fatalf("got %v, %v", it, err)
		}
		break
	}
	if len(p.calls) != 1 {
		t.Errorf("fetched %d pages after break, want 1", len(p.calls))
	}
}
