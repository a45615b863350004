package jsonx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Decoder reads JSON from a byte slice without reflection: the fast path of
// the SDK's resource decoders. It reads what encoding/json reads, with the
// same results for strings (escapes, invalid UTF-8 replaced by U+FFFD), and
// checks what it skips, so a value it accepts is valid JSON. Its lenient
// readers (LenientBool, LenientInt, Text, Time) decide in one pass what the
// SDK reads from a value sent in an unexpected shape.
//
// A resource decoder reads an object like this:
//
//	if err := d.Open('{'); err != nil { … }
//	for n := 0; ; n++ {
//		more, err := d.More('}', n)
//		…
//		key, err := d.Key()
//		switch string(key) { case "id": v.ID, err = d.String() … default: err = d.Skip() }
//	}
type Decoder struct {
	data    []byte
	off     int
	depth   int
	scratch []byte // unescaped strings, reused
}

// NewDecoder returns a Decoder reading data.
func NewDecoder(data []byte) Decoder { return Decoder{data: data} }

// SyntaxError is JSON the Decoder could not read.
type SyntaxError struct {
	Offset int
	msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.msg)
}

func (d *Decoder) syntax(format string, args ...any) error {
	return &SyntaxError{Offset: d.off, msg: fmt.Sprintf(format, args...)}
}

// typeError reports a value of the wrong kind for a Go type, as
// encoding/json does.
func (d *Decoder) typeError(kind string, t reflect.Type) error {
	return &json.UnmarshalTypeError{Value: kind, Type: t, Offset: int64(d.off)}
}

var (
	stringType = reflect.TypeFor[string]()
	boolType   = reflect.TypeFor[bool]()
	intType    = reflect.TypeFor[int]()
	sliceType  = reflect.TypeFor[[]any]()
	objectType = reflect.TypeFor[map[string]any]()
)

// Peek returns the first byte of the next value, after white space, or 0 at
// the end of the input (a NUL byte in the input is never valid JSON there).
func (d *Decoder) Peek() byte {
	for d.off < len(d.data) {
		switch c := d.data[d.off]; c {
		case ' ', '\t', '\n', '\r':
			d.off++
		default:
			return c
		}
	}
	return 0
}

