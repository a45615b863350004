// Orgimport turns identity-provider and HR exports into an organization
// file, the JSON file that examples/orgsync plans and applies. It reads
// files and writes one: it sends nothing to W&B.
//
//	go run ./examples/orgimport -preset entra -users users.csv -groups ml-platform.csv -map map.json -out org.json
//	go run ./examples/orgsync -live -file org.json          # the plan
//	go run ./examples/orgsync -live -file org.json -apply   # make it so
//
// Presets read Okta's user CSV export and API JSON, Microsoft Entra ID's
// bulk downloads and Graph member pages, Google Workspace's admin console
// downloads, BambooHR-style HR exports and any CSV; a mapping file (-map,
// sample in map.json) says which column gives each field and how groups
// become teams. Every problem of the inputs is reported at once, with its
// file and line, and then nothing is written. It is the command line of
// the library scim/orgsync/orgimport.
//
// Exit status: 0 when the file was written; 1 when something failed (a
// bad command line, an input problem, a file that exists without -force),
// and then nothing is written; 3 when interrupted. Never 2: it has no plan
// or dry run.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

func main() { exampleenv.Main("orgimport", command) }

var help = exampleenv.Help{
	Usage: "go run ./examples/orgimport -preset NAME [-users FILE]... [-groups FILE]... [flags]",
	About: `Orgimport turns identity-provider and HR exports into an organization file
for examples/orgsync, which plans it against W&B. It sends nothing.

Presets (-preset), each read as its vendor documents it:
  okta      the user CSV export (login, email, firstName, lastName, status…)
            and the API's user and group-member JSON, pages included
  entra     Entra ID's "Download users" CSV (mail, displayName,
            accountEnabled…, also the upload templates' "Name [property]
            Required" headers), "Download members" CSV and Graph member
            pages (value[], @odata.type, @odata.nextLink)
  google    the admin console's user download (Email Address [Required],
            First Name [Required], Status [READ ONLY]…) and group members
            (email, role, type, status)
  bamboohr  workEmail, firstName, lastName, employeeNumber, department (a
            group), status, terminationDate
  csv       any CSV: email, userName, displayName, status, groups; members:
            group, email, role, type

-users and -groups may each be given more than once; CSV or JSON is told by
the content. A member file that does not name its group in a column is the
group of its base name (-groups ml-platform.csv is group ml-platform). A
JSON member file whose last page still links to a next one is refused: an
exact team made from it would remove members.

Without -map: userName is the email's local part, each group becomes a team
of its name (exact membership, role member), status maps as the vendor
documents it, everyone is an organization member, seats are unmanaged.
The mapping file changes what it names (full sample: examples/orgimport/map.json):

    {
      "users": {"email": "mail", "keys": ["objectId", "userPrincipalName"]},
      "active": {"True": true, "False": false},
      "userRules": [{"group": "wandb-org-admins", "organizationRole": "admin"},
                    {"field": "department", "equals": "Finance", "modelsSeat": "viewer"}],
      "teams": [{"group": "wandb-(.+)-admins", "team": "$1", "role": "admin"},
                {"group": "wandb-(.+)", "team": "$1"}],
      "ignoreGroups": ["wandb-legacy-.*"],
      "ignoreUsers": {"domains": ["contractors.example"], "patterns": ["svc-.*"]}
    }

-merge keeps the users, teams and roles of an existing organization file
that the exports do not mention. Every problem of the inputs (a row without
an email, two rows with one email, a member no user row names, …) is
reported with its file and line, and then nothing is written. The summary
line goes to standard error when the file goes to standard output.`,
	Example: "go run ./examples/orgimport -preset entra -users users.csv -groups ml-platform.csv -map map.json -out org.json\n" +
		"go run ./examples/orgimport -preset okta -users users.json -groups research.json -merge org.json -out org.json -force",
	Exit: `Exit status: 0 when the file was written; 1 when something failed (a bad
command line, a problem in the inputs, an output file that exists without
-force), and then nothing is written; 3 when interrupted.`,
}

