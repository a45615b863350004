package jsonx

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// FuzzID compares IDBytes with encoding/json on arbitrary input: never a
// panic, and the same id when the object has exactly one member named "id".
func FuzzID(f *testing.F) {
	for _, seed := range []string{`{"id":"VXNlcjox"}`, `{"a":{"id":"inner"},"id":"outer"}`, `{"id":"a","id":"b"}`, `{"id":5}`, `{"id":"a\"b"}`, `[{"id":"x"}]`, `{"ID":"x"}`, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		id, _ := IDBytes(b)
		got := string(id)
		var members map[string]json.RawMessage
		if json.Unmarshal(b, &members) != nil {
			return
		}
		for k := range members {
			if strings.EqualFold(k, "id") && k != "id" {
				return // encoding/json folds case; IDBytes reads only "id"
			}
		}
		if bytes.Count(b, []byte(`"id"`)) > 1 {
			return // a repeated key: encoding/json keeps the last, IDBytes the first
		}
		var want struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &want) != nil {
			want.ID = "" // not a string
		}
		if got != want.ID {
			t.Fatalf("ID(%s) = %q, want %q", b, got, want.ID)
		}
	})
}

// FuzzStreamValues reads a JSON array's elements with a Stream, through a
// reader that hands out a few bytes at a time, and compares them with
// encoding/json's.
func FuzzStreamValues(f *testing.F) {
	for _, seed := range []string{`[1,"two",{"3":[4]},null,true,-5.5e3]`, `[]`, `[ "a\\\"]" , {"b":"}"} ]`, `[[[]]]`, `[1,]`, `["\u0000"]`} {
		f.Add([]byte(seed), uint8(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, chunk uint8) {
		s := NewStream(&chunked{r: bytes.NewReader(b), n: int(chunk%16) + 1})
		var got []string
		err := func() error {
			if err := s.Expect('['); err != nil {
				return err
			}
			for first := true; ; first = false {
				more, err := s.Next(']', first)
				if err != nil || !more {
					return err
				}
				v, err := s.Value()
				if err != nil {
					return err
				}
				got = append(got, string(v))
			}
		}()
		if err == nil {
			err = s.End()
		}
		if err == nil && !json.Valid(b) {
			t.Fatalf("Stream read %q, which is not valid JSON", b)
		}
		var want []json.RawMessage
		if json.Unmarshal(b, &want) != nil || !bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("[")) {
			return // not an array: reading it must only not panic
		}
		if err != nil {
			t.Fatalf("Stream failed on valid input %q: %v", b, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d values, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != string(bytes.TrimSpace(want[i])) {
				t.Fatalf("value %d = %q, want %q", i, got[i], want[i])
			}
		}
	})
}

// chunked hands out at most n bytes per Read.
type chunked struct {
	r io.Reader
	n int
}

func (c *chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }
