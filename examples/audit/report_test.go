package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampletest"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// reportTime is the time of the test reports, fixed so that two runs show
// the same times.
var reportTime = time.Now().Truncate(time.Second)

func TestRecommend(t *testing.T) {
	t.Parallel()
	active := row{Type: "user", Status: "active", ActivityKnown: true, ModelsSeat: "full", WeaveRole: "full", Flag: "inactive 100 days"}
	with := func(f func(*row)) row { r := active; f(&r); return r }
	tests := []struct {
		name string
		r    row
		idle int
		want string
	}{
		{"recent", with(func(r *row) { r.Flag = "" }), 3, recKeep},
		{"dormant full seat", active, 100, recDowngrade},
		{"dormant past twice the limit", active, 181, recDeactivate},
		{"dormant viewer seats", with(func(r *row) { r.ModelsSeat, r.WeaveRole = "viewer", "viewer" }), 100, recDeactivate},
		{"dormant, full weave only", with(func(r *row) { r.ModelsSeat = "viewer" }), 100, recDowngrade},
		{"never active", with(func(r *row) { r.Flag = "never active" }), -1, recDeactivate},
		{"the caller", with(func(r *row) { r.UserName = "Me" }), 300, "keep (protected: you)"},
		{"an admin", with(func(r *row) { r.OrgRole = "admin" }), 300, "keep (protected: organization admin)"},
		{"a service account", with(func(r *row) { r.Type = "service" }), 300, "keep (service account)"},
		{"deactivated", with(func(r *row) { r.Status = "deactivated" }), 300, "-"},
		{"activity not reported", with(func(r *row) { r.ActivityKnown, r.Flag = false, "" }), -1, "keep (activity not reported)"},
	}
	for _, tt := range tests {
		if got := recommend(tt.r, "me", 90, tt.idle); got != tt.want {
			t.Errorf("%s: recommend = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// runReport runs the audit on the simulator with c, at one fixed time for
// every run of a test, and returns its stdout.
func runReport(t *testing.T, c config) string {
	t.Helper()
	c.now = reportTime
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), &stdout, &stderr, c); err != nil {
		t.Fatalf("run %+v: %v\n%s", c, err, stderr.String())
	}
	return stdout.String()
}

// htmlTables parses the page as the browser's parser would see its
// structure (encoding/xml with HTML's rules) and returns each table's cell
// texts by the table's id, header rows included, and the external
// resources it references.
func htmlTables(t *testing.T, page string) (tables map[string][][]string, external []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	tables = map[string][][]string{}
	var table string
	var cell *strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			for _, a := range tok.Attr {
				if a.Name.Local == "src" || a.Name.Local == "href" {
					external = append(external, a.Value)
				}
				if tok.Name.Local == "table" && a.Name.Local == "id" {
					table = a.Value
				}
			}
			switch tok.Name.Local {
			case "link", "iframe", "img", "object", "embed":
				external = append(external, tok.Name.Local)
			case "tr":
				if table != "" {
					tables[table] = append(tables[table], []string{})
				}
			case "td", "th":
				cell = &strings.Builder{}
			}
		case xml.CharData:
			if cell != nil {
				cell.Write(tok)
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "table":
				table = ""
			case "td", "th":
				if table != "" && cell != nil {
					rows := tables[table]
					rows[len(rows)-1] = append(rows[len(rows)-1], cell.String())
				}
				cell = nil
			}
		}
	}
	return tables, external
}

