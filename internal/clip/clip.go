// Package clip bounds text that errors quote (a URL, a server's detail, an
// argument), so that no error grows with its input.
package clip

import "unicode/utf8"

// String returns s cut to at most n bytes on a rune boundary, marked with
// "…" when cut.
func String(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
