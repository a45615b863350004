package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"
)

// report is everything the json and html formats show; csv carries the
// same users, and the other numbers follow from them.
type report struct {
	GeneratedAt  time.Time     `json:"generated_at"`
	Deployment   string        `json:"deployment"`
	Activity     string        `json:"activity"` // "lastactive" or "auditlog"
	InactiveDays int           `json:"inactive_days"`
	Summary      summaryCounts `json:"summary"`
	Seats        []seatCount   `json:"seats"`
	Weeks        []bucket      `json:"users_by_weeks_since_active"`
	Teams        []bucket      `json:"team_sizes"`
	Users        []jsonRow     `json:"users"`
}

// summaryCounts are the report's totals.
type summaryCounts struct {
	Accounts   int `json:"accounts"`
	Active     int `json:"active_users"`
	Flagged    int `json:"flagged"`
	Downgrade  int `json:"recommended_downgrades"`
	Deactivate int `json:"recommended_deactivations"`
}

// bucket is one bar of a chart.
type bucket struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// jsonRow is a row as the json format writes it, with the CSV's names.
type jsonRow struct {
	UserName        string     `json:"username"`
	Email           string     `json:"email"`
	Type            string     `json:"type"`
	Status          string     `json:"status"`
	OrgRole         string     `json:"organization_role"`
	ModelsSeat      string     `json:"models_seat"`
	WeaveRole       string     `json:"weave_role"`
	TeamRoles       string     `json:"team_roles"`
	APIKeys         *int       `json:"api_keys"`
	APIKeyIDs       []string   `json:"api_key_ids,omitempty"`
	LastActiveAt    *time.Time `json:"last_active_at"`
	DaysSinceActive *int       `json:"days_since_active"`
	DaysActive      int        `json:"days_active"`
	Flag            string     `json:"flag"`
	Recommendation  string     `json:"recommendation"`
}

// newReport gathers the numbers of rows.
func newReport(rows []row, now time.Time, deployment, activity string, days int) report {
	rep := report{GeneratedAt: now.UTC().Truncate(time.Second), Deployment: deployment, Activity: activity, InactiveDays: days,
		Seats: seatSummary(rows), Users: []jsonRow{}}
	weeks := []bucket{{Label: "< 1"}, {Label: "1-2"}, {Label: "2-4"}, {Label: "4-8"}, {Label: "8-13"}, {Label: "13-26"}, {Label: "26-52"}, {Label: "52+"}, {Label: "never"}}
	limits := []int{1, 2, 4, 8, 13, 26, 52}
	teams := map[string]int{}
	for _, r := range rows {
		rep.Summary.Accounts++
		if r.Type == "user" && r.Status == "active" {
			rep.Summary.Active++
			if r.ActivityKnown {
				i := len(weeks) - 1 // never
				if r.LastActive != nil {
					w := r.IdleDays / 7
					i = len(limits)
					for j, l := range limits {
						if w < l {
							i = j
							break
						}
					}
				}
				weeks[i].Count++
			}
		}
		if r.Flag != "" {
			rep.Summary.Flagged++
		}
		switch r.Recommendation {
		case recDowngrade:
			rep.Summary.Downgrade++
		case recDeactivate:
			rep.Summary.Deactivate++
		}
		for _, tr := range strings.Fields(r.TeamRoles) {
			team, _, _ := strings.Cut(tr, ":")
			teams[team]++
		}
		j := jsonRow{UserName: r.UserName, Email: r.Email, Type: r.Type, Status: r.Status, OrgRole: r.OrgRole, ModelsSeat: r.ModelsSeat,
			WeaveRole: r.WeaveRole, TeamRoles: r.TeamRoles, APIKeyIDs: r.APIKeyIDs, DaysActive: r.DaysActive, Flag: r.Flag, Recommendation: r.Recommendation}
		if r.APIKeys >= 0 {
			j.APIKeys = &r.APIKeys
		}
		if r.LastActive != nil {
			j.LastActiveAt, j.DaysSinceActive = r.LastActive, &r.IdleDays
		}
		rep.Users = append(rep.Users, j)
	}
	rep.Weeks = weeks
	for name, n := range teams {
		rep.Teams = append(rep.Teams, bucket{Label: name, Count: n})
	}
	slices.SortFunc(rep.Teams, func(a, b bucket) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label)) })
	return rep
}

