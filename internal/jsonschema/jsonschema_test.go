package jsonschema

import (
	"reflect"
	"strings"
	"testing"
)

const schema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["version", "items"],
  "additionalProperties": false,
  "properties": {
    "version": {"const": 2},
    "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"},
    "count": {"type": "integer", "minimum": 0, "maximum": 10},
    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
    "extra": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
    "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    "any": {"anyOf": [{"type": "boolean"}, {"const": "x"}]}
  },
  "$defs": {
    "item": {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["a", "b"]}}}
  }
}`

func TestValidate(t *testing.T) {
	t.Parallel()
	s, err := Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"valid", `{"version": 2, "name": "abc", "count": 3, "items": [{"kind": "a"}, {"kind": "b", "x": 1}],
			"extra": {"k": "v", "n": null}, "either": 5, "any": true}`, nil},
		{"every problem", `{"version": 1, "name": "A1", "count": 11.5, "items": [{"kind": "c"}, {}],
			"extra": {"k": 1}, "either": 1.5, "any": "y", "zzz": 0}`, []string{
			`/: unexpected property "zzz"`,
			`/any: anyOf matched 0 of 2 schemas`,
			`/count: want type integer, got number`,
			`/either: oneOf matched 0 of 2 schemas`,
			`/extra/k: want type [string null], got number`,
			`/items/0/kind: "c" is not one of [a b]`,
			`/items/1: missing required property "kind"`,
			`/name: "A1" does not match "^[a-z]+$"`,
			`/version: 1 is not 2`,
		}},
		{"missing required", `{"version": 2}`, []string{`/: missing required property "items"`}},
		{"bounds", `{"version": 2, "items": [], "count": -1, "name": ""}`, []string{
			`/count: -1 is less than 0`, `/name: "" does not match "^[a-z]+$"`, `/name: "" is shorter than 1`}},
		{"not an object", `[]`, []string{`/: want type object, got array`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Validate([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCompileRefusesUnknownKeywords(t *testing.T) {
	t.Parallel()
	_, err := Compile([]byte(`{"properties": {"a": {"type": "string", "maxLength": 3}}}`))
	if err == nil || !strings.Contains(err.Error(), `#/properties/a: unsupported keyword "maxLength"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := Compile([]byte(`{`)); err == nil {
		t.Error("a broken schema compiled")
	}
}
