package scimtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A small reader for the GraphQL documents the SDK sends: operations,
// fragments, fields with aliases and arguments (variables resolved),
// fragment spreads and inline fragments. Variable definitions, directives and
// type conditions are read and ignored. The server resolves each root field
// to a whole object and then keeps only what the query selected, as a real
// GraphQL server answers.
//
// A query is untrusted input, so the reader bounds its work: selections and
// argument values may nest at most maxGQLDepth levels, fragments must not
// spread themselves (GraphQL's NoFragmentCycles rule), every spread must name
// a fragment of the document, and the operation, with its fragments
// expanded, may select at most maxGQLNodes fields.

const (
	maxGQLDepth = 64
	maxGQLNodes = 100_000
)

// gqlField is a selected field (or, with spread set, a fragment spread; with
// inline set, an inline fragment whose selections are in sels).
type gqlField struct {
	alias  string // the response key: the alias, or the field name
	name   string
	args   map[string]any
	sels   []gqlField
	spread string
	inline bool
}

type gqlToken struct {
	kind byte // 'n' name, 's' string, '0' number, 'p' punctuator
	text string
}

// gqlOperation is the operation to run: its root fields and the document's
// fragments.
type gqlOperation struct {
	fields    []gqlField
	fragments map[string][]gqlField
}

// parseGraphQL reads query and returns the operation named opName (the
// first operation when opName is empty).
func parseGraphQL(query, opName string, vars map[string]any) (*gqlOperation, error) {
	toks, err := gqlTokens(query)
	if err != nil {
		return nil, err
	}
	p := &gqlParser{toks: toks, vars: vars}
	op := &gqlOperation{fragments: map[string][]gqlField{}}
	found := false
	for !p.done() {
		t := p.peek()
		var name string
		switch {
		case t.kind == 'n' && t.text == "fragment":
			p.i++
			frag := p.take().text
			p.i += 2 // on Type
			if err := p.skipDirectives(); err != nil {
				return nil, err
			}
			sels, err := p.selectionSet()
			if err != nil {
				return nil, err
			}
			op.fragments[frag] = sels
			continue
		case t.kind == 'n' && (t.text == "query" || t.text == "mutation" || t.text == "subscription"):
			p.i++
			if p.peek().kind == 'n' {
				name = p.take().text
			}
			if p.is('p', "(") {
				if err := p.skipBlock("(", ")"); err != nil {
					return nil, err
				}
			}
			if err := p.skipDirectives(); err != nil {
				return nil, err
			}
		case t.kind == 'p' && t.text == "{":
		default:
			return nil, fmt.Errorf("syntax error: unexpected %q", t.text)
		}
		sels, err := p.selectionSet()
		if err != nil {
			return nil, err
		}
		if !found && (opName == "" || name == opName) {
			op.fields, found = sels, true
		}
	}
	switch {
	case found:
	case opName != "":
		return nil, fmt.Errorf("unknown operation named %q", opName)
	default:
		return nil, errors.New("the document has no operation")
	}
	if err := op.check(); err != nil {
		return nil, err
	}
	return op, nil
}

// check rejects fragment cycles and unknown fragments, and an operation
// that selects more than maxGQLNodes fields once its fragments are
// expanded. It runs in time linear in the document: each fragment's
// expanded size is computed once.
func (op *gqlOperation) check() error {
	c := &gqlChecker{op: op, state: map[string]int{}, size: map[string]int{}}
	for name := range op.fragments {
		if _, err := c.fragment(name); err != nil {
			return err
		}
	}
	n, err := c.count(op.fields)
	if err != nil {
		return err
	}
	if n > maxGQLNodes {
		return fmt.Errorf("the query selects more than %d fields once its fragments are expanded", maxGQLNodes)
	}
	return nil
}

type gqlChecker struct {
	op    *gqlOperation
	state map[string]int // 1: being expanded, 2: done
	size  map[string]int // a done fragment's expanded size, at most maxGQLNodes+1
}

