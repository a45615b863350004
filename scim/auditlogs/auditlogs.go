package auditlogs

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/go-wandb/identity/internal/jsonx"
	"github.com/go-wandb/identity/scim"
)

// The endpoints, by deployment.
const (
	pathDedicated   = "/admin/audit_logs" // Dedicated Cloud and Self-Managed, on the instance's host
	pathMultiTenant = "/audit_logs"       // Multi-tenant Cloud, on api.wandb.ai
)

const (
	// maxPageEntries bounds the limit of a paged request (W&B allows
	// 20,000 on Dedicated Cloud and Self-Managed, 1,000,000 on Multi-tenant
	// Cloud).
	maxPageEntries = 10_000
	// entryBudget is the reply size budgeted per entry when the limit is
	// sized to fit the client's WithMaxResponseBytes; W&B's entries are
	// typically a few hundred bytes.
	entryBudget = 4 << 10
	// maxNumDays is the largest numDays Multi-tenant Cloud accepts: a
	// request covers startDate's day and numDays more.
	maxNumDays = 7
	day        = 24 * time.Hour
)

// Service reads audit logs with a scim.Client. It holds no state between
// calls and is safe for concurrent use.
type Service struct {
	c *scim.Client
	// pageEntries overrides the limit sent on paged requests (tests).
	pageEntries int
	// now overrides time.Now for a Query without End (tests).
	now func() time.Time
}

// New returns a Service that sends its requests with c, to the audit log
// endpoint of c's deployment (see the package documentation).
func New(c *scim.Client) *Service { return &Service{c: c} }

// All walks the audit log entries of q's range that pass q's filters, in
// the order the server sends them, yielding each as it is read (see the
// package documentation for the requests it sends and what ends a walk).
// Dedicated Cloud and Self-Managed: GET /admin/audit_logs; Multi-tenant
// Cloud: GET /audit_logs. A query All cannot run (no Start, End before
// Start, Anonymize on Multi-tenant Cloud) is an error matching
// scim.ErrInvalidInput, sent before any request. Any error is yielded
// once, with a nil entry, and ends the walk; everything yielded before it
// is correct. opts apply to every request (scim.WithHeader,
// scim.OnResponse).
func (s *Service) All(ctx context.Context, q Query, opts ...scim.RequestOption) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) {
		if s == nil || s.c == nil {
			yield(nil, errors.New("auditlogs: nil Service or *scim.Client: build one with auditlogs.New(client)"))
			return
		}
		if ctx == nil {
			yield(nil, errors.New("auditlogs: nil context"))
			return
		}
		now := time.Now
		if s.now != nil {
			now = s.now
		}
		q, err := q.check(s.c.Deployment(), now())
		if err != nil {
			yield(nil, err)
			return
		}
		w := &walk{
			ctx:   ctx,
			c:     s.c,
			q:     q,
			mt:    s.c.Deployment().IsMultiTenant(),
			limit: s.limit(),
			opts:  append([]scim.RequestOption{scim.WithHeader("Accept", "application/json, application/x-ndjson")}, opts...),
			yield: yield,
			seed:  maphash.MakeSeed(),
		}
		w.path = pathDedicated
		if w.mt {
			w.path = pathMultiTenant
		}
		if err := w.run(); err != nil && err != errStopped {
			yield(nil, err)
		}
	}
}

// limit is the number of entries a paged request asks for: as many as fit
// the client's response-size limit at entryBudget bytes each, at most
// maxPageEntries.
func (s *Service) limit() int {
	if s.pageEntries > 0 {
		return s.pageEntries
	}
	return int(min(max(s.c.MaxResponseBytes()/entryBudget, 1), maxPageEntries))
}

// errStopped ends a walk whose consumer stopped.
var errStopped = errors.New("auditlogs: stopped")

// errUnpaged is a reply in the newline-delimited form to a paged request.
var errUnpaged = errors.New("auditlogs: unpaged reply")

// walk is the state of one All.
type walk struct {
	ctx   context.Context
	c     *scim.Client
	q     Query
	mt    bool
	path  string
	limit int
	opts  []scim.RequestOption
	yield func(*Entry, error) bool
	seed  maphash.Seed
	page  pageRead // the read of the current page

	// The current window's part of the range: entries at or after end are
	// the next window's. end starts as the end the request names and comes
	// down to the server's range_end_time once a reply gives it (ranged).
	end    time.Time
	ranged bool
	// early are the entries yielded before the window's range_end_time was
	// known (a reply may give it after its entries): those at or after it
	// belong to the next window too, which must not yield them again.
	early []yielded
	// done are the entries the previous window yielded at or after its
	// end, by hash: the current window skips them.
	done map[uint64]int
}

