package jsonx

import "fmt"

// checkScanner finds where a JSON value ends and checks, on the way, that it
// is valid JSON (the grammar encoding/json accepts), so that whoever decodes
// it can trust it. It can stop at the end of its input and resume when more
// arrives. The zero value expects a value.
type checkScanner struct {
	stack []byte // the open containers, '{' or '['
	state scanState
	key   bool   // the string being read is an object key
	lit   string // the literal being read ("true", "false", "null")
	litAt int    // how much of it was read
	hex   int    // hex digits left in a \u escape
}

type scanState uint8

const (
	scanValue        scanState = iota // a value must follow
	scanValueOrClose                  // after '[': a value or ']'
	scanKeyOrClose                    // after '{': a key or '}'
	scanKey                           // after ',' in an object: a key
	scanColon                         // after a key: ':'
	scanAfter                         // after a value in a container: ',' or its close
	scanString
	scanEscape
	scanHex
	scanMinus   // after '-'
	scanZero    // a leading 0
	scanInt     // integer digits
	scanDot     // after '.'
	scanFrac    // fraction digits
	scanExp     // after 'e'
	scanExpSign // after the exponent's sign
	scanExpInt  // exponent digits
	scanLiteral
	scanDone // the value is complete
)

// numberEnds reports whether a number may end in state s.
func numberEnds(s scanState) bool {
	return s == scanZero || s == scanInt || s == scanFrac || s == scanExpInt
}

// scan reads b from i. It returns the end of the value and true when the
// value is complete, or len(b) and false when more input is needed. A
// number that ends the input is complete when atEOF.
func (sc *checkScanner) scan(b []byte, i int, atEOF bool) (int, bool, error) {
	for ; i < len(b); i++ {
		c := b[i]
		switch sc.state {
		case scanString:
			for i < len(b) && b[i] >= 0x20 && b[i] != '"' && b[i] != '\\' {
				i++
			}
			if i == len(b) {
				return i, false, nil
			}
			switch c = b[i]; {
			case c == '"':
				if sc.key {
					sc.key, sc.state = false, scanColon
				} else if sc.valueDone() {
					return i + 1, true, nil
				}
			case c == '\\':
				sc.state = scanEscape
			default:
				return 0, false, scanError("control character in a string")
			}
		case scanEscape:
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				sc.state = scanString
			case 'u':
				sc.state, sc.hex = scanHex, 4
			default:
				return 0, false, scanError("invalid escape in a string")
			}
		case scanHex:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return 0, false, scanError("invalid \\u escape")
			}
			if sc.hex--; sc.hex == 0 {
				sc.state = scanString
			}
		case scanLiteral:
			if c != sc.lit[sc.litAt] {
				return 0, false, scanError("invalid literal")
			}
			if sc.litAt++; sc.litAt == len(sc.lit) && sc.valueDone() {
				return i + 1, true, nil
			}
		case scanMinus, scanZero, scanInt, scanDot, scanFrac, scanExp, scanExpSign, scanExpInt:
			if next, ok := numberStep(sc.state, c); ok {
				sc.state = next
				continue
			}
			if !numberEnds(sc.state) {
				return 0, false, scanError("invalid number")
			}
			if sc.valueDone() {
				return i, true, nil // the delimiter belongs to what follows
			}
			i-- // read c again as what follows the number
		case scanDone:
			return i, true, nil
		default:
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				continue
			}
			done, err := sc.structural(c)
			if err != nil {
				return 0, false, err
			}
			if done {
				return i + 1, true, nil
			}
		}
	}
	if atEOF && numberEnds(sc.state) && len(sc.stack) == 0 {
		sc.state = scanDone
		return i, true, nil
	}
	return i, false, nil
}

// structural reads c outside strings, numbers and literals. It reports
// whether c completed the value.
func (sc *checkScanner) structural(c byte) (bool, error) {
	switch sc.state {
	case scanColon:
		if c != ':' {
			return false, scanError("want ':' after an object key")
		}
		sc.state = scanValue
		return false, nil
	case scanKeyOrClose, scanKey:
		switch {
		case c == '"':
			sc.state, sc.key = scanString, true
			return false, nil
		case c == '}' && sc.state == scanKeyOrClose:
			return sc.close(), nil
		}
		return false, scanError("want a string as object key")
	case scanAfter:
		top := sc.stack[len(sc.stack)-1]
		switch {
		case c == ',' && top == '{':
			sc.state = scanKey
		case c == ',':
			sc.state = scanValue
		case c == '}' && top == '{', c == ']' && top == '[':
			return sc.close(), nil
		default:
			return false, scanError(fmt.Sprintf("unexpected %q after a value", c))
		}
		return false, nil
	}
	// scanValue or scanValueOrClose: a value starts.
	switch {
	case c == ']' && sc.state == scanValueOrClose:
		return sc.close(), nil
	case c == '{' || c == '[':
		if len(sc.stack) >= MaxDepth {
			return false, ErrTooDeep
		}
		sc.stack = append(sc.stack, c)
		sc.state = scanKeyOrClose
		if c == '[' {
			sc.state = scanValueOrClose
		}
	case c == '"':
		sc.state = scanString
	case c == '-':
		sc.state = scanMinus
	case c == '0':
		sc.state = scanZero
	case c >= '1' && c <= '9':
		sc.state = scanInt
	case c == 't':
		sc.state, sc.lit, sc.litAt = scanLiteral, "true", 1
	case c == 'f':
		sc.state, sc.lit, sc.litAt = scanLiteral, "false", 1
	case c == 'n':
		sc.state, sc.lit, sc.litAt = scanLiteral, "null", 1
	default:
		return false, scanError(fmt.Sprintf("unexpected %q where a value belongs", c))
	}
	return false, nil
}

// close ends the innermost container and reports whether that completed the
// value.
func (sc *checkScanner) close() bool {
	sc.stack = sc.stack[:len(sc.stack)-1]
	return sc.valueDone()
}

// valueDone records that a value ended and reports whether it was the
// top-level one.
func (sc *checkScanner) valueDone() bool {
	if len(sc.stack) == 0 {
		sc.state = scanDone
		return true
	}
	sc.state = scanAfter
	return false
}

// numberStep is the grammar of a JSON number: the state after c, or false
// when c cannot continue the number.
func numberStep(s scanState, c byte) (scanState, bool) {
	digit := c >= '0' && c <= '9'
	switch s {
	case scanMinus:
		switch {
		case c == '0':
			return scanZero, true
		case digit:
			return scanInt, true
		}
	case scanZero, scanInt:
		switch {
		case digit && s == scanInt:
			return scanInt, true
		case c == '.':
			return scanDot, true
		case c == 'e' || c == 'E':
			return scanExp, true
		}
	case scanDot:
		if digit {
			return scanFrac, true
		}
	case scanFrac:
		switch {
		case digit:
			return scanFrac, true
		case c == 'e' || c == 'E':
			return scanExp, true
		}
	case scanExp:
		switch {
		case c == '+' || c == '-':
			return scanExpSign, true
		case digit:
			return scanExpInt, true
		}
	case scanExpSign, scanExpInt:
		if digit {
			return scanExpInt, true
		}
	}
	return s, false
}

func scanError(msg string) error { return fmt.Errorf("invalid JSON: %s", msg) }
