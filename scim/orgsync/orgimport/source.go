package orgimport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-wandb/identity/internal/jsonx"
)

// Source is one input file: its name, as given (messages name it, and a
// member export that does not name its group gives the group the file's
// base name without extension: ml-platform.csv is group ml-platform), and
// its contents. CSV and JSON are told apart by the contents: JSON starts
// with "[" or "{".
type Source struct {
	Name string
	Data []byte
}

// groupName is the group a member file names by its base name.
func (s Source) groupName() string {
	base := filepath.Base(filepath.ToSlash(s.Name))
	for _, ext := range []string{".csv", ".json", ".txt"} {
		if len(base) > len(ext) && strings.EqualFold(base[len(base)-len(ext):], ext) {
			return base[:len(base)-len(ext)]
		}
	}
	return base
}

// record is one row of a CSV file or one object of a JSON file, its fields
// looked up by name ignoring case and surrounding space: a CSV header name
// (or the property or label of an Entra or Google template header, see
// headerKeys) or a JSON field as a dotted path ("profile.email").
type record struct {
	at   Location
	cols map[string]int // CSV: the header's names, shared by the file's rows
	row  []string       // CSV
	obj  map[string]string
}

// get returns the first non-blank value of the fields names, trimmed.
func (r *record) get(names []string) string {
	for _, n := range names {
		if v := strings.TrimSpace(r.field(n)); v != "" {
			return v
		}
	}
	return ""
}

func (r *record) field(name string) string {
	key := strings.ToLower(strings.TrimSpace(name))
	if r.obj != nil {
		return r.obj[key]
	}
	if i, ok := r.cols[key]; ok && i < len(r.row) {
		return r.row[i]
	}
	return ""
}

// input is what reading a Source found besides its records.
type input struct {
	json bool
	// cols are a CSV file's header names (nil for JSON, whose objects may
	// each have other fields).
	cols map[string]int
	// header is the CSV header's location.
	header Location
	// semicolons is set for a CSV header of one column holding ";": a
	// file separated by semicolons, as some spreadsheets write.
	semicolons bool
	// next is the next-page link the last page of a JSON file carries:
	// the file is then an incomplete list.
	next string
}

// hasAny reports whether a CSV file has one of the columns names (always
// true for JSON).
func (in *input) hasAny(names []string) bool {
	if in.json {
		return true
	}
	for _, n := range names {
		if _, ok := in.cols[strings.ToLower(strings.TrimSpace(n))]; ok {
			return true
		}
	}
	return false
}

// read calls fn with each record of src, reporting what cannot be read
// to ps. It returns nil when the file cannot be read at all.
func read(src Source, ps *problems, fn func(*input, *record)) *input {
	if bytes.HasPrefix(src.Data, []byte{0xff, 0xfe}) || bytes.HasPrefix(src.Data, []byte{0xfe, 0xff}) {
		ps.add(Location{File: src.Name}, "the file is UTF-16 (a spreadsheet's \"Unicode text\"): save it as CSV UTF-8")
		return nil
	}
	data := bytes.TrimPrefix(src.Data, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		ps.add(Location{File: src.Name}, "the file is empty")
		return nil
	}
	if trimmed[0] == '[' || trimmed[0] == '{' {
		return readJSON(src.Name, data, ps, fn)
	}
	return readCSV(src.Name, data, ps, fn)
}

// readCSV reads a CSV file as exports write them: an optional UTF-8
// byte-order mark (removed by read), an optional version row (Entra's
// templates: "version:v1.0"), then the header, then the rows; quoted
// fields may hold commas, quotes and newlines; lines end in LF or CRLF;
// blank rows (and rows of empty fields, as spreadsheets leave at the end)
// are skipped. Lines are counted from 1, the byte-order mark's line
// included.
func readCSV(name string, data []byte, ps *problems, fn func(*input, *record)) *input {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	at := func() Location { l, _ := cr.FieldPos(0); return Location{File: name, Line: l} }
	fail := func(err error) {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			ps.add(Location{File: name, Line: pe.Line}, "not valid CSV: %v", pe.Err)
			return
		}
		ps.add(Location{File: name}, "not valid CSV: %v", err)
	}
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			ps.add(Location{File: name}, "the file is empty")
		} else {
			fail(err)
		}
		return nil
	}
	versioned := false
	if len(header) == 1 && strings.HasPrefix(strings.ToLower(strings.TrimSpace(header[0])), "version:") {
		versioned = true
		if header, err = cr.Read(); err != nil {
			if err == io.EOF {
				ps.add(Location{File: name}, "the file has a version row and no header")
			} else {
				fail(err)
			}
			return nil
		}
	}
	in := &input{cols: headerColumns(header), header: at(), semicolons: len(header) == 1 && strings.Contains(header[0], ";")}
	first := true
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return in
		}
		if err != nil {
			fail(err)
			return in
		}
		if blankRow(row) {
			continue
		}
		loc := at()
		// The upload templates of Entra ID keep a row of examples under
		// the header ("Example: …").
		if first && versioned && strings.HasPrefix(strings.ToLower(strings.TrimSpace(row[0])), "example") {
			first = false
			continue
		}
		first = false
		if len(row) > len(header) && !blankRow(row[len(header):]) {
			ps.add(loc, "%d fields, but the header has %d", len(row), len(header))
			continue
		}
		fn(in, &record{at: loc, cols: in.cols, row: row})
	}
}

