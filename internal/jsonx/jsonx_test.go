package jsonx

import (
	"testing"
	"time"
)

func TestLenientScalars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		b  bool
		n  int
	}{
		{`true`, true, 0},
		{`"True"`, true, 0},
		{`"1"`, true, 1},
		{`false`, false, 0},
		{`3`, false, 3},
		{`3.0`, false, 3},
		{` "3" `, false, 3},
		{`-12`, false, -12},
		{`null`, false, 0},
		{`""`, false, 0},
		{`"a\"b"`, false, 0},
		{`[1]`, false, 0},
		{`{"x":1}`, false, 0},
	}
	for _, tt := range tests {
		d := NewDecoder([]byte(tt.in))
		if got, err := d.LenientBool(); err != nil || got != tt.b || d.Finish() != nil {
			t.Errorf("LenientBool(%s) = %v, %v; want %v", tt.in, got, err, tt.b)
		}
		d = NewDecoder([]byte(tt.in))
		if got, err := d.LenientInt(); err != nil || got != tt.n || d.Finish() != nil {
			t.Errorf("LenientInt(%s) = %d, %v; want %d", tt.in, got, err, tt.n)
		}
	}
	for _, bad := range []string{`tru`, `"unterminated`, `[1,]`, `{"a"}`} {
		d := NewDecoder([]byte(bad))
		if _, err := d.LenientBool(); err == nil {
			t.Errorf("LenientBool(%s): no error for invalid JSON", bad)
		}
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 7, 1, 3, 4, 5, 0, time.UTC)
	for _, in := range []string{`"2025-07-01T03:04:05Z"`, `"2025-7-1T3:04:05Z"`, `"2025-07-01 03:04:05"`, `"2025-07-01T05:04:05+02:00"`} {
		d := NewDecoder([]byte(in))
		got, text, ok, err := d.Time()
		if err != nil || !ok || !got.Equal(want) || string(text) != in[1:len(in)-1] {
			t.Errorf("Time(%s) = %v %q %v %v, want %v", in, got, text, ok, err, want)
		}
	}
	for in, text := range map[string]string{`null`: "", `""`: "", `"soon"`: "soon", `"2025-07-01T00:00:00+24:00"`: "2025-07-01T00:00:00+24:00", `17`: "17", `{"a":1}`: `{"a":1}`} {
		d := NewDecoder([]byte(in))
		if _, got, ok, err := d.Time(); err != nil || ok || string(got) != text {
			t.Errorf("Time(%s) = %q, %v, %v; want text %q and no time", in, got, ok, err, text)
		}
	}
}
