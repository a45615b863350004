package scimtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-wandb/identity/scim"
)

// maxBody bounds a request body.
const maxBody = 4 << 20

// Server is an in-memory W&B SCIM and GraphQL server on a loopback
// httptest.Server. It serves the SCIM API under both "/scim" and "/scim/v2",
// and GraphQL at "/graphql". It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, "http://127.0.0.1:<port>", to hand to
	// scim.WithBaseURL; the SCIM root is URL+"/scim".
	URL string
	// APIKey is the admin's API key (Options.APIKey or DefaultAPIKey).
	APIKey string
	// AdminUserName is the admin's userName, for Basic "<name>:<key>".
	AdminUserName string

	opts Options
	ts   *httptest.Server

	mu     sync.Mutex // guards everything below
	st     *store
	rev    int // State.Revision: changes so far
	faults faultState
	log    []Request
	audit  []AuditEntry // see auditlogs.go

	requestIDs atomic.Int64 // the last X-Request-Id sent
}

// RequestIDHeader names the header in which the server gives every reply an
// ID of its own ("sim-1", "sim-2", …), as many API gateways do, for clients
// that quote it (orgsync's journal).
const RequestIDHeader = "X-Request-Id"

// Request is one HTTP request the server received, as Server.Requests
// reports it.
type Request struct {
	Method   string
	Path     string // as sent (escaped form), e.g. "/scim/Groups/R3JvdXA6MQ=="
	RawQuery string
	Header   http.Header
	Body     []byte
	// Status is the status the server replied with.
	Status int
	// Duration is the time from receiving the request to having handled
	// it, injected latency included.
	Duration time.Duration
}

