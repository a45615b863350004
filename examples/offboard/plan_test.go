package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

func TestParseArgs(t *testing.T) {
	t.Parallel()
	got, err := parseArgs([]string{"a@x.io", " b@x.io ", "A@X.IO"})
	if err != nil || !reflect.DeepEqual(got, []string{"a@x.io", "b@x.io"}) {
		t.Errorf("parseArgs = %q, %v; want a@x.io, b@x.io", got, err)
	}
	_, err = parseArgs([]string{"a@x.io", "alice", "@x.io"})
	for _, want := range []string{`argument 2: "alice" is not an email address`, `argument 3: "@x.io"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %s", err, want)
		}
	}
}

func TestParseFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		want    []string
		wantErr []string
	}{
		{name: "empty"},
		{
			name:    "comments and blanks skipped, repeats dropped ignoring case",
			content: "# offboard list\n\nc@x.io\r\nA@X.IO\n  d@x.io  \na@x.io\n",
			want:    []string{"c@x.io", "A@X.IO", "d@x.io"},
		},
		{
			name:    "every bad line is reported with its number",
			content: "ok@x.io\n@x.io\n\nb@\nc d@x.io\n",
			wantErr: []string{`leavers.txt:2: "@x.io" is not an email address`, `leavers.txt:4: "b@"`, `leavers.txt:5: "c d@x.io"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseFile("leavers.txt", []byte(tt.content))
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("got %q, want an error", got)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %s", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPlanFor(t *testing.T) {
	t.Parallel()
	ml := &teams.Team{ID: "T1", DisplayName: "ml", Members: []teams.MemberRef{{Value: "U1"}, {Value: "U2"}}}
	platform := &teams.Team{ID: "T2", DisplayName: "platform", Members: []teams.MemberRef{{Value: "U2"}}}
	data := &teams.Team{ID: "T3", DisplayName: "data"} // members not listed; the user's groups name it
	all := []*teams.Team{ml, platform, data}

	tests := []struct {
		name       string
		user       *users.User
		remove     []*teams.Team
		deactivate bool
		str, past  string
	}{
		{
			name:       "active, in teams by members and by groups",
			user:       &users.User{ID: "U2", Active: true, Groups: []users.GroupRef{{Value: "T3"}, {Value: "T1"}}},
			remove:     []*teams.Team{ml, platform, data},
			deactivate: true,
			str:        "remove from ml, platform, data; deactivate",
			past:       "removed from ml, platform, data; deactivated",
		},
		{
			name:   "inactive but still in a team",
			user:   &users.User{ID: "U1"},
			remove: []*teams.Team{ml},
			str:    "remove from ml",
			past:   "removed from ml; was already inactive",
		},
		{
			name:       "active, in no team",
			user:       &users.User{ID: "U9", Active: true},
			deactivate: true,
			str:        "deactivate",
			past:       "deactivated",
		},
		{
			name: "inactive, in no team: nothing to do",
			user: &users.User{ID: "U9"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := planFor(tt.user, all)
			if !reflect.DeepEqual(p.Remove, tt.remove) || p.Deactivate != tt.deactivate {
				t.Errorf("planFor = %+v, want remove %v deactivate %t", p, tt.remove, tt.deactivate)
			}
			if p.empty() != (tt.str == "") {
				t.Errorf("empty() = %t", p.empty())
			}
			if tt.str != "" && (p.String() != tt.str || p.past() != tt.past) {
				t.Errorf("String() = %q, past() = %q; want %q, %q", p.String(), p.past(), tt.str, tt.past)
			}
		})
	}
}
