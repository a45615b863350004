package orgsync

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Status is what became of one change of a plan.
type Status string

// The statuses of a Result. Only Applied and NotApplicable count as done; a
// change is Failed only when it was not applied (the server refused it, or
// reading it back showed it was not made).
const (
	// Applied: the server holds the change (its reply said so, or, after a
	// reply was lost or the run interrupted, reading it back did).
	Applied Status = "applied"
	// Failed: the change was not applied; Err says why.
	Failed Status = "failed"
	// Unknown: the change was sent, its reply was lost (or the run was
	// interrupted), and reading it back failed too: it may or may not have
	// been applied. The next plan shows which.
	Unknown Status = "outcome unknown"
	// NotAttempted: a change it depends on failed, so it was not sent.
	NotAttempted Status = "not attempted"
	// NotStarted: the run was stopped (ApplyOptions.Stop, or its context
	// cancelled) before the change was sent.
	NotStarted Status = "not started"
	// NotApplicable: the deployment cannot make the change: the server
	// refused it as unsupported, and nothing else was asked.
	NotApplicable Status = "not applicable"
	// Partial: part of the change was made and part was not; Err says
	// which (a user created whose attributes could not be set, a team's
	// members added but for those whose create failed).
	Partial Status = "applied in part"
)

// Result is what became of one change of a plan: Change is its plan line,
// Err why it failed, was not attempted or is unknown. NotApplicable names
// the fields of an applied change that the server refused as unsupported
// on its deployment (the rest were applied).
type Result struct {
	Change        string
	Status        Status
	Err           error
	NotApplicable []string
}

// MarshalJSON encodes the result as {"change", "status", "error",
// "not_applicable"}.
func (r Result) MarshalJSON() ([]byte, error) {
	out := struct {
		Change        string   `json:"change"`
		Status        Status   `json:"status"`
		Error         string   `json:"error,omitempty"`
		NotApplicable []string `json:"not_applicable,omitempty"`
	}{Change: r.Change, Status: r.Status, NotApplicable: r.NotApplicable}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return json.Marshal(out)
}

// String returns the result as a report line: the change, then what
// became of it unless it was applied whole.
func (r Result) String() string {
	s := r.Change
	switch r.Status {
	case Applied:
	case Failed:
		s += ": FAILED"
	case Unknown:
		s += ": OUTCOME UNKNOWN"
	default:
		s += ": " + string(r.Status)
	}
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	if len(r.NotApplicable) > 0 && r.Status != NotApplicable {
		s += " (not applicable, not made: " + strings.Join(r.NotApplicable, ", ") + ")"
	}
	return s
}

// Report is what Apply did: one Result per change, in the plan's order.
// Stopped says the run was stopped (ApplyOptions.Stop, or its context
// cancelled) before every change was sent: some are NotStarted.
type Report struct {
	Results []Result `json:"results"`
	Stopped bool     `json:"stopped,omitempty"`
}

// Count returns how many results have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, x := range r.Results {
		if x.Status == s {
			n++
		}
	}
	return n
}

// Done reports whether every change was applied or is not applicable.
func (r *Report) Done() bool {
	return r.Count(Applied)+r.Count(NotApplicable) == len(r.Results)
}

// NotApplicable lists the changes, and fields of applied changes, that the
// deployment cannot make.
func (r *Report) NotApplicable() []string {
	var out []string
	for _, x := range r.Results {
		switch {
		case x.Status == NotApplicable:
			out = append(out, x.Change)
		case len(x.NotApplicable) > 0:
			out = append(out, x.Change+": "+strings.Join(x.NotApplicable, ", "))
		}
	}
	return out
}

// Summary returns the report's one-line summary, such as "Applied 12
// changes." or "Applied 9 of 14 changes: 1 failed, 1 outcome unknown, 1
// not attempted, 2 not started."
func (r *Report) Summary() string {
	applied := r.Count(Applied)
	na := ""
	if n := r.Count(NotApplicable); n > 0 {
		na = fmt.Sprintf(" (%d not applicable)", n)
	}
	if r.Done() {
		return fmt.Sprintf("Applied %d %s%s.", applied, plural(applied, "change", "changes"), na)
	}
	var parts []string
	for _, s := range []Status{Partial, Failed, Unknown, NotAttempted, NotStarted, NotApplicable} {
		if n := r.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return fmt.Sprintf("Applied %d of %d changes: %s.", applied, len(r.Results), strings.Join(parts, ", "))
}

// WriteText writes one line per result and the summary.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, x := range r.Results {
		b.WriteString("  " + x.String() + "\n")
	}
	b.WriteString(r.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// ApplyError reports an Apply in which some changes were not applied or
// their outcome is unknown; Report says what became of each. errors.Is and
// errors.As see the errors of the failed and unknown changes (a change
// refused because its resource changed since the plan matches
// scim.ErrPreconditionFailed; one refused by the guard ErrGuarded; an
// unknown one scim.ErrOutcomeUnknown).
type ApplyError struct {
	Report *Report
	// Journal is the error that stopped the apply when its journal
	// (ApplyOptions.Journal) could not be written; the changes Report
	// lists as applied were made all the same.
	Journal error
}

// Error implements error.
func (e *ApplyError) Error() string {
	r := e.Report
	msg := "orgsync: " + r.Summary()
	if r.Stopped {
		msg = "orgsync: stopped: " + r.Summary()
	}
	if e.Journal != nil {
		msg = "orgsync: stopped, since the journal could not be written (" + e.Journal.Error() + "): " + r.Summary()
	}
	for _, x := range r.Results {
		if x.Status == Failed || x.Status == Unknown || x.Status == NotAttempted || x.Status == Partial {
			return msg + " First: " + x.String()
		}
	}
	return msg
}

// Unwrap returns the errors of the changes that failed, were applied in
// part, or whose outcome is unknown.
func (e *ApplyError) Unwrap() []error {
	var out []error
	if e.Journal != nil {
		out = append(out, e.Journal)
	}
	for _, r := range e.Report.Results {
		if r.Status == Failed || r.Status == Unknown || r.Status == Partial {
			out = append(out, r.Err)
		}
	}
	return out
}

// BudgetError reports a plan whose removals exceed the removal budget;
// Apply then sends nothing.
type BudgetError struct {
	// Removals lists what the plan would take away (Plan.Removals).
	Removals []string
	// Limit is the most the budget allows for the plan.
	Limit int
	// Budget is the budget, and Managed what the file manages.
	Budget  Budget
	Managed int
}

// Error implements error.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("orgsync: the plan removes %d (users deactivated and team members removed), more than the removal budget "+
		"allows: %s of the %d users and members the file lists is %d; nothing was applied", len(e.Removals), e.Budget, e.Managed, e.Limit)
}

// ErrNotSameResource matches the error of a change refused because the ID
// the plan recorded no longer names the resource the plan named (another
// user, team or role now has it, or none does): nothing was sent for it.
var ErrNotSameResource = errors.New("orgsync: the ID no longer names the resource the plan named")

// notSame reports that kind id is now called got ("" when gone), not name.
func notSame(kind, name, id, got string) error {
	if got == "" {
		return fmt.Errorf("%s %s (ID %s) is no longer in the organization: %w", kind, cut(name), cut(id), ErrNotSameResource)
	}
	return fmt.Errorf("%s ID %s now names %s %s, not %s; the change was not sent: %w", kind, cut(id), kind, cut(got), cut(name), ErrNotSameResource)
}
