package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// progress reports finished rows: as a redrawn bar on a terminal, as one line
// per row otherwise. It is safe for concurrent use.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      bool
	total    int
	counts   [failed + 1]int
	failures []string // "line N email: why", kept for the end on a terminal
}

func newProgress(w io.Writer, total int, bar bool) *progress {
	p := &progress{w: w, total: total, bar: bar}
	if bar {
		p.draw()
	}
	return p
}

// done records the result of one step.
func (p *progress) done(s *Step, r result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[r.outcome]++
	label := map[outcome]string{notRun: "not run", created: "created", reactivated: "reactivated",
		present: "already present", failed: "FAILED"}[r.outcome]
	line := fmt.Sprintf("line %d %s: %s (%s)", s.Row.Line, s.Row.Email, label, r.detail)
	if r.outcome == failed {
		p.failures = append(p.failures, line)
	}
	if p.bar {
		p.draw()
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// draw redraws the progress bar on the current line.
func (p *progress) draw() {
	const width = 30
	n := p.counts[created] + p.counts[reactivated] + p.counts[present] + p.counts[failed] + p.counts[notRun]
	fill := 0
	if p.total > 0 {
		fill = n * width / p.total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d  created %d, reactivated %d, present %d, failed %d",
		strings.Repeat("#", fill), strings.Repeat(".", width-fill), n, p.total,
		p.counts[created], p.counts[reactivated], p.counts[present], p.counts[failed])
}

// finish ends the bar, lists failures (on a terminal), prints the summary and
// returns an error when a row failed or the run was interrupted (interrupted).
func (p *progress) finish(interrupted error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar {
		fmt.Fprintln(p.w)
		for _, f := range p.failures {
			fmt.Fprintln(p.w, "  "+f)
		}
	}
	notRun := p.total - p.counts[created] - p.counts[reactivated] - p.counts[present] - p.counts[failed]
	fmt.Fprintf(p.w, "Summary: %d created, %d reactivated, %d already present, %d failed",
		p.counts[created], p.counts[reactivated], p.counts[present], p.counts[failed])
	if notRun > 0 {
		fmt.Fprintf(p.w, ", %d not run", notRun)
	}
	fmt.Fprintln(p.w, ".")
	switch {
	case interrupted != nil:
		return fmt.Errorf("interrupted: %w", interrupted)
	case p.counts[failed] > 0:
		return fmt.Errorf("%d of %d users failed", p.counts[failed], p.total)
	}
	return nil
}