// kindOf names the JSON kind a value starting with c is, for type errors.
func kindOf(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// Null consumes a null and reports whether there was one.
func (d *Decoder) Null() bool {
	if d.Peek() == 'n' && bytes.HasPrefix(d.data[d.off:], []byte("null")) {
		d.off += 4
		return true
	}
	return false
}

// Open consumes the opening bracket of an object ('{') or an array ('['). A
// value of another kind is an error of type *json.UnmarshalTypeError.
func (d *Decoder) Open(bracket byte) error {
	c := d.Peek()
	if c != bracket {
		if c == 0 {
			return d.syntax("unexpected end of input")
		}
		t := objectType
		if bracket == '[' {
			t = sliceType
		}
		return d.typeError(kindOf(c), t)
	}
	if d.depth++; d.depth > MaxDepth {
		return ErrTooDeep
	}
	d.off++
	return nil
}

// More reports whether another member (or element) follows in the object
// (or array) being read, n of them having been read; at the end it consumes
// the closing bracket and reports false.
func (d *Decoder) More(closing byte, n int) (bool, error) {
	c := d.Peek()
	if c == closing {
		d.off++
		d.depth--
		return false, nil
	}
	if n > 0 {
		if c != ',' {
			return false, d.syntax("want ',' or %q", closing)
		}
		d.off++
		if c = d.Peek(); c == closing {
			return false, d.syntax("trailing comma")
		}
	}
	if c == 0 {
		return false, d.syntax("unexpected end of input")
	}
	return true, nil
}

// Member advances to the next member of the object being read (n members
// having been read) and returns its key, or false at the end: More('}', n)
// and Key in one call.
func (d *Decoder) Member(n int) (key []byte, more bool, err error) {
	if more, err = d.More('}', n); err != nil || !more {
		return nil, false, err
	}
	key, err = d.Key()
	return key, err == nil, err
}

// Object reads an object, calling field with each member's key (valid during
// the call) for field to read the value; null reads as no members. A value of
// another kind is a *json.UnmarshalTypeError.
func (d *Decoder) Object(field func(key []byte) error) error {
	if d.Null() {
		return nil
	}
	if err := d.Open('{'); err != nil {
		return err
	}
	for n := 0; ; n++ {
		key, more, err := d.Member(n)
		if err != nil || !more {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
	}
}

// Key reads a member's name and the colon after it. The bytes are valid
// until the next read.
func (d *Decoder) Key() ([]byte, error) {
	if d.Peek() != '"' {
		return nil, d.syntax("want a string as object key")
	}
	key, err := d.stringBytes()
	if err != nil {
		return nil, err
	}
	if d.Peek() != ':' {
		return nil, d.syntax("want ':' after object key")
	}
	d.off++
	return key, nil
}

// String reads a string; null reads as "". Another kind is a
// *json.UnmarshalTypeError.
func (d *Decoder) String() (string, error) {
	switch c := d.Peek(); c {
	case '"':
		b, err := d.stringBytes()
		return string(b), err
	case 'n':
		if d.Null() {
			return "", nil
		}
	}
	return "", d.kindError(stringType)
}

// Intern reads a string as String does, returning one of common instead of a
// new string when it equals one: the values W&B repeats in every resource
// ("USER", "member", "full", schema URNs) cost nothing.
func (d *Decoder) Intern(common []string) (string, error) {
	if d.Peek() != '"' {
		return d.String()
	}
	b, err := d.stringBytes()
	if err != nil {
		return "", err
	}
	for _, s := range common {
		if string(b) == s {
			return s, nil
		}
	}
	return string(b), nil
}

// Bool reads true or false; null reads as false.
func (d *Decoder) Bool() (bool, error) {
	switch {
	case d.literal("true"):
		return true, nil
	case d.literal("false"), d.Null():
		return false, nil
	}
	return false, d.kindError(boolType)
}

// Int reads an integer; null reads as 0.
func (d *Decoder) Int() (int, error) {
	if d.Null() {
		return 0, nil
	}
	if c := d.Peek(); c != '-' && (c < '0' || c > '9') {
		return 0, d.kindError(intType)
	}
	num, err := d.number()
	if err != nil {
		return 0, err
	}
	n, ok := atoi(num)
	if !ok {
		return 0, d.typeError("number "+string(num), intType)
	}
	return n, nil
}

// atoi reads a decimal integer that fits an int, without allocating.
func atoi(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// kindError is the type error for the next value, which it skips.
func (d *Decoder) kindError(t reflect.Type) error {
	c := d.Peek()
	if c == 0 {
		return d.syntax("unexpected end of input")
	}
	err := d.typeError(kindOf(c), t)
	if skipErr := d.Skip(); skipErr != nil {
		return skipErr
	}
	return err
}

// LenientBool reads true, false, "true", "True", "1" and the like; any other
// value, an object or an array included, is false. It is what the SDK reads
// "active" and "primary" with.
func (d *Decoder) LenientBool() (bool, error) {
	switch {
	case d.literal("true"):
		return true, nil
	case d.literal("false"):
		return false, nil
	}
	s, err := d.textBytes()
	if err != nil {
		return false, err
	}
	v, _ := strconv.ParseBool(string(s))
	return v, nil
}

// LenientInt reads 3, 3.0 and "3"; any other value is 0.
func (d *Decoder) LenientInt() (int, error) {
	s, err := d.textBytes()
	if err != nil {
		return 0, err
	}
	if n, ok := atoi(s); ok {
		return n, nil
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return 0, nil
	}
	return int(f), nil
}

// Time reads a timestamp leniently, as ParseTime does: its text (the JSON of
// a value that is not a string; empty for null), valid until the next read,
// and, when the text is a time, the time. Only invalid JSON is an error. A well-formed RFC 3339
// time in UTC is read without allocating.
func (d *Decoder) Time() (t time.Time, text []byte, ok bool, err error) {
	text, err = d.textBytes()
	if err != nil || len(text) == 0 {
		return time.Time{}, text, false, err
	}
	if t, ok = parseRFC3339(text); ok {
		return t, text, true, nil
	}
	t, ok = ParseTime(string(text))
	return t, text, ok, nil
}

// parseRFC3339 reads the common form YYYY-MM-DDTHH:MM:SS[.fraction]Z (or
// with an offset) without allocating for UTC; anything else is left to
// ParseTime.
func parseRFC3339(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if b[i] == '.' {
		i++
		scale, digits := 100_000_000, 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if digits < 9 {
				nsec += int(b[i]-'0') * scale
				scale /= 10
			}
			digits++
		}
		if digits == 0 {
			return time.Time{}, false
		}
	}
	loc := time.UTC
	switch rest := b[i:]; {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, m := num(i+1, 2), num(i+4, 2)
		if h < 0 || h > 23 || m < 0 || m > 59 {
			return time.Time{}, false
		}
		offset := h*3600 + m*60
		if rest[0] == '-' {
			offset = -offset
		}
		if offset != 0 {
			loc = time.FixedZone("", offset)
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day {
		return time.Time{}, false // 31 February
	}
	return t, true
}

// textBytes reads any value leniently as text: a string's text, or the JSON
// of anything else (a number's or literal's token, an object's or array's
// text); null gives nothing. The bytes are valid until the next read.
func (d *Decoder) textBytes() ([]byte, error) {
	switch c := d.Peek(); {
	case c == '"':
		return d.stringBytes()
	case c == 'n' && d.Null():
		return nil, nil
	}
	return d.Raw()
}

// literal consumes word (true, false) if it is next.
func (d *Decoder) literal(word string) bool {
	if d.Peek() == word[0] && bytes.HasPrefix(d.data[d.off:], []byte(word)) {
		end := d.off + len(word)
		if end == len(d.data) || !isWordByte(d.data[end]) {
			d.off = end
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// Raw returns the next value's bytes, checked: valid until the data changes.
func (d *Decoder) Raw() ([]byte, error) {
	d.Peek()
	start := d.off
	if err := d.Skip(); err != nil {
		return nil, err
	}
	return d.data[start:d.off], nil
}

// Value returns the next value's bytes after a quick structural scan that
// does not check them: for a caller that decodes them strictly itself (a
// nested type's UnmarshalJSON), so that they are checked once.
func (d *Decoder) Value() ([]byte, error) {
	d.Peek()
	var sc valueScanner
	end, done, err := sc.scan(d.data, d.off)
	if err != nil {
		return nil, err
	}
	if !done {
		if d.off == len(d.data) || sc.depth > 0 || sc.inString {
			return nil, d.syntax("unexpected end of input")
		}
		end = len(d.data) // a number or literal that ends the input
	}
	v := d.data[d.off:end]
	d.off = end
	return v, nil
}

// Skip reads past the next value, checking it is valid JSON.
func (d *Decoder) Skip() error {
	switch c := d.Peek(); c {
	case '{':
		if err := d.Open('{'); err != nil {
			return err
		}
		for n := 0; ; n++ {
			more, err := d.More('}', n)
			if err != nil || !more {
				return err
			}
			if _, err := d.Key(); err != nil {
				return err
			}
			if err := d.Skip(); err != nil {
				return err
			}
		}
	case '[':
		if err := d.Open('['); err != nil {
			return err
		}
		for n := 0; ; n++ {
			more, err := d.More(']', n)
			if err != nil || !more {
				return err
			}
			if err := d.Skip(); err != nil {
				return err
			}
		}
	case '"':
		_, err := d.stringBytes()
		return err
	case 't':
		if d.literal("true") {
			return nil
		}
	case 'f':
		if d.literal("false") {
			return nil
		}
	case 'n':
		if d.Null() {
			return nil
		}
	case 0:
		return d.syntax("unexpected end of input")
	default:
		_, err := d.number()
		return err
	}
	return d.syntax("invalid literal")
}

// number reads a number, checking its grammar.
func (d *Decoder) number() ([]byte, error) {
	b, start := d.data, d.off
	i := start
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return nil, d.syntax("invalid number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return nil, d.syntax("invalid number")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, d.syntax("invalid number")
		}
	}
	if i < len(b) && isWordByte(b[i]) {
		return nil, d.syntax("invalid number")
	}
	d.off = i
	return b[start:i], nil
}

// plain marks the bytes a string holds as they are: printable ASCII other
// than '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringBytes reads a string and returns its text: a slice of the input when
// it holds no escape and is valid UTF-8, else a decoded copy. Either is valid
// until the next read.
func (d *Decoder) stringBytes() ([]byte, error) {
	b := d.data
	start := d.off + 1 // after the opening quote
	i, ascii := start, true
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i == len(b) {
			d.off = len(b)
			return nil, d.syntax("unterminated string")
		}
		switch c := b[i]; {
		case c == '"':
			if s := b[start:i]; ascii || utf8.Valid(s) {
				d.off = i + 1
				return s, nil
			}
			return d.unescape(start)
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			d.off = i
			return nil, d.syntax("control character in a string")
		default: // a byte of a multi-byte rune, checked at the end
			ascii = false
			i++
		}
	}
}

// unescape decodes the string whose text starts at start, as encoding/json
// does: escapes resolved, invalid UTF-8 and lone surrogates replaced by
// U+FFFD.
func (d *Decoder) unescape(start int) ([]byte, error) {
	b := d.data
	out := d.scratch[:0]
	defer func() { d.scratch = out[:0] }()
	for i := start; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			d.off = i + 1
			return out, nil
		case c < 0x20:
			d.off = i
			return nil, d.syntax("control character in a string")
		case c == '\\':
			if i+1 >= len(b) {
				d.off = i
				return nil, d.syntax("unterminated string")
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok {
					d.off = i
					return nil, d.syntax("invalid \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				d.off = i
				return nil, d.syntax("invalid escape")
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	d.off = len(b)
	return nil, d.syntax("unterminated string")
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Finish checks that only white space follows the value read.
func (d *Decoder) Finish() error {
	if d.Peek(); d.off < len(d.data) {
		return d.syntax("data after the top-level value")
	}
	return nil
}

// Match returns the name in names that key equals, exactly or else ignoring
// case, or "": how encoding/json matches a key to a field.
func Match(key []byte, names []string) string {
	for _, n := range names {
		if string(key) == n {
			return n
		}
	}
	return Fold(key, names)
}

// Fold returns the name in names that key equals ignoring case, or "":
// encoding/json matches keys that way when none matches exactly.
func Fold(key []byte, names []string) string {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return n
		}
	}
	return ""
}

// Unmarshal decodes one JSON value into v as json.Unmarshal does, calling a
// json.Unmarshaler directly on data once data is known to be valid JSON (so
// a type with a fast decoder is not scanned by encoding/json twice).
func Unmarshal(data []byte, v any) error {
	if json.Valid(data) {
		return UnmarshalValid(data, v)
	}
	return json.Unmarshal(data, v) // for its error
}

// UnmarshalValid is Unmarshal for data already known to be one valid JSON
// value (a Stream's Value): a json.Unmarshaler gets it directly.
func UnmarshalValid(data []byte, v any) error {
	if u, ok := v.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(data)
	}
	return json.Unmarshal(data, v)
}