func blankRow(row []string) bool {
	for _, f := range row {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// headerColumns maps each of the header's names (headerKeys) to its column;
// a whole header name takes precedence over a bracketed property, which
// takes precedence over a label, and the first column over a later one.
func headerColumns(header []string) map[string]int {
	cols := make(map[string]int, 3*len(header))
	for rank := range 3 {
		for i, h := range header {
			if keys := headerKeys(h); rank < len(keys) {
				if _, ok := cols[keys[rank]]; !ok && keys[rank] != "" {
					cols[keys[rank]] = i
				}
			}
		}
	}
	return cols
}

// headerKeys returns the names a header is found by, lower-cased: the
// header itself; for Entra's template headers "Label [property] Required"
// also the property ("userprincipalname") and the label ("user name"); for
// Google's "Label [Required]" or "Label [READ ONLY]" the label
// ("email address").
func headerKeys(h string) []string {
	h = strings.ToLower(strings.TrimSpace(h))
	i := strings.IndexByte(h, '[')
	j := strings.IndexByte(h, ']')
	if i < 0 || j < i {
		return []string{h}
	}
	label := strings.TrimSpace(h[:i])
	inner := strings.TrimSpace(h[i+1 : j])
	if inner == "required" || strings.ContainsAny(inner, " -") {
		return []string{h, "", label}
	}
	return []string{h, inner, label}
}

// readJSON reads a JSON file: one value or several in a row (pages saved
// one after another), each an array of objects (Okta's lists), an object
// with such an array under "value" (Microsoft Graph) or under "users",
// "members", "data" or "items", an array of such pages, or a single
// object. A page's next link ("@odata.nextLink", "nextLink", "next",
// "_links.next.href", Google's "nextPageToken") on the file's last page
// makes the list incomplete.
func readJSON(name string, data []byte, ps *problems, fn func(*input, *record)) *input {
	in := &input{json: true}
	w := jsonWalker{name: name, data: data, fn: fn, in: in}
	d := jsonx.NewDecoder(data)
	var values [][]byte
	for d.Peek() != 0 {
		raw, err := d.Raw()
		if err != nil {
			at := Location{File: name}
			msg := err.Error()
			var se *jsonx.SyntaxError
			if errors.As(err, &se) {
				at.Line = 1 + bytes.Count(data[:min(max(se.Offset, 0), len(data))], []byte("\n"))
				msg = offsetPrefix.ReplaceAllString(msg, "") // the line says where
			}
			ps.add(at, "not valid JSON: %s", msg)
			return nil
		}
		values = append(values, raw)
	}
	for i, v := range values {
		prefix := ""
		if len(values) > 1 {
			prefix = fmt.Sprintf("#%d", i+1)
		}
		w.value(prefix, v, 0)
	}
	return in
}

// offsetPrefix starts the message of a jsonx.SyntaxError.
var offsetPrefix = regexp.MustCompile(`^invalid JSON at offset \d+: `)

// jsonErrorAt locates an error of encoding/json: the line of its offset.
func jsonErrorAt(name string, data []byte, dec *json.Decoder, err error) Location {
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	off = min(max(off, 0), int64(len(data)))
	return Location{File: name, Line: 1 + bytes.Count(data[:off], []byte("\n"))}
}

// jsonWalker walks the values of a JSON file, checked whole by readJSON
// (so that reading them again cannot fail), calling fn with each object.
// Every value it handles is a slice of data, whose offset in data is the
// difference of their capacities.
type jsonWalker struct {
	name string
	data []byte
	fn   func(*input, *record)
	in   *input
	// line is the line at offset lineOff, for counting lines forward.
	line, lineOff int
}

// lineAt returns the line of v, a slice of the file, counting from the
// last one asked (values are walked in the order of the file).
func (w *jsonWalker) lineAt(v []byte) int {
	off := cap(w.data) - cap(v)
	if off < w.lineOff || off > len(w.data) {
		w.line, w.lineOff = 0, 0
		off = min(max(off, 0), len(w.data))
	}
	w.line += bytes.Count(w.data[w.lineOff:off], []byte("\n"))
	w.lineOff = off
	return w.line + 1
}

// listKeys are the keys under which a page object holds its list.
var listKeys = []string{"value", "users", "members", "data", "items"}

// value walks a value of the file: a page (an array, or an object with a
// list), an array of pages (depth 0 only), or one object.
func (w *jsonWalker) value(path string, v []byte, depth int) {
	switch v[0] {
	case '[':
		for i, e := range elements(v) {
			p := fmt.Sprintf("%s[%d]", path, i)
			if depth == 0 && isPage(e) {
				w.value(p, e, depth+1)
				continue
			}
			w.object(p, e)
		}
		if depth == 0 {
			w.in.next = "" // a bare array carries no link
		}
	case '{':
		fields := members(v)
		for _, k := range listKeys {
			if list, ok := fields[k]; ok && list[0] == '[' {
				for i, e := range elements(list) {
					w.object(fmt.Sprintf("%s%s[%d]", dot(path), k, i), e)
				}
				w.in.next = nextLink(fields)
				return
			}
		}
		if next := nextLink(fields); next != "" {
			w.in.next = next // a page of nothing but its link
			return
		}
		w.object(path, v)
	default:
		w.object(path, v)
	}
}

// elements returns the elements of a JSON array.
func elements(v []byte) [][]byte {
	d := jsonx.NewDecoder(v)
	var out [][]byte
	if d.Open('[') != nil {
		return nil
	}
	for n := 0; ; n++ {
		if more, err := d.More(']', n); err != nil || !more {
			return out
		}
		e, err := d.Raw()
		if err != nil {
			return out
		}
		out = append(out, e)
	}
}

// members returns the members of a JSON object by key.
func members(v []byte) map[string][]byte {
	d := jsonx.NewDecoder(v)
	out := map[string][]byte{}
	d.Object(func(key []byte) error {
		k := string(key)
		e, err := d.Raw()
		out[k] = e
		return err
	})
	return out
}

func dot(path string) string {
	if path == "" {
		return ""
	}
	return path + "."
}

// isPage reports whether an element of an array is itself a page.
func isPage(v []byte) bool {
	switch v[0] {
	case '[':
		return true
	case '{':
		fields := members(v)
		for _, k := range listKeys {
			if e, ok := fields[k]; ok && len(e) > 0 && e[0] == '[' {
				return true
			}
		}
	}
	return false
}

// nextLink returns the link to the next page a page object carries.
func nextLink(fields map[string][]byte) string {
	for _, k := range []string{"@odata.nextLink", "nextLink", "next", "nextPageToken"} {
		var s string
		if f, ok := fields[k]; ok && json.Unmarshal(f, &s) == nil && s != "" {
			return s
		}
	}
	if f, ok := fields["_links"]; ok {
		var links struct {
			Next json.RawMessage `json:"next"`
		}
		if json.Unmarshal(f, &links) == nil && len(links.Next) > 0 {
			var s string
			if json.Unmarshal(links.Next, &s) == nil {
				return s
			}
			var href struct {
				Href string `json:"href"`
			}
			if json.Unmarshal(links.Next, &href) == nil {
				return href.Href
			}
		}
	}
	return ""
}

func (w *jsonWalker) object(path string, v []byte) {
	at := Location{File: w.name, Line: w.lineAt(v), Path: path}
	d := jsonx.NewDecoder(v)
	if d.Peek() != '{' {
		text := string(v)
		if v[0] == '"' {
			text, _ = d.String()
		}
		w.fn(w.in, &record{at: at, obj: map[string]string{"": text}})
		return
	}
	obj := make(map[string]string, 16)
	flatten(obj, "", &d)
	w.fn(w.in, &record{at: at, obj: obj})
}

// flatten stores the members of the object d reads in obj by lower-cased
// dotted path: an Okta user's profile.email is "profile.email". Arrays of
// strings are joined with ";"; numbers and booleans are their JSON text.
func flatten(obj map[string]string, prefix string, d *jsonx.Decoder) {
	d.Object(func(key []byte) error {
		k := prefix + strings.ToLower(string(key))
		switch d.Peek() {
		case '{':
			flatten(obj, k+".", d)
		case '[':
			var parts []string
			d.Open('[')
			for n := 0; ; n++ {
				if more, err := d.More(']', n); err != nil || !more {
					break
				}
				if d.Peek() == '"' {
					s, _ := d.String()
					parts = append(parts, s)
				} else if d.Skip() != nil {
					break
				}
			}
			obj[k] = strings.Join(parts, ";")
		case '"':
			obj[k], _ = d.String()
		case 'n':
			d.Null()
			obj[k] = ""
		default:
			raw, _ := d.Raw()
			obj[k] = string(raw)
		}
		return nil
	})
}
