package scimtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestParseGraphQL(t *testing.T) {
	t.Parallel()
	vars := map[string]any{"entity": "ml", "admin": true, "list": []any{"a"}}
	tests := []struct {
		name, query, op string
		want            string // root fields as JSON: [{alias, name, args}]
		err             string
	}{
		{"variables in an input object", `mutation M($entity: String!, $admin: Boolean) { result: createInvite(input: {entityName: $entity, admin: $admin, email: null}) { invite { id } } }`, "",
			`[{"alias":"result","name":"createInvite","args":{"input":{"entityName":"ml","admin":true,"email":null}}}]`, ""},
		{"literals", `{ f(s: "a\"b", n: -1.5e2, b: false, e: ENUM, l: [1, "x", $list], o: {k: {j: "v"}}) }`, "",
			`[{"alias":"f","name":"f","args":{"s":"a\"b","n":-150,"b":false,"e":"ENUM","l":[1,"x",["a"]],"o":{"k":{"j":"v"}}}}]`, ""},
		{"missing variable is null", `query($x: String) { f(a: $x) }`, "", `[{"alias":"f","name":"f","args":{"a":null}}]`, ""},
		{"operation by name", `query A { a } mutation B { b }`, "B", `[{"alias":"b","name":"b","args":null}]`, ""},
		{"shorthand skipped for a named operation", `{ a } query B { b }`, "B", `[{"alias":"b","name":"b","args":null}]`, ""},
		{"unknown operation name", `query A { a }`, "C", "", "unknown operation"},
		{"unterminated string", `{ f(a: "x) }`, "", "", "unterminated"},
		{"unclosed selection", `{ a { b }`, "", "", "unclosed"},
		{"bad character", `{ a ; }`, "", "", "unexpected character"},

		{"64 levels of selections", nested(64), "", `[{"alias":"a","name":"a","args":null}]`, ""},
		{"65 levels of selections", nested(65), "", "", "syntax error: the query nests more than 64 levels"},
		{"100k levels of selections", nested(100_000), "", "", "syntax error: the query nests more than 64 levels"},
		{"100k levels of lists", `{ a(x: ` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `) }`, "", "", "nests more than 64 levels"},
		{"100k levels of objects", `{ a(x: ` + strings.Repeat("{k:", 100_000) + "1" + strings.Repeat("}", 100_000) + `) }`, "", "", "nests more than 64 levels"},
		{"fragment spreading itself", `{ viewer { ...F } } fragment F on User {` + strings.Repeat(" ...F", 30) + ` }`, "", "", `Cannot spread fragment "F" within itself`},
		{"fragment cycle through another", `{ viewer { ...A } } fragment A on User { id ...B } fragment B on User { u { ... on User { ...A } } }`, "", "", "within itself"},
		{"cycle in an unused fragment", `{ viewer { id } } fragment A on User { ...A }`, "", "", "within itself"},
		{"unknown fragment", `{ viewer { ...Nope } }`, "", "", `Unknown fragment "Nope"`},
		{"exponential fragments", exponential(30), "", "", "more than 100000 fields"},
		{"fragments reused within the limit", exponential(10), "", `[{"alias":"viewer","name":"viewer","args":null}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := parseGraphQL(tt.query, tt.op, vars)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			type field struct {
				Alias string         `json:"alias"`
				Name  string         `json:"name"`
				Args  map[string]any `json:"args"`
			}
			var got []field
			for _, f := range op.fields {
				got = append(got, field{f.alias, f.name, f.args})
			}
			b, _ := json.Marshal(got)
			var g, w any
			_ = json.Unmarshal(b, &g)
			_ = json.Unmarshal([]byte(tt.want), &w)
			gb, _ := json.Marshal(g)
			wb, _ := json.Marshal(w)
			if string(gb) != string(wb) {
				t.Errorf("got  %s\nwant %s", gb, wb)
			}
		})
	}
}

// nested is a query whose selection sets nest levels deep: {a{a{…a}}}.
func nested(levels int) string {
	return "{" + strings.Repeat("a{", levels-1) + "a" + strings.Repeat("}", levels)
}

// exponential is a query whose fragments F0…Fn-1 each spread the next one
// twice, so that it selects about 2^n fields once expanded.
func exponential(n int) string {
	var b strings.Builder
	b.WriteString("{ viewer { ...F0 } }")
	for i := range n {
		fmt.Fprintf(&b, " fragment F%d on User { id ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on User { id }", n)
	return b.String()
}

func TestParseFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, attr, value string
		ok              bool
	}{
		{`userName eq "a"`, "userName", "a", true},
		{"  userName\tEQ   \"a b\"  ", "userName", "a b", true},
		{`userName eq "q\"b\\s"`, "userName", `q"b\s`, true},
		{`userName eq "\u00e9"`, "userName", "é", true},
		{`userName eq ""`, "userName", "", true},
		{`userName ne "a"`, "", "", false},
		{`userName eq "a" and x eq "b"`, "", "", false},
		{`userName eq a`, "", "", false},
		{`userName eq "a`, "", "", false},
		{`userName`, "", "", false},
		{`(userName eq "a")`, "", "", false},
		{`userName eq "\x"`, "", "", false},
	}
	for _, tt := range tests {
		got, err := parseFilter(tt.in)
		if (err == nil) != tt.ok || got.attr != tt.attr || got.value != tt.value {
			t.Errorf("parseFilter(%q) = %+v, %v; want %q %q ok=%v", tt.in, got, err, tt.attr, tt.value, tt.ok)
		}
		if err != nil && err.(*apiError).scimType != "invalidFilter" {
			t.Errorf("parseFilter(%q): scimType %q", tt.in, err.(*apiError).scimType)
		}
	}
}
