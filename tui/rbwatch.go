package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/runbook"
)

// Following a run another console drives: a viewer over SSH, or a second operator, sees
// the run's stepper as its transcript tells it, read again every watchEvery while the run
// holds the lock. Nothing here can start, answer, roll back or abort: the engine and its
// questions belong to the console that runs it.

// watchEvery is how often a followed run's transcript is read again: the transcript is
// written as the run goes, and a second is as live as a person following it needs.
const watchEvery = time.Second

// rbWatchMsg is a fresh read of the followed run's transcript.
type rbWatchMsg struct {
	id, path string
	steps    []stepRow
	evs      []runbook.Event
	err      error
	// live says the run still holds the lock: read again after watchEvery.
	live   bool
	holder *runbook.Holder
}

// rbWatchTickMsg asks for the next read of the followed run.
type rbWatchTickMsg struct{ id string }

func (rbWatchMsg) runbookMsg()     {}
func (rbWatchTickMsg) runbookMsg() {}

// follow puts the run id on screen, read from its transcript.
func (p *runbookPane) follow(id string) tea.Cmd {
	p.watching = id
	p.step = nil
	p.mode = modeRun
	return p.readFollowed(id)
}

func (p *runbookPane) readFollowed(id string) tea.Cmd {
	st := p.o.Engine.Store
	env := p.o.Engine.Env
	return func() tea.Msg {
		msg := rbWatchMsg{id: id, path: st.TranscriptPath(id)}
		msg.evs, msg.err = runbook.ReadTranscript(msg.path)
		if len(msg.evs) > 0 && msg.evs[0].Runbook != nil {
			msg.steps = rowsFromSource([]byte(msg.evs[0].Runbook.Source), msg.evs[0].Runbook.File, env)
		}
		h, held := runbook.ReadLock(st.Dir)
		msg.live = held && h != nil && h.Run == id
		if msg.live {
			msg.holder = h
		}
		return msg
	}
}

// handleFollowed redraws the followed run from its transcript, keeping where the reader
// scrolled its output to, and reads again while the run goes on.
func (p *runbookPane) handleFollowed(msg rbWatchMsg) tea.Cmd {
	if msg.id != p.watching || p.run != nil {
		return nil // left, or this console started its own
	}
	if msg.err != nil && len(msg.evs) == 0 {
		p.watching, p.mode = "", modeList
		p.flash = "cannot read run " + msg.id + ": " + firstLine(msg.err.Error())
		return p.load()
	}
	back := 0
	if p.step != nil {
		back = p.step.back
	}
	s := newStepper()
	s.rows = msg.steps
	for _, e := range msg.evs {
		s.apply(e)
	}
	s.id, s.transcript, s.back = msg.id, msg.path, back
	p.step, p.followedBy = s, msg.holder
	if !msg.live {
		return nil
	}
	id := msg.id
	return tea.Tick(watchEvery, func(time.Time) tea.Msg { return rbWatchTickMsg{id: id} })
}

// following says whether the screen shows a run another console drives, still under way.
func (p *runbookPane) following() bool {
	return p.watching != "" && p.run == nil && p.mode == modeRun && p.followedBy != nil
}

// refuse is the footer's answer when a viewer asks for what only an operator may do.
func (p *runbookPane) refuse(what string) {
	p.flash = viewerRefusal(p.o.Viewer, what)
}

// notYours is the answer to a key that would steer a run another console drives.
func (p *runbookPane) notYours() {
	who := "the console that runs it"
	if p.followedBy != nil {
		who = p.followedBy.Operator.User + "'s console"
	}
	p.flash = "only " + who + " answers or stops this run; esc goes back, q quits"
}
