package resource

import (
	"fmt"
	"iter"
	"strings"

	"github.com/go-wandb/identity/internal/clip"
	"github.com/go-wandb/identity/scim"
)

// The error rules of the service packages:
//
//   - Every exported method's error starts with "pkg.Method: " exactly once:
//     the method passes its result through Done (or its error through Wrap)
//     with its op, and nothing below it adds that prefix, except an
//     *scim.InputError made with the same op, which Wrap keeps as it is.
//   - A method never returns a non-nil result with a non-nil error (Done).
//   - No error text grows with the input: values quoted in messages go
//     through Quote or Cut, and Wrap bounds the whole text.

// maxText bounds the text of an error Wrap returns.
const maxText = 4 << 10

// maxQuoted bounds one value quoted in a message.
const maxQuoted = 128

// Invalid returns an *scim.InputError for op with a formatted message: an
// argument rejected before anything was sent. It matches scim.ErrInvalidInput.
func Invalid(op, format string, args ...any) error {
	return &scim.InputError{Op: op, Msg: fmt.Sprintf(format, args...)}
}

// Done returns v and nil, or the zero T and err wrapped with op: the one exit
// of every exported service method.
func Done[T any](op string, v T, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, Wrap(op, err)
	}
	return v, nil
}

// Wrap prefixes err with "op: ", unless it already is op's own error; nil
// stays nil. The wrapped error unwraps to err, so errors.Is and errors.As see
// everything below.
func Wrap(op string, err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *scim.InputError:
		if e.Op == op {
			return err
		}
	case *opError:
		if e.op == op {
			return err
		}
	}
	return &opError{op: op, err: err}
}

// WrapSeq passes seq through, wrapping the error it yields with op.
func WrapSeq[T any](op string, seq iter.Seq2[*T, error]) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for v, err := range seq {
			if err != nil {
				yield(nil, Wrap(op, err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// opError is an error of the exported method op.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return CutN(e.op+": "+e.err.Error(), maxText) }
func (e *opError) Unwrap() error { return e.err }

// Quote returns s quoted as %q does, cut to a bounded length first.
func Quote(s string) string { return fmt.Sprintf("%q", Cut(s)) }

// Cut returns s cut to a bounded length on a rune boundary, marked with "…"
// when cut.
func Cut(s string) string { return CutN(s, maxQuoted) }

// CutN is Cut with an explicit bound n, in bytes.
func CutN(s string, n int) string { return clip.String(s, n) }

// CheckOperations rejects, with an *scim.InputError naming op, an empty list
// and any operation whose op is not add, replace or remove (in any case).
func CheckOperations(op string, ops []scim.Operation) error {
	if len(ops) == 0 {
		return Invalid(op, "no operations")
	}
	for i, o := range ops {
		switch strings.ToLower(o.Op) {
		case "add", "replace", "remove":
		default:
			return Invalid(op, "operation %d: op %s: want add, replace or remove", i, Quote(o.Op))
		}
	}
	return nil
}

// Blank reports whether s is empty or only white space.
func Blank(s string) bool { return strings.TrimSpace(s) == "" }
