package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func daysAgo(d float64) *time.Time {
	t := now.Add(-time.Duration(d * float64(24*time.Hour)))
	return &t
}

func TestInactivity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		user       users.User
		days       int
		unreported bool // the listing reports no activity
		want       string
	}{
		{name: "recent", user: users.User{Active: true, LastActiveAt: daysAgo(3)}, days: 90},
		{name: "exactly the limit is not over it", user: users.User{Active: true, LastActiveAt: daysAgo(90)}, days: 90},
		{name: "just over the limit", user: users.User{Active: true, LastActiveAt: daysAgo(90.5)}, days: 90, want: "inactive 90 days"},
		{name: "long ago", user: users.User{Active: true, LastActiveAt: daysAgo(400)}, days: 90, want: "inactive 400 days"},
		{name: "never active", user: users.User{Active: true}, days: 90, want: "never active"},
		{name: "zero time counts as never", user: users.User{Active: true, LastActiveAt: &time.Time{}}, days: 90, want: "never active"},
		{name: "days 0 flags anything older than now", user: users.User{Active: true, LastActiveAt: daysAgo(0.1)}, days: 0, want: "inactive 0 days"},
		{name: "deactivated users are not flagged", user: users.User{LastActiveAt: daysAgo(400)}, days: 90},
		{name: "deactivated and never active", user: users.User{}, days: 90},
		{name: "no activity reported: not judged", user: users.User{Active: true}, days: 90, unreported: true},
		{name: "a huge limit does not overflow", user: users.User{Active: true, LastActiveAt: daysAgo(200)}, days: 200000},
		{name: "a huge limit and a very old activity", user: users.User{Active: true, LastActiveAt: &time.Time{}}, days: 200000, want: "never active"},
		{name: "activity in the future is not inactivity", user: users.User{Active: true, LastActiveAt: daysAgo(-3)}, days: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := inactivity(&tt.user, now, tt.days, !tt.unreported); got != tt.want {
				t.Errorf("inactivity = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestActivityReported(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		users []*users.User
		want  bool
	}{
		{name: "empty listing"},
		{name: "nobody has activity", users: []*users.User{{Active: true}, {Active: true, LastActiveAt: &time.Time{}}, {}}},
		{name: "one user with lastActiveAt", users: []*users.User{{Active: true}, {LastActiveAt: daysAgo(500)}}, want: true},
		{name: "one user with daysActive only", users: []*users.User{{Active: true}, {Active: true, DaysActive: 1}}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := activityReported(tt.users); got != tt.want {
				t.Errorf("activityReported = %t, want %t", got, tt.want)
			}
		})
	}
}

// TestBuildRowsWithoutActivity is a listing from a server that leaves out
// lastActiveAt and daysActive: nobody is flagged and activity shows as not
// reported, not as "never".
func TestBuildRowsWithoutActivity(t *testing.T) {
	t.Parallel()
	all := []*users.User{
		{UserName: "ada", Active: true, Emails: scim.Emails{{Value: "ada@x.io"}}},
		{UserName: "bot", Active: true, AccountType: users.AccountOrgService},
		{UserName: "max"},
	}
	rows := buildRows(all, now, 90)
	for _, r := range rows {
		if r.Flag != "" || r.ActivityKnown || r.LastActive != nil {
			t.Errorf("row %+v: want no flag and unknown activity", r)
		}
	}
	if got, want := summary(rows, 90), "3 accounts; 0 active ones flagged: 0 inactive for more than 90 days, 0 never active."; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := writeTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "never") || strings.Count(b.String(), "not reported") != 3 {
		t.Errorf("table should show \"not reported\" and never \"never\":\n%s", b.String())
	}
}

func testUsers() []*users.User {
	return []*users.User{
		{UserName: "zoe", Active: true, Emails: scim.Emails{{Value: "zoe@x.io", Primary: true}}, LastActiveAt: daysAgo(200),
			OrganizationRole: "member", TeamRoles: []users.TeamRole{{TeamName: "ml", RoleName: "admin"}, {TeamName: "data", RoleName: "member"}}},
		{UserName: "Ada", Active: true, Emails: scim.Emails{{Value: "ada@x.io"}}, LastActiveAt: daysAgo(1), DaysActive: 7, OrganizationRole: "admin"},
		{UserName: "bot", Active: true, AccountType: users.AccountOrgService},
		{UserName: "max", Emails: scim.Emails{{Value: "max@x.io"}}},
	}
}

func TestBuildRows(t *testing.T) {
	t.Parallel()
	rows := buildRows(testUsers(), now, 90)
	var names []string
	for _, r := range rows {
		names = append(names, r.UserName)
	}
	if got := strings.Join(names, ","); got != "Ada,bot,max,zoe" {
		t.Fatalf("rows sorted as %s, want Ada,bot,max,zoe (ignoring case)", got)
	}
	ada, bot, maxRow, zoe := rows[0], rows[1], rows[2], rows[3]
	if ada.Flag != "" || ada.IdleDays != 1 || ada.Email != "ada@x.io" || ada.DaysActive != 7 {
		t.Errorf("ada = %+v", ada)
	}
	if bot.Type != "service" || bot.Flag != "never active" || bot.LastActive != nil || bot.IdleDays != -1 {
		t.Errorf("bot = %+v", bot)
	}
	if maxRow.Status != "deactivated" || maxRow.Flag != "" {
		t.Errorf("max = %+v", maxRow)
	}
	if zoe.TeamRoles != "data:member ml:admin" || zoe.Flag != "inactive 200 days" {
		t.Errorf("zoe = %+v", zoe)
	}
	if got, want := summary(rows, 90), "4 accounts; 2 active ones flagged: 1 inactive for more than 90 days, 1 never active."; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
}

func TestWriteCSVAndTable(t *testing.T) {
	t.Parallel()
	rows := buildRows(testUsers(), now, 90)
	for i := range rows {
		rows[i].Recommendation = recommend(rows[i], "Ada", 90, rows[i].IdleDays)
	}
	rows[0].APIKeys = 2
	var b bytes.Buffer
	if err := writeCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"username,email,type,status,organization_role,models_seat,weave_role,team_roles,api_keys,last_active_at,days_since_active,days_active,flag,recommendation",
		"Ada,ada@x.io,user,active,admin,,,,2,2026-05-31T12:00:00Z,1,7,,keep",
		"bot,,service,active,,,,,,,,0,never active,keep (service account)",
		"max,max@x.io,user,deactivated,,,,,,,,0,,-",
		"zoe,zoe@x.io,user,active,member,,,data:member ml:admin,,2025-11-13T12:00:00Z,200,0,inactive 200 days,deactivate",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), strings.Join(want, "\n"))
	}

	b.Reset()
	if err := writeTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{"USER", "LAST ACTIVE", "never", "2025-11-13 (200d ago)", "inactive 200 days", "deactivated", "RECOMMENDATION", "keep (service account)"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
}
