package scim

import (
	"fmt"
	"strings"
)

// Filter is a SCIM filter expression, sent as the "filter" query parameter.
// Build one with Eq, And and Or, or convert a raw expression:
// scim.Filter(`userName sw "a"`). W&B documents only `userName eq`,
// `emails.value eq` (Users) and `displayName eq` (Groups).
type Filter string

// Eq returns `attribute eq "value"`, with value written as a JSON string, as
// SCIM filters take it: '"' and '\' escaped, and control characters (a
// newline, a tab, …) escaped rather than sent raw; \u escapes are written
// with upper-case hex ("\u001F"), which every SCIM filter parser accepts.
func Eq(attribute, value string) Filter {
	return Filter(attribute + ` eq "` + escapeValue(value) + `"`)
}

// escapeValue escapes a string for use inside a quoted filter value, as a
// JSON string's contents.
func escapeValue(v string) string {
	if !strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' }) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04X`, c) // upper-case hex: every filter parser reads it
		default:
			b.WriteByte(c) // other bytes, multi-byte runes included, as they are
		}
	}
	return b.String()
}

// Quote returns v as a quoted filter value, escaped as Eq does. Use it to build
// value paths such as `members[value eq ` + Quote(id) + `]`.
func Quote(v string) string { return `"` + escapeValue(v) + `"` }

// And returns "f and g". An empty operand yields the other; an operand with a
// top-level "or" is parenthesised, since "and" binds tighter.
func (f Filter) And(g Filter) Filter {
	switch {
	case f == "":
		return g
	case g == "":
		return f
	}
	return Filter(f.group() + " and " + g.group())
}

// Or returns "f or g". An empty operand yields the other.
func (f Filter) Or(g Filter) Filter {
	switch {
	case f == "":
		return g
	case g == "":
		return f
	}
	return Filter(string(f) + " or " + string(g))
}

// String returns the expression.
func (f Filter) String() string { return string(f) }

// group parenthesises f when it has an "or" outside quotes and brackets.
func (f Filter) group() string {
	s := string(f)
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], " or "):
			return "(" + s + ")"
		}
	}
	return s
}
