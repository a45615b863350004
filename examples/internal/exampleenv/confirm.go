package exampleenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Console is where a program asks the operator a question: its standard
// input, and whether that is a terminal (a person who can answer). Main
// puts os.Stdin there; a test uses WithConsole.
type Console struct {
	In          io.Reader
	Interactive bool
}

type consoleKey struct{}

// WithConsole returns a context whose Confirm reads its answer from c.
func WithConsole(ctx context.Context, c Console) context.Context {
	return context.WithValue(ctx, consoleKey{}, c)
}

// consoleFrom returns the console of ctx: the one WithConsole set, or none
// (not interactive, nothing to read).
func consoleFrom(ctx context.Context) Console {
	c, _ := ctx.Value(consoleKey{}).(Console)
	if c.In == nil {
		c = Console{In: strings.NewReader(""), Interactive: false}
	}
	return c
}

// stdinConsole is the console of a program run by Main.
func stdinConsole() Console {
	_, tty := Terminal(os.Stdin)
	return Console{In: os.Stdin, Interactive: tty}
}

// ErrNotConfirmed matches, with errors.Is, Confirm's refusal: the operator
// did not type "yes", or there was no terminal to ask on and -auto-approve
// was not given. Nothing has been changed when it is returned.
var ErrNotConfirmed = errors.New("not confirmed")

// Confirm asks the operator, as terraform apply does, to type "yes" before
// a change is made: it writes question and a prompt to w and reads one line
// from the context's console. autoApprove (the programs' -auto-approve)
// skips the question. Without a terminal and without autoApprove it asks
// nothing and refuses, so that a script never changes an organization by
// accident. Any answer but "yes" refuses; so does the end of the context.
func Confirm(ctx context.Context, w io.Writer, question string, autoApprove bool) error {
	if autoApprove {
		return nil
	}
	c := consoleFrom(ctx)
	if !c.Interactive {
		return fmt.Errorf("%w: standard input is not a terminal to ask on; review the plan and run again with -auto-approve", ErrNotConfirmed)
	}
	fmt.Fprintf(w, "%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", strings.TrimSpace(question))
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(c.In).ReadString('\n')
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(w)
		return ctx.Err()
	case a := <-answer:
		fmt.Fprintln(w)
		if a != "yes" {
			return fmt.Errorf("%w: the answer was %q, not yes; nothing was changed", ErrNotConfirmed, clipAnswer(a))
		}
		return nil
	}
}

func clipAnswer(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