// writeJSON writes the report as indented JSON.
func writeJSON(w io.Writer, rep report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// bar is one drawn bar of a chart: its label, value and geometry.
type bar struct {
	Label        string
	Value, Part  int // Part: the darker share (dormant seats), 0 for none
	Y, W, PartW  int
	LabelY, TagX int
}

// chart is an inline SVG bar chart.
type chart struct {
	Title, Legend string
	Height        int
	Bars          []bar
}

// newChart lays out bars of at most 320 pixels.
func newChart(title, legend string, labels []string, values, parts []int) chart {
	c := chart{Title: title, Legend: legend, Height: 24*len(labels) + 8}
	top := 1
	for _, v := range values {
		top = max(top, v)
	}
	for i, l := range labels {
		b := bar{Label: l, Value: values[i], Y: 4 + 24*i, W: values[i] * 320 / top}
		if parts != nil {
			b.Part, b.PartW = parts[i], parts[i]*320/top
		}
		b.LabelY, b.TagX = b.Y+14, 130+b.W+6
		c.Bars = append(c.Bars, b)
	}
	return c
}

// writeHTML writes the report as one page with no external resources:
// inline CSS, inline SVG charts, and an inline script that sorts a table
// by the column whose header is clicked. Its tables hold the CSV's values.
func writeHTML(w io.Writer, rep report, rows []row) error {
	var seatLabels []string
	var seatUsers, seatDormant []int
	for _, s := range rep.Seats {
		seatLabels = append(seatLabels, s.Product+" "+s.Seat)
		seatUsers, seatDormant = append(seatUsers, s.Users), append(seatDormant, s.Dormant)
	}
	var weekLabels, teamLabels []string
	var weekCounts, teamCounts []int
	for _, b := range rep.Weeks {
		weekLabels, weekCounts = append(weekLabels, b.Label), append(weekCounts, b.Count)
	}
	for _, b := range rep.Teams {
		teamLabels, teamCounts = append(teamLabels, b.Label), append(teamCounts, b.Count)
	}
	records := make([][]string, len(rows))
	for i, r := range rows {
		records[i] = csvRecord(r)
	}
	return page.Execute(w, map[string]any{
		"R":       rep,
		"Header":  csvHeader,
		"Records": records,
		"Charts": []chart{
			newChart("Seats by type", "active users; the darker part is dormant", seatLabels, seatUsers, seatDormant),
			newChart("Users by weeks since last activity", "active users", weekLabels, weekCounts, nil),
			newChart("Team sizes", "members", teamLabels, teamCounts, nil),
		},
	})
}

// page is the HTML report. Its script holds no "<" or "&", so that the page
// also reads as XML.
var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>W&amp;B organization audit</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; cursor: pointer; }
th[aria-sort="ascending"]::after { content: " \25B2"; }
th[aria-sort="descending"]::after { content: " \25BC"; }
svg { display: block; margin: 0.5em 0 1.5em; }
.charts { display: flex; flex-wrap: wrap; gap: 2em; }
</style>
</head>
<body>
<h1>W&amp;B organization audit</h1>
<p>Generated <time>{{.R.GeneratedAt.Format "2006-01-02T15:04:05Z07:00"}}</time> for a {{.R.Deployment}} deployment; activity from {{if eq .R.Activity "auditlog"}}the audit log{{else}}lastActiveAt{{end}}; dormant means no activity for more than {{.R.InactiveDays}} days.</p>
<table id="summary">
<tbody>
<tr><th scope="row">accounts</th><td>{{.R.Summary.Accounts}}</td></tr>
<tr><th scope="row">active_users</th><td>{{.R.Summary.Active}}</td></tr>
<tr><th scope="row">flagged</th><td>{{.R.Summary.Flagged}}</td></tr>
<tr><th scope="row">recommended_downgrades</th><td>{{.R.Summary.Downgrade}}</td></tr>
<tr><th scope="row">recommended_deactivations</th><td>{{.R.Summary.Deactivate}}</td></tr>
</tbody>
</table>
<div class="charts">
{{range .Charts}}<figure>
<figcaption>{{.Title}} ({{.Legend}})</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Bars}}<text x="0" y="{{.LabelY}}" font-size="12">{{.Label}}</text><rect x="130" y="{{.Y}}" width="{{.W}}" height="18" fill="#9db8d9"/>{{if .Part}}<rect x="130" y="{{.Y}}" width="{{.PartW}}" height="18" fill="#2f5d8c"/>{{end}}<text x="{{.TagX}}" y="{{.LabelY}}" font-size="12">{{.Value}}{{if .Part}} ({{.Part}} dormant){{end}}</text>
{{end}}</svg>
</figure>
{{end}}</div>
<h2>Seats</h2>
<table id="seats" class="sortable">
<thead><tr><th>product</th><th>seat</th><th>users</th><th>dormant</th></tr></thead>
<tbody>
{{range .R.Seats}}<tr><td>{{.Product}}</td><td>{{.Seat}}</td><td>{{.Users}}</td><td>{{.Dormant}}</td></tr>
{{end}}</tbody>
</table>
<h2>Users</h2>
<table id="users" class="sortable">
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Records}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
<script>
// key is what a cell sorts by: empty cells first, then numbers, then text.
function key(s) { return s === "" ? null : isNaN(Number(s)) ? s : Number(s); }
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col].textContent), y = key(b.cells[col].textContent);
        if (x === y) { return 0; }
        if (x === null) { return -dir; }
        if (y === null) { return dir; }
        if (typeof x === "number") { return typeof y === "number" ? dir * (x - y) : -dir; }
        if (typeof y === "number") { return dir; }
        return dir * x.localeCompare(y);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
</script>
</body>
</html>
`))

// recommendationCounts is the summary line of the recommendations.
func recommendationCounts(rep report) string {
	return fmt.Sprintf("Recommended: %d seat downgrades, %d deactivations.", rep.Summary.Downgrade, rep.Summary.Deactivate)
}
