package redact

import "testing"

func TestRedactor(t *testing.T) {
	t.Parallel()
	r := New("s3cret-key", "", "YWJjOnMzY3JldA==")
	tests := []struct{ in, want string }{
		{"nothing here", "nothing here"},
		{"key=s3cret-key!", "key=[REDACTED]!"},
		{"Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]"},
		{"authorization: basic YWJjOnMzY3JldA==", "authorization: basic [REDACTED]"},
		{"s3cret-key and s3cret-key", "[REDACTED] and [REDACTED]"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var zero Redactor
	if got := zero.String("Bearer xyz"); got != "Bearer [REDACTED]" {
		t.Errorf("zero Redactor: got %q", got)
	}
}
