package orgsync_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// errConnectionLost is the transport's error for a reply it dropped.
var errConnectionLost = errors.New("connection reset by peer")

// lossy is a transport that, for the writes it is told to, makes the write
// and loses its reply (a 502 in its place, as a gateway that timed out
// does, or the connection dropped), or answers 503 without making it.
type lossy struct {
	base http.RoundTripper
	// fate returns, for the n-th write (from 1), "lose" (applied, reply
	// a 502), "cut" (applied, connection lost), "drop" (not applied, 503)
	// or "" (passed through).
	fate   func(n int64, r *http.Request) string
	writes atomic.Int64
}

func (l *lossy) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet || r.URL.Path == "/graphql" {
		return l.base.RoundTrip(r)
	}
	reply := func(status int) *http.Response {
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"gateway","status":"%d"}`, status)
		return &http.Response{StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/scim+json"}}, Body: io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)), Request: r}
	}
	switch l.fate(l.writes.Add(1), r) {
	case "cut": // made, and the connection lost before the reply
		resp, err := l.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		return nil, errConnectionLost
	case "lose":
		resp, err := l.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return reply(http.StatusBadGateway), nil
	case "drop":
		if r.Body != nil {
			r.Body.Close()
		}
		return reply(http.StatusServiceUnavailable), nil
	}
	return l.base.RoundTrip(r)
}

// lossyClient returns a client, without retries, whose requests to srv pass
// through a lossy transport.
func lossyClient(t *testing.T, srv *scimtest.Server, fate func(n int64, r *http.Request) string) *scim.Client {
	t.Helper()
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey), scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}),
		scim.WithHTTPClient(&http.Client{Transport: &lossy{base: http.DefaultTransport, fate: fate}}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLostMembershipReply loses the reply of a membership PATCH that was
// applied: the change is read back and reported applied, and the team role
// that depends on it is sent with the user's version as the membership
// moved it (no 412).
func TestLostMembershipReply(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{
		Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com"}, {UserName: "bob", Email: "bob@example.com"}},
		Teams: []scimtest.Team{{Name: "ml", Members: []string{"ada"}}},
	})
	c := lossyClient(t, srv, func(_ int64, r *http.Request) string {
		if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/scim/Groups/") {
			return "lose"
		}
		return ""
	})
	s, ctx := orgsync.New(c, orgsync.Options{}), context.Background()
	f := decode(t, `{"teams": [{"name": "ml", "members": [{"userName": "ada"}, {"userName": "bob", "role": "admin"}]}]}`)
	p, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Apply(ctx, p, orgsync.ApplyOptions{})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	checkLines(t, "report", resultLines(r), []string{"~ team ml members: +bob", "~ user bob team roles: ml member → admin"})
	if tm, _ := srv.Team("ml"); tm.Roles["bob"] != "admin" {
		t.Errorf("team = %+v", tm)
	}
	for _, req := range srv.Requests() {
		if req.Status == http.StatusPreconditionFailed {
			t.Errorf("%s %s: 412", req.Method, req.Path)
		}
	}
}

// TestReportsMatchTheServer applies a plan of about a hundred changes
// through a gateway that loses the reply of every third write (after it
// was made), refuses every fifth unmade, and drops the connection of every
// seventh after making it: each change reported applied
// is on the server, each reported failed is not (the next plan still has
// it), and the next plan has nothing the report called applied.
func TestReportsMatchTheServer(t *testing.T) {
	t.Parallel()
	f, seed := bigOrg(100)
	for i := 0; i < 100; i += 3 {
		f.Users[i].ModelsSeat = "viewer"
	}
	for i := range 5 {
		f.Teams[i].Members[1].Role = "viewer"
		f.Teams[i].Members = append(f.Teams[i].Members, orgsync.MemberSpec{UserName: fmt.Sprintf("new%02d", i), Role: "admin"})
		f.Users = append(f.Users, orgsync.UserSpec{UserName: fmt.Sprintf("new%02d", i), Email: fmt.Sprintf("new%02d@example.com", i)})
	}
	srv := scimtest.Start(t, seed)
	c := lossyClient(t, srv, func(n int64, _ *http.Request) string {
		switch {
		case n%3 == 0:
			return "lose"
		case n%5 == 0:
			return "drop"
		case n%7 == 0:
			return "cut"
		}
		return ""
	})
	s, ctx := orgsync.New(c, orgsync.Options{}), context.Background()
	p, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Lines()); n < 40 {
		t.Fatalf("%d changes planned", n)
	}
	_, err = s.Apply(ctx, p, orgsync.ApplyOptions{})
	var ae *orgsync.ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("Apply = %v, want some changes refused by the gateway", err)
	}
	// What is left is read without the gateway.
	left, err := orgsync.New(srv.Client(t), orgsync.Options{}).Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pending := left.Lines()
	counts := map[orgsync.Status]int{}
	for _, x := range ae.Report.Results {
		counts[x.Status]++
		switch x.Status {
		case orgsync.Applied:
			if slices.Contains(pending, x.Change) {
				t.Errorf("reported applied, still pending: %s", x.Change)
			}
		case orgsync.Failed:
			if !slices.Contains(pending, x.Change) {
				t.Errorf("reported failed, but made: %s", x)
			}
		case orgsync.Unknown:
			t.Errorf("outcome unknown although the server could be read: %s", x)
		}
	}
	for _, l := range pending {
		if !slices.ContainsFunc(ae.Report.Results, func(x orgsync.Result) bool { return x.Change == l && x.Status != orgsync.Applied }) {
			t.Errorf("pending, and not a change the report called unmade: %s", l)
		}
	}
	if counts[orgsync.Applied] == 0 || counts[orgsync.Failed] == 0 {
		t.Errorf("statuses %v: want both applied and failed changes", counts)
	}
}

// TestCreatedInPart creates a user whose attributes cannot then be set (the
// gateway refuses the PATCH that follows the create): the change is
// reported applied in part, not failed, since the user exists.
func TestCreatedInPart(t *testing.T) {
	t.Parallel()
	srv := scimtest.Start(t, scimtest.Options{})
	c := lossyClient(t, srv, func(_ int64, r *http.Request) string {
		if r.Method == http.MethodPatch {
			return "drop"
		}
		return ""
	})
	s, ctx := orgsync.New(c, orgsync.Options{}), context.Background()
	p, err := s.Plan(ctx, decode(t, `{"users": [{"userName": "zed", "email": "zed@example.com", "organizationRole": "admin"}]}`), orgsync.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Apply(ctx, p, orgsync.ApplyOptions{})
	var ae *orgsync.ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("Apply = %v, want an *ApplyError", err)
	}
	zed, ok := srv.User("zed")
	if !ok || zed.OrgRole != "member" {
		t.Fatalf("zed = %+v, %v; want created as a member", zed, ok)
	}
	r := ae.Report.Results[0]
	if r.Status != orgsync.Partial || !strings.Contains(r.Err.Error(), "the user was created (ID "+zed.ID+"), but setting its attributes failed") {
		t.Errorf("result = %s", r)
	}
	if got := ae.Report.Summary(); got != "Applied 0 of 1 changes: 1 applied in part." {
		t.Errorf("summary %q", got)
	}
}
