package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/consolehist"
	"github.com/launchready/launchready/internal/demo"
	"github.com/launchready/launchready/internal/setup"
	history "github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/errlog"
	"github.com/launchready/launchready/probes/kinds"
	"github.com/launchready/launchready/runbook"
	"github.com/launchready/launchready/tui"
)

// consoleRun is the root command with no subcommand: the console on the config.
func consoleRun(g *globalFlags) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageError(cmd, fmt.Errorf("unknown command %q", args[0]))
		}
		return openConsole(cmd.Context(), g.options(), consoleOpts{})
	}
}

// consoleOpts are what demo changes about the console.
type consoleOpts struct {
	mode     string
	interval time.Duration // override checks.interval; zero keeps the config's
	drip     time.Duration // append to the lab's log this often; zero: never
	// runbooks overrides the runbooks folder; demoRunbooks writes the demo's own there
	// (a folder of the demo's) when it is empty, and keeps the demo's runs apart in
	// STATE/demo so they never mix with a real product's.
	runbooks     string
	demoRunbooks bool
}

// openConsole opens the session and runs the console on the terminal until the
// operator quits.
func openConsole(ctx context.Context, o setup.Options, co consoleOpts) error {
	if !term.IsTerminal(os.Stdout.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return &exitError{exitUsage, fmt.Errorf("the console needs a terminal; for a one-off report run `launchready check` (add --json for machines)")}
	}
	s, err := setup.Open(o)
	if err != nil {
		return err
	}
	defer s.Close()
	if attached, err := attachToServe(ctx, s.StateDir); attached {
		return err
	}
	if co.interval > 0 {
		s.Config.Checks.Interval = co.interval
	}
	s.Log.Info("scheduling", "gomaxprocs", oneCore(os.Getenv))
	runner := s.Runner(time.Now)
	runner.AfterFirstSweep(func() { handBackStartupMemory(s.Log) })
	opts := consoleOptions(s, runner, co, time.Now)
	s.MarkStart(cmp.Or(co.mode, "console"))
	infos := opts.Checks
	rbo, cleanup, err := consoleRunbooks(s, co)
	if err != nil {
		return err
	}
	defer cleanup()
	opts.Runbooks = rbo
	opts.ErrorGroupsSince = errorGroupsSince(s.Checks)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.Lab != nil && co.drip > 0 {
		go demo.Drip(cctx, s.Lab, co.drip, time.Now, func(err error) { s.Log.Warn("demo log drip", "err", err) })
	}
	s.Log.Info("console started", "checks", len(infos), "mode", co.mode, "interval", s.Config.Checks.Interval)
	err = tui.Run(cctx, opts, runner)
	s.Log.Info("console closed", "err", err)
	if err != nil {
		return fmt.Errorf("the console stopped: %w", err)
	}
	return nil
}

// consoleOptions wires a console to the session: every result the runner produces goes
// to the history store (Session.Record), the console's sparklines and long-window tiles
// read that store, and a console that only reads it (another launchready records the
// state folder) says so in its header. Its checks still run here for its own screen: the
// store keeps each result's status, latency and finding ids, not the findings' detail,
// evidence and fix the panes show.
func consoleOptions(s *setup.Session, runner *probes.Runner, co consoleOpts, now func() time.Time) tui.Options {
	infos := make([]probes.CheckInfo, len(s.Checks))
	for i, c := range s.Checks {
		infos[i] = c.Info()
	}
	logPath := ""
	if s.StateDir != "" {
		logPath = filepath.Join(s.StateDir, "launchready.log")
	}
	h := s.Record(runner)
	runs := s.StateDir
	if runs != "" && co.demoRunbooks {
		runs = filepath.Join(s.StateDir, "demo") // where consoleRunbooks keeps the demo's runs
	}
	return tui.Options{
		Timeline: s.Timeline(runs),
		Config:   s.Config,
		Checks:   infos,
		Interval: s.Config.Checks.Interval,
		StateDir: s.StateDir,
		LogPath:  logPath,
		Kinds:    kinds.Registry().Kinds(),
		Mode:     co.mode,
		Notes:    s.Notes,
		History:  consolehist.New(h, infos, now),
		ReadOnly: readOnlyNote(h, now()),
	}
}

// readOnlyNote is the header's account of who records the history when this console
// only reads it: "history recorded by pid 1234 on ops-1 since 14:02"; "" for the writer.
func readOnlyNote(h *history.Store, now time.Time) string {
	if !h.ReadOnly() {
		return ""
	}
	w, ok := h.Writer()
	if !ok {
		return "history recorded by another launchready"
	}
	note := fmt.Sprintf("history recorded by pid %d", w.PID)
	if w.Host != "" {
		note += " on " + w.Host
	}
	if !w.Since.IsZero() {
		since := w.Since.In(now.Location())
		if y, m, d := since.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
			note += " since " + since.Format("15:04")
		} else {
			note += " since " + since.Format("2 Jan 15:04")
		}
	}
	return note
}

// consoleRunbooks wires the Runbooks pane: the runbooks folder, and the engine's store,
// checks, network and secrets from the session.
func consoleRunbooks(s *setup.Session, co consoleOpts) (*tui.RunbookOptions, func(), error) {
	cleanup := func() {}
	dir := s.Config.RunbooksDir()
	if co.runbooks != "" {
		dir = co.runbooks
	} else if co.demoRunbooks {
		tmp, err := os.MkdirTemp("", "launchready-demo-runbooks-")
		if err != nil {
			return nil, cleanup, fmt.Errorf("cannot make a folder for the demo's runbooks: %w", err)
		}
		cleanup = func() { os.RemoveAll(tmp) }
		if err := demo.WriteRunbooks(tmp); err != nil {
			return nil, cleanup, err
		}
		dir = tmp
	}
	o := &tui.RunbookOptions{Dir: dir}
	if s.StateDir == "" {
		o.Off = "there is no state folder for transcripts and the lock; pass --state DIR"
		return o, cleanup, nil
	}
	stateDir := s.StateDir
	if co.demoRunbooks {
		stateDir = filepath.Join(s.StateDir, "demo")
	}
	o.Engine = runbook.Options{Store: runbook.NewStore(stateDir), Env: runbookEnv(s), Environ: runbookEnviron(s), Secrets: s.Config.SecretValues(), Log: s.Log}
	return o, cleanup, nil
}

// newGroupser is the errors pane's check: the error groups first seen since a time.
type newGroupser interface {
	NewGroupsSince(t time.Time) []errlog.Group
}

// errorGroupsSince feeds the stepper's "since start" line from the errors checks of the
// session, nil when the config watches no logs.
func errorGroupsSince(checks []probes.Check) tui.ErrorGroupsSince {
	var srcs []newGroupser
	for _, c := range checks {
		if g, ok := c.(newGroupser); ok {
			srcs = append(srcs, g)
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	return func(t time.Time) ([]string, bool) {
		var titles []string
		for _, src := range srcs {
			for _, g := range src.NewGroupsSince(t) {
				titles = append(titles, g.Title)
			}
		}
		return titles, true
	}
}