// NewServer starts a server configured by opts. Close it when done. It
// panics, as httptest.NewServer does, when it cannot start or when the seed
// data in opts is invalid (a duplicate name, a team member that does not
// exist, ...); Start reports those through a testing.TB instead, and Listen
// as an error.
func NewServer(opts Options) *Server {
	s, err := newServer(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Listen is NewServer for programs: it returns an error instead of
// panicking when the server cannot listen on opts.Addr (a port in use) or
// when opts holds invalid seed data or an inconsistent State.
func Listen(opts Options) (*Server, error) {
	return newServer(opts)
}

// TB is the part of testing.TB that Start and Client use; a *testing.T, a
// *testing.B or any testing.TB is one. scimtest names it itself so that a
// program built on Listen (examples/simulator, and the examples' built-in
// simulator) does not link the testing package into its binary.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start is NewServer for tests: it fails t on invalid options and closes
// the server when t ends.
func Start(t TB, opts Options) *Server {
	t.Helper()
	s, err := newServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func newServer(opts Options) (*Server, error) {
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.AdminUserName == "" {
		opts.AdminUserName = DefaultAdminUserName
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.State != nil && len(opts.Users)+len(opts.Teams)+len(opts.Roles) > 0 {
		return nil, errors.New("scimtest: Options.State and the seed data (Users, Teams, Roles) exclude each other")
	}
	s := &Server{APIKey: opts.APIKey, AdminUserName: opts.AdminUserName, opts: opts}
	st, err := s.initialStore()
	if err != nil {
		return nil, err
	}
	s.st, s.faults = st, newFaultState(opts.Faults)
	if opts.State != nil {
		s.rev = opts.State.Revision
	}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	if opts.Addr != "" {
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			s.ts.Listener.Close()
			return nil, fmt.Errorf("scimtest: %w", err)
		}
		s.ts.Listener.Close()
		s.ts.Listener = l
	}
	s.ts.Start()
	s.URL = loopbackURL(s.ts.Listener.Addr())
	return s, nil
}

// loopbackURL is the base URL of a server listening on addr: an address on
// every interface (0.0.0.0, or :: which Go listens on for both IPv4 and
// IPv6) is named 127.0.0.1, which every client can reach and write.
func loopbackURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// initialStore builds the organization Options describe: the State, or the
// seed data.
func (s *Server) initialStore() (*store, error) {
	if s.opts.State != nil {
		st, err := loadStore(s.opts.State, s.opts)
		if err != nil {
			return nil, fmt.Errorf("scimtest: state: %w", err)
		}
		return st, nil
	}
	st, err := seedStore(s.opts)
	if err != nil {
		return nil, fmt.Errorf("scimtest: %w", err)
	}
	return st, nil
}

// changed records a change to the organization; the caller holds s.mu. It
// returns the snapshot to hand to OnChange (see notify), or nil when there is
// no OnChange.
func (s *Server) changed() *State {
	s.rev++
	if s.opts.OnChange == nil {
		return nil
	}
	return s.stateLocked()
}

// notify hands a snapshot from changed to OnChange; the caller must not hold
// s.mu.
func (s *Server) notify(st *State) {
	if st != nil {
		s.opts.OnChange(st)
	}
}

// Close shuts the server down, waiting for requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Client returns a *scim.Client for the server: scim.WithBaseURL(s.URL) and
// scim.WithAPIKey(s.APIKey) (Bearer), followed by opts (for example
// scim.WithRetry). opts must not set credentials; build the client with
// scim.NewClient for other auth forms. It fails t when the client cannot be
// built.
func (s *Server) Client(t TB, opts ...scim.Option) *scim.Client {
	t.Helper()
	all := append([]scim.Option{scim.WithBaseURL(s.URL), scim.WithAPIKey(s.APIKey)}, opts...)
	c, err := scim.NewClient(all...)
	if err != nil {
		t.Fatalf("scimtest: building client: %v", err)
	}
	return c
}

// Requests returns every request received since the server started (or
// since Reset), in arrival order, including those that failed.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	copy(out, s.log)
	return out
}

// Reset restores the state NewServer created from its Options: the seed
// data (or Options.State), the admin key, the faults, and an empty request
// log. IDs start again from the beginning (or from the State's counters).
// State.Revision does not go back: Reset counts as a change.
func (s *Server) Reset() error {
	st, err := s.initialStore()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.st = st
	s.faults = newFaultState(s.opts.Faults)
	s.log = nil
	s.audit = nil
	snap := s.changed()
	s.mu.Unlock()
	s.notify(snap)
	return nil
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	recorded bool // the request is in the log already
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w.Header().Set(RequestIDHeader, fmt.Sprintf("sim-%d", s.requestIDs.Add(1)))
	rec := &statusRecorder{ResponseWriter: w}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	defer func() {
		if !rec.recorded {
			s.record(r, body, rec.status, time.Since(start))
		}
	}()
	if err != nil {
		writeError(rec, newError(http.StatusRequestEntityTooLarge, "request body too large"))
		return
	}
	if s.injectFault(rec, r) {
		return
	}
	if lose, status := s.loseReply(r, body); lose {
		s.serveLosingReply(rec, r, body, status, start)
		return
	}
	s.serve(rec, r, body)
}

// serve routes a request to the GraphQL, audit-log or SCIM handler.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.URL.Path == "/graphql" {
		s.serveGraphQL(w, r, body)
		return
	}
	if s.serveAuditLogs(w, r) {
		return
	}
	s.serveSCIM(w, r, body)
}

// record logs a request (unless DiscardRequests) and hands it to OnRequest.
func (s *Server) record(r *http.Request, body []byte, status int, d time.Duration) {
	if s.opts.DiscardRequests && s.opts.OnRequest == nil {
		return
	}
	req := Request{
		Method:   r.Method,
		Path:     r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     body,
		Status:   status,
		Duration: d,
	}
	if !s.opts.DiscardRequests {
		s.mu.Lock()
		s.log = append(s.log, req)
		s.mu.Unlock()
	}
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(req)
	}
}

