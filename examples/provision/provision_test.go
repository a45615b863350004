package main

import (
	"bytes"
	"errors"
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
		wantErr []string // substrings of the error
	}{
		{
			name: "all columns",
			in:   "email,username,teams,role\nada@example.com,ada,ml; platform ;;ML,admin\nalan@example.com,,,\n",
			want: []Row{
				{Line: 2, Email: "ada@example.com", UserName: "ada", Teams: []string{"ml", "platform"}, Role: "admin"},
				{Line: 3, Email: "alan@example.com"},
			},
		},
		{
			name: "other order, email only, comments, BOM and case in header",
			in:   "\ufeffRole, EMAIL\n# a comment\nmember,grace@example.com\n",
			want: []Row{{Line: 3, Email: "grace@example.com", Role: "member"}},
		},
		{
			name: "header only",
			in:   "email,username,teams,role\n",
		},
		{name: "empty file", in: "", wantErr: []string{"empty CSV"}},
		{name: "no email column", in: "username,teams\nada,ml\n", wantErr: []string{"no email column"}},
		{name: "unknown column", in: "email,team\na@b.c,ml\n", wantErr: []string{`unknown column "team"`}},
		{name: "repeated column", in: "email,Email\na@b.c,a@b.c\n", wantErr: []string{`"email" given twice`}},
		{
			name:    "bad rows are all reported",
			in:      "email,username\nnot-an-email,x\n@example.com,y\nok@example.com,z\nOK@example.com,w\nshort@example.com\n",
			wantErr: []string{"line 2: invalid email", "line 3: invalid email", "line 5: OK@example.com is already on line 4", "line 6: 1 fields, want 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCSV(strings.NewReader(tt.in))
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("parseCSV: got %+v, want an error", got)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCSV: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseCSV:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestSampleCSVParses(t *testing.T) {
	t.Parallel()
	rows, err := parseCSV(bytes.NewReader(sampleCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 5 || rows[0].UserName == "" || len(rows[0].Teams) < 2 {
		t.Errorf("the sample should have several users, the first with a user name and two teams: %+v", rows)
	}
}

func TestPlanRow(t *testing.T) {
	t.Parallel()
	ml := &teams.Team{ID: "T1", DisplayName: "ML", Members: []teams.MemberRef{{Value: "U1"}}}
	platform := &teams.Team{ID: "T2", DisplayName: "platform"}
	data := &teams.Team{ID: "T3", DisplayName: "data"}
	byName := map[string]*teams.Team{"ml": ml, "platform": platform, "data": data}
	ada := &users.User{ID: "U1", UserName: "ada", Active: true, OrganizationRole: "member", Groups: []users.GroupRef{{Value: "T3"}}}
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
		wantErr   string
		describe  string
	}{
		{
			name:     "new user joins every team, names ignore case",
			row:      Row{Email: "n@x.io", UserName: "n", Teams: []string{"Ml", "PLATFORM"}, Role: "admin"},
			create:   true,
			join:     []*teams.Team{ml, platform},
			describe: "create user n with role admin; add to ML, platform",
		},
		{
			name:     "existing user joins only missing teams (by team members and by user groups)",
			row:      Row{Email: "ada@x.io", Teams: []string{"ml", "platform", "data"}},
			existing: ada,
			join:     []*teams.Team{platform},
			describe: "already present as ada; add to platform",
		},
		{
			name:     "existing user with another role gets the row's role",
			row:      Row{Email: "ada@x.io", Role: "Admin"},
			existing: ada,
			setRole:  "Admin",
			describe: "already present as ada; set role Admin (was member)",
		},
		{
			name:     "same role in another case, nothing to do",
			row:      Row{Email: "ada@x.io", Role: "MEMBER", Teams: []string{"ml"}},
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
			name:     "a deactivated user is reactivated, not counted as present",
			row:      Row{Email: "max@x.io", Teams: []string{"data"}},
			existing: gone,
			reactive: true,
			describe: "reactivate deactivated user max",
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
			name:     "missing teams fail the row before any change",
			row:      Row{Email: "n@x.io", Teams: []string{"ml", "nope", "gone"}},
			wantErr:  "no team named nope, gone",
			describe: "fail: no team named nope, gone",
		},
		{
			name:      "a failed lookup fails the row",
			row:       Row{Email: "n@x.io"},
			lookupErr: lookupErr,
			wantErr:   "looking up n@x.io: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := planRow(tt.row, tt.existing, tt.lookupErr, byName)
			if tt.wantErr != "" {
				if s.Err == nil || s.Err.Error() != tt.wantErr {
					t.Fatalf("Err = %v, want %q", s.Err, tt.wantErr)
				}
				if s.Create() || len(s.Join) > 0 {
					t.Errorf("a failed step must change nothing: %+v", s)
				}
				if tt.lookupErr != nil && !errors.Is(s.Err, tt.lookupErr) {
					t.Errorf("Err does not wrap the lookup error")
				}
			} else if s.Err != nil {
				t.Fatalf("Err = %v", s.Err)
			}
			if s.Create() != tt.create {
				t.Errorf("Create() = %t, want %t", s.Create(), tt.create)
			}
			if !reflect.DeepEqual(s.Join, tt.join) {
				t.Errorf("Join = %v, want %v", s.Join, tt.join)
			}
			if s.Reactivate != tt.reactive {
				t.Errorf("Reactivate = %t, want %t", s.Reactivate, tt.reactive)
			}
			if s.SetRole != tt.setRole {
				t.Errorf("SetRole = %q, want %q", s.SetRole, tt.setRole)
			}
			if tt.describe != "" && s.Describe() != tt.describe {
				t.Errorf("Describe() = %q, want %q", s.Describe(), tt.describe)
			}
		})
	}
}

func TestSimulatorSeed(t *testing.T) {
	t.Parallel()
	rows := []Row{
		{Email: "ada@x.io", UserName: "ada", Teams: []string{"ml", "platform"}},
		{Email: "b@x.io", Teams: []string{"ML", "data"}},
	}
	opts := simulatorSeed(rows, true)
	var names []string
	for _, tm := range opts.Teams {
		names = append(names, tm.Name)
	}
	if !reflect.DeepEqual(names, []string{"ml", "platform", "data"}) {
		t.Errorf("seeded teams %v", names)
	}
	if len(opts.Users) != 1 || opts.Users[0].Email != "ada@x.io" || !reflect.DeepEqual(opts.Teams[0].Members, []string{"ada"}) {
		t.Errorf("the first user should be seeded in its first team: %+v", opts)
	}
	if opts := simulatorSeed(rows, false); len(opts.Users) != 0 {
		t.Errorf("a user's own file seeds no users: %+v", opts.Users)
	}
}
