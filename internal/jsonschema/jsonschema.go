// Package jsonschema validates JSON documents against the subset of JSON
// Schema (draft 2020-12) that the project's schemas use: type, properties,
// required, additionalProperties, items, enum, const, minimum, maximum,
// minLength, pattern, anyOf, oneOf, and $ref to "#/$defs/NAME". A keyword
// outside that subset is an error, so a schema never silently checks less
// than it says.
package jsonschema

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Schema is a compiled schema.
type Schema struct {
	root map[string]any
}

// known are the keywords Validate understands or that only annotate.
var known = map[string]bool{
	"$schema": true, "$id": true, "$defs": true, "$ref": true, "$comment": true, "title": true, "description": true,
	"examples": true, "default": true, "type": true, "properties": true, "required": true, "additionalProperties": true,
	"items": true, "enum": true, "const": true, "minimum": true, "maximum": true, "minLength": true, "pattern": true,
	"anyOf": true, "oneOf": true, "format": true,
}

// Compile reads a schema, checking that it uses only the keywords above.
func Compile(data []byte) (*Schema, error) {
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("jsonschema: %w", err)
	}
	if err := checkKeywords(root, "#"); err != nil {
		return nil, err
	}
	return &Schema{root: root}, nil
}

func checkKeywords(s map[string]any, at string) error {
	for k, v := range s {
		if !known[k] {
			return fmt.Errorf("jsonschema: %s: unsupported keyword %q", at, k)
		}
		switch k {
		case "properties", "$defs":
			m, _ := v.(map[string]any)
			for name, sub := range m {
				if sm, ok := sub.(map[string]any); ok {
					if err := checkKeywords(sm, at+"/"+k+"/"+name); err != nil {
						return err
					}
				}
			}
		case "items", "additionalProperties":
			if sm, ok := v.(map[string]any); ok {
				if err := checkKeywords(sm, at+"/"+k); err != nil {
					return err
				}
			}
		case "anyOf", "oneOf":
			list, _ := v.([]any)
			for i, sub := range list {
				if sm, ok := sub.(map[string]any); ok {
					if err := checkKeywords(sm, fmt.Sprintf("%s/%s/%d", at, k, i)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// Validate checks a JSON document against the schema and returns every
// problem found, each with its JSON pointer, sorted; none means valid.
func (s *Schema) Validate(doc []byte) ([]string, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("jsonschema: the document: %w", err)
	}
	var problems []string
	s.validate(s.root, v, "", &problems)
	sort.Strings(problems)
	return problems, nil
}

func (s *Schema) resolve(ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		return nil
	}
	defs, _ := s.root["$defs"].(map[string]any)
	def, _ := defs[name].(map[string]any)
	return def
}

func (s *Schema) validate(sch map[string]any, v any, at string, problems *[]string) {
	fail := func(format string, args ...any) {
		where := at
		if where == "" {
			where = "/"
		}
		*problems = append(*problems, where+": "+fmt.Sprintf(format, args...))
	}
	if ref, ok := sch["$ref"].(string); ok {
		def := s.resolve(ref)
		if def == nil {
			fail("unresolvable $ref %q", ref)
			return
		}
		s.validate(def, v, at, problems)
	}
	if t, ok := sch["type"]; ok && !typeMatches(t, v) {
		fail("want type %v, got %s", t, typeOf(v))
		return
	}
	if enum, ok := sch["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return equal(e, v) }) {
		fail("%s is not one of %v", show(v), enum)
	}
	if c, ok := sch["const"]; ok && !equal(c, v) {
		fail("%s is not %v", show(v), c)
	}
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		if min, ok := sch["minimum"].(float64); ok && f < min {
			fail("%v is less than %v", n, min)
		}
		if max, ok := sch["maximum"].(float64); ok && f > max {
			fail("%v is more than %v", n, max)
		}
	}
	if str, ok := v.(string); ok {
		if n, ok := sch["minLength"].(float64); ok && float64(len([]rune(str))) < n {
			fail("%q is shorter than %v", str, n)
		}
		if p, ok := sch["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				fail("bad pattern %q: %v", p, err)
			} else if !re.MatchString(str) {
				fail("%q does not match %q", str, p)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := sch["properties"].(map[string]any)
		if req, ok := sch["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					fail("missing required property %q", r)
				}
			}
		}
		for k, val := range obj {
			if sub, ok := props[k].(map[string]any); ok {
				s.validate(sub, val, at+"/"+k, problems)
				continue
			}
			switch ap := sch["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("unexpected property %q", k)
				}
			case map[string]any:
				s.validate(ap, val, at+"/"+k, problems)
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := sch["items"].(map[string]any); ok {
			for i, x := range arr {
				s.validate(items, x, fmt.Sprintf("%s/%d", at, i), problems)
			}
		}
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		list, ok := sch[kw].([]any)
		if !ok {
			continue
		}
		matched := 0
		for _, sub := range list {
			var p []string
			s.validate(sub.(map[string]any), v, at, &p)
			if len(p) == 0 {
				matched++
			}
		}
		if kw == "anyOf" && matched == 0 || kw == "oneOf" && matched != 1 {
			fail("%s matched %d of %d schemas", kw, matched, len(list))
		}
	}
}

func typeMatches(t, v any) bool {
	switch t := t.(type) {
	case string:
		return typeIs(t, v)
	case []any:
		return slices.ContainsFunc(t, func(x any) bool { s, _ := x.(string); return typeIs(s, v) })
	}
	return false
}

func typeIs(t string, v any) bool {
	switch t {
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		f, err := n.Float64()
		return err == nil && f == math.Trunc(f)
	case "number":
		_, ok := v.(json.Number)
		return ok
	}
	return typeOf(v) == t
}

func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func equal(schemaValue, v any) bool {
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		sf, ok := schemaValue.(float64)
		return ok && sf == f
	}
	a, _ := json.Marshal(schemaValue)
	b, _ := json.Marshal(v)
	return string(a) == string(b)
}

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