// count returns the expanded size of sels, saturated at maxGQLNodes+1.
func (c *gqlChecker) count(sels []gqlField) (int, error) {
	n := 0
	for _, f := range sels {
		k := 0
		var err error
		if f.spread != "" {
			k, err = c.fragment(f.spread)
		} else {
			k, err = c.count(f.sels)
		}
		if err != nil {
			return 0, err
		}
		n = min(n+1+k, maxGQLNodes+1)
	}
	return n, nil
}

func (c *gqlChecker) fragment(name string) (int, error) {
	switch c.state[name] {
	case 1:
		return 0, fmt.Errorf("Cannot spread fragment %q within itself", name)
	case 2:
		return c.size[name], nil
	}
	sels, ok := c.op.fragments[name]
	if !ok {
		return 0, fmt.Errorf("Unknown fragment %q", name)
	}
	c.state[name] = 1
	n, err := c.count(sels)
	if err != nil {
		return 0, err
	}
	c.state[name], c.size[name] = 2, n
	return n, nil
}

// project keeps from v what sels select, recursing into objects and lists.
// A field v lacks is null.
func (op *gqlOperation) project(v any, sels []gqlField) any {
	if len(sels) == 0 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		op.projectInto(out, x, sels)
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = op.project(e, sels)
		}
		return out
	}
	return v
}

// projectInto copies the selected fields of obj into out. check has ruled
// out fragment cycles and bounded the work.
func (op *gqlOperation) projectInto(out, obj map[string]any, sels []gqlField) {
	for _, f := range sels {
		switch {
		case f.spread != "":
			op.projectInto(out, obj, op.fragments[f.spread])
		case f.inline:
			op.projectInto(out, obj, f.sels)
		default:
			out[f.alias] = op.project(obj[f.name], f.sels)
		}
	}
}

type gqlParser struct {
	toks  []gqlToken
	i     int
	vars  map[string]any
	depth int // of the selection sets and values being read
}

// enter goes one nesting level down; the caller defers p.leave().
func (p *gqlParser) enter() error {
	p.depth++
	if p.depth > maxGQLDepth {
		return fmt.Errorf("syntax error: the query nests more than %d levels deep", maxGQLDepth)
	}
	return nil
}

func (p *gqlParser) leave() { p.depth-- }

func (p *gqlParser) done() bool { return p.i >= len(p.toks) }

func (p *gqlParser) peek() gqlToken {
	if p.done() {
		return gqlToken{kind: 'p', text: "<end>"}
	}
	return p.toks[p.i]
}

func (p *gqlParser) take() gqlToken {
	t := p.peek()
	p.i++
	return t
}

func (p *gqlParser) is(kind byte, text string) bool {
	t := p.peek()
	return !p.done() && t.kind == kind && t.text == text
}

func (p *gqlParser) expect(text string) error {
	if !p.is('p', text) {
		return fmt.Errorf("syntax error: expected %q, found %q", text, p.peek().text)
	}
	p.i++
	return nil
}

// skipBlock skips a balanced open…close group starting at the current token.
func (p *gqlParser) skipBlock(open, close string) error {
	if err := p.expect(open); err != nil {
		return err
	}
	for depth := 1; depth > 0; {
		if p.done() {
			return fmt.Errorf("syntax error: unclosed %q", open)
		}
		switch t := p.take(); {
		case t.kind == 'p' && t.text == open:
			depth++
		case t.kind == 'p' && t.text == close:
			depth--
		}
	}
	return nil
}

func (p *gqlParser) skipDirectives() error {
	for p.is('p', "@") {
		p.i += 2
		if p.is('p', "(") {
			if err := p.skipBlock("(", ")"); err != nil {
				return err
			}
		}
	}
	return nil
}

// selectionSet reads { selection* }.
func (p *gqlParser) selectionSet() ([]gqlField, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	defer p.leave()
	if err := p.enter(); err != nil {
		return nil, err
	}
	var fields []gqlField
	for !p.is('p', "}") {
		if p.done() {
			return nil, errors.New("syntax error: unclosed {")
		}
		f, err := p.selection()
		if err != nil {
			return nil, err
		}
		fields = append(fields, f)
	}
	p.i++
	return fields, nil
}

