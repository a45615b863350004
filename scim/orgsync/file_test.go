package orgsync_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/users"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	f, err := orgsync.Decode([]byte(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	want := &orgsync.File{
		Users: []orgsync.UserSpec{
			{UserName: "ada", Email: "ada@example.com", DisplayName: "Ada Lovelace", OrganizationRole: "member",
				ModelsSeat: users.SeatFull, WeaveRole: users.SeatViewer, Active: &yes},
			{UserName: "bob", Email: "bob@example.com", OrganizationRole: "auditor"},
		},
		Teams: []orgsync.TeamSpec{{Name: "ml-platform", Members: []orgsync.MemberSpec{{UserName: "ada", Role: "admin"}, {UserName: "bob"}}}},
		Roles: []orgsync.RoleSpec{{Name: "auditor", Description: "read-only audits", InheritedFrom: "viewer", Permissions: []string{"run:stop"}}},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("Decode =\n%+v\nwant\n%+v", f, want)
	}
	if f, err := orgsync.Decode([]byte(`{}`)); err != nil || len(f.Users)+len(f.Teams)+len(f.Roles) != 0 {
		t.Errorf("Decode({}) = %+v, %v", f, err)
	}
}

// TestDecodeProblems checks that every problem of a file is reported at
// once, in file order, with its JSON path.
func TestDecodeProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		problems   []string
	}{
		{"unknown keys and types", `{
		  "user": [],
		  "users": [{"UserName": "ada", "email": 5, "active": "yes", "seat": "full"}, "bob"],
		  "teams": {"name": "ml"},
		  "roles": [{"name": "r", "inheritedFrom": "member", "permissions": ["run:stop", 7]}]
		}`, []string{
			`users[0].userName: required`,
			`users[0].email: want a string, not a number`,
			`users[0].active: want true or false, not a string`,
			`users[0].UserName: unknown key "UserName" (did you mean "userName"?)`,
			`users[0].seat: unknown key "seat" (want userName, email, displayName, organizationRole, modelsSeat, weaveRole, active)`,
			`users[1]: want a JSON object, not a string`,
			`teams: want a JSON array, not an object`,
			`roles[0].permissions[1]: want a string, not a number`,
			`user: unknown key "user" (did you mean "users"?)`,
		}},
		{"duplicates", `{
		  "users": [{"userName": "ada", "email": "ada@example.com"}, {"userName": "Ada", "email": "ADA@example.com"}],
		  "teams": [{"name": "ml", "members": [{"userName": "ada"}, {"userName": "ADA"}]}, {"name": "ML", "members": []}],
		  "roles": [{"name": "r", "inheritedFrom": "member", "permissions": ["run:stop", "run:stop"]},
		            {"name": "r", "inheritedFrom": "viewer"}, {"name": "R", "inheritedFrom": "viewer"}]
		}`, []string{
			`users[1].userName: userName "Ada" is also at users[0].userName`,
			`users[1].email: email "ADA@example.com" is also at users[0].email`,
			`teams[0].members[1].userName: member "ADA" is also at teams[0].members[0].userName`,
			`teams[1].name: team "ML" is also at teams[0].name`,
			`roles[0].permissions[1]: permission "run:stop" is also at roles[0].permissions[0]`,
			`roles[1].name: role "r" is also at roles[0].name`,
		}},
		{"bad values", `{
		  "users": [{"userName": " ", "email": "ada", "displayName": " ", "organizationRole": " ", "modelsSeat": "gold", "weaveRole": "Full"},
		            {"userName": "bob", "organizationRole": "viewer", "modelsSeat": "full"}],
		  "teams": [{"name": "", "membership": "mirror", "members": [{"role": "admin"}]}, {"name": "ml"}],
		  "roles": [{"name": "Admin", "inheritedFrom": "admin", "permissions": ["run stop", "run:"]}, {"name": "x"}]
		}`, []string{
			`users[0].userName: required`,
			`users[0].email: "ada" is not an email address (want local@domain)`,
			`users[0].displayName: must not be blank`,
			`users[0].organizationRole: must not be blank (want admin, member, viewer or a custom role's name)`,
			`users[0].modelsSeat: "gold" is not a seat (want full, viewer or none)`,
			`users[0].weaveRole: "Full" is not a seat (want full, viewer or none)`,
			`users[1].organizationRole: "viewer" gives viewer seats, which contradicts the modelsSeat or weaveRole given: write "member" with the seats wanted`,
			`teams[0].name: required`,
			`teams[0].membership: "mirror": want "exact" (the default) or "additive"`,
			`teams[0].members[0].userName: required`,
			`teams[1]: "members" is required: the team's members, [] for none`,
			`roles[0].name: "Admin" is a predefined role, not a custom one`,
			`roles[0].inheritedFrom: "admin": want "member" or "viewer"`,
			`roles[0].permissions[0]: "run stop" is not a permission (want object:operation, such as run:stop)`,
			`roles[0].permissions[1]: "run:" is not a permission (want object:operation, such as run:stop)`,
			`roles[1].inheritedFrom: required: "member" or "viewer"`,
		}},
		{"not an object", `[]`, []string{`want a JSON object, not an array`}},
		{"one mistake, one problem", `{
		  "users": [{"userName": 5, "email": ["a@b.c"]}],
		  "teams": [{"name": null, "members": [{"userName": true, "role": 3}]}],
		  "roles": [{"name": {}, "inheritedFrom": 1}]
		}`, []string{
			`users[0].userName: want a string, not a number`,
			`users[0].email: want a string, not an array`,
			`teams[0].name: want a string, not null`,
			`teams[0].members[0].userName: want a string, not a boolean`,
			`teams[0].members[0].role: want a string, not a number`,
			`roles[0].name: want a string, not an object`,
			`roles[0].inheritedFrom: want a string, not a number`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := orgsync.Decode([]byte(tt.file))
			var ve *orgsync.ValidationError
			if f != nil || !errors.As(err, &ve) {
				t.Fatalf("Decode = %+v, %v; want a *ValidationError", f, err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			checkLines(t, "problems", got, tt.problems)
		})
	}
}

// TestDecodeSimulatorState checks that the simulator's state file, given
// where an organization file is expected, is named in one line.
func TestDecodeSimulatorState(t *testing.T) {
	t.Parallel()
	state := `{"kind": "wandb-simulator-state", "flavor": "Dedicated", "users": [{"userName": "ada", "email": "ada@example.com"}]}`
	f, err := orgsync.Decode([]byte(state))
	if f != nil || !errors.Is(err, orgsync.ErrSimulatorState) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Decode = %v, %v; want ErrSimulatorState", f, err)
	}
	if want := "this is the W&B simulator's state file"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start %q", err, want)
	}
	// Another kind is an unknown key like any other.
	_, err = orgsync.Decode([]byte(`{"kind": "something", "users": []}`))
	var ve *orgsync.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.Contains(ve.Problems[0].String(), `unknown key "kind"`) {
		t.Errorf("another kind: %v", err)
	}
}

func TestDecodeBadJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":             "orgsync: the file is empty, want a JSON object",
		" \n ":         "orgsync: the file is empty, want a JSON object",
		`{"users": [}`: "orgsync: the file is not valid JSON: invalid character '}'",
		`{} {}`:        "orgsync: the file holds more than one JSON value",
	} {
		if f, err := orgsync.Decode([]byte(in)); f != nil || err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Decode(%q) = %v, %v; want an error starting %q", in, f, err, want)
		}
	}
}

func TestValidateWarnsAboutViewer(t *testing.T) {
	t.Parallel()
	f := &orgsync.File{Users: []orgsync.UserSpec{{UserName: "ada", OrganizationRole: "viewer", ModelsSeat: users.SeatViewer}}}
	warnings, err := f.Validate()
	if err != nil || len(warnings) != 1 || warnings[0].Path != "users[0].organizationRole" ||
		!strings.Contains(warnings[0].Message, `W&B stores as "member" with modelsSeat and weaveRole "viewer"`) {
		t.Errorf("Validate = %v, %v", warnings, err)
	}
}