// The HTML report, parsed back, holds the CSV's users cell for cell, and
// its seat and summary numbers are the ones the CSV's rows give; it loads
// nothing from elsewhere. The JSON report holds the same users.
func TestReportFormatsAgree(t *testing.T) {
	exampletest.ClearEnv(t)
	for _, activity := range []string{"lastactive", "auditlog"} {
		t.Run(activity, func(t *testing.T) {
			records, err := csv.NewReader(strings.NewReader(runReport(t, config{format: "csv", days: 90, activity: activity}))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			page := runReport(t, config{format: "html", days: 90, activity: activity})
			tables, external := htmlTables(t, page)
			if len(external) > 0 || strings.Contains(page, "@import") || strings.Contains(page, "url(") || strings.Count(page, "<svg") != 3 {
				t.Errorf("the page is not self-contained with three charts: external %v", external)
			}
			if !reflect.DeepEqual(tables["users"], records) {
				t.Errorf("HTML users table:\n%q\nCSV:\n%q", tables["users"], records)
			}

			// The seats and the summary, worked out from the CSV alone.
			col := map[string]int{}
			for i, h := range records[0] {
				col[h] = i
			}
			type key struct{ product, seat string }
			seats := map[key][2]int{}
			summary := map[string]int{"accounts": len(records) - 1}
			for _, r := range records[1:] {
				dormant := 0
				if r[col["flag"]] != "" {
					dormant = 1
					summary["flagged"]++
				}
				switch r[col["recommendation"]] {
				case recDowngrade:
					summary["recommended_downgrades"]++
				case recDeactivate:
					summary["recommended_deactivations"]++
				}
				if r[col["type"]] != "user" || r[col["status"]] != "active" {
					continue
				}
				summary["active_users"]++
				for product, c := range map[string]string{"models": "models_seat", "weave": "weave_role"} {
					k := key{product, r[col[c]]}
					seats[k] = [2]int{seats[k][0] + 1, seats[k][1] + dormant}
				}
			}
			got := map[key][2]int{}
			for _, r := range tables["seats"][1:] {
				users, _ := strconv.Atoi(r[2])
				dormant, _ := strconv.Atoi(r[3])
				got[key{r[0], r[1]}] = [2]int{users, dormant}
			}
			if !reflect.DeepEqual(got, seats) || len(seats) == 0 {
				t.Errorf("HTML seats %v, from the CSV %v", got, seats)
			}
			gotSummary := map[string]int{}
			for _, r := range tables["summary"] {
				gotSummary[r[0]], _ = strconv.Atoi(r[1])
			}
			if !reflect.DeepEqual(gotSummary, summary) {
				t.Errorf("HTML summary %v, from the CSV %v", gotSummary, summary)
			}

			var rep report
			if err := json.Unmarshal([]byte(runReport(t, config{format: "json", days: 90, activity: activity})), &rep); err != nil {
				t.Fatal(err)
			}
			for i, u := range rep.Users {
				r := row{UserName: u.UserName, Email: u.Email, Type: u.Type, Status: u.Status, OrgRole: u.OrgRole, ModelsSeat: u.ModelsSeat,
					WeaveRole: u.WeaveRole, TeamRoles: u.TeamRoles, APIKeys: -1, LastActive: u.LastActiveAt, DaysActive: u.DaysActive,
					Flag: u.Flag, Recommendation: u.Recommendation}
				if u.APIKeys != nil {
					r.APIKeys = *u.APIKeys
				}
				if u.DaysSinceActive != nil {
					r.IdleDays = *u.DaysSinceActive
				}
				if got := csvRecord(r); i+1 >= len(records) || !reflect.DeepEqual(got, records[i+1]) {
					t.Errorf("JSON user %d = %q, CSV %q", i, got, records[i+1:])
				}
			}
			if rep.Summary.Flagged != summary["flagged"] || rep.Activity != activity || len(rep.Users) != len(records)-1 {
				t.Errorf("JSON summary %+v", rep.Summary)
			}
		})
	}
}

// -activity auditlog reads the simulator's audit log (its seeded logins):
// the same recommendations as lastActiveAt, except that a user with no
// entry in the window is "no activity in 180 days", not "never active".
func TestActivityFromAuditLog(t *testing.T) {
	exampletest.ClearEnv(t)
	for _, deployment := range []string{"dedicated", "multi-tenant"} {
		read := func(activity string) map[string][]string {
			out := runReport(t, config{format: "csv", days: 90, activity: activity, deployment: deployment})
			records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			m := map[string][]string{}
			for _, r := range records[1:] {
				m[r[0]] = []string{r[12], r[13]} // flag, recommendation
			}
			return m
		}
		fromLog, fromLastActive := read("auditlog"), read("lastactive")
		want := map[string][]string{
			"alan":      {"inactive 120 days", recDowngrade},
			"katherine": {"no activity in 180 days", recDeactivate},
			"linus":     {"no activity in 180 days", recDeactivate},
			"ada":       {"", recKeep},
			"grace":     {"", recKeep},
			"admin":     {"", recKeep},
		}
		for name, w := range want {
			if !reflect.DeepEqual(fromLog[name], w) {
				t.Errorf("%s: %s: %q, want %q", deployment, name, fromLog[name], w)
			}
			if fromLastActive[name][1] != w[1] {
				t.Errorf("%s: %s: lastactive recommends %q, the audit log %q", deployment, name, fromLastActive[name][1], w[1])
			}
		}
	}
}

// -suggest writes the organization with the recommendations made, as a
// file orgsync reads; it never replaces a file without -force.
func TestSuggest(t *testing.T) {
	exampletest.ClearEnv(t)
	path := filepath.Join(t.TempDir(), "org.json")
	runReport(t, config{format: "table", days: 90, suggest: path})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := orgsync.Decode(data)
	if err != nil {
		t.Fatalf("the suggestion is not an orgsync file: %v", err)
	}
	got := map[string]string{}
	for _, u := range f.Users {
		state := "active"
		if u.Active != nil && !*u.Active {
			state = "inactive"
		}
		got[u.UserName] = state + " " + string(u.ModelsSeat) + "/" + string(u.WeaveRole)
	}
	want := map[string]string{
		"admin": "active full/full", "ada": "active full/full", "grace": "active full/full",
		"alan":      "active viewer/viewer",                                  // downgraded
		"katherine": "inactive viewer/viewer", "linus": "inactive full/full", // deactivated
		"margaret": "inactive full/full", // already deactivated
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("suggested users %v\nwant %v", got, want)
	}
	if len(f.Teams) != 2 {
		t.Errorf("teams %+v: the file is the whole organization", f.Teams)
	}

	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), &stdout, &stderr, config{format: "table", days: 90, suggest: path})
	if err == nil || !strings.Contains(err.Error(), "use -force") || stdout.Len() != 0 {
		t.Errorf("without -force: err %v, output %q", err, stdout.String())
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Errorf("the file was replaced without -force: %q", b)
	}
	runReport(t, config{format: "table", days: 90, suggest: path, force: true})
	if b, _ := os.ReadFile(path); !bytes.Equal(b, data) {
		t.Errorf("-force: the file is not the suggestion")
	}
}

// API keys are counted per user, and only their IDs are reported.
func TestAPIKeys(t *testing.T) {
	exampletest.ClearEnv(t)
	out := runReport(t, config{format: "json", days: 90})
	if strings.Contains(out, scimtest.DefaultAPIKey) {
		t.Error("the report holds the admin's API key")
	}
	var rep report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, u := range rep.Users {
		want := 0
		switch u.UserName {
		case "admin":
			want = 1 // the simulator's admin key
		case "margaret":
			want = -1 // deactivated: not looked up
		}
		got := -1
		if u.APIKeys != nil {
			got = *u.APIKeys
		}
		if got != want || len(u.APIKeyIDs) != max(want, 0) {
			t.Errorf("%s: %d keys %v, want %d", u.UserName, got, u.APIKeyIDs, want)
		}
	}
}