// yielded is an entry a window yielded: its bytes' hash and timestamp.
type yielded struct {
	sum uint64
	ts  time.Time
}

// startWindow begins win, carrying over what the previous window yielded
// past its end.
func (w *walk) startWindow(win window) {
	w.done = nil
	for _, e := range w.early {
		if !e.ts.Before(w.end) {
			if w.done == nil {
				w.done = map[uint64]int{}
			}
			w.done[e.sum]++
		}
	}
	w.end, w.ranged, w.early = win.end, false, nil
}

// rangeEnd notes the server's range_end_time for the current window: it
// ends there when that is before the end asked for.
func (w *walk) rangeEnd(t time.Time) {
	if t.Before(w.end) {
		w.end = t
	}
	w.ranged = true
}

// maxRereads bounds how many times a page whose reply broke off is asked
// for again.
const maxRereads = 3

// pageRead tracks one read of a page, so that a page whose reply broke off
// can be read again without yielding an entry twice: the entries a former
// read offered are skipped, once their bytes are found to be the same.
type pageRead struct {
	skip    int    // entries a former read offered
	skipSum uint64 // the hash of their bytes
	n       int    // entries read in this read
	sum     uint64 // the hash of their bytes
	h       maphash.Hash
}

// start begins a read of the page.
func (p *pageRead) start(seed maphash.Seed) {
	p.n, p.sum = 0, 0
	p.h.SetSeed(seed)
}

// broke notes that this read broke off: a later read skips what it offered.
func (p *pageRead) broke() {
	if p.n > p.skip {
		p.skip, p.skipSum = p.n, p.sum
	}
}

// entry notes an entry read from the page (raw, its bytes, in parts), and
// reports whether a former read offered it already. An entry that should
// have been offered before but whose page now reads differently is an
// error.
func (p *pageRead) entry(path string) (offered bool, err error) {
	p.n++
	p.sum = p.h.Sum64()
	switch {
	case p.n < p.skip:
		return true, nil
	case p.n == p.skip:
		if p.sum != p.skipSum {
			return true, &incompleteError{msg: fmt.Sprintf("GET %s: a page read again after its reply broke off holds other entries", path)}
		}
		return true, nil
	}
	return false, nil
}

// retryableRead reports whether a reply that failed while it was read
// broke off (a reset or closed connection, a stall past the timeout), so
// that asking for the page again may succeed.
func retryableRead(err error) bool {
	var netErr net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, syscall.ECONNRESET) || errors.As(err, &netErr)
}

// window is one range of requests: a first request and the pages its
// cursor leads to.
type window struct {
	from   time.Time // entries before it belong to an earlier window, or to no range
	asked  time.Time // the start the request names
	end    time.Time // the end the request names, for a reply that does not say
	params url.Values
	daily  bool // newline-delimited JSON, a day at a time
}

// run walks the range window after window.
func (w *walk) run() error {
	from, daily := w.q.Start, false
	for from.Before(w.q.End) {
		win := w.window(from, daily)
		covered, err := w.walkWindow(win)
		if errors.Is(err, errUnpaged) {
			if w.mt {
				return &incompleteError{msg: fmt.Sprintf("GET %s: the reply is newline-delimited JSON, not the paged object Multi-tenant Cloud documents", w.path)}
			}
			daily = true // nothing of that reply was yielded: ask again, a day at a time
			continue
		}
		if err != nil {
			return err
		}
		if !covered.After(from) {
			return &incompleteError{msg: fmt.Sprintf("GET %s: the server's range ends at %s, which is not after %s: the walk makes no progress",
				w.path, covered.Format(time.RFC3339), from.Format(time.RFC3339))}
		}
		from = covered
	}
	return nil
}

