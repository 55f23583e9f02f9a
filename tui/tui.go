// Package tui is Launch Ready's console: a full-screen Bubble Tea program that shows every
// check's latest result by pane, one risk list ranked by business impact, the launch bar,
// and the detail behind every finding.
//
// The console renders any probes.Result: a pane's table is generic and its key figures
// are read from Result.Metrics by name (columns.go), so a new probe kind appears in its
// pane without this package changing. Results arrive as messages (ResultsMsg) from the
// runner's subscription; Update never does I/O, and everything that touches the world
// (re-running a check, writing a copied detail) happens in a tea.Cmd.
package tui

import (
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// Runner is what the console asks of the probe runner: run one check now (r), or all of
// them (R). *probes.Runner implements it; tests pass a fake.
type Runner interface {
	Trigger(name string) bool
	TriggerAll()
}

// Options are what a console needs to start. Only Checks is required.
type Options struct {
	// Config supplies the product name, host roles and secrets to redact; nil is allowed
	// (tests), and Product then names the product.
	Config  *config.Config
	Product string
	// Checks are every check the runner runs, in config order: the panes list them
	// before any result arrives.
	Checks []probes.CheckInfo
	// Interval is the runner's default interval, for "next" and for spotting a check in
	// flight. Zero: config.DefaultInterval.
	Interval time.Duration
	// Runner re-runs checks for r and R; nil makes those keys say they are unavailable.
	Runner Runner
	// History feeds the sparklines; nil: an in-memory ring (NewMemHistory). One that is
	// also a FigureSource feeds the Uptime 24h and p95 latency tiles.
	History History
	// ReadOnly, when not empty, says in the header that this console only reads the
	// history another launchready records, e.g. "history recorded by pid 1234 on ops-1
	// since 14:02"; the header prefixes "read-only · ".
	ReadOnly string
	// Now is the clock; tests freeze it. Nil: time.Now.
	Now func() time.Time
	// Tick is how often the header clock advances; zero: a second. Negative: never on its
	// own (tests send TickMsg).
	Tick time.Duration
	// StateDir is where c saves a copied detail; LogPath is the tool's log, named in
	// "could not run" details.
	StateDir, LogPath string
	// Kinds are the probe kinds of this build, so an empty pane can say whether it is
	// unconfigured or not built yet.
	Kinds []probes.Kind
	// Mode is a word for the header, such as "demo".
	Mode string
	// Notes are shown once in the footer at start (setup notes).
	Notes []string
	// Redact lists values never to show or copy, on top of the config's resolved
	// secrets (which are always redacted).
	Redact []string
	// Runbooks wires the Runbooks pane to the engine; nil: the pane says the console has
	// none (tests of other panes).
	Runbooks *RunbookOptions
	// Viewer, when set, is the name of the person this console is for, signed in over SSH
	// as a viewer (launchready serve): the console then re-runs no check and saves no
	// copy on the server's disk, and says why. Runbooks are turned off with
	// Runbooks.Off. Empty: the console is its user's own.
	Viewer string
	// Watching, when set, says who has a console open on the same engine (launchready
	// serve): the header counts them and the help overlay names them. It is called on
	// every frame, so it must be cheap and safe from any goroutine.
	Watching func() []Watcher
	// ErrorGroupsSince feeds the stepper's "since start" line with the error groups new
	// since a run started; nil until an errors source is wired in.
	ErrorGroupsSince ErrorGroupsSince
	// Timeline feeds the Timeline pane and "before this"; nil: the pane says there is no
	// history to read.
	Timeline TimelineSource
}

// TickMsg advances the header clock. The console schedules its own; tests send it.
type TickMsg struct{}

// ResultsMsg carries results from the runner into Update, as many as arrived together.
type ResultsMsg []probes.Result