// scimRequest is a routed SCIM request.
type scimRequest struct {
	method    string
	id        string // unescaped; "" for the collection
	query     url.Values
	header    http.Header
	body      []byte
	principal *account
}

// reply is what a handler answers. version > 0 adds the ETag header; raw, if
// set, is sent as the body instead of body.
type reply struct {
	status  int
	body    any
	raw     []byte
	version int
}

// serveSCIM routes /scim/<Resource>[/<id>] and /scim/v2/... to the handlers.
func (s *Server) serveSCIM(w http.ResponseWriter, r *http.Request, body []byte) {
	path := r.URL.EscapedPath()
	var rest string
	switch {
	case strings.HasPrefix(path, "/scim/v2/"):
		rest = strings.TrimPrefix(path, "/scim/v2/")
	case strings.HasPrefix(path, "/scim/"):
		rest = strings.TrimPrefix(path, "/scim/")
	default:
		writeError(w, notFound("no such endpoint: %s", path))
		return
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(segs) > 2 {
		writeError(w, notFound("no such endpoint: %s", path))
		return
	}
	req := &scimRequest{method: r.Method, query: r.URL.Query(), header: r.Header, body: body}
	if len(segs) == 2 {
		id, err := url.PathUnescape(segs[1])
		if err != nil || id == "" {
			writeError(w, notFound("no such endpoint: %s", path))
			return
		}
		req.id = id
	}
	var handle func(*scimRequest) (reply, error)
	switch segs[0] {
	case "Users":
		handle = s.handleUsers
	case "Groups":
		handle = s.handleGroups
	case "Roles":
		handle = s.handleRoles
	default:
		writeError(w, notFound("no such endpoint: %s", path))
		return
	}

	// The reply is built under the lock from fresh values, and written
	// after it is released and OnChange has seen the change.
	s.mu.Lock()
	before := s.auditBefore(req, segs[0])
	rep, err := s.handleSCIM(req, r.Header.Get("Authorization"), handle)
	var snap *State
	if err == nil && req.method != http.MethodGet && rep.status < 300 {
		snap = s.changed()
		s.auditSCIM(req, segs[0], before, rep)
	}
	s.mu.Unlock()
	s.notify(snap)
	if err != nil {
		writeError(w, err)
		return
	}
	writeReply(w, rep)
}

// handleSCIM authenticates req and hands it to handle; the caller holds s.mu.
func (s *Server) handleSCIM(req *scimRequest, auth string, handle func(*scimRequest) (reply, error)) (reply, error) {
	principal, aerr := s.authenticateSCIM(auth)
	if aerr != nil {
		return reply{}, aerr
	}
	req.principal = principal
	return handle(req)
}

func writeReply(w http.ResponseWriter, rep reply) {
	if rep.version > 0 {
		w.Header().Set("ETag", etag(rep.version))
	}
	switch {
	case rep.raw != nil:
		w.Header().Set("Content-Type", scim.MediaType)
		w.WriteHeader(rep.status)
		_, _ = w.Write(rep.raw)
	case rep.body != nil:
		writeJSON(w, rep.status, rep.body)
	default:
		w.WriteHeader(rep.status)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	buf, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "scimtest: encoding reply: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", scim.MediaType)
	w.WriteHeader(status)
	_, _ = w.Write(buf)
}

// writeError writes err as a SCIM error body; an error that is not an
// *apiError is a 500.
func writeError(w http.ResponseWriter, err error) {
	e, ok := err.(*apiError)
	if !ok {
		e = newError(http.StatusInternalServerError, "%v", err)
	}
	writeJSON(w, e.status, e.body())
}

// decodeBody decodes a JSON request body into v; a bad body is a 400.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("request body is required")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("invalid request body: %v", err)
	}
	return nil
}

func methodNotAllowed(method, what string) error {
	return newError(http.StatusMethodNotAllowed, "%s is not supported on %s", method, what)
}
