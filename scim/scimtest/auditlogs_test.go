package scimtest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/auditlogs"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// The simulator records an entry for each change, with the caller as
// actor, and serves them through the audit log API of its flavor, which
// the SDK's auditlogs client reads back.
func TestAuditLogRecordsChanges(t *testing.T) {
	t.Parallel()
	for _, flavor := range []scimtest.Flavor{scimtest.Dedicated, scimtest.MultiTenant} {
		t.Run(flavor.String(), func(t *testing.T) {
			t.Parallel()
			clock := epoch
			srv := scimtest.Start(t, scimtest.Options{
				Flavor: flavor,
				Now:    func() time.Time { return clock },
				Users:  []scimtest.User{{UserName: "ada", Email: "ada@example.com"}},
				Teams:  []scimtest.Team{{Name: "ml", Members: []string{"ada"}}},
			})
			deployment := scim.Dedicated
			if flavor == scimtest.MultiTenant {
				deployment = scim.MultiTenant
			}
			c := srv.Client(t, scim.WithDeployment(deployment), scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1}))
			ctx := context.Background()
			us, ts := users.New(c), teams.New(c)

			bob, err := us.Create(ctx, users.CreateParams{UserName: "bob", Email: "bob@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := us.SetModelsSeat(ctx, bob.ID, users.SeatViewer); err != nil {
				t.Fatal(err)
			}
			team, err := ts.FindByName(ctx, "ml")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ts.AddMembers(ctx, team.ID, []string{bob.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := ts.RemoveMember(ctx, team.ID, bob.ID); err != nil {
				t.Fatal(err)
			}
			key, err := us.GenerateAPIKey(ctx, "ci")
			if err != nil {
				t.Fatal(err)
			}
			if err := us.DeleteAPIKey(ctx, key.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := us.Deactivate(ctx, bob.ID); err != nil {
				t.Fatal(err)
			}
			want := []string{
				"user:create bob", "organization:update_member bob", "team:invite_user bob ml", "team:uninvite bob ml",
				"user:create_api_key admin", "user:delete_api_key admin", "user:deactivate bob",
			}
			if flavor != scimtest.MultiTenant {
				if _, err := us.Reactivate(ctx, bob.ID); err != nil {
					t.Fatal(err)
				}
				if err := us.Delete(ctx, bob.ID); err != nil {
					t.Fatal(err)
				}
				want = append(want, "user:reactivate bob", "user:permanently_delete bob")
			}

			admin, _ := srv.User("admin")
			log := srv.AuditLog()
			var got []string
			for _, e := range log {
				who := map[string]string{admin.ID: "admin", bob.ID: "bob"}[e.UserAsset]
				got = append(got, strings.TrimSpace(e.Action+" "+who+" "+e.EntityName))
				if e.ActorEmail != "admin@example.com" || e.ActorUserID != admin.ID || e.ActorIP != "127.0.0.1" || !e.Timestamp.Equal(epoch) {
					t.Errorf("%s: actor %s %s %s at %v", e.Action, e.ActorEmail, e.ActorUserID, e.ActorIP, e.Timestamp)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("audit log:\n got %q\nwant %q", got, want)
			}

			// Read back through the API, with the filters.
			var read []string
			q := auditlogs.Query{Start: epoch.Add(-time.Hour), End: epoch.Add(time.Hour), Actions: []string{"user:create", "team:uninvite"}}
			for e, err := range auditlogs.New(c).All(ctx, q) {
				if err != nil {
					t.Fatal(err)
				}
				read = append(read, e.Action)
				if e.ActorEmail != "admin@example.com" || e.UserAsset != bob.ID || string(e.Extra["user_email"]) != `"bob@example.com"` {
					t.Errorf("entry %+v", e)
				}
			}
			if !reflect.DeepEqual(read, []string{"user:create", "team:uninvite"}) {
				t.Errorf("read back %v", read)
			}
		})
	}
}

// getAudit sends a raw audit log request as W&B documents it (Basic
// "<username>:<key>") and returns the status and body.
func getAudit(t *testing.T, srv *scimtest.Server, pathAndQuery, user, key string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+pathAndQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+key)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// The API's two forms and its parameters, as W&B documents them.
func TestAuditLogAPI(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	entries := []scimtest.AuditEntry{
		{Timestamp: day.Add(1 * time.Hour), Action: "user:login", ActorEmail: "ada@example.com", ActorUserID: "VXNlcjoy", EntityName: "ml"},
		{Timestamp: day.Add(13 * time.Hour), Action: "project:read", ActorEmail: "ada@example.com", ProjectName: "p"},
		{Timestamp: day.Add(14 * time.Hour), Action: "project:read", ActorEmail: "ada@example.com"},
		{Timestamp: day.Add(26 * time.Hour), Action: "user:logout", ActorEmail: "ada@example.com"},
		{Timestamp: day.Add(9 * 24 * time.Hour), Action: "user:login", ActorEmail: "ada@example.com"},
	}
	now := func() time.Time { return day.Add(10 * 24 * time.Hour) }
	ded := scimtest.Start(t, scimtest.Options{Now: now, Users: []scimtest.User{{UserName: "ada", Email: "ada@example.com", APIKey: "ada-key-0123456789012345678901234567890"}}})
	ded.AddAuditEntries(entries...)
	mt := scimtest.Start(t, scimtest.Options{Flavor: scimtest.MultiTenant, Now: now})
	mt.AddAuditEntries(entries...)

	// Dedicated, without limit or endDate: newline-delimited JSON for
	// startDate's day and numDays more, PII left out on request.
	status, ct, body := getAudit(t, ded, "/admin/audit_logs?startDate=2026-08-01&numDays=1&anonymize=true", "admin", ded.APIKey)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if status != 200 || ct != "application/x-ndjson" || len(lines) != 4 || strings.Contains(body, "ada@example.com") || strings.Contains(body, `"ml"`) {
		t.Errorf("NDJSON: %d %s %q", status, ct, body)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first["action"] != "user:login" || first["timestamp"] != "2026-08-01T01:00:00Z" || first["actor_user_id"] != "VXNlcjoy" {
		t.Errorf("NDJSON line 1 = %s (%v)", lines[0], err)
	}

	// Dedicated, paged: a two-hour range, a page of one, and its cursor.
	type paged struct {
		Logs       []map[string]any `json:"audit_logs"`
		RangeStart string           `json:"range_start_time"`
		RangeEnd   string           `json:"range_end_time"`
		Count      int              `json:"count"`
		Next       *string          `json:"next_cursor"`
	}
	read := func(srv *scimtest.Server, path string) paged {
		t.Helper()
		status, ct, body := getAudit(t, srv, path, "admin", srv.APIKey)
		var p paged
		if err := json.Unmarshal([]byte(body), &p); status != 200 || ct != "application/json" || err != nil {
			t.Fatalf("%s: %d %s %s", path, status, ct, body)
		}
		return p
	}
	p := read(ded, "/admin/audit_logs?startDate=2026-08-01T13:00&endDate=2026-08-01T15:00&limit=1")
	if len(p.Logs) != 1 || p.Count != 1 || p.Next == nil || p.RangeStart != "2026-08-01T13:00:00Z" || p.RangeEnd != "2026-08-01T15:00:00Z" || p.Logs[0]["project_name"] != "p" {
		t.Fatalf("page 1 = %+v", p)
	}
	p = read(ded, "/admin/audit_logs?startDate=2026-08-01T13:00&endDate=2026-08-01T15:00&limit=1&cursor="+*p.Next)
	if len(p.Logs) != 1 || p.Next != nil || p.Logs[0]["timestamp"] != "2026-08-01T14:00:00Z" {
		t.Errorf("page 2 = %+v", p)
	}

	// Multi-tenant: always paged, days only, numDays at most 7, PII always.
	p = read(mt, "/audit_logs?startDate=2026-08-01&numDays=7&anonymize=true")
	if p.Count != 4 || p.RangeEnd != "2026-08-09T00:00:00Z" || p.Logs[0]["actor_email"] != "ada@example.com" {
		t.Errorf("multi-tenant = %+v", p)
	}

	bad := []struct {
		srv  *scimtest.Server
		path string
		user string
		key  string
		want int
	}{
		{mt, "/audit_logs?startDate=2026-08-01&numDays=8", "admin", mt.APIKey, 400},
		{mt, "/audit_logs?startDate=2026-08-01T13:00", "admin", mt.APIKey, 400},
		{ded, "/admin/audit_logs?startDate=2026-08-01&numDays=1&endDate=2026-08-03", "admin", ded.APIKey, 400},
		{ded, "/admin/audit_logs?startDate=2026-08-01&cursor=x", "admin", ded.APIKey, 400},
		{ded, "/admin/audit_logs?limit=20001", "admin", ded.APIKey, 400},
		{ded, "/admin/audit_logs?startDate=2026-08-01T13:00&endDate=2026-08-01T16:00&limit=1&cursor=" + *read(ded, "/admin/audit_logs?startDate=2026-08-01T13:00&endDate=2026-08-01T15:00&limit=1").Next, "admin", ded.APIKey, 400},
		{ded, "/admin/audit_logs", "ada", "ada-key-0123456789012345678901234567890", 403},
		{ded, "/admin/audit_logs", "admin", "wrong", 401},
		{ded, "/audit_logs", "admin", ded.APIKey, 404}, // the other flavor's path
	}
	for _, b := range bad {
		if status, _, body := getAudit(t, b.srv, b.path, b.user, b.key); status != b.want {
			t.Errorf("%s: %d %s, want %d", b.path, status, body, b.want)
		}
	}
}
