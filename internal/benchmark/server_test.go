package benchmark

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The fixture server: a W&B-shaped SCIM /Users endpoint over N users, whose
// replies are rendered once, so that serving costs the same for the SDK and
// its twin. It runs in a child process of the test binary.

const (
	serverEnv = "IDENTITY_BENCH_SERVER" // set: this process is the fixture server
	serverKey = "bench-key-0123456789abcdef0123456789abcdef"
	maxUsers  = 100_000
	wandbPage = 9999 // W&B's cap on one list reply
	postDelay = 5 * time.Millisecond
)

func TestMain(m *testing.M) {
	if os.Getenv(serverEnv) != "" {
		serve()
		return
	}
	os.Exit(m.Run())
}

// userID is the i-th user's SCIM ID, W&B style.
func userID(i int) string {
	return base64.StdEncoding.EncodeToString([]byte("User:" + strconv.Itoa(i+1)))
}

// renderUser writes the i-th user as W&B does: keys in alphabetical order,
// emails as an array, team and registry roles, activity and meta.
func renderUser(i int) []byte {
	id := userID(i)
	return fmt.Appendf(nil, `{"accountType":"USER","active":true,"daysActive":%d,"displayName":"User %05d",`+
		`"emails":[{"primary":true,"value":"user%05d@example.com"}],"groups":[{"value":"R3JvdXA6MQ=="}],"id":%q,`+
		`"lastActiveAt":"2026-11-%02dT09:30:00Z","meta":{"resourceType":"User","created":"2025-03-01T12:07:23Z",`+
		`"lastModified":"2026-11-30T08:00:00Z","location":"Users/%s","version":"W/\"%d\""},"modelsSeat":"full",`+
		`"organizationRole":"member","registryRoles":[{"registryName":"models","roleName":"viewer"}],`+
		`"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"teamRoles":[{"teamName":"ml-platform","roleName":"admin"}],`+
		`"userName":"user%05d","weaveRole":"full"}`, i%400, i, i, id, i%28+1, id, i%7+1, i)
}

// serve is the child process: it prints its address, serves until its
// standard input closes, and reports new connections at /stats.
func serve() {
	users := make([][]byte, maxUsers)
	index := make(map[string]int, maxUsers)
	for i := range users {
		users[i] = renderUser(i)
		index[userID(i)] = i
	}
	var conns atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			conns.Store(0)
		}
		fmt.Fprintf(w, `{"conns":%d}`, conns.Load())
	})
	// /o{N}/Users... is an organization of N users; /scim/Users... one of 9999.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		org, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		total := wandbPage
		if n, err := strconv.Atoi(strings.TrimPrefix(org, "o")); err == nil && n > 0 && n <= maxUsers {
			total = n
		}
		if r.Header.Get("Authorization") != "Bearer "+serverKey {
			http.Error(w, `{"detail":"unauthorized","status":"401"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		switch {
		case rest == "Users" && r.Method == http.MethodPost:
			time.Sleep(postDelay)
			var in struct {
				UserName string `json:"userName"`
			}
			json.NewDecoder(r.Body).Decode(&in)
			n, _ := strconv.Atoi(strings.TrimPrefix(in.UserName, "user"))
			w.WriteHeader(http.StatusCreated)
			w.Write(users[n%maxUsers])
		case rest == "Users":
			q := r.URL.Query()
			start, _ := strconv.Atoi(q.Get("startIndex"))
			start = max(start, 1)
			count, err := strconv.Atoi(q.Get("count"))
			if err != nil || count > wandbPage {
				count = wandbPage
			}
			from, to := min(start-1, total), min(start-1+count, total)
			bw := bufio.NewWriterSize(w, 64<<10)
			bw.WriteString(`{"Resources":[`)
			for i := from; i < to; i++ {
				if i > from {
					bw.WriteByte(',')
				}
				bw.Write(users[i])
			}
			fmt.Fprintf(bw, `],"itemsPerPage":%d,"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"startIndex":%d,"totalResults":%d}`,
				wandbPage, start, total)
			bw.Flush()
		case strings.HasPrefix(rest, "Users/"):
			i, ok := index[strings.TrimPrefix(rest, "Users/")]
			if !ok {
				http.Error(w, `{"detail":"not found","status":"404"}`, http.StatusNotFound)
				return
			}
			io.Copy(io.Discard, r.Body)
			w.Header().Set("ETag", fmt.Sprintf(`W/"%d"`, i%7+1))
			w.Write(users[i])
		default:
			http.Error(w, `{"detail":"no such endpoint","status":"404"}`, http.StatusNotFound)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: mux, ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}}
	go srv.Serve(ln)
	fmt.Println(ln.Addr().String())
	io.Copy(io.Discard, os.Stdin) // until the parent closes it or exits
}

// fixture is the running fixture server.
type fixture struct {
	base  string         // http://127.0.0.1:port
	stdin io.WriteCloser // the child's standard input: it serves until this closes
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

// server starts the fixture server once per test binary.
func server(tb testing.TB) *fixture {
	tb.Helper()
	fixtureOnce.Do(func() {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), serverEnv+"=1")
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			fixtureErr = err
			return
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			fixtureErr = err
			return
		}
		if err := cmd.Start(); err != nil {
			fixtureErr = err
			return
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			fixtureErr = fmt.Errorf("fixture server: %w", err)
			return
		}
		shared = &fixture{base: "http://" + strings.TrimSpace(line), stdin: stdin}
	})
	if fixtureErr != nil {
		tb.Fatal(fixtureErr)
	}
	return shared
}

// newConns resets the server's count of new connections, or reads it.
func (f *fixture) conns(tb testing.TB, reset bool) int {
	tb.Helper()
	method := http.MethodGet
	if reset {
		method = http.MethodPost
	}
	req, _ := http.NewRequest(method, f.base+"/stats", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ Conns int }
	json.NewDecoder(resp.Body).Decode(&s)
	return s.Conns
}