// window returns the requests covering the range from from: on Dedicated
// Cloud and Self-Managed the whole rest of the range (to the second), on
// Multi-tenant Cloud up to maxNumDays+1 days, and a day in daily mode.
func (w *walk) window(from time.Time, daily bool) window {
	win := window{from: from, params: url.Values{}, daily: daily}
	if w.q.Anonymize {
		win.params.Set("anonymize", "true")
	}
	switch {
	case daily:
		win.asked = floorDay(from)
		win.end = win.asked.Add(day)
		win.params.Set("startDate", win.asked.Format(time.DateOnly))
		win.params.Set("numDays", "0")
	case w.mt:
		win.asked = floorDay(from)
		days := int(ceilDay(w.q.End).Sub(win.asked) / day)
		numDays := min(days-1, maxNumDays)
		win.end = win.asked.Add(time.Duration(numDays+1) * day)
		win.params.Set("startDate", win.asked.Format(time.DateOnly))
		win.params.Set("numDays", strconv.Itoa(numDays))
		win.params.Set("limit", strconv.Itoa(w.limit))
	default:
		win.asked = from.Truncate(time.Second)
		win.end = w.q.End.Truncate(time.Second)
		if win.end.Before(w.q.End) {
			win.end = win.end.Add(time.Second)
		}
		win.params.Set("startDate", win.asked.Format("2006-01-02T15:04:05"))
		win.params.Set("endDate", win.end.Format("2006-01-02T15:04:05"))
		win.params.Set("limit", strconv.Itoa(w.limit))
	}
	return win
}

func floorDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func ceilDay(t time.Time) time.Time {
	if d := floorDay(t); d.Before(t) {
		return d.Add(day)
	}
	return t
}

// walkWindow follows one window's cursor to its end, yielding its entries,
// and returns where the window ended: the reply's range_end_time, or the
// end the request named, whichever is earlier. An entry at or after that
// end is left to the next window, and an entry the previous window yielded
// at or after its own end is not yielded again.
func (w *walk) walkWindow(win window) (time.Time, error) {
	w.startWindow(win)
	cursors := map[uint64]struct{}{}
	cursor := ""
	var rangeEnd time.Time
	empty := 0 // pages in a row without entries that name a next cursor
	for pages := 0; ; pages++ {
		params := win.params
		if cursor != "" {
			params = url.Values{}
			for k, v := range win.params {
				params[k] = v
			}
			params.Set("cursor", cursor)
		}
		pg, err := w.readPage(w.path+"?"+params.Encode(), win)
		switch {
		case errors.Is(err, errUnpaged) && pages > 0:
			return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: page %d is newline-delimited JSON, after paged replies", w.path, pages+1)}
		case err != nil:
			return time.Time{}, err
		case pg.lines:
			return w.end, nil // a day of newline-delimited JSON: no cursor
		case pg.hasCount && pg.count != pg.entries:
			return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: page %d holds %d entries but its count says %d", w.path, pages+1, pg.entries, pg.count)}
		case !pg.rangeStart.IsZero() && pg.rangeStart.After(win.asked):
			return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: the server's range starts at %s, after the %s asked for",
				w.path, pg.rangeStart.Format(time.RFC3339), win.asked.Format(time.RFC3339))}
		}
		if !pg.rangeEnd.IsZero() {
			if rangeEnd.IsZero() && pages > 0 {
				return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: page %d gives a range_end_time (%s), the pages before it none",
					w.path, pages+1, pg.rangeEnd.Format(time.RFC3339))}
			}
			if rangeEnd.IsZero() {
				rangeEnd = pg.rangeEnd
			} else if !pg.rangeEnd.Equal(rangeEnd) {
				return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: the range changed while paging (range_end_time %s, then %s)",
					w.path, rangeEnd.Format(time.RFC3339), pg.rangeEnd.Format(time.RFC3339))}
			}
		}
		if !w.ranged {
			w.early = nil // the window ends where it was asked to: nothing yielded is past it
		}
		if !pg.hasNext {
			break
		}
		if pg.next == "" {
			return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: page %d has an empty next_cursor (null ends a range)", w.path, pages+1)}
		}
		if empty = empty + 1; pg.entries > 0 {
			empty = 0
		}
		if empty >= maxEmptyPages {
			return time.Time{}, &incompleteError{msg: fmt.Sprintf("GET %s: %d pages in a row hold no entries but name a next cursor: following them may never end", w.path, empty)}
		}
		h := maphash.String(w.seed, pg.next)
		if _, seen := cursors[h]; seen {
			return time.Time{}, &incompleteError{kind: ErrRepeatedCursor,
				msg: fmt.Sprintf("GET %s: page %d's next_cursor was sent before in this range: following it would loop", w.path, pages+1)}
		}
		cursors[h] = struct{}{}
		cursor = pg.next
	}
	return w.end, nil
}

// maxEmptyPages is how many pages in a row may hold no entries while naming
// a next cursor before a walk gives up on a server that may never end.
const maxEmptyPages = 3

// readPage asks for one page and reads it, yielding its entries. A reply
// that breaks off is asked for again, up to maxRereads times, and what an
// earlier read yielded is not yielded again.
func (w *walk) readPage(pathAndQuery string, win window) (page, error) {
	w.page = pageRead{}
	for rereads := 0; ; rereads++ {
		pg, opened, err := w.readOnce(pathAndQuery, win)
		if err != nil && opened && rereads < maxRereads && w.ctx.Err() == nil && retryableRead(err) {
			w.page.broke()
			continue
		}
		return pg, err
	}
}

