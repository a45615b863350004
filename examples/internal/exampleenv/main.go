package exampleenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Main runs an example program's work and exits; it never returns. run gets a
// context that is cancelled on an interrupt (Ctrl-C) or SIGTERM. When run
// returns nil, Main exits with status 0; otherwise it prints "name: err" to
// standard error (an error caused by the cancellation as "name: interrupted")
// and exits with status 1.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// UsageError reports a bad command line and exits; it never returns. It
// prints "name: " and the formatted message to standard error, then the flag
// usage (flag.Usage), and exits with status 2.
func UsageError(name, format string, args ...any) {
	fmt.Fprintf(os.Stderr, name+": "+format+"\n", args...)
	flag.Usage()
	os.Exit(2)
}

// ReadInput returns the contents of an example's input file and the name to
// call it by in messages: file itself, read from disk, or, when file is "",
// the built-in sample, named "the sample " + sampleName.
func ReadInput(file, sampleName string, sample []byte) (name string, data []byte, err error) {
	if file == "" {
		return "the sample " + sampleName, sample, nil
	}
	data, err = os.ReadFile(file)
	if err != nil {
		return "", nil, err
	}
	return file, data, nil
}
