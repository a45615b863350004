package main

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

func TestParseCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Row
		wantBad []badRow
		wantErr string // the error's beginning
	}{
		{
			name: "all columns",
			in:   "email,username,teams,role,seat\nada@example.com,ada,ml; platform ;;ML,admin,\nalan@example.com,,,,VIEWER\n",
			want: []Row{
				{Line: 2, Email: "ada@example.com", UserName: "ada", Teams: []string{"ml", "platform"}, Role: "admin"},
				{Line: 3, Email: "alan@example.com", Seat: users.SeatViewer},
			},
		},
		{
			name: "other order, email only, comments, BOM and case in header",
			in:   "\ufeffRole, EMAIL\n# a comment\nmember,grace@example.com\n",
			want: []Row{{Line: 3, Email: "grace@example.com", Role: "member"}},
		},
		{name: "header only", in: "email,username,teams,role\n"},
		{name: "empty file", in: "", wantErr: "users.csv: the file is empty, want a header line such as email,username,teams,role,seat"},
		{name: "no email column", in: "# users\nusername,teams\nada,ml\n", wantErr: `users.csv:2: the header has no email column`},
		{name: "unknown column", in: "email,team\na@b.c,ml\n", wantErr: `users.csv:1: unknown column "team" in the header`},
		{name: "repeated column", in: "email,Email\na@b.c,a@b.c\n", wantErr: `users.csv:1: column "email" is in the header twice`},
		{name: "stray quote", in: "email,role\na@b.c,adm\"in\n", wantErr: `users.csv:2:10: bare " in non-quoted-field`},
		{
			name: "bad rows are reported and the good kept",
			in: "email,username,role,seat\n" +
				"not-an-email,x,,\n" +
				"ok@example.com,ok,,\n" +
				"@example.com,y,,\n" +
				"OK@example.com,w,,\n" +
				"short@example.com\n" +
				"seat@example.com,s,,half\n" +
				"viewer@example.com,v,viewer,full\n" +
				"space@example.com,a b,,\n" +
				"fine@example.com,,Viewer,viewer\n",
			want: []Row{
				{Line: 10, Email: "fine@example.com", Role: "Viewer", Seat: users.SeatViewer},
			},
			wantBad: []badRow{
				{2, `invalid email "not-an-email"`},
				{3, "email ok@example.com is on lines 3 and 5: give each user one row, with a username of its own; none of these rows is sent"},
				{4, `invalid email "@example.com"`},
				{5, "email OK@example.com is on lines 3 and 5: give each user one row, with a username of its own; none of these rows is sent"},
				{6, "1 fields, want 4 like the header"},
				{7, `invalid seat "half": want full, viewer or none`},
				{8, `role viewer comes with viewer seats, but seat is "full"`},
				{9, `invalid username "a b": no spaces or @`},
			},
		},
	}
	dup := ": give each user one row, with a username of its own; none of these rows is sent"
	tests = append(tests, struct {
		name    string
		in      string
		want    []Row
		wantBad []badRow
		wantErr string
	}{
		name: "duplicate user names, given or from the email, refused on every line",
		in: "email,username\n" +
			"bob@example.com,\n" + // bob, from the email
			"ada@example.com,ada\n" +
			"bob@corp.example,\n" + // bob again
			"grace@example.com,Ada\n" + // ada, given, ignoring case
			"alan@example.com,turing\n" +
			"bob@example.org,robert\n", // another bob, with a user name of its own
		want: []Row{{Line: 6, Email: "alan@example.com", UserName: "turing"}, {Line: 7, Email: "bob@example.org", UserName: "robert"}},
		wantBad: []badRow{
			{2, "user name bob (from the email) is on lines 2 and 4" + dup},
			{3, "user name ada is on lines 3 and 5" + dup},
			{4, "user name bob (from the email) is on lines 2 and 4" + dup},
			{5, "user name Ada is on lines 3 and 5" + dup},
		},
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, bad, err := parseCSV("users.csv", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("parseCSV = %+v, %v; want an error starting %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCSV: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(bad, tt.wantBad) {
				t.Errorf("parseCSV:\n got %+v\n     %+v\nwant %+v\n     %+v", got, bad, tt.want, tt.wantBad)
			}
		})
	}
}

