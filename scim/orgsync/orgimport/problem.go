package orgimport

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Location is where a record of an input is: its file, the line it starts
// on, and for JSON its path ("value[3]", "[1].value[0]", "#2[5]" for the
// second of several values in a row). A problem of a whole file has
// neither line nor path; one of a mapping or organization file found after
// decoding has a path only ("teams[0].group").
type Location struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"` // 1-based
	Path string `json:"path,omitempty"`
}

// String returns "file:line", "file: path", "file:line: path" or "file".
func (l Location) String() string {
	switch {
	case l.Line > 0 && l.Path != "":
		return l.File + ":" + strconv.Itoa(l.Line) + ": " + l.Path
	case l.Line > 0:
		return l.File + ":" + strconv.Itoa(l.Line)
	case l.Path != "":
		return l.File + ": " + l.Path
	}
	return l.File
}

// Problem is one thing wrong with the inputs (an export, the mapping file,
// the file to merge with) or with the organization file they make.
type Problem struct {
	Location
	Message string `json:"message"`
}

// String returns "file:line: message" (or "file: path: message").
func (p Problem) String() string {
	if p.File == "" && p.Path == "" {
		return p.Message
	}
	return p.Location.String() + ": " + p.Message
}

// Error lists every problem Import found, in file and line order. Import
// returns no file with it: nothing of a run with an error is to be written.
type Error struct {
	Problems []Problem
}

// Error implements error: the count and the first problems, one a line.
func (e *Error) Error() string {
	const shown = 20
	var b strings.Builder
	fmt.Fprintf(&b, "orgimport: %d %s in the inputs", len(e.Problems), plural(len(e.Problems), "problem", "problems"))
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "\n  and %d more", len(e.Problems)-shown)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// problems collects problems.
type problems struct {
	list []Problem
}

func (ps *problems) add(at Location, format string, args ...any) {
	ps.list = append(ps.list, Problem{Location: at, Message: fmt.Sprintf(format, args...)})
}

// err returns the problems, sorted by file (in the order the files were
// given), then line and path, as an *Error; nil when there are none.
func (ps *problems) err(order map[string]int) error {
	if len(ps.list) == 0 {
		return nil
	}
	slices.SortStableFunc(ps.list, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(order[a.File], order[b.File]), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			comparePaths(a.Path, b.Path))
	})
	return &Error{Problems: ps.list}
}

// keyOrder ranks the top-level keys of the mapping file (and of an
// organization file) as they are documented, for the order of problems.
var keyOrder = []string{"users", "groups", "active", "defaults", "userRules", "teams", "otherGroups", "membership",
	"ignoreGroups", "ignoreUsers", "roles"}

// comparePaths orders JSON paths by their top-level key (keyOrder, others
// after), then with their indexes compared as numbers: "value[2]" before
// "value[10]".
func comparePaths(a, b string) int {
	rank := func(p string) int {
		top := p[:strings.IndexAny(p+".[", ".[")]
		if i := slices.Index(keyOrder, top); i >= 0 {
			return i
		}
		return len(keyOrder)
	}
	if c := cmp.Compare(rank(a), rank(b)); c != 0 {
		return c
	}
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		if na >= 0 && nb >= 0 {
			if na != nb {
				return cmp.Compare(na, nb)
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// leadingNumber returns the number s starts with and the rest, or -1.
func leadingNumber(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 {
		return -1, s
	}
	n, _ := strconv.Atoi(s[:i])
	return n, s[i:]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// count writes n and a noun, plural unless n is 1.
func count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + plural(n, one, many)
}

// quote bounds a value quoted in a message.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}
