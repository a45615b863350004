package scimtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-wandb/identity/scim"
)

// comparison is the one filter form W&B supports: attr eq "value".
type comparison struct {
	attr  string // as written
	value string // unquoted
}

// parseFilter parses `attr eq "value"`: one comparison, operator eq (any
// case), the value a double-quoted string with JSON escapes (\" and \\).
// Anything else (other operators, and/or, unquoted values) is an
// invalidFilter 400.
func parseFilter(expr string) (comparison, error) {
	s := strings.TrimSpace(expr)
	attr, rest, ok := cutSpace(s)
	if !ok {
		return comparison{}, invalidFilter("unsupported filter %q: only `attribute eq \"value\"` is supported", expr)
	}
	op, rest, ok := cutSpace(rest)
	if !ok || !strings.EqualFold(op, "eq") {
		return comparison{}, invalidFilter("unsupported filter %q: only the eq operator is supported", expr)
	}
	value, rest, err := cutQuoted(rest)
	if err != nil || strings.TrimSpace(rest) != "" {
		return comparison{}, invalidFilter("unsupported filter %q: the value must be one double-quoted string, and and/or are not supported", expr)
	}
	return comparison{attr: attr, value: value}, nil
}

// cutSpace splits s at its first run of white space.
func cutSpace(s string) (before, after string, ok bool) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i <= 0 {
		return s, "", false
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace), true
}

// cutQuoted reads a JSON string literal at the start of s and returns its
// value and what follows it.
func cutQuoted(s string) (value, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", badRequest("not a quoted string")
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			err := json.Unmarshal([]byte(s[:i+1]), &value)
			return value, s[i+1:], err
		}
	}
	return "", "", badRequest("unterminated string")
}

// valuePath is a PATCH path with a value filter: attr[sub eq "value"].
type valuePath struct {
	attr string
	cmp  comparison
}

// parseValuePath parses `attr[sub eq "value"]`; ok is false when path has
// no brackets.
func parseValuePath(path string) (valuePath, bool, error) {
	open := strings.IndexByte(path, '[')
	if open < 0 {
		return valuePath{}, false, nil
	}
	if !strings.HasSuffix(path, "]") {
		return valuePath{}, true, badRequest("invalid path %q", path)
	}
	cmp, err := parseFilter(path[open+1 : len(path)-1])
	if err != nil {
		return valuePath{}, true, badRequest("invalid path %q: %s", path, err.(*apiError).detail)
	}
	return valuePath{attr: strings.TrimSpace(path[:open]), cmp: cmp}, true, nil
}

// maxResults is W&B's cap on one list reply, and its constant itemsPerPage.
const maxResults = 9999

// listReply pages resources as W&B does (all of them, at most 9999, with
// startIndex 1 and itemsPerPage 9999) or, with Options.HonorPaging, by the
// request's startIndex and count.
func (s *Server) listReply(q map[string][]string, resources []any) (reply, error) {
	total := len(resources)
	start, count, perPage := 1, maxResults, maxResults
	if s.opts.HonorPaging {
		var err error
		if start, err = intParam(q, "startIndex", 1); err != nil {
			return reply{}, err
		}
		if count, err = intParam(q, "count", maxResults); err != nil {
			return reply{}, err
		}
		start, count = max(start, 1), min(max(count, 0), maxResults)
	}
	from := min(start-1, total)
	page := resources[from:min(from+count, total)]
	if s.opts.HonorPaging {
		perPage = len(page)
	}
	body := listResponse{
		ItemsPerPage: perPage,
		Schemas:      []string{scim.ListResponseSchema},
		StartIndex:   start,
		TotalResults: total,
	}
	if len(page) > 0 || !s.opts.LegacyEmails {
		body.Resources = append([]any{}, page...)
	}
	return reply{status: http.StatusOK, body: body}, nil
}

func intParam(q map[string][]string, name string, def int) (int, error) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("invalid %s %q: must be an integer", name, v)
	}
	return n, nil
}

// filterParam returns the request's filter, "" when absent.
func filterParam(q map[string][]string) string {
	if vs := q["filter"]; len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}