func TestSampleCSVIsGood(t *testing.T) {
	t.Parallel()
	rows, bad, err := parseCSV(samplePath, sampleCSV)
	if err != nil || len(bad) > 0 {
		t.Fatalf("the sample has problems: %v %+v", err, bad)
	}
	o := &org{teams: map[string]*teams.Team{}}
	for _, tm := range simSeed.Teams {
		o.teams[tm.Name] = &teams.Team{DisplayName: tm.Name}
	}
	for _, r := range simSeed.Roles {
		o.customRoles = append(o.customRoles, r.Name)
	}
	for _, r := range rows {
		if why := o.checkRow(r); why != "" {
			t.Errorf("line %d does not fit the simulator: %s", r.Line, why)
		}
	}
	if len(rows) < 5 || rows[0].Email != simSeed.Users[0].Email || len(rows[0].Teams) < 2 {
		t.Errorf("the sample should have several users, the first the simulator's user with two teams: %+v", rows)
	}
}

func TestCheckRow(t *testing.T) {
	t.Parallel()
	o := &org{
		teams:       map[string]*teams.Team{"ml": {DisplayName: "ML"}, "platform": {DisplayName: "platform"}},
		customRoles: []string{"run-operator", "auditor"},
	}
	for _, tt := range []struct {
		row  Row
		want string
	}{
		{Row{Teams: []string{"ml", "Platform"}, Role: "ADMIN"}, ""},
		{Row{Role: "viewer"}, ""},
		{Row{Role: "run-operator"}, ""},
		{Row{Teams: []string{"ml", "nope", "gone"}}, "no team named nope, gone"},
		{Row{Role: "superuser"}, `unknown role "superuser": want admin, member, viewer or a custom role of the organization (run-operator, auditor)`},
		{Row{Role: "Run-Operator"}, `unknown role "Run-Operator": custom role names are case-sensitive (the organization has "run-operator")`},
	} {
		if got := o.checkRow(tt.row); got != tt.want {
			t.Errorf("checkRow(%+v) = %q, want %q", tt.row, got, tt.want)
		}
	}
	if got := (&org{}).checkRow(Row{Role: "x"}); !strings.HasSuffix(got, "(it has none)") {
		t.Errorf("without custom roles: %q", got)
	}
}

