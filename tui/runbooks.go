package tui

import (
	"time"

	"github.com/launchready/launchready/runbook"
)

// RunbookOptions wire the Runbooks pane to the runbook engine. The pane lists the
// runbooks in Dir and the runs in Engine.Store, shows a runbook's plan, and steps through
// a run: the engine works on its own goroutine inside a tea.Cmd and the console answers
// its questions from dialogs.
type RunbookOptions struct {
	// Dir is the runbooks folder (runbooks.dir in launchready.yaml).
	Dir string
	// Engine is what every run's engine is made from. Store is required; Env (the
	// session's checks and network) validates the runbooks and runs their checks; Secrets
	// are redacted. Tests also set Getenv, Environ, Operator, Now, Tick and KillGrace.
	// Prompter and Observe are the console's own: whatever is set there is replaced.
	Engine runbook.Options
	// Off, when set, says why runbooks cannot run in this console (no state folder): the
	// pane shows it instead of the list.
	Off string
	// Viewer, when set, is the name of a person signed in over SSH as a viewer
	// (launchready serve): the pane lists the runbooks and runs, shows plans and
	// transcripts and follows a run under way, and refuses every key that would start,
	// resume, answer or stop one, saying only an operator may.
	Viewer string
	// NoShell says the person at this console has no shell on the machine (an SSH
	// session of launchready serve), so no message sends them to one.
	NoShell bool
}

// ErrorGroupsSince is the seam for the stepper's "since start" line: the titles of the
// application's error groups first seen at or after t, as the errors pane's check keeps
// them (probes/errlog's Check.NewGroupsSince). ok is false when nothing watches errors.
// It is called from a tea.Cmd, never from Update or View.
type ErrorGroupsSince func(t time.Time) (titles []string, ok bool)

// rbMsg marks the Runbooks pane's own messages: the root routes them to the pane
// whichever pane is on screen, since a run goes on while the operator looks elsewhere.
type rbMsg interface{ runbookMsg() }

// rbListMsg is a fresh read of the runbooks folder and the runs in the store.
type rbListMsg struct {
	runbooks []*runbook.Runbook
	plans    map[string]runbook.Plan
	loadErr  error // runbooks that did not load, every problem listed
	runs     []runbook.RunSummary
	runsErr  error
	holder   *runbook.Holder
	held     bool
}

// rbEventMsg is one event of the run, in order, as written to its transcript. A run's
// first event here (run-start, or resume for a run another engine started) carries the
// steps and, for a resume, the events before it.
type rbEventMsg struct {
	run   *rbRun
	ev    runbook.Event
	steps []stepRow
	past  []runbook.Event
}

// rbPromptMsg is a question from the engine, which waits on reply for the answer.
type rbPromptMsg struct {
	run     *rbRun
	confirm *runbook.ConfirmRequest
	input   *runbook.InputRequest
	choice  *runbook.ChoiceRequest
	reply   chan<- runbook.Reply
}

// rbDoneMsg is how the engine's Run or Resume returned.
type rbDoneMsg struct {
	run *rbRun
	out runbook.Outcome
	err error
}

// rbLogMsg is a past run's transcript, printed as `launchready runbook log` prints it;
// line is where to open it (0: the top), the line of the event the timeline pointed at.
type rbLogMsg struct {
	id, path, text string
	line           int
	err            error
}

// rbErrorsMsg is the error groups that are new since the shown run started.
type rbErrorsMsg struct {
	since  time.Time
	titles []string
	ok     bool
}

func (rbListMsg) runbookMsg()   {}
func (rbEventMsg) runbookMsg()  {}
func (rbPromptMsg) runbookMsg() {}
func (rbDoneMsg) runbookMsg()   {}
func (rbLogMsg) runbookMsg()    {}
func (rbErrorsMsg) runbookMsg() {}