// readOnce asks for one page once and reads its reply, which it closes
// however the read ends (a panic in the consumer included). opened reports
// that a reply came, so that an error is the reading's.
func (w *walk) readOnce(pathAndQuery string, win window) (pg page, opened bool, err error) {
	req, err := w.c.NewHostRequest(w.ctx, http.MethodGet, pathAndQuery, nil, w.opts...)
	if err != nil {
		return page{}, false, err
	}
	resp, err := w.c.Open(req)
	if err != nil {
		return page{}, false, explain(err)
	}
	defer resp.Body.Close()
	w.page.start(w.seed)
	pg, err = w.readReply(resp.Body, win)
	return pg, true, err
}

// page is what one reply held, beside its entries.
type page struct {
	lines                bool // newline-delimited JSON, read whole
	entries              int  // entries in the reply, before filtering
	count                int
	hasCount             bool
	rangeStart, rangeEnd time.Time
	next                 string
	hasNext              bool
}

// The members of a paged reply.
var pagedKeys = map[string]bool{"audit_logs": true, "range_start_time": true, "range_end_time": true, "count": true, "next_cursor": true}

// readReply reads one reply, yielding its entries. A reply in the
// newline-delimited form is read in daily mode, and otherwise returned as
// errUnpaged before anything of it is yielded.
func (w *walk) readReply(body io.Reader, win window) (page, error) {
	s := jsonx.NewStream(body)
	c, err := s.Peek()
	switch {
	case err == io.ErrUnexpectedEOF: // an empty body: newline-delimited JSON of no entries
		if win.daily {
			return page{lines: true}, nil
		}
		return page{}, errUnpaged
	case err != nil:
		return page{}, w.readError(err)
	case c != '{':
		return page{}, &incompleteError{msg: fmt.Sprintf("GET %s: the reply is not an audit log: it starts with %q", w.path, c)}
	}
	_ = s.Expect('{')
	more, err := s.Next('}', true)
	if err != nil {
		return page{}, w.readError(err)
	}
	if !more {
		return page{}, &incompleteError{msg: fmt.Sprintf("GET %s: the reply is an empty object, not an audit log", w.path)}
	}
	key, err := s.Key()
	if err != nil {
		return page{}, w.readError(err)
	}
	if !pagedKeys[key] {
		if !win.daily {
			return page{}, errUnpaged
		}
		return w.readLines(s, key, win)
	}
	return w.readPaged(s, key, win)
}

// readError words a failure to read a reply.
func (w *walk) readError(err error) error {
	if err == io.ErrUnexpectedEOF {
		return &incompleteError{msg: fmt.Sprintf("GET %s: the reply ends before its JSON does", w.path), cause: err}
	}
	return fmt.Errorf("auditlogs: GET %s: reading the reply: %w", w.path, err)
}

// readPaged reads a paged reply whose first key was read.
func (w *walk) readPaged(s *jsonx.Stream, key string, win window) (page, error) {
	var pg page
	for {
		var err error
		switch key {
		case "audit_logs":
			err = w.readEntries(s, &pg, win)
		case "count":
			pg.hasCount = true
			pg.count, err = s.Int()
		case "next_cursor":
			pg.next, pg.hasNext, err = readString(s, key)
		case "range_start_time":
			pg.rangeStart, err = readTime(s, key)
		case "range_end_time":
			if pg.rangeEnd, err = readTime(s, key); err == nil && !pg.rangeEnd.IsZero() {
				w.rangeEnd(pg.rangeEnd)
			}
		default:
			_, err = s.Value()
		}
		if err != nil {
			return page{}, w.wrap(err)
		}
		more, err := s.Next('}', false)
		if err != nil {
			return page{}, w.readError(err)
		}
		if !more {
			break
		}
		if key, err = s.Key(); err != nil {
			return page{}, w.readError(err)
		}
	}
	if err := s.End(); err != nil {
		return page{}, w.readError(err)
	}
	return pg, nil
}

// wrap words an error met inside a reply: its own when it is the walk's
// (stopped, incomplete), else a read error.
func (w *walk) wrap(err error) error {
	var inc *incompleteError
	if err == errStopped || errors.As(err, &inc) {
		return err
	}
	return w.readError(err)
}

