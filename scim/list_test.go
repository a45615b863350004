package scim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wandb/identity/internal/testutil"
	"github.com/go-wandb/identity/scim"
	"github.com/jarcoal/httpmock"
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

// pager serves pages from a script over the mock transport and records the
// query of each request. Past the script it answers with an empty page, or
// with fail when set.
type pager struct {
	mu      sync.Mutex
	pages   []string
	queries []url.Values
	fail    *testutil.Reply
}

func (p *pager) client(t *testing.T) *scim.Client {
	c, mock := testutil.NewClient(t)
	mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.queries = append(p.queries, r.URL.Query())
		n := len(p.queries)
		switch {
		case n <= len(p.pages):
			return httpmock.NewStringResponse(200, p.pages[n-1]), nil
		case p.fail != nil:
			return httpmock.NewStringResponse(p.fail.Status, p.fail.Body), nil
		}
		return httpmock.NewStringResponse(200, page(0, 1)), nil
	})
	return c
}

// page is a ListResponse as W&B writes it: keys in alphabetical order, so
// Resources before startIndex and totalResults.
func page(total, start int, ids ...string) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = `{"id":"` + id + `","userName":"user-` + id + `"}`
	}
	return fmt.Sprintf(`{"Resources":[%s],"itemsPerPage":9999,"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"startIndex":%d,"totalResults":%d}`,
		strings.Join(items, ","), start, total)
}

func TestPaginate(t *testing.T) {
	t.Parallel()
	boom := &testutil.Reply{Status: 500, Body: `{"detail":"boom","status":"500"}`}
	tests := []struct {
		name       string
		opts       *scim.ListOptions
		pages      []string
		fail       *testutil.Reply
		wantIDs    string
		wantStarts []string
		wantErr    error
	}{
		{"one page with everything", nil, []string{page(3, 1, "a", "b", "c")}, nil, "abc", []string{""}, nil},
		{"paged by server", &scim.ListOptions{Count: 2}, []string{page(5, 1, "a", "b"), page(5, 3, "c", "d"), page(5, 5, "e")}, nil, "abcde", []string{"", "3", "5"}, nil},
		{"an empty page short of the total is incomplete", &scim.ListOptions{StartIndex: 1}, []string{page(10, 1, "a", "b"), page(10, 3)}, nil, "ab", []string{"1", "3"}, scim.ErrIncomplete},
		{"a repeated page is incomplete", nil, []string{page(4, 1, "a", "b"), page(4, 1, "a", "b")}, nil, "ab", []string{"", "3"}, scim.ErrIncomplete},
		{"an overlapping page yields nothing twice", &scim.ListOptions{Count: 2}, []string{page(4, 1, "a", "b"), page(4, 3, "b", "c"), page(4, 5, "d")}, nil, "abcd", []string{"", "3", "5"}, nil},
		{"error yielded once", nil, []string{page(4, 1, "a")}, boom, "a", []string{"", "2"}, scim.ErrServer},
		{"empty list", nil, []string{page(0, 1)}, nil, "", []string{""}, nil},
		{"Resources null", nil, []string{`{"Resources":null,"totalResults":0}`}, nil, "", []string{""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := &pager{pages: tt.pages, fail: tt.fail}
			c := p.client(t)
			var opts scim.ListOptions
			if tt.opts != nil {
				opts = *tt.opts
			}
			ids, errs := "", 0
			for it, err := range scim.Paginate[item](context.Background(), c, "Users", tt.opts) {
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
			var starts []string
			for _, q := range p.queries {
				starts = append(starts, q.Get("startIndex"))
				if count := q.Get("count"); count != map[bool]string{true: fmt.Sprint(opts.Count), false: ""}[opts.Count > 0] {
					t.Errorf("query %v lost the caller's Count", q)
				}
			}
			if fmt.Sprint(starts) != fmt.Sprint(tt.wantStarts) {
				t.Errorf("startIndex per call = %q, want %q", starts, tt.wantStarts)
			}
			if tt.opts != nil && *tt.opts != opts {
				t.Error("Paginate modified the caller's options")
			}
		})
	}
}

// TestPaginateIncompleteError checks the error a walk that ignores paging
// ends with, and that it comes after every resource it received.
func TestPaginateIncompleteError(t *testing.T) {
	t.Parallel()
	p := &pager{pages: []string{page(5, 1, "a", "b", "c"), page(5, 1, "a", "b", "c")}}
	var got []string
	var last error
	for it, err := range scim.Paginate[item](context.Background(), p.client(t), "Users", nil) {
		if err != nil {
			last = err
			continue
		}
		got = append(got, it.ID)
	}
	var inc *scim.IncompleteError
	if !errors.As(last, &inc) || inc.Seen != 3 || inc.Total != 5 || len(got) != 3 {
		t.Fatalf("got %v then %v, want 3 users then an IncompleteError 3 of 5", got, last)
	}
	if !strings.Contains(last.Error(), "reported 5 resources but returned 3") {
		t.Errorf("error text %q", last)
	}
}

func TestPaginateBreakEarly(t *testing.T) {
	t.Parallel()
	p := &pager{pages: []string{page(4, 1, "a", "b"), page(4, 3, "c", "d")}}
	for it, err := range scim.Paginate[item](context.Background(), p.client(t), "Users", nil) {
		if err != nil || it.ID != "a" {
			t.Fatalf("got %v, %v", it, err)
		}
		break
	}
	if len(p.queries) != 1 {
		t.Errorf("fetched %d pages after break, want 1", len(p.queries))
	}
}

// TestPaginateStreams checks that a walk yields the first resource before
// the server has finished sending the page: the server holds the rest of the
// reply back until the walk has yielded it.
func TestPaginateStreams(t *testing.T) {
	t.Parallel()
	gotFirst := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"Resources":[{"id":"a"},`)
		w.(http.Flusher).Flush()
		select {
		case <-gotFirst:
		case <-time.After(5 * time.Second):
			t.Error("the walk yielded nothing before the page was complete")
		}
		fmt.Fprint(w, `{"id":"b"}],"totalResults":2}`)
	}))
	defer srv.Close()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(key))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for it, err := range scim.Paginate[item](context.Background(), c, "Users", nil) {
		if err != nil {
			t.Fatal(err)
		}
		if ids = append(ids, it.ID); len(ids) == 1 {
			close(gotFirst)
		}
	}
	if strings.Join(ids, ",") != "a,b" {
		t.Errorf("ids = %v", ids)
	}
}
