package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/runbook"
)

// runbookPane is the Runbooks tab: the runbooks and recent runs, a runbook's plan, the
// stepper of a run under way, and a past run's transcript. It owns its messages (rbMsg),
// which the root routes here whichever pane is on screen, and the dialogs that answer
// the engine's questions.
type runbookPane struct {
	sh *shared
	o  *RunbookOptions
	// errorsSince is the seam to the errors pane's new groups (nil: none yet).
	errorsSince ErrorGroupsSince

	mode   rbMode
	list   listState
	filter string
	data   rbListMsg
	loaded bool

	plan    *planView
	logView *logView
	logFrom rbMode // where esc goes back to from the transcript

	run    *rbRun        // the engine under way; nil when none
	step   *stepper      // the run on screen, under way or ended
	dialog *promptDialog // the engine's question, while it waits
	// newErrors are the error groups first seen since the shown run started.
	newErrors   []string
	errorsKnown bool

	flash string // for the root's footer: what just happened here

	// watching is the run on screen that another console drives (rbwatch.go), read from
	// its transcript; followedBy holds the lock for it while it goes on.
	watching   string
	followedBy *runbook.Holder
}

type rbMode int

const (
	modeList rbMode = iota
	modePlan
	modeRun
	modeLog
)

func newRunbookPane(sh *shared, o *RunbookOptions, errs ErrorGroupsSince) *runbookPane {
	switch {
	case o == nil:
		sh.runbooks = &rbSummary{off: "no runbook engine in this console"}
	case o.Off != "":
		sh.runbooks = &rbSummary{off: "runbooks are off in this console: " + o.Off}
	}
	return &runbookPane{sh: sh, o: o, errorsSince: errs}
}

func (p *runbookPane) title() string { return "Runbooks" }

func (p *runbookPane) selected() (selection, bool) { return selection{}, false }

func (p *runbookPane) bindings() []key.Binding {
	k := p.sh.keys
	switch {
	case p.o == nil || p.o.Off != "":
		return nil
	case p.dialog != nil:
		return p.dialog.keys()
	case p.mode == modeRun && p.step != nil:
		return k.runHelp(p.step.live() && p.run != nil, p.busy())
	case p.mode == modePlan && p.o.Viewer != "":
		return k.planHelp()[1:] // no x: a viewer starts nothing
	case p.mode == modePlan:
		return k.planHelp()
	case p.mode == modeLog:
		return k.logHelp()
	}
	if p.o.Viewer != "" {
		return []key.Binding{k.OpenRunbook, k.Log, k.Filter, k.NextTab, k.Help, k.Quit}
	}
	return []key.Binding{k.OpenRunbook, k.Start, k.Log, k.Filter, k.NextTab, k.Help, k.Quit}
}

// footerKeys replaces the console's list keys with the pane's own outside the list.
func (p *runbookPane) footerKeys() ([]key.Binding, bool) {
	if p.o == nil || p.o.Off != "" {
		return nil, false
	}
	return p.bindings(), true
}

// active says whether a run is under way in this console: q then asks first.
func (p *runbookPane) active() bool { return p.run != nil }

// busy says whether a command or a check is running: ctrl+c stops it.
func (p *runbookPane) busy() bool { return p.run != nil && p.step != nil && p.step.busy }

// typing says whether a dialog takes every key (an input being typed).
func (p *runbookPane) typing() bool { return p.dialog != nil && p.dialog.msg.input != nil }

// badge is what the tab shows about a run: under way, or waiting for the operator.
func (p *runbookPane) badge() string {
	switch {
	case p.dialog != nil:
		return " ?"
	case p.run != nil:
		return " …"
	}
	return ""
}

// activate reads the folder and the runs again when the pane comes on screen.
func (p *runbookPane) activate() tea.Cmd { return p.load() }

// load reads the runbooks folder, works out each runbook's plan, and lists the runs and
// the lock, in a command.
func (p *runbookPane) load() tea.Cmd {
	if p.o == nil || p.o.Off != "" {
		return nil
	}
	o := *p.o
	return func() tea.Msg {
		rbs, err := runbook.LoadDir(o.Dir, o.Engine.Env)
		msg := rbListMsg{runbooks: rbs, loadErr: err, plans: map[string]runbook.Plan{}}
		eng := runbook.New(o.Engine)
		for _, rb := range rbs {
			msg.plans[rb.Name] = eng.Plan(rb)
		}
		msg.runs, msg.runsErr = o.Engine.Store.ListRuns()
		msg.holder, msg.held = runbook.ReadLock(o.Engine.Store.Dir)
		return msg
	}
}

// handle takes the pane's own messages, wherever the operator is looking.
func (p *runbookPane) handle(msg rbMsg) tea.Cmd {
	switch msg := msg.(type) {
	case rbListMsg:
		p.data, p.loaded = msg, true
		p.sh.runbooks = summarizeRunbooks(msg)
	case rbEventMsg:
		return p.handleEvent(msg)
	case rbPromptMsg:
		return p.handlePrompt(msg)
	case rbDoneMsg:
		return p.handleDone(msg)
	case rbLogMsg:
		p.logView = newLogView(p.sh, msg, p.logFrom)
		p.mode = modeLog
	case rbWatchMsg:
		return p.handleFollowed(msg)
	case rbWatchTickMsg:
		if msg.id == p.watching && p.mode == modeRun && p.run == nil {
			return p.readFollowed(msg.id)
		}
	case rbErrorsMsg:
		if p.step != nil && msg.since.Equal(p.step.started) {
			p.newErrors, p.errorsKnown = msg.titles, msg.ok
		}
	}
	return nil
}

