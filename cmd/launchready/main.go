// Command launchready is the launch-week operations console: run with no arguments for the
// console, `demo` to see it against the built-in lab, `check` for one sweep in CI.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/launchready/launchready/internal/setup"
)

// Exit codes, the same for every command: scripts and CI rely on them.
const (
	exitOK       = 0
	exitFindings = 1 // findings at or above --fail-on, drift, a failing verdict
	exitUsage    = 2 // bad flags, bad config, could not run
)

// exitError carries a chosen exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it with their own arguments and writers.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, ee.err)
		}
		return ee.code
	}
	if errors.Is(err, setup.ErrConfig) {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "launchready: %v\n", err)
	return exitUsage
}
