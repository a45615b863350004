package jsonx

import (
	"testing"
	"time"
)

func TestLenientScalars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		text string
		b    bool
		n    int
	}{
		{`true`, "true", true, 0},
		{`"True"`, "True", true, 0},
		{`"1"`, "1", true, 1},
		{`false`, "false", false, 0},
		{`3`, "3", false, 3},
		{`3.0`, "3.0", false, 3},
		{` "3" `, "3", false, 3},
		{`null`, "null", false, 0},
		{`""`, "", false, 0},
		{`"a\"b"`, `a"b`, false, 0},
		{`[1]`, "[1]", false, 0},
		{``, "", false, 0},
	}
	for _, tt := range tests {
		if got := Text([]byte(tt.in)); got != tt.text {
			t.Errorf("Text(%s) = %q, want %q", tt.in, got, tt.text)
		}
		if got := Bool([]byte(tt.in)); got != tt.b {
			t.Errorf("Bool(%s) = %v, want %v", tt.in, got, tt.b)
		}
		if got := Int([]byte(tt.in)); got != tt.n {
			t.Errorf("Int(%s) = %d, want %d", tt.in, got, tt.n)
		}
	}
}

func TestTimePtr(t *testing.T) {
	t.Parallel()
	want := time.Date(2025, 7, 1, 3, 4, 5, 0, time.UTC)
	for _, in := range []string{`"2025-07-01T03:04:05Z"`, `"2025-7-1T3:04:05Z"`, `"2025-07-01 03:04:05"`} {
		if got := TimePtr([]byte(in)); got == nil || !got.Equal(want) {
			t.Errorf("TimePtr(%s) = %v, want %v", in, got, want)
		}
	}
	for _, in := range []string{`null`, `""`, `"soon"`, `"2025-07-01T00:00:00+24:00"`, `17`} {
		if got := TimePtr([]byte(in)); got != nil {
			t.Errorf("TimePtr(%s) = %v, want nil", in, got)
		}
	}
}
