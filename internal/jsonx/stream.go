package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects a Stream accepts; deeper
// input is an error, never a crash.
const MaxDepth = 512

// ErrTooDeep is returned for input nested deeper than MaxDepth.
var ErrTooDeep = errors.New("JSON nested too deeply")

// Stream reads JSON values from a reader one at a time, holding only the
// value being read (and what the last read brought in) in memory: a list of
// 9,999 resources is read one resource at a time. Every value it returns is
// checked to be valid JSON, in the same pass that finds where it ends.
type Stream struct {
	r     io.Reader
	buf   []byte // buf[pos:] is read but not consumed
	pos   int
	err   error  // the reader's error, once it failed or ended
	empty int    // consecutive reads that brought nothing
	stack []byte // the scanner's, kept between values
}

// NewStream returns a Stream reading from r.
func NewStream(r io.Reader) *Stream {
	return &Stream{r: r, buf: make([]byte, 0, 32<<10)}
}

// fill reads more input, keeping buf[pos:]. It reports whether any arrived.
func (s *Stream) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.pos = 0
	}
	if len(s.buf) == cap(s.buf) {
		s.buf = append(s.buf, make([]byte, cap(s.buf))...)[:len(s.buf)]
	}
	n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
	s.buf = s.buf[:len(s.buf)+n]
	switch {
	case err != nil:
		s.err = err
	case n == 0:
		if s.empty++; s.empty >= 100 {
			s.err = io.ErrNoProgress
		}
	default:
		s.empty = 0
	}
	return n > 0 || s.err == nil
}

// failure is the error for input that ended too soon or could not be read.
func (s *Stream) failure() error {
	if s.err != nil && s.err != io.EOF {
		return s.err
	}
	return io.ErrUnexpectedEOF
}

// Peek returns the next byte that is not white space, without consuming it.
func (s *Stream) Peek() (byte, error) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, nil
			}
		}
		if !s.fill() {
			return 0, s.failure()
		}
	}
}

// Expect consumes the next byte that is not white space, which must be c.
func (s *Stream) Expect(c byte) error {
	got, err := s.Peek()
	if err != nil {
		return err
	}
	if got != c {
		return fmt.Errorf("invalid JSON: want %q, got %q", c, got)
	}
	s.pos++
	return nil
}

// End consumes trailing white space and reports an error if anything else
// follows.
func (s *Stream) End() error {
	c, err := s.Peek()
	switch {
	case err == io.ErrUnexpectedEOF:
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("invalid JSON: %q after the top-level value", c)
}

// Next prepares for the next member of an object or element of an array
// whose opening bracket (or a previous member) was consumed: it consumes a
// separating comma and reports false, consuming the closing bracket, at the
// end. first says whether no member was read yet.
func (s *Stream) Next(closing byte, first bool) (bool, error) {
	c, err := s.Peek()
	if err != nil {
		return false, err
	}
	if c == closing {
		s.pos++
		return false, nil
	}
	if !first {
		if c != ',' {
			return false, fmt.Errorf("invalid JSON: want ',' or %q, got %q", closing, c)
		}
		s.pos++
	}
	return true, nil
}

// Key reads an object member's name and the colon after it.
func (s *Stream) Key() (string, error) {
	raw, err := s.Value()
	if err != nil {
		return "", err
	}
	if raw[0] != '"' {
		return "", fmt.Errorf("invalid JSON: object key %.20q is not a string", raw)
	}
	key, ok := unquoteBytes(raw)
	if !ok {
		return "", errors.New("invalid JSON: malformed object key")
	}
	return key, s.Expect(':')
}

// Value returns the next value's raw bytes, checked to be valid JSON (so a
// decoder may trust them). They stay valid only until the next call on s.
func (s *Stream) Value() ([]byte, error) {
	if _, err := s.Peek(); err != nil {
		return nil, err
	}
	sc := checkScanner{stack: s.stack[:0]}
	defer func() { s.stack = sc.stack[:0] }()
	start, i := s.pos, s.pos
	for {
		end, done, err := sc.scan(s.buf, i, false)
		if err != nil {
			return nil, err
		}
		if done {
			s.pos = end
			return s.buf[start:end], nil
		}
		// The value continues past the buffer: read more, keeping it.
		off := end - start
		s.pos = start
		more := s.fill()
		start = s.pos
		i = start + off
		if !more {
			end, done, err := sc.scan(s.buf, i, true)
			switch {
			case err != nil:
				return nil, err
			case done: // a number that ends the input
				s.pos = end
				return s.buf[start:end], nil
			}
			return nil, s.failure()
		}
	}
}

// valueScanner finds where a JSON value ends; it can stop at the end of its
// input and resume when more arrives.
type valueScanner struct {
	depth    int
	inString bool
	escaped  bool
	started  bool
}

// scan reads b from i. It returns the end of the value and true when it is
// complete, or the end of b and false when more input is needed.
func (sc *valueScanner) scan(b []byte, i int) (int, bool, error) {
	for ; i < len(b); i++ {
		c := b[i]
		if sc.inString {
			switch {
			case sc.escaped:
				sc.escaped = false
			case c == '\\':
				sc.escaped = true
			case c == '"':
				sc.inString = false
				if sc.depth == 0 {
					return i + 1, true, nil
				}
			case c < 0x20:
				return 0, false, errors.New("invalid JSON: control character in a string")
			}
			continue
		}
		switch c {
		case '"':
			if sc.started && sc.depth == 0 {
				return i, true, nil
			}
			sc.started = true
			sc.inString = true
		case '{', '[':
			if sc.started && sc.depth == 0 {
				return i, true, nil
			}
			sc.started = true
			sc.depth++
			if sc.depth > MaxDepth {
				return 0, false, ErrTooDeep
			}
		case '}', ']':
			if sc.depth == 0 {
				if !sc.started {
					return 0, false, fmt.Errorf("invalid JSON: unexpected %q", c)
				}
				return i, true, nil
			}
			sc.depth--
			if sc.depth == 0 {
				return i + 1, true, nil
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if sc.depth == 0 {
				if !sc.started {
					return 0, false, fmt.Errorf("invalid JSON: unexpected %q", c)
				}
				return i, true, nil
			}
		default:
			sc.started = true
		}
	}
	return i, false, nil
}

// Int reads the next value as an integer; null reads as 0.
func (s *Stream) Int() (int, error) {
	raw, err := s.Value()
	if err != nil {
		return 0, err
	}
	if string(raw) == "null" {
		return 0, nil
	}
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		f, ferr := strconv.ParseFloat(string(raw), 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, fmt.Errorf("invalid integer %.20q", raw)
		}
		n = int(f)
	}
	return n, nil
}

// unquoteBytes decodes a JSON string literal.
func unquoteBytes(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// IDBytes returns the value of the top-level "id" member of a JSON object
// when it is a string, without a copy when it holds no escape (the bytes may
// be a slice of obj, valid until obj changes). ok is false when there is no
// string id.
func IDBytes(obj []byte) (id []byte, ok bool) {
	d := NewDecoder(obj)
	if d.Open('{') != nil {
		return nil, false
	}
	for n := 0; ; n++ {
		key, more, err := d.Member(n)
		if err != nil || !more {
			return nil, false
		}
		if string(key) != "id" {
			if d.Skip() != nil {
				return nil, false
			}
			continue
		}
		if d.Peek() != '"' {
			return nil, false
		}
		id, err := d.stringBytes()
		return id, err == nil
	}
}
