package auditlogs

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/testutil"
)

// rangeFirst is mtPage with the range before the entries, as a server may
// order its keys: the window's end is then known before its entries.
func rangeFirst(start, end, next string, times ...string) string {
	page := mtPage(start, end, next, times...)
	entries, rest, _ := strings.Cut(strings.TrimPrefix(page, `{"audit_logs":`), `,"range_start_time"`)
	return `{"range_start_time"` + strings.TrimSuffix(rest, "}") + `,"audit_logs":` + entries + `}`
}

// TestWindowBoundaries checks that an entry is yielded once across the
// windows of a Multi-tenant walk: an entry at a window's own end (which a
// server may include) is the next window's, and an entry past the
// range_end_time a window resolved to, which the next window sends again,
// is yielded by one of them only, whether the reply gives its range before
// or after its entries.
func TestWindowBoundaries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		page func(start, end, next string, times ...string) string
	}{{"range after the entries", mtPage}, {"range before the entries", rangeFirst}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newClient(t, "https://api.wandb.ai")
			rec := testutil.Serve(t, mock,
				// Asked 08-01 and seven days more: an entry at 08-09T00:00 is past the window.
				testutil.Reply{Status: 200, Body: tt.page("2026-08-01T00:00:00Z", "2026-08-09T00:00:00Z", "", "2026-08-01T10:00:00Z", "2026-08-09T00:00:00Z")},
				// Asked 08-09 to 08-17, resolved to 08-16, with an entry of 08-16.
				testutil.Reply{Status: 200, Body: tt.page("2026-08-09T00:00:00Z", "2026-08-16T00:00:00Z", "", "2026-08-09T00:00:00Z", "2026-08-10T00:00:00Z", "2026-08-16T05:00:00Z")},
				testutil.Reply{Status: 200, Body: tt.page("2026-08-16T00:00:00Z", "2026-08-20T00:00:00Z", "", "2026-08-16T05:00:00Z", "2026-08-18T00:00:00Z")},
			)
			svc := New(c)
			svc.pageEntries = 500
			got, err := collect(svc.All(context.Background(), Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-20T00:00:00Z")}))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"project:read@2026-08-01T10:00:00Z", "project:read@2026-08-09T00:00:00Z", "project:read@2026-08-10T00:00:00Z",
				"project:read@2026-08-16T05:00:00Z", "project:read@2026-08-18T00:00:00Z",
			}
			if !reflect.DeepEqual(actions(got), want) {
				t.Errorf("entries = %v\nwant %v", actions(got), want)
			}
			host := "api.wandb.ai"
			checkRequests(t, rec.Requests(), []wantRequest{
				{host, "/audit_logs", q("startDate", "2026-08-01", "numDays", "7", "limit", "500")},
				{host, "/audit_logs", q("startDate", "2026-08-09", "numDays", "7", "limit", "500")},
				{host, "/audit_logs", q("startDate", "2026-08-16", "numDays", "3", "limit", "500")},
			})
		})
	}
}

// TestEmptyPagesEnd checks that a server that keeps sending empty pages
// with new cursors ends the walk with an error after a few, instead of
// being followed forever, and that a range_end_time that appears only on a
// later page is refused (entries before it could not be placed).
func TestEmptyPagesEnd(t *testing.T) {
	t.Parallel()
	empty := func(next string) testutil.Reply {
		return testutil.Reply{Status: 200, Body: `{"audit_logs":[],"count":0,"next_cursor":"` + next + `"}`}
	}
	c, mock := newClient(t, "https://acme.wandb.io")
	rec := testutil.Serve(t, mock, empty("c1"), empty("c2"), empty("c3"))
	svc := New(c)
	svc.pageEntries = 100
	got, err := collect(svc.All(context.Background(), Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-02T00:00:00Z")}))
	if len(got) != 0 || !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "3 pages in a row hold no entries") {
		t.Fatalf("%d entries, err = %v; want ErrIncomplete after 3 empty pages", len(got), err)
	}
	base := q("startDate", "2026-08-01T00:00:00", "endDate", "2026-08-02T00:00:00", "limit", "100")
	with := func(cursor string) wantRequest {
		v := q("cursor", cursor)
		for k, vs := range base {
			v[k] = vs
		}
		return wantRequest{"acme.wandb.io", "/admin/audit_logs", v}
	}
	checkRequests(t, rec.Requests(), []wantRequest{{"acme.wandb.io", "/admin/audit_logs", base}, with("c1"), with("c2")})

	c, mock = newClient(t, "https://acme.wandb.io")
	testutil.Serve(t, mock,
		testutil.Reply{Status: 200, Body: `{"audit_logs":[{"action":"a","timestamp":"2026-08-01T05:00:00Z"}],"count":1,"next_cursor":"c1"}`},
		testutil.Reply{Status: 200, Body: `{"audit_logs":[],"count":0,"range_end_time":"2026-08-01T04:00:00Z","next_cursor":null}`})
	got, err = collect(New(c).All(context.Background(), Query{Start: mustTime("2026-08-01T00:00:00Z"), End: mustTime("2026-08-02T00:00:00Z")}))
	if len(got) != 1 || !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "the pages before it none") {
		t.Fatalf("%d entries, err = %v; want ErrIncomplete for the late range_end_time", len(got), err)
	}
}
