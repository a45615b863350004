package resource

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// Match describes how a Find picks one resource by a unique name.
type Match[T any] struct {
	// Attr names the attribute in messages and, for FindBy, in the filter:
	// "userName", "emails.value", "displayName".
	Attr string
	// Keys returns a resource's values of Attr (a user has several emails).
	Keys func(*T) []string
	// Fold accepts, failing an exact match, one match that differs only in
	// case (W&B compares user and team names ignoring case). Without it a
	// value that differs in case does not match, and the not-found error
	// names it.
	Fold bool
	// Unique says the server keeps Attr unique exactly as compared here, so
	// the first exact match is the answer and the walk stops there.
	Unique bool
	// Named is how messages introduce the value: "named" gives `no role
	// named "x"`; empty gives `no user with userName "x"`.
	Named string
}

// phrase introduces want in a message.
func (m Match[T]) phrase(want string) string {
	if m.Named != "" {
		return m.Named + " " + Quote(want)
	}
	return "with " + m.Attr + " " + Quote(want)
}

// Pick applies the rule every Find follows to the resources in seq: the one
// whose Keys include want exactly; else, with Fold, the one that matches
// ignoring case; else an error matching scim.ErrNotFound. Several matches at
// the deciding level give an error matching scim.ErrAmbiguous that lists
// their IDs. It never picks an arbitrary one.
func (c *Collection[T]) Pick(seq iter.Seq2[*T, error], want string, m Match[T]) (*T, error) {
	var exact, folded []*T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		keys := m.Keys(v)
		switch {
		case slices.Contains(keys, want) && m.Unique:
			return v, nil
		case slices.Contains(keys, want):
			exact = append(exact, v)
		case slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, want) }):
			folded = append(folded, v)
		}
	}
	matches := exact
	if len(matches) == 0 && m.Fold {
		matches = folded
	}
	switch {
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) > 1:
		ids := make([]string, len(matches))
		for i, v := range matches {
			ids[i] = c.ID(v)
		}
		return nil, fmt.Errorf("%d %ss %s (IDs %s): %w",
			len(matches), c.Noun, m.phrase(want), CutN(strings.Join(ids, ", "), 1<<10), scim.ErrAmbiguous)
	case len(folded) > 0:
		keys := m.Keys(folded[0])
		near := keys[slices.IndexFunc(keys, func(k string) bool { return strings.EqualFold(k, want) })]
		return nil, fmt.Errorf("no %s %s (%s is case-sensitive; %s exists): %w",
			c.Noun, m.phrase(want), m.Attr, Quote(near), scim.ErrNotFound)
	}
	return nil, fmt.Errorf("no %s %s: %w", c.Noun, m.phrase(want), scim.ErrNotFound)
}

// FindBy lists the resources matching the filter `Attr eq "want"` (every
// page) and picks one as Pick does, whatever the server's filter let
// through.
func (c *Collection[T]) FindBy(ctx context.Context, want string, m Match[T], opts []scim.RequestOption) (*T, error) {
	return c.Pick(c.All(ctx, &scim.ListOptions{Filter: scim.Eq(m.Attr, want)}, opts), want, m)
}
