package probes

import (
	"context"
	"time"
)

// Check is one thing to look at, on a schedule. It is deliberately small: describe
// yourself, and run until the context's deadline. The runner adds timing, status,
// timeouts and panic recovery, so a probe only reports what it saw.
type Check interface {
	Info() CheckInfo
	Run(ctx context.Context) Result
}

// A check that keeps something running between runs (a log tailer following files and
// child processes) starts it on its first Run and implements io.Closer; the session that
// built it closes it on shutdown. Run must stay bounded by its context either way.

// CheckInfo names a check and says how often and how long it may run.
type CheckInfo struct {
	// Name is unique in a config ("http app.acme.example"); the console's `r`, history and
	// alerts address a check by it.
	Name     string
	Kind     string
	Pane     Pane
	Target   string
	Interval time.Duration // zero: the runner's default (1m)
	Timeout  time.Duration // zero: the runner's default (10s)
}
