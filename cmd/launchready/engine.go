package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/internal/setup"
	history "github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/watch"
	"github.com/launchready/launchready/probes"
)

// engine is what watch and serve both run: every check on its schedule, each result in
// the history, alerts, /metrics. One function builds it for both so the two cannot
// drift apart (serve, copied from watch, once forgot to mark its start on the timeline).
type engine struct {
	name    string // the command, "watch" or "serve", as its messages name it
	red     *redact.Redactor
	log     *slog.Logger
	senders map[string]alert.Sender
	runner  *probes.Runner
	hist    *history.Store
	// takeOver: the engine takes the history over when its holder closes (not beside a
	// watch, which owns it).
	takeOver bool
}

// startEngine makes the redacting log, the alert senders and the runner, records every
// result in the history (taking it over from a console that holds it) and marks the
// start on the timeline. Nothing is checked until run.
//
// takeOver is false for a serve beside a watch that owns the state folder: watch is the
// history's writer there, and a serve that took the history over while watch restarted
// would keep it, leaving the restarted watch read-only (its alert events would never
// reach the timeline).
func startEngine(ctx context.Context, s *setup.Session, name string, takeOver bool) (*engine, error) {
	red, err := redact.New(redact.Options{Values: redact.WithURLParts(s.Config.SecretValues())})
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	e := &engine{name: name, red: red, log: slog.New(redact.Handler(s.Log.Handler(), red))}
	if s.Alerts != nil {
		if e.senders, err = alert.NewSenders(s.Alerts, alert.SenderOptions{RootCAs: s.Net.RootCAs()}); err != nil {
			return nil, &exitError{exitUsage, fmt.Errorf("%s; fix the channel, or check it with: launchready alert test", red.String(err.Error()))}
		}
	}
	e.log.Info("scheduling", "gomaxprocs", oneCore(os.Getenv))
	e.runner = probes.NewRunner(s.Checks, probes.RunnerOptions{
		Concurrency: s.Config.Checks.Concurrency,
		Interval:    s.Config.Checks.Interval,
		Timeout:     s.Config.Checks.Timeout,
		Logger:      e.log,
	})
	// The engine is the history's rightful writer: consoles that attach read it, and if
	// a console opened first holds it, the engine takes over as soon as it closes.
	e.hist = s.Record(e.runner)
	s.MarkStart(name)
	e.runner.AfterFirstSweep(func() { handBackStartupMemory(e.log) })
	e.takeOver = takeOver
	if takeOver {
		s.TakeOverHistory(ctx, e.runner, 15*time.Second)
	}
	return e, nil
}

// notes prints the session's notes and, when a console holds the history, that the
// engine takes it over.
func (e *engine) notes(w io.Writer, s *setup.Session) {
	for _, n := range s.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	if e.hist.ReadOnly() && e.takeOver {
		fmt.Fprintf(w, "note: %s records the history itself within 15 s of that launchready closing\n", e.name)
	}
}

// run runs the checks until ctx ends; ready is told, once listening, where the metrics
// are, in words for the start line.
func (e *engine) run(ctx context.Context, s *setup.Session, listen string, ready func(metrics string)) error {
	return e.runLocked(ctx, s, listen, nil, ready)
}

// runLocked is run with the state folder's lock taken already (nil: run takes it).
func (e *engine) runLocked(ctx context.Context, s *setup.Session, listen string, lock *watch.Lock, ready func(metrics string)) error {
	return watch.Run(ctx, watch.Options{Lock: lock,
		StateDir: s.StateDir, Listen: listen, Runner: e.runner, Alerts: s.Alerts, Senders: e.senders,
		Product: s.Config.Product, Domain: s.Config.Domain, Version: versionString(),
		Interval: s.Config.Checks.Interval, Log: e.log, Redactor: e.red, Now: time.Now,
		OnAlertChange: s.RecordAlertChange,
		Ready: func(addr string) {
			if addr == "" {
				ready("no metrics (--listen '')")
				return
			}
			ready("metrics on http://" + addr + "/metrics")
		},
	})
}

// stopped is the command's exit for what run returned: a taken state folder names its
// holder (lockAdvice says what to do about it), any other error is redacted, and a clean
// stop says so on w.
func (e *engine) stopped(w io.Writer, err error, lockAdvice string) error {
	var le *watch.LockedError
	if errors.As(err, &le) {
		return &exitError{exitUsage, fmt.Errorf("launchready %s: %v%s", e.name, err, lockAdvice)}
	}
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("launchready %s: %s", e.name, e.red.String(err.Error()))}
	}
	fmt.Fprintf(w, "launchready %s: stopped\n", e.name)
	return nil
}

// besideWatch runs the checks until ctx ends, for the live view of consoles attached to
// a serve started beside the watch that owns the state folder (held names it): no
// alerts (watch sends them: twice would page twice), no /metrics (watch serves them, on
// the same default address), no history (watch writes it; s.Record's store is read-only
// while watch holds it, and takes over within 15 s of watch stopping, as a console's
// does).
func (e *engine) besideWatch(ctx context.Context, held *watch.LockedError, ready func(metrics string)) error {
	e.log.Info("serve beside watch: no alerts, no metrics, history read-only", "watch", held.Holder.String(), "state", held.Dir)
	ready(fmt.Sprintf("beside watch pid %d (its alerts, metrics and history)", held.Holder.PID))
	e.runner.Run(ctx)
	e.log.Info("serve stopped")
	return nil
}
