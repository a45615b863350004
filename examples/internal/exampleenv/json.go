package exampleenv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// DecodeJSON decodes data, the contents of the file name, into v strictly:
// a field v does not have, and anything after the value, are errors. Its
// errors say where: "name:line:column: what" (for an empty file, "name: the
// file is empty, want " + want).
func DecodeJSON(name string, data []byte, v any, want string) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s: the file is empty, want %s", name, want)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(name, data, err)
	}
	rest := data[dec.InputOffset():]
	if extra := bytes.TrimLeft(rest, " \t\r\n"); len(extra) > 0 {
		line, col := Position(data, int64(len(data)-len(extra)))
		return fmt.Errorf("%s:%d:%d: more after the JSON value, want one value", name, line, col)
	}
	return nil
}

// unknownField reads the field name of encoding/json's unknown-field error.
var unknownField = regexp.MustCompile(`^json: unknown field ("(?:[^"\\]|\\.)*")$`)

// jsonError locates err, a decoding error of data, in data.
func jsonError(name string, data []byte, err error) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		offset   int64 = -1
		msg            = strings.TrimPrefix(err.Error(), "json: ")
		fieldErr       = unknownField.FindStringSubmatch(err.Error())
	)
	switch {
	case errors.As(err, &syntax): // Offset counts the bad byte
		offset = syntax.Offset - 1
	case errors.As(err, &typeErr): // Offset is the end of the value
		offset = typeErr.Offset - 1
		if typeErr.Field != "" {
			msg = fmt.Sprintf("%s: a JSON %s cannot be a %s", typeErr.Field, typeErr.Value, typeErr.Type)
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		offset, msg = int64(len(bytes.TrimRight(data, " \t\r\n"))), "unexpected end of the file: the JSON value is not complete"
	case fieldErr != nil:
		field, _ := strconv.Unquote(fieldErr[1])
		if loc := regexp.MustCompile(regexp.QuoteMeta(fieldErr[1]) + `\s*:`).FindIndex(data); loc != nil {
			offset = int64(loc[0])
		}
		msg = fmt.Sprintf("unknown field %q (misspelt?)", field)
	}
	if offset < 0 {
		return fmt.Errorf("%s: %s", name, msg)
	}
	line, col := Position(data, offset)
	return fmt.Errorf("%s:%d:%d: %s", name, line, col, msg)
}

// Position returns the 1-based line and column (in bytes) of the byte at
// index offset of data; an offset past the end is placed just after it.
func Position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