func (p *runbookPane) handleEvent(msg rbEventMsg) tea.Cmd {
	if msg.run != p.run || p.run == nil {
		return nil // a run this console let go of
	}
	s := p.step
	if msg.steps != nil || msg.past != nil || s.id != "" && msg.ev.Run != s.id {
		// The engine is on a run this screen has not shown: a new one, or the unfinished
		// run it took up.
		asked := s.asked
		s = newStepper()
		s.asked = asked
		s.rows = msg.steps
		for _, e := range msg.past {
			s.apply(e)
		}
		p.step = s
		p.newErrors, p.errorsKnown = nil, false
	}
	if s.id == "" || s.transcript == "" {
		s.id = msg.ev.Run
		s.transcript = p.o.Engine.Store.TranscriptPath(msg.ev.Run)
	}
	s.apply(msg.ev)
	return p.run.next()
}

func (p *runbookPane) handlePrompt(msg rbPromptMsg) tea.Cmd {
	if msg.run != p.run || p.run == nil {
		return nil
	}
	d, cmd := newPromptDialog(p.sh, msg)
	p.dialog = d
	p.mode = modeRun
	if p.step != nil {
		p.step.waiting = d.what()
	}
	return cmd
}

// answer sends the dialog's reply to the waiting engine and reads on.
func (p *runbookPane) answer(rep runbook.Reply) tea.Cmd {
	d := p.dialog
	p.dialog = nil
	if p.step != nil {
		p.step.waiting = ""
	}
	d.msg.reply <- rep // buffered: the engine may have gone, the send never blocks
	if p.run == nil {
		return nil
	}
	return p.run.next()
}

func (p *runbookPane) handleDone(msg rbDoneMsg) tea.Cmd {
	if msg.run != p.run || p.run == nil {
		return nil
	}
	p.run, p.dialog = nil, nil
	s := p.step
	s.outcome, s.err, s.busy, s.waiting = &msg.out, msg.err, false, ""
	if msg.out.Transcript != "" {
		s.transcript = msg.out.Transcript
	}
	if s.name == "" {
		s.name = msg.out.Runbook
	}
	switch {
	case msg.err != nil:
		p.flash = "the run did not start: " + firstLine(msg.err.Error())
	case msg.out.Status == runbook.StatusSucceeded:
		p.flash = fmt.Sprintf("✔ %s succeeded", s.name)
	default:
		p.flash = fmt.Sprintf("%s %s %s", runIcon(msg.out.Status), s.name, runWord(msg.out.Status))
	}
	return p.load()
}

// startRun runs a runbook from its plan.
func (p *runbookPane) startRun(rb *runbook.Runbook) tea.Cmd {
	return p.begin(rb.Name, func(ctx context.Context, e *runbook.Engine) (runbook.Outcome, error) {
		return e.Run(ctx, rb)
	})
}

// resumeRun takes up the newest unfinished run.
func (p *runbookPane) resumeRun(name string) tea.Cmd {
	return p.begin(name, func(ctx context.Context, e *runbook.Engine) (runbook.Outcome, error) {
		return e.Resume(ctx)
	})
}

func (p *runbookPane) begin(name string, f startFunc) tea.Cmd {
	if p.o.Viewer != "" {
		p.refuse("run or resume a runbook")
		return nil
	}
	if p.run != nil {
		p.flash = "a run is already under way in this console"
		return nil
	}
	p.run, p.watching, p.followedBy = newRun(), "", nil
	p.step = newStepper()
	p.step.name, p.step.asked = name, name
	p.newErrors, p.errorsKnown = nil, false
	p.mode = modeRun
	return p.run.start(p.o.Engine, f)
}

// stopStep is ctrl+c while a command or check runs.
func (p *runbookPane) stopStep() {
	if p.run != nil {
		p.run.stopStep()
		p.flash = "stopping the step: SIGTERM to its process group, SIGKILL after 5s; then you choose what next"
	}
}

// release lets go of the run as the console quits: the engine detaches, nothing is
// killed. It does not wait; detach does.
func (p *runbookPane) release() {
	if p.run != nil {
		p.run.cancel()
	}
}

// detach lets go of the run and waits up to wait for the engine to record it.
func (p *runbookPane) detach(wait time.Duration) {
	if p.run != nil {
		p.run.detach(wait)
	}
}

// runName names the run under way, for the quit question and the footer.
func (p *runbookPane) runName() string {
	if p.step != nil && p.step.name != "" {
		return p.step.name
	}
	return "(starting)"
}

// paste takes pasted text into an input dialog.
func (p *runbookPane) paste(msg tea.PasteMsg) tea.Cmd {
	if p.dialog == nil {
		return nil
	}
	return p.dialog.paste(msg)
}

// pollErrors asks the errors seam for new groups since the shown run started.
func (p *runbookPane) pollErrors() tea.Cmd {
	if p.errorsSince == nil || p.step == nil || p.step.started.IsZero() || p.mode != modeRun {
		return nil
	}
	since, f := p.step.started, p.errorsSince
	return func() tea.Msg {
		t, ok := f(since)
		return rbErrorsMsg{since: since, titles: t, ok: ok}
	}
}

// update takes keys the pane did not claim first, the mouse wheel and the filter.
func (p *runbookPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case filterMsg:
		p.filter = msg.text
	case tea.KeyPressMsg:
		if p.dialog != nil {
			p.dialog.unused()
		}
	case tea.MouseWheelMsg:
		switch p.mode {
		case modeList:
			p.list.wheel(msg, p.rowKeys())
		case modePlan:
			p.plan.wheel(msg)
		case modeLog:
			p.logView.wheel(msg)
		case modeRun:
			if p.step != nil {
				p.step.scroll(msg)
			}
		}
	}
	return nil
}

// firstLine is the first line of an error, for the footer.
func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
