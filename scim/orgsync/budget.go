package orgsync

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// defaultPercent is the removal budget of the zero Budget.
const defaultPercent = 10

// Budget bounds what an Apply may take away: the users it deactivates plus
// the members it removes from teams, so that a bad file (or an identity
// provider's export that lost half its rows) cannot empty an organization.
// It is a count, or a percentage of what the plan's file manages (its users
// and its teams' members, Plan.Managed), rounded up. The zero Budget is 10%.
// A Budget works as a flag (flag.TextVar): "25" or "10%".
type Budget struct {
	n       float64
	percent bool
	set     bool
}

// MaxRemovals returns the budget of at most n removals (0: none).
func MaxRemovals(n int) Budget { return Budget{n: float64(max(n, 0)), set: true} }

// MaxRemovalsPercent returns the budget of at most p percent of what the
// file manages, rounded up. A percentage is finite and within 0–100: p
// above 100 is 100, below 0 is 0, and NaN is 0 (no removals), the
// cautious reading of a number that is none.
func MaxRemovalsPercent(p float64) Budget {
	switch {
	case math.IsNaN(p), p < 0:
		p = 0
	case p > 100: // +Inf included
		p = 100
	}
	return Budget{n: p, percent: true, set: true}
}

// Limit returns the most removals b allows a plan whose file manages
// managed users and memberships.
func (b Budget) Limit(managed int) int {
	if !b.set {
		b = MaxRemovalsPercent(defaultPercent)
	}
	if b.percent {
		return int(math.Ceil(b.n * float64(managed) / 100))
	}
	return int(b.n)
}

// String returns the budget as UnmarshalText reads it: "25" or "10%".
func (b Budget) String() string {
	if !b.set {
		return strconv.Itoa(defaultPercent) + "%"
	}
	s := strconv.FormatFloat(b.n, 'f', -1, 64)
	if b.percent {
		s += "%"
	}
	return s
}

// MarshalText implements encoding.TextMarshaler.
func (b Budget) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText reads a count ("25") or a percentage from 0 to 100
// ("10%", "2.5%").
func (b *Budget) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(f >= 0 && f <= 100) { // NaN and ±Inf fail too
			return fmt.Errorf("invalid removal budget %q: want a count such as 25 or a percentage from 0%% to 100%% such as 10%%", cut(s))
		}
		*b = MaxRemovalsPercent(f)
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return fmt.Errorf("invalid removal budget %q: want a count such as 25 or a percentage such as 10%%", cut(s))
	}
	*b = MaxRemovals(n)
	return nil
}

// Check returns a *BudgetError when p removes more than b allows, and nil
// otherwise. Apply checks so before sending anything.
func (b Budget) Check(p *Plan) error {
	if removals, limit := p.Removals(), b.Limit(p.Managed); len(removals) > limit {
		return &BudgetError{Removals: removals, Limit: limit, Budget: b, Managed: p.Managed}
	}
	return nil
}
