package orgsync_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// bigOrg is an organization of n users and n/20 teams of 20 members each,
// the first of whom is the team's admin: as a File, and as simulator seed
// data that already matches it.
func bigOrg(n int) (*orgsync.File, scimtest.Options) {
	f := &orgsync.File{}
	var seed scimtest.Options
	for i := range n {
		name := fmt.Sprintf("user%04d", i)
		f.Users = append(f.Users, orgsync.UserSpec{UserName: name, Email: name + "@example.com", ModelsSeat: "full"})
		seed.Users = append(seed.Users, scimtest.User{UserName: name, Email: name + "@example.com"})
	}
	for i := range n / 20 {
		team := orgsync.TeamSpec{Name: fmt.Sprintf("team%02d", i)}
		st := scimtest.Team{Name: team.Name, Roles: map[string]string{}}
		for j := range 20 {
			m := orgsync.MemberSpec{UserName: fmt.Sprintf("user%04d", i*20+j)}
			st.Members = append(st.Members, m.UserName)
			if j == 0 {
				m.Role, st.Roles[m.UserName] = "admin", "admin"
			}
			team.Members = append(team.Members, m)
		}
		f.Teams = append(f.Teams, team)
		seed.Teams = append(seed.Teams, st)
	}
	return f, seed
}

// drift makes ten changes to f: three seats, two members moved between
// teams (an add and a removal each), two team roles and a new user.
func drift(f *orgsync.File) {
	for i := range 3 {
		f.Users[i*7].ModelsSeat = "viewer"
	}
	for i := range 2 {
		f.Teams[i].Members[5] = orgsync.MemberSpec{UserName: f.Teams[i+10].Members[5].UserName}
	}
	f.Teams[20].Members[0].Role = ""
	f.Teams[21].Members[1].Role = "viewer"
	f.Users = append(f.Users, orgsync.UserSpec{UserName: "newcomer", Email: "newcomer@example.com"})
}

// changes counts a plan's changes as its summary does.
func changes(p *orgsync.Plan) int {
	c := p.Counts()
	return c.Create + c.Update + c.Deactivate + c.AddMembers + c.RemoveMembers + c.TeamRoles
}

// syncer starts a simulator seeded with seed and returns a Syncer on it.
func syncer(tb testing.TB, seed scimtest.Options) (*orgsync.Syncer, *scimtest.Server) {
	srv := scimtest.NewServer(seed)
	c, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
	if err != nil {
		tb.Fatal(err)
	}
	return orgsync.New(c, orgsync.Options{Concurrency: 8}), srv
}

// planAndApply plans f with s, applies the plan, and returns it.
func planAndApply(tb testing.TB, s *orgsync.Syncer, f *orgsync.File) *orgsync.Plan {
	ctx := context.Background()
	p, err := s.Plan(ctx, f, orgsync.PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	if !p.Empty() {
		if _, err := s.Apply(ctx, p, orgsync.ApplyOptions{MaxRemovals: orgsync.MaxRemovals(10)}); err != nil {
			tb.Fatal(err)
		}
	}
	return p
}

// BenchmarkPlanApply plans and applies 1,000 users and 50 teams of 20:
// from an empty organization (every user, team, member and team role is a
// change), and on an organization that matches the file but for ten
// changes, or none. It reports the requests per change and per run: they
// follow the changes, not the 1,000 users.
func BenchmarkPlanApply(b *testing.B) {
	file, seed := bigOrg(1000)
	drifted, _ := bigOrg(1000)
	drift(drifted)
	for _, bc := range []struct {
		name string
		file *orgsync.File
		seed scimtest.Options
	}{
		{"empty org", file, scimtest.Options{}},
		{"10 changes", drifted, seed},
		{"no changes", file, seed},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n, requests int
			for range b.N {
				b.StopTimer()
				s, srv := syncer(b, bc.seed)
				b.StartTimer()
				p := planAndApply(b, s, bc.file)
				b.StopTimer()
				n, requests = changes(p), len(srv.Requests())
				srv.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(requests), "requests/op")
			b.ReportMetric(float64(n), "changes/op")
			if n > 0 {
				b.ReportMetric(float64(requests)/float64(n), "requests/change")
			}
		})
	}
}

// TestRequestsFollowChanges checks, without timing anything, that the
// requests of a plan and its apply depend on the changes and not on the
// organization's size: the same ten changes cost the same requests in an
// organization of 500 users and of 1,000.
func TestRequestsFollowChanges(t *testing.T) {
	t.Parallel()
	var got []int
	for _, n := range []int{500, 1000} {
		f, seed := bigOrg(n)
		drift(f)
		s, srv := syncer(t, seed)
		t.Cleanup(srv.Close)
		p := planAndApply(t, s, f)
		requests := len(srv.Requests())
		if changes(p) != 10 {
			t.Fatalf("%d users: %d changes, want 10:\n%q", n, changes(p), p.Lines())
		}
		got = append(got, requests)
	}
	// 4 to plan (three walks and the caller), 4 to check the target and the
	// IDs before applying (the same), then one request per user change, per
	// team's membership and per user's team roles: 4 + 4 + 1 + 2 + 2.
	if got[0] != 16 || got[1] != 16 {
		t.Errorf("requests: %d for 500 users, %d for 1000; want 16 for both", got[0], got[1])
	}
}
