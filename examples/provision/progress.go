package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// counts are the rows per outcome.
type counts [failed + 1]int

func (c *counts) finished() int {
	return c[notRun] + c[created] + c[reactivated] + c[present] + c[failed]
}

// progress reports finished rows: on a terminal as a progress bar redrawn in
// place, otherwise (a pipe, a file, a CI log) as one line per row. It is safe
// for concurrent use.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	name     string // the CSV file's name, for lines
	width    int    // the terminal's width in columns; 0: no bar
	drawn    int    // length of the bar line last drawn
	total    int
	counts   counts
	failures []failure // kept for the end on a terminal
}

// failure is a failed row's line number and report.
type failure struct {
	line int
	text string
}

// newProgress starts reporting total rows to w: with a bar fitting width
// columns when width > 0, else one line per row.
func newProgress(w io.Writer, name string, total, width int) *progress {
	p := &progress{w: w, name: name, total: total, width: width}
	if width > 0 {
		p.draw()
	}
	return p
}

var labels = [...]string{notRun: "not run", created: "created", reactivated: "reactivated", present: "already present", failed: "FAILED"}

// done records the result of one step.
func (p *progress) done(s *Step, r result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[r.outcome]++
	line := fmt.Sprintf("%s:%d %s: %s (%s)", p.name, s.Row.Line, s.Row.Email, labels[r.outcome], r.detail)
	if r.outcome == failed {
		p.failures = append(p.failures, failure{s.Row.Line, line})
	}
	if p.width > 0 {
		p.draw()
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// draw redraws the bar over the current line.
func (p *progress) draw() {
	line := barLine(p.width, p.counts.finished(), p.total, p.counts)
	pad := max(0, p.drawn-len(line))
	fmt.Fprint(p.w, "\r"+line+strings.Repeat(" ", pad))
	p.drawn = len(line) + pad
}

// barLine is the progress line for a terminal width columns wide. It is at
// most width-1 characters long, since a line that fills the terminal wraps
// on some, and a wrapped line cannot be redrawn: the widest of the texts
// that leaves room for a bar of at least 10 columns, or just "n/total".
func barLine(width, done, total int, c counts) string {
	room := width - 1
	texts := []string{
		fmt.Sprintf(" %d/%d  created %d, reactivated %d, present %d, failed %d",
			done, total, c[created], c[reactivated], c[present], c[failed]),
		fmt.Sprintf(" %d/%d (%d new, %d failed)", done, total, c[created], c[failed]),
		fmt.Sprintf(" %d/%d", done, total),
	}
	for _, text := range texts {
		bar := min(room-len(text)-2, 40) // 2 for the brackets
		if bar < 10 {
			continue
		}
		fill := bar
		if total > 0 {
			fill = done * bar / total
		}
		return "[" + strings.Repeat("#", fill) + strings.Repeat(".", bar-fill) + "]" + text
	}
	text := strings.TrimSpace(texts[len(texts)-1])
	return text[:min(len(text), max(room, 1))]
}

// finish ends the bar, lists failures (on a terminal), prints the summary and
// returns an error when a row failed or was skipped, or the run was
// interrupted (interrupted).
func (p *progress) finish(interrupted error, skipped int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprintln(p.w)
		slices.SortFunc(p.failures, func(a, b failure) int { return a.line - b.line })
		for _, f := range p.failures {
			fmt.Fprintln(p.w, "  "+f.text)
		}
	}
	c := p.counts
	notRun := p.total - c[created] - c[reactivated] - c[present] - c[failed]
	fmt.Fprintf(p.w, "Summary: %d created, %d reactivated, %d already present, %d failed, %d skipped",
		c[created], c[reactivated], c[present], c[failed], skipped)
	if notRun > 0 {
		fmt.Fprintf(p.w, ", %d not run", notRun)
	}
	fmt.Fprintln(p.w, ".")
	switch {
	case interrupted != nil:
		return fmt.Errorf("interrupted: %w", interrupted)
	case c[failed] > 0 && skipped > 0:
		return fmt.Errorf("%d users failed and %d rows were skipped", c[failed], skipped)
	case c[failed] > 0:
		return fmt.Errorf("%d of %d users failed", c[failed], p.total)
	case skipped > 0:
		return fmt.Errorf("%d bad rows were skipped", skipped)
	case notRun > 0:
		return fmt.Errorf("%d users were not run", notRun)
	}
	return nil
}
