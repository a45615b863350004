package resource

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// HoldsOps returns the Holds of a PATCH with ops, judged on the resource's
// JSON, for the methods that send caller-given operations (users.Patch,
// teams.Patch). Attribute names are matched ignoring case, values exactly:
//
//   - add of an attribute: an array value's elements are each present in
//     the attribute (an element is present when an element of the attribute
//     has each of its fields equal); any other value is equal (an object:
//     each of its fields);
//   - replace of an attribute: as add, and, for an array value, every
//     element of the attribute is one of the value's (RFC 7644 §3.5.2.3: a
//     replace without a filter replaces the whole list, so an element the
//     request left out must be gone);
//   - a path-less add or replace applies this to each field of its object
//     value;
//   - remove of an attribute: it is absent, null or empty; remove of
//     `attr[sub eq "v"]`: no element of attr has sub equal to v; remove
//     with a value (W&B's shape for role permissions): no element of the
//     value is present.
//
// An operation it cannot judge (a path into a sub-attribute, another
// filter) is not taken as done, so the error stands.
func HoldsOps[T any](ops []scim.Operation) Holds[T] {
	return func(v *T) bool {
		if v == nil {
			return false
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return false
		}
		var res map[string]any
		if json.Unmarshal(raw, &res) != nil {
			return false
		}
		for _, o := range ops {
			if !holdsOp(res, o) {
				return false
			}
		}
		return true
	}
}

// holdsOp reports whether res, a resource's JSON, holds what o asked for.
func holdsOp(res map[string]any, o scim.Operation) bool {
	want, err := jsonValue(o.Value)
	if err != nil {
		return false
	}
	verb := strings.ToLower(o.Op)
	if o.Path == "" {
		fields, ok := want.(map[string]any)
		if !ok || verb == "remove" {
			return false
		}
		for k, w := range fields {
			if !holdsValue(verb, k, field(res, k), w) {
				return false
			}
		}
		return true
	}
	attr, filter, filtered := strings.Cut(o.Path, "[")
	if strings.Contains(attr, ".") {
		return false
	}
	got := field(res, attr)
	switch {
	case verb == "remove" && filtered:
		sub, val, ok := parseEqFilter(strings.TrimSuffix(filter, "]"))
		if !ok || !strings.HasSuffix(filter, "]") {
			return false
		}
		list, _ := got.([]any)
		for _, e := range list {
			if m, ok := e.(map[string]any); ok && field(m, sub) == val {
				return false
			}
		}
		return true
	case filtered:
		return false
	case verb == "remove" && want != nil:
		list, _ := got.([]any)
		wl, ok := want.([]any)
		if !ok {
			return false
		}
		for _, w := range wl {
			if present(list, w) {
				return false
			}
		}
		return true
	case verb == "remove":
		return empty(got)
	}
	return holdsValue(verb, attr, got, want)
}

// mergedOnReplace are the multi-valued attributes W&B's replace sets
// element by element, keeping the others (spec §5: a replace of teamRoles
// sets the teams listed; registryRoles likewise), rather than replacing
// the whole list as RFC 7644 §3.5.2.3 has it.
var mergedOnReplace = map[string]bool{"teamroles": true, "registryroles": true}

// holdsValue reports whether got, the value of attr, holds want after an
// add or a replace (verb, in lower case): a replace of an array must leave
// exactly its elements (but for mergedOnReplace attributes), an add only
// needs them present.
func holdsValue(verb, attr string, got, want any) bool {
	wl, ok := want.([]any)
	if !ok || verb != "replace" || mergedOnReplace[strings.ToLower(attr)] {
		return holdsSet(got, want)
	}
	gl, _ := got.([]any)
	for _, g := range gl {
		if !slices.ContainsFunc(wl, func(w any) bool { return contains(g, w) }) {
			return false // an element the replace left out
		}
	}
	return holdsSet(got, want)
}

// holdsSet reports whether got holds want after a replace or add: each
// element of an array want present in got, anything else contained.
func holdsSet(got, want any) bool {
	if wl, ok := want.([]any); ok {
		gl, _ := got.([]any)
		for _, w := range wl {
			if !present(gl, w) {
				return false
			}
		}
		return true
	}
	return contains(got, want)
}

// present reports whether some element of list contains w.
func present(list []any, w any) bool {
	for _, e := range list {
		if contains(e, w) {
			return true
		}
	}
	return false
}

// contains reports whether got has want: each field of an object want
// (names ignoring case) contained in got's, each element of an array want
// present in got, any other value equal.
func contains(got, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			if !contains(field(g, k), wv) {
				return false
			}
		}
		return true
	case []any:
		return holdsSet(got, w)
	case nil:
		return empty(got)
	}
	return got == want
}

// field returns m's value for name, matched ignoring case.
func field(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// empty reports whether v is absent: nil, "", an empty array or object.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// jsonValue returns v as JSON decodes it (maps, slices, strings, float64s).
func jsonValue(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(raw, &out)
	return out, err
}

// parseEqFilter reads `sub eq "value"`, the filter the SDK writes with
// scim.Quote, and returns sub and the unquoted value.
func parseEqFilter(f string) (sub string, val any, ok bool) {
	sub, rest, ok := strings.Cut(strings.TrimSpace(f), " ")
	if !ok {
		return "", nil, false
	}
	op, quoted, ok := strings.Cut(strings.TrimSpace(rest), " ")
	if !ok || !strings.EqualFold(op, "eq") {
		return "", nil, false
	}
	var s string
	if json.Unmarshal([]byte(strings.TrimSpace(quoted)), &s) != nil {
		return "", nil, false
	}
	return sub, s, true
}
