package orgsync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// MaxMarkdown bounds WriteMarkdown's output, under GitHub's 65,536-character
// limit on a pull-request comment.
const MaxMarkdown = 60000

// foldAfter is the number of rows a table shows before the rest are folded
// into a <details> block.
const foldAfter = 10

// WriteMarkdown writes p for one pull-request comment: a first line naming
// the target and the counts; the removals and deactivations first, under a
// warning; then a table per kind of resource, long ones folded in
// <details>; what the plan does not make last. An empty plan says "No
// changes" plainly. The text stays under MaxMarkdown characters: when the
// tables would not fit, each shows fewer rows and says how many it left out.
func (p *Plan) WriteMarkdown(w io.Writer) error {
	changes := p.Changes()
	var s string
	for limit := len(changes) + 1; ; limit = limit * 2 / 3 {
		s = markdown(p, changes, limit)
		if len(s) <= MaxMarkdown || limit == 0 {
			break
		}
	}
	_, err := io.WriteString(w, s)
	return err
}

// markdownSection is one table of the comment.
type markdownSection struct {
	title string
	keep  func(Change) bool
}

// markdown renders the comment, showing at most limit rows in each table.
func markdown(p *Plan, changes []Change, limit int) string {
	var b strings.Builder
	target := p.targetText()
	c := p.Counts()
	if c == (Counts{}) {
		fmt.Fprintf(&b, "### W&B organization plan%s: no changes\n\n%s\n", target, p.Summary())
		writeNotApplicable(&b, changes, limit)
		return b.String()
	}
	n := count(changes, func(c Change) bool { return c.Applicable })
	fmt.Fprintf(&b, "### W&B organization plan%s: %s (%s)\n\n", target, plural(n, "1 change", fmt.Sprintf("%d changes", n)), actionCounts(changes))
	removals := func(c Change) bool {
		return c.Applicable && (c.Action == string(Deactivate) || c.Action == "remove")
	}
	if n := count(changes, removals); n > 0 {
		fmt.Fprintf(&b, "> [!WARNING]\n> This plan removes %s: review them first.\n\n", plural(n, "1 thing", fmt.Sprintf("%d things", n)))
		writeTable(&b, "Removals and deactivations", filter(changes, removals), limit)
	}
	sections := []markdownSection{
		{"Roles", func(c Change) bool { return c.Kind == KindRole }},
		{"Users", func(c Change) bool { return c.Kind == KindUser && c.Action != string(Deactivate) }},
		{"Teams", func(c Change) bool { return c.Kind == KindTeam }},
		{"Members added", func(c Change) bool { return c.Kind == KindMember && c.Action == "add" }},
		{"Team roles", func(c Change) bool { return c.Kind == KindTeamRole }},
	}
	for _, sec := range sections {
		rows := filter(changes, func(c Change) bool { return c.Applicable && sec.keep(c) })
		if len(rows) > 0 {
			writeTable(&b, sec.title, rows, limit)
		}
	}
	writeNotApplicable(&b, changes, limit)
	if len(p.Warnings) > 0 {
		b.WriteString("**Warnings**\n\n")
		for i, w := range p.Warnings {
			if i == limit {
				fmt.Fprintf(&b, "- … and %d more\n", len(p.Warnings)-limit)
				break
			}
			fmt.Fprintf(&b, "- %s\n", cell(w.String()))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// targetText names the plan's target after "plan", or nothing when the
// plan has none.
func (p *Plan) targetText() string {
	if p.Target.BaseURL == "" {
		return ""
	}
	return " for " + cell(p.Target.String())
}

func writeNotApplicable(b *strings.Builder, changes []Change, limit int) {
	rows := filter(changes, func(c Change) bool { return !c.Applicable })
	if len(rows) > 0 {
		writeTable(b, "Not applied (not applicable or protected)", rows, limit)
	}
}

// writeTable writes a heading and a table of rows, folding the rows past
// foldAfter into <details> and leaving out those past limit.
func writeTable(b *strings.Builder, title string, rows []Change, limit int) {
	fmt.Fprintf(b, "**%s** (%d)\n\n", title, len(rows))
	shown := rows
	if len(shown) > limit {
		shown = shown[:limit]
	}
	header := "| address | action | before | after | reason |\n|---|---|---|---|---|\n"
	row := func(c Change) {
		before, after, reason := fieldsCell(c.Before), fieldsCell(c.After), c.Reason
		if !c.Applicable {
			after, reason = code(c.Description), c.NotApplicable
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", code(c.Address), c.Action, before, after, cell(reason))
	}
	b.WriteString(header)
	for _, c := range shown[:min(len(shown), foldAfter)] {
		row(c)
	}
	if len(shown) > foldAfter {
		fmt.Fprintf(b, "\n<details><summary>%d more</summary>\n\n%s", len(shown)-foldAfter, header)
		for _, c := range shown[foldAfter:] {
			row(c)
		}
		b.WriteString("\n</details>\n")
	}
	if left := len(rows) - len(shown); left > 0 {
		fmt.Fprintf(b, "\n… and %d more not shown, to keep this comment under %d characters (the whole plan: `-format json`).\n", left, MaxMarkdown)
	}
	b.WriteString("\n")
}

// fieldsCell shows a before or after value as `field: value` pairs.
func fieldsCell(m map[string]any) string {
	if m == nil {
		return "–"
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		var v bytes.Buffer
		enc := json.NewEncoder(&v)
		enc.SetEscapeHTML(false)
		enc.Encode(m[k])
		parts = append(parts, k+": "+code(strings.TrimSuffix(v.String(), "\n")))
	}
	return strings.Join(parts, ", ")
}

// code shows s, a value of the organization (a name, a field's value), as
// code in a table cell: nothing in it renders (no mention, link or HTML),
// and no pipe or newline breaks the table.
func code(s string) string {
	s = strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
	return "`" + s + "`"
}

// cell makes s, text of the program's (a reason), safe in a table cell: no
// pipe, newline or HTML.
func cell(s string) string {
	return strings.NewReplacer("\\", "\\\\", "|", "\\|", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// actionCounts counts the applicable changes by action, in words:
// "2 to create, 1 to update, 3 members to add".
func actionCounts(cs []Change) string {
	var parts []string
	for _, a := range []struct{ action, words string }{
		{string(Create), "to create"}, {string(Update), "to update"}, {string(Reactivate), "to reactivate"},
		{string(Deactivate), "to deactivate"}, {"add", "to add to a team"}, {"remove", "to remove from a team"},
	} {
		if n := count(cs, func(c Change) bool { return c.Applicable && c.Action == a.action }); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a.words))
		}
	}
	return strings.Join(parts, ", ")
}

func filter(cs []Change, keep func(Change) bool) []Change {
	var out []Change
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func count(cs []Change, keep func(Change) bool) int { return len(filter(cs, keep)) }