func TestPlanRow(t *testing.T) {
	t.Parallel()
	ml := &teams.Team{ID: "T1", DisplayName: "ML", Members: []teams.MemberRef{{Value: "U1"}}}
	platform := &teams.Team{ID: "T2", DisplayName: "platform"}
	data := &teams.Team{ID: "T3", DisplayName: "data"}
	o := &org{teams: map[string]*teams.Team{"ml": ml, "platform": platform, "data": data}}
	ada := &users.User{ID: "U1", UserName: "ada", Active: true, OrganizationRole: "member", ModelsSeat: users.SeatFull, Groups: []users.GroupRef{{Value: "T3"}}}
	viewer := &users.User{ID: "U2", UserName: "kat", Active: true, OrganizationRole: "member", ModelsSeat: users.SeatViewer}
	gone := &users.User{ID: "U4", UserName: "max", Active: false, OrganizationRole: "member", Groups: []users.GroupRef{{Value: "T3"}}}
	lookupErr := errors.New("boom")

	tests := []struct {
		name      string
		row       Row
		existing  *users.User
		lookupErr error
		create    bool
		reactive  bool
		join      []*teams.Team
		setRole   string
		setSeat   users.Seat
		wantErr   string
		describe  string
	}{
		{
			name:     "new user joins every team, names ignore case",
			row:      Row{Email: "n@x.io", UserName: "n", Teams: []string{"Ml", "PLATFORM"}, Role: "admin", Seat: users.SeatNone},
			create:   true,
			join:     []*teams.Team{ml, platform},
			describe: "create user n with role admin, seat none; add to ML, platform",
		},
		{
			name:     "a new user's name defaults to the email's local part",
			row:      Row{Email: "first.last@x.io"},
			create:   true,
			describe: "create user first.last",
		},
		{
			name:     "existing user joins only missing teams (by team members and by user groups)",
			row:      Row{Email: "ada@x.io", Teams: []string{"ml", "platform", "data"}},
			existing: ada,
			join:     []*teams.Team{platform},
			describe: "already present as ada; add to platform",
		},
		{
			name:     "existing user with another role and seat gets the row's",
			row:      Row{Email: "ada@x.io", Role: "Admin", Seat: users.SeatViewer},
			existing: ada,
			setRole:  "Admin",
			setSeat:  users.SeatViewer,
			describe: "already present as ada; set role Admin (was member); set seat viewer (was full)",
		},
		{
			name:     "same role in another case and same seat, nothing to do",
			row:      Row{Email: "ada@x.io", Role: "MEMBER", Seat: users.SeatFull, Teams: []string{"ml"}},
			existing: ada,
			describe: "already present as ada; nothing to change",
		},
		{
			name:     "legacy viewer is member with viewer seats",
			row:      Row{Email: "kat@x.io", Role: "viewer"},
			existing: viewer,
			describe: "already present as kat; nothing to change",
		},
		{
			name:     "a deactivated user is reactivated, then joins teams and gets the role",
			row:      Row{Email: "max@x.io", Teams: []string{"data", "ml"}, Role: "admin"},
			existing: gone,
			reactive: true,
			join:     []*teams.Team{ml},
			setRole:  "admin",
			describe: "reactivate deactivated user max; set role admin (was member); add to ML",
		},
		{
			name:      "a failed lookup fails the row",
			row:       Row{Email: "n@x.io", Teams: []string{"ml"}},
			lookupErr: lookupErr,
			wantErr:   "looking up n@x.io: boom",
			describe:  "fail: looking up n@x.io: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := planRow(tt.row, tt.existing, tt.lookupErr, o)
			if tt.wantErr != "" {
				if s.Err == nil || s.Err.Error() != tt.wantErr || !errors.Is(s.Err, tt.lookupErr) {
					t.Fatalf("Err = %v, want %q wrapping the lookup error", s.Err, tt.wantErr)
				}
				if s.Create() || len(s.Join) > 0 {
					t.Errorf("a failed step must change nothing: %+v", s)
				}
			} else if s.Err != nil {
				t.Fatalf("Err = %v", s.Err)
			}
			if s.Create() != tt.create || s.Reactivate != tt.reactive || s.SetRole != tt.setRole || s.SetSeat != tt.setSeat {
				t.Errorf("Create %t, Reactivate %t, SetRole %q, SetSeat %q; want %t, %t, %q, %q",
					s.Create(), s.Reactivate, s.SetRole, s.SetSeat, tt.create, tt.reactive, tt.setRole, tt.setSeat)
			}
			if !reflect.DeepEqual(s.Join, tt.join) {
				t.Errorf("Join = %v, want %v", s.Join, tt.join)
			}
			if s.Describe() != tt.describe {
				t.Errorf("Describe() = %q, want %q", s.Describe(), tt.describe)
			}
		})
	}
}

// TestBarLine draws the bar for terminals of many widths: every line fits
// (leaving the last column free) and says how far the run is.
func TestBarLine(t *testing.T) {
	t.Parallel()
	c := counts{created: 1234, reactivated: 5, present: 678, failed: 9}
	for _, width := range []int{1, 5, 12, 20, 30, 40, 60, 80, 87, 120, 300} {
		for _, done := range []int{0, 1926, 9999} {
			line := barLine(width, done, 9999, c)
			if len(line) > max(width-1, 1) || !strings.Contains(line, fmt.Sprint(done)[:1]) {
				t.Errorf("width %d, done %d: %q (%d columns)", width, done, line, len(line))
			}
			if width >= 20 && !strings.Contains(line, fmt.Sprintf("%d/9999", done)) {
				t.Errorf("width %d: %q lacks the count", width, line)
			}
			if width >= 80 && !strings.Contains(line, "created 1234, reactivated 5, present 678, failed 9") {
				t.Errorf("width %d: %q lacks the outcomes", width, line)
			}
			if width >= 30 && !strings.HasPrefix(line, "[") {
				t.Errorf("width %d: %q has no bar", width, line)
			}
		}
	}
	half := barLine(80, 3, 6, counts{})
	bar, _, _ := strings.Cut(strings.TrimPrefix(half, "["), "]")
	if n := strings.Count(bar, "#"); n < 10 || n != strings.Count(bar, ".") || !strings.Contains(half, "] 3/6  created 0") {
		t.Errorf("half done: %q", half)
	}
	if got := barLine(80, 0, 0, counts{}); !strings.Contains(got, "0/0") {
		t.Errorf("nothing to do: %q", got)
	}
}