func (p *gqlParser) selection() (gqlField, error) {
	if p.is('p', "...") {
		p.i++
		if p.peek().kind == 'n' && p.peek().text != "on" {
			f := gqlField{spread: p.take().text}
			return f, p.skipDirectives()
		}
		if p.is('n', "on") {
			p.i += 2
		}
		if err := p.skipDirectives(); err != nil {
			return gqlField{}, err
		}
		sels, err := p.selectionSet()
		return gqlField{inline: true, sels: sels}, err
	}
	t := p.take()
	if t.kind != 'n' {
		return gqlField{}, fmt.Errorf("syntax error: unexpected %q in a selection", t.text)
	}
	f := gqlField{alias: t.text, name: t.text}
	if p.is('p', ":") {
		p.i++
		n := p.take()
		if n.kind != 'n' {
			return gqlField{}, fmt.Errorf("syntax error: expected a field name after %q:", t.text)
		}
		f.name = n.text
	}
	if p.is('p', "(") {
		args, err := p.arguments()
		if err != nil {
			return gqlField{}, err
		}
		f.args = args
	}
	if err := p.skipDirectives(); err != nil {
		return gqlField{}, err
	}
	if p.is('p', "{") {
		sels, err := p.selectionSet()
		if err != nil {
			return gqlField{}, err
		}
		f.sels = sels
	}
	return f, nil
}

func (p *gqlParser) arguments() (map[string]any, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	return p.pairs(")")
}

// pairs reads "name: value" pairs up to close (arguments, object fields).
func (p *gqlParser) pairs(close string) (map[string]any, error) {
	out := map[string]any{}
	for !p.is('p', close) {
		k := p.take()
		if k.kind != 'n' {
			return nil, fmt.Errorf("syntax error: expected a name, found %q", k.text)
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out[k.text] = v
	}
	return out, p.expect(close)
}

// value reads a literal or a variable, which it resolves.
func (p *gqlParser) value() (any, error) {
	defer p.leave()
	if err := p.enter(); err != nil {
		return nil, err
	}
	t := p.take()
	switch t.kind {
	case 's':
		return t.text, nil
	case '0':
		return strconv.ParseFloat(t.text, 64)
	case 'n':
		switch t.text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return t.text, nil // an enum value
	}
	switch t.text {
	case "$":
		n := p.take()
		if n.kind != 'n' {
			return nil, errors.New("syntax error: expected a variable name after $")
		}
		return p.vars[n.text], nil
	case "[":
		var list []any
		for !p.is('p', "]") {
			if p.done() {
				return nil, errors.New("syntax error: unclosed [")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		p.i++
		return list, nil
	case "{":
		return p.pairs("}")
	}
	return nil, fmt.Errorf("syntax error: unexpected %q", t.text)
}

// gqlTokens splits a GraphQL document into tokens, dropping white space,
// commas and comments.
func gqlTokens(src string) ([]gqlToken, error) {
	var toks []gqlToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "..."):
			toks = append(toks, gqlToken{'p', "..."})
			i += 3
		case strings.ContainsRune("!$&():=@[]{}|", rune(c)):
			toks = append(toks, gqlToken{'p', string(c)})
			i++
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= '0' && src[j] <= '9' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= 'a' && src[j] <= 'z') {
				j++
			}
			toks = append(toks, gqlToken{'n', src[i:j]})
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && strings.ContainsRune("0123456789.eE+-", rune(src[j])) {
				j++
			}
			toks = append(toks, gqlToken{'0', src[i:j]})
			i = j
		case strings.HasPrefix(src[i:], `"""`):
			end := strings.Index(src[i+3:], `"""`)
			if end < 0 {
				return nil, errors.New("syntax error: unterminated block string")
			}
			toks = append(toks, gqlToken{'s', strings.ReplaceAll(src[i+3:i+3+end], `\"""`, `"""`)})
			i += end + 6
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, errors.New("syntax error: unterminated string")
			}
			var s string
			if err := json.Unmarshal([]byte(src[i:j+1]), &s); err != nil {
				return nil, fmt.Errorf("syntax error: bad string %s", src[i:j+1])
			}
			toks = append(toks, gqlToken{'s', s})
			i = j + 1
		default:
			return nil, fmt.Errorf("syntax error: unexpected character %q", c)
		}
	}
	return toks, nil
}
