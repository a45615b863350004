package exampleenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// The exit statuses of every program, which scripts can rely on (the same
// in every program, as ../shared/design/API.md v0.3 lists them).
const (
	ExitOK          = 0 // done, or nothing to do (or, with -h, the help was printed)
	ExitFailed      = 1 // an error: a bad command line, a bad input file, a change that failed
	ExitPending     = 2 // changes pending: a plan or dry run showed changes, and only that
	ExitInterrupted = 3 // interrupted (SIGINT, SIGTERM): some changes may not have been made
)

// ExitUsage is the status of a bad command line: ExitFailed, as terraform
// has it, so that a script never reads a typo as "changes pending".
const ExitUsage = ExitFailed

// GoRunNote ends the paragraph on exit statuses: go run itself exits 1
// whatever status the program ends with, so scripts need the built program.
const GoRunNote = `Under go run every failure is status 1 (go run's own): for scripts, build the
program (go build -o bin/ ./examples/...).`

// ExitHelp is the paragraph on exit statuses that ends every -h text.
const ExitHelp = `Exit status: 0 when everything was done, or there was nothing to do; 1 when
something failed (a bad command line, an input file, a row, a user, a
request), after doing what could be done; 3 when interrupted.
` + GoRunNote

// ErrPending, returned by a program that planned changes without making
// them (a plan, a dry run), makes Run exit with ExitPending and print
// nothing more: the output has shown the changes.
var ErrPending = errors.New("changes pending")

// LiveEnv is the environment section of the -h text of the examples that
// reach W&B with -live.
const LiveEnv = `Read only with -live (without it, the built-in simulator is used and these
are ignored):
  WANDB_BASE_URL  the W&B to use, such as https://acme.wandb.io (Dedicated
                  Cloud, Self-Managed); unset: https://api.wandb.ai
  WANDB_API_KEY   the API key of an organization admin (required)
  WANDB_USERNAME  optional: send the key as Basic auth for this user`

// ErrInterrupted matches, with errors.Is, an error that reports a run cut
// short by SIGINT or SIGTERM; Run exits with ExitInterrupted for it (and for
// any error caused by the context's cancellation).
var ErrInterrupted = errors.New("interrupted")

// ErrUsage matches, with errors.Is, every error that reports a bad command
// line; Run exits with ExitUsage for it.
var ErrUsage = errors.New("usage error")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// Usagef returns an error reporting a bad command line (see ErrUsage).
func Usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// Help is an example's -h text. NewFlagSet prints it around the flag list:
// Usage, About, the flags, Env, Example and Exit.
type Help struct {
	Usage   string // the command line, such as "go run ./examples/provision [flags]"
	About   string // what it does, its input format with a sample, what the simulator holds
	Env     string // the environment it reads: LiveEnv, or "" for none
	Example string // one example command, or a few, one a line
	Exit    string // the exit statuses, in ExitOK, ExitFailed and ExitUsage's terms; "" for ExitHelp
}

// NewFlagSet returns an empty flag set for the example name whose usage
// text (printed by Parse for -h) is h with the flag list.
func NewFlagSet(name string, h Help) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n", h.Usage, strings.TrimSpace(h.About))
		fs.PrintDefaults()
		if h.Env != "" {
			fmt.Fprintf(w, "\nEnvironment:\n%s\n", indent(h.Env))
		} else {
			fmt.Fprintf(w, "\nEnvironment: none is read.\n")
		}
		exit := h.Exit
		if exit == "" {
			exit = ExitHelp
		}
		fmt.Fprintf(w, "\nExample:\n%s\n\n%s\n", indent(h.Example), exit)
	}
	return fs
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// LiveFlag adds -live to fs, stored in p.
func LiveFlag(fs *flag.FlagSet, p *bool) {
	fs.BoolVar(p, "live", false, "use the W&B that WANDB_BASE_URL and WANDB_API_KEY name, instead of the built-in simulator")
}

// Parse parses args with fs. For -h or -help it writes the usage text to
// stdout and returns flag.ErrHelp; a bad flag is a usage error (ErrUsage).
// The flag package itself prints nothing.
func Parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return err
	case err != nil:
		return Usagef("%v", err)
	}
	return nil
}

// NoArgs is a usage error when fs was given arguments besides its flags.
func NoArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return Usagef("unexpected arguments %q (flags go before them; see -h)", fs.Args())
	}
	return nil
}

// Main runs an example program and exits with the status Run returns; it
// never returns. The context is cancelled on an interrupt (Ctrl-C) or
// SIGTERM.
func Main(name string, main func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	ctx, stop := signal.NotifyContext(WithConsole(context.Background(), stdinConsole()), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, name, os.Args[1:], os.Stdout, os.Stderr, main)
	stop()
	os.Exit(code)
}

// Run runs main with args and returns the exit status: ExitOK when it
// returns nil or flag.ErrHelp; ExitPending, silently, for ErrPending;
// ExitUsage for a usage error, printed as "name: error" and a pointer to -h;
// ExitInterrupted for ErrInterrupted or a cancellation (printed as
// "name: interrupted"); ExitFailed for any other error, printed as
// "name: error". Errors go to stderr.
func Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer,
	main func(ctx context.Context, args []string, stdout, stderr io.Writer) error) int {
	err := main(ctx, args, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, ErrPending):
		return ExitPending
	case errors.Is(err, ErrUsage):
		fmt.Fprintf(stderr, "%s: %v\nRun '%s -h' for help.\n", name, err, name)
		return ExitUsage
	case errors.Is(err, ErrInterrupted):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitInterrupted
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "%s: interrupted\n", name)
		return ExitInterrupted
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return ExitFailed
}

// ReadInput returns the contents of an example's input file: file itself,
// read from disk, or, when file is "", the built-in sample. name is what to
// call it in messages: file, or sampleName (the sample's path in the
// repository, such as examples/provision/users.csv).
func ReadInput(file, sampleName string, sample []byte) (name string, data []byte, err error) {
	if file == "" {
		return sampleName, sample, nil
	}
	data, err = os.ReadFile(file)
	if err != nil {
		return "", nil, err
	}
	return file, data, nil
}

// Count writes n and a noun, plural unless n is 1: "1 user", "3 users".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
