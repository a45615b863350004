package auditlogs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// pagesBody generates one paged reply of n entries, numbered from first,
// as it is read: the test's server holds no page in memory either.
type pagesBody struct {
	first, n, i int
	base        time.Time
	next        string
	buf         []byte
	done        bool
}

func (b *pagesBody) Read(p []byte) (int, error) {
	for len(b.buf) == 0 {
		switch {
		case b.done:
			return 0, io.EOF
		case b.i == 0 && b.buf == nil:
			b.buf = []byte(`{"audit_logs":[`)
		case b.i < b.n:
			k := b.first + b.i
			if b.i > 0 {
				b.buf = append(b.buf, ',')
			}
			ts := b.base.Add(time.Duration(k) * step).Format(time.RFC3339Nano)
			b.buf = fmt.Appendf(b.buf, `{"action":"project:read","actor_email":"user%d@example.com","actor_ip":"10.0.%d.%d","actor_user_id":"VXNlcjo%d",`+
				`"entity_name":"team-%d","project_name":"project-%d","response_code":200,"timestamp":%q,"user_asset":"VXNlcjo%d","cli_version":"0.19.%d"}`,
				k%5000, k%250, k%200, k%5000, k%40, k%300, ts, k%5000, k%10)
			b.i++
		default:
			cursor := "null"
			if b.next != "" {
				cursor = strconv.Quote(b.next)
			}
			b.buf = fmt.Appendf(b.buf, `],"range_start_time":"2026-08-01T00:00:00Z","range_end_time":"2026-08-02T00:00:00Z","count":%d,"next_cursor":%s}`, b.n, cursor)
			b.done = true
		}
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	if len(b.buf) == 0 && !b.done {
		b.buf = b.buf[:0:0]
	}
	return n, nil
}

// serveMillion makes mock answer a Dedicated walk of total entries in
// pages of perPage, with cursors "c<page>", generating each reply as it is
// read.
func serveMillion(mock *httpmock.MockTransport, total, perPage int, requests *atomic.Int64) {
	base := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		requests.Add(1)
		page := 0
		if c := req.URL.Query().Get("cursor"); c != "" {
			page, _ = strconv.Atoi(strings.TrimPrefix(c, "c"))
		}
		first := page * perPage
		n := min(perPage, total-first)
		next := ""
		if first+n < total {
			next = "c" + strconv.Itoa(page+1)
		}
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(&pagesBody{first: first, n: n, base: base, next: next}),
			Request:    req,
		}, nil
	})
}

// step is the time between generated entries: 8.6 million fit a day.
const step = 10 * time.Millisecond

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A walk of 1,000,000 entries (100 pages of 10,000, about 300 MB of JSON)
// is read in flat memory: the heap, sampled every 100,000 entries after a
// GC, never grows more than a generous 16 MiB above where it started (a
// walk that kept its entries or held a page would need hundreds of MB).
// Every entry is yielded once, in order.
func TestMillionEntriesFlatMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a million entries: skipped with -short and with -race (the detector's own memory and time swamp the measure)")
	}
	const total, perPage = 1_000_000, 10_000
	c, mock := newClient(t, "https://acme.wandb.io")
	var requests atomic.Int64
	serveMillion(mock, total, perPage, &requests)
	svc := New(c)
	if svc.limit() != perPage {
		t.Fatalf("default limit = %d, want %d", svc.limit(), perPage)
	}
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	before := heapInUse()
	var peak uint64
	n := 0
	for e, err := range svc.All(context.Background(), Query{Start: start, End: start.Add(24 * time.Hour)}) {
		if err != nil {
			t.Fatalf("after %d entries: %v", n, err)
		}
		if want := start.Add(time.Duration(n) * step); !e.Timestamp.Equal(want) || e.ActorEmail != fmt.Sprintf("user%d@example.com", n%5000) {
			t.Fatalf("entry %d = %v %s, want %v", n, e.Timestamp, e.ActorEmail, want)
		}
		n++
		if n%100_000 == 0 {
			peak = max(peak, heapInUse())
		}
	}
	if n != total || requests.Load() != total/perPage {
		t.Fatalf("walked %d entries in %d requests, want %d in %d", n, requests.Load(), total, total/perPage)
	}
	growth := int64(peak) - int64(before)
	t.Logf("1,000,000 entries in %d requests: heap %d KiB before, %d KiB at peak (growth %d KiB)", requests.Load(), before>>10, peak>>10, growth>>10)
	if growth > 16<<20 {
		t.Errorf("heap grew %d MiB during the walk: not flat", growth>>20)
	}
}

// BenchmarkWalk measures a Dedicated walk's cost per entry (pages of
// 10,000, entries of about 330 bytes), with the heap's growth over the
// walk reported as heap-growth-KiB.
func BenchmarkWalk(b *testing.B) {
	mock := httpmock.NewMockTransport()
	var requests atomic.Int64
	serveMillion(mock, b.N, 10_000, &requests)
	c := clientFor(b, "https://acme.wandb.io", mock)
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	before := heapInUse()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for _, err := range New(c).All(context.Background(), Query{Start: start, End: start.Add(24 * time.Hour)}) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.StopTimer()
	if n != b.N {
		b.Fatalf("walked %d, want %d", n, b.N)
	}
	b.ReportMetric(float64(int64(heapInUse())-int64(before))/1024, "heap-growth-KiB")
}