// readEntries reads the audit_logs array.
func (w *walk) readEntries(s *jsonx.Stream, pg *page, win window) error {
	if c, err := s.Peek(); err != nil {
		return err
	} else if c == 'n' {
		_, err := s.Value() // null: no entries
		return err
	}
	if err := s.Expect('['); err != nil {
		return errors.New("audit_logs is not an array")
	}
	for first := true; ; first = false {
		more, err := s.Next(']', first)
		if err != nil || !more {
			return err
		}
		raw, err := s.Value()
		if err != nil {
			return err
		}
		pg.entries++
		_, _ = w.page.h.Write(raw)
		if offered, err := w.page.entry(w.path); offered || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		var e Entry
		d := jsonx.NewDecoder(raw)
		if err := e.decode(&d); err != nil {
			return fmt.Errorf("entry %d: %w", pg.entries, err)
		}
		if err := w.offer(&e, maphash.Bytes(w.seed, raw), win, pg.entries); err != nil {
			return err
		}
	}
}

// readLines reads newline-delimited entries, the first one's first key
// read.
func (w *walk) readLines(s *jsonx.Stream, key string, win window) (page, error) {
	pg := page{lines: true}
	var e Entry
	for {
		raw, err := s.Value()
		if err != nil {
			return page{}, w.readError(err)
		}
		_, _ = w.page.h.WriteString(key)
		_, _ = w.page.h.Write(raw)
		d := jsonx.NewDecoder(raw)
		if err := e.member(key, &d); err != nil {
			return page{}, w.readError(fmt.Errorf("entry 1: %w", err))
		}
		more, err := s.Next('}', false)
		if err != nil {
			return page{}, w.readError(err)
		}
		if !more {
			break
		}
		if key, err = s.Key(); err != nil {
			return page{}, w.readError(err)
		}
	}
	pg.entries = 1
	if offered, err := w.page.entry(w.path); err != nil {
		return page{}, err
	} else if !offered {
		if err := w.offer(&e, 0, win, 1); err != nil {
			return page{}, err
		}
	}
	for {
		if _, err := s.Peek(); err == io.ErrUnexpectedEOF {
			return pg, nil
		} else if err != nil {
			return page{}, w.readError(err)
		}
		raw, err := s.Value()
		if err != nil {
			return page{}, w.readError(err)
		}
		pg.entries++
		_, _ = w.page.h.Write(raw)
		if offered, err := w.page.entry(w.path); err != nil {
			return page{}, err
		} else if offered {
			continue
		}
		var e Entry
		d := jsonx.NewDecoder(raw)
		if err := e.decode(&d); err != nil {
			return page{}, w.readError(fmt.Errorf("entry %d: %w", pg.entries, err))
		}
		if err := w.offer(&e, maphash.Bytes(w.seed, raw), win, pg.entries); err != nil {
			return page{}, err
		}
	}
}

// offer yields e, whose bytes hash to sum, when it is inside the window's
// part of the range ([win.from, w.end)), was not yielded by the previous
// window, and passes the filters.
func (w *walk) offer(e *Entry, sum uint64, win window, n int) error {
	if e.Timestamp.IsZero() {
		return &incompleteError{msg: fmt.Sprintf("GET %s: entry %d of a reply has no timestamp that is a time, so it cannot be placed in the range", w.path, n)}
	}
	if e.Timestamp.Before(win.from) || !e.Timestamp.Before(w.end) || !e.Timestamp.Before(w.q.End) {
		return nil
	}
	if w.done[sum] > 0 {
		w.done[sum]-- // the previous window yielded it, past its own end
		return nil
	}
	if !w.ranged && !win.daily {
		w.early = append(w.early, yielded{sum, e.Timestamp})
	}
	if !w.q.keep(e) {
		return nil
	}
	if !w.yield(e, nil) {
		return errStopped
	}
	return nil
}

// readString reads a string or null.
func readString(s *jsonx.Stream, key string) (string, bool, error) {
	raw, err := s.Value()
	if err != nil {
		return "", false, err
	}
	if string(raw) == "null" {
		return "", false, nil
	}
	d := jsonx.NewDecoder(raw)
	if d.Peek() != '"' {
		return "", false, fmt.Errorf("%s is not a string: %.40s", key, raw)
	}
	v, err := d.String()
	return v, true, err
}

// readTime reads a timestamp or null.
func readTime(s *jsonx.Stream, key string) (time.Time, error) {
	v, ok, err := readString(s, key)
	if err != nil || !ok {
		return time.Time{}, err
	}
	t, ok := jsonx.ParseTime(v)
	if !ok {
		return time.Time{}, fmt.Errorf("%s %q is not a time", key, v)
	}
	return t.UTC(), nil
}