// files is a flag that may be given more than once.
type files []string

func (f *files) String() string { return strings.Join(*f, ",") }
func (f *files) Set(v string) error {
	if v == "" {
		return errors.New("empty file name")
	}
	*f = append(*f, v)
	return nil
}

// config is the command line.
type config struct {
	preset              orgimport.Preset
	users, groups       files
	mapFile, merge, out string
	force               bool
}

func parse(args []string, stdout io.Writer) (config, error) {
	var c config
	var preset string
	fs := exampleenv.NewFlagSet("orgimport", help)
	fs.StringVar(&preset, "preset", "", "the exports' vendor, whose `name` is okta, entra, google, bamboohr or csv (required)")
	fs.Var(&c.users, "users", "a user export `file`, CSV or JSON (repeatable)")
	fs.Var(&c.groups, "groups", "a group-member export `file`, CSV or JSON (repeatable); its base name names the group it does not name")
	fs.StringVar(&c.mapFile, "map", "", "the mapping `file` (JSON; default: the preset's defaults)")
	fs.StringVar(&c.merge, "merge", "", "an organization `file` whose users, teams and roles the exports do not mention are kept")
	fs.StringVar(&c.out, "out", "", "write the organization file to this `file` (default: standard output)")
	fs.BoolVar(&c.force, "force", false, "replace the -out file if it exists")
	if err := exampleenv.Parse(fs, args, stdout); err != nil {
		return c, err
	}
	if err := exampleenv.NoArgs(fs); err != nil {
		return c, err
	}
	switch {
	case preset == "":
		return c, exampleenv.Usagef("-preset is required: okta, entra, google, bamboohr or csv")
	case len(c.users)+len(c.groups) == 0:
		return c, exampleenv.Usagef("no export given: want -users FILE, -groups FILE or both")
	case c.force && c.out == "":
		return c, exampleenv.Usagef("-force replaces the -out file: give -out")
	}
	p, err := orgimport.ParsePreset(preset)
	if err != nil {
		return c, exampleenv.Usagef("-preset: %v", err)
	}
	c.preset = p
	return c, nil
}

// command is the program.
func command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse(args, stdout)
	if err != nil {
		return err
	}
	in := orgimport.Input{Preset: c.preset}
	if in.Users, err = readAll(c.users); err != nil {
		return err
	}
	if in.Groups, err = readAll(c.groups); err != nil {
		return err
	}
	if c.merge != "" {
		s, err := readAll([]string{c.merge})
		if err != nil {
			return err
		}
		in.Merge = &s[0]
	}
	if c.mapFile != "" {
		data, err := os.ReadFile(c.mapFile)
		if err != nil {
			return err
		}
		if in.Mapping, err = orgimport.DecodeMapping(c.mapFile, data, c.preset); err != nil {
			return reportProblems(err, stderr)
		}
	}
	r, err := orgimport.Import(in)
	if err != nil {
		return reportProblems(err, stderr)
	}
	data, err := json.MarshalIndent(r.File, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := ctx.Err(); err != nil {
		return err // interrupted: write nothing
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if c.out == "" {
		if _, err := stdout.Write(data); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Imported %s\n", r.Summary)
		return nil
	}
	if err := exampleenv.WriteFile(c.out, data, c.force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s: %s\n", c.out, r.Summary)
	return nil
}

// readAll reads the files names.
func readAll(names []string) ([]orgimport.Source, error) {
	var out []orgimport.Source
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, orgimport.Source{Name: n, Data: data})
	}
	return out, nil
}

// reportProblems writes each problem of an *orgimport.Error on its own
// line and returns the error Run prints last; other errors are returned
// as they are.
func reportProblems(err error, stderr io.Writer) error {
	var ierr *orgimport.Error
	if !errors.As(err, &ierr) {
		return err
	}
	for _, p := range ierr.Problems {
		fmt.Fprintln(stderr, p)
	}
	return fmt.Errorf("%s in the inputs; nothing written", exampleenv.Count(len(ierr.Problems), "problem"))
}
