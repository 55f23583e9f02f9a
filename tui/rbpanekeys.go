package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/runbook"
)

// keyFirst sees keys before the console's own: the dialog answering the engine, then
// the keys of the screen on show (the list, a plan, the stepper, a transcript). A key it
// does not use goes on to the console (tab, ?, q...).
func (p *runbookPane) keyFirst(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if p.o == nil || p.o.Off != "" {
		return nil, false
	}
	if p.dialog != nil {
		act, cmd, used := p.dialog.update(msg)
		if a, ok := act.(answerAction); ok {
			return tea.Batch(cmd, p.answer(a.reply)), true
		}
		if used || p.typing() {
			return cmd, true
		}
	}
	k := p.sh.keys
	switch p.mode {
	case modePlan:
		switch {
		case (key.Matches(msg, k.Start) || key.Matches(msg, k.Open)) && p.o.Viewer != "":
			p.refuse("start a runbook")
			return nil, true
		case key.Matches(msg, k.Start), key.Matches(msg, k.Open):
			return p.startPlanned(), true
		case key.Matches(msg, k.Back):
			p.mode = modeList
			return p.load(), true
		case key.Matches(msg, k.Filter):
			return nil, true
		}
		return nil, p.plan.key(msg)
	case modeLog:
		switch {
		case key.Matches(msg, k.Back), key.Matches(msg, k.Log):
			p.mode = p.logView.from
			return nil, true
		case key.Matches(msg, k.Filter):
			return nil, true
		}
		return nil, p.logView.key(msg)
	case modeRun:
		return p.runKey(msg)
	}
	return p.listKey(msg)
}

func (p *runbookPane) runKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.sh.keys
	s := p.step
	if s == nil {
		p.mode = modeList
		return nil, false
	}
	live := p.run != nil
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Open):
		if live {
			p.flash = "the run is under way: this screen stays until it ends (tab shows the other panes)"
			return nil, true
		}
		p.mode, p.watching, p.followedBy = modeList, "", nil
		return p.load(), true
	case key.Matches(msg, k.Start) && p.following():
		p.notYours()
		return nil, true
	case key.Matches(msg, k.Log) && !live && s.transcript != "":
		return p.openLog(s.id, s.transcript, modeRun), true
	case key.Matches(msg, k.Start) && !live:
		p.flash = "esc goes back to the runbooks, where x starts one"
		return nil, true
	case key.Matches(msg, k.Filter):
		return nil, true
	}
	return nil, s.key(msg, k)
}

func (p *runbookPane) listKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.sh.keys
	keys := p.rowKeys()
	if p.list.handleKey(msg, k, keys) {
		return nil, true
	}
	sel := p.list.key
	switch {
	case key.Matches(msg, k.Open), key.Matches(msg, k.Start):
		if p.run != nil || p.step != nil && p.mode == modeRun {
			p.mode = modeRun
			return nil, true
		}
		if name, ok := strings.CutPrefix(sel, "rb:"); ok {
			if rb, ok := runbook.Find(p.data.runbooks, name); ok {
				p.plan = newPlanView(p.sh, rb, p.data.plans[name])
				p.mode = modePlan
			}
			return nil, true
		}
		if id, ok := strings.CutPrefix(sel, "run:"); ok {
			r, _ := p.runByID(id)
			if key.Matches(msg, k.Open) && p.data.held && p.data.holder != nil && p.data.holder.Run == id {
				return p.follow(id), true // under way in another console: follow it
			}
			if key.Matches(msg, k.Start) {
				if r.Status == runbook.StatusUnfinished && p.o.Viewer != "" {
					p.refuse("resume, roll back or abandon a run")
					return nil, true
				}
				if r.Status == runbook.StatusUnfinished {
					return p.resumeRun(r.Runbook), true
				}
				p.flash = "only an unfinished run can be resumed; enter shows this one's transcript"
				return nil, true
			}
			return p.openLog(r.ID, r.Path, modeList), true
		}
		p.flash = "nothing selected"
		return nil, true
	case key.Matches(msg, k.Log):
		if id, ok := strings.CutPrefix(sel, "run:"); ok {
			r, _ := p.runByID(id)
			return p.openLog(r.ID, r.Path, modeList), true
		}
		if name, ok := strings.CutPrefix(sel, "rb:"); ok {
			for _, r := range p.data.runs {
				if r.Runbook == name {
					return p.openLog(r.ID, r.Path, modeList), true
				}
			}
			p.flash = name + " has not run yet"
			return nil, true
		}
	}
	return nil, false
}

// startPlanned starts the runbook whose plan is on screen.
func (p *runbookPane) startPlanned() tea.Cmd {
	if p.run != nil {
		p.mode = modeRun
		return nil
	}
	return p.startRun(p.plan.rb)
}

func (p *runbookPane) runByID(id string) (runbook.RunSummary, bool) {
	for _, r := range p.data.runs {
		if r.ID == id {
			return r, true
		}
	}
	return runbook.RunSummary{}, false
}

// openLog reads a run's transcript and prints it as `launchready runbook log` does, in a
// command.
func (p *runbookPane) openLog(id, path string, from rbMode) tea.Cmd {
	return p.openLogAt(id, path, 0, from)
}

// openLogAt is openLog opened at the event numbered seq (0: the top): the lines the
// events before it print, so the timeline's link to a step lands on that step.
func (p *runbookPane) openLogAt(id, path string, seq int, from rbMode) tea.Cmd {
	p.logFrom = from
	return func() tea.Msg {
		evs, err := runbook.ReadTranscript(path)
		if err != nil {
			return rbLogMsg{id: id, path: path, err: err}
		}
		var b strings.Builder
		err = runbook.WriteLog(&b, evs)
		msg := rbLogMsg{id: id, path: path, text: b.String(), err: err}
		if i := slices.IndexFunc(evs, func(e runbook.Event) bool { return e.Seq == seq }); i > 0 {
			var before strings.Builder
			if runbook.WriteLog(&before, evs[:i]) == nil {
				msg.line = strings.Count(before.String(), "\n")
			}
		}
		return msg
	}
}

// showRun is the jump from a runbook event on the timeline: the run's transcript at the
// event's line; esc goes back to what the pane showed. Without an engine it says why.
func (p *runbookPane) showRun(id string, seq int) tea.Cmd {
	if p.o == nil {
		p.flash = "no runbook engine in this console: launchready runbook log " + id + " prints that run"
		return nil
	}
	return p.openLogAt(id, p.o.Engine.Store.TranscriptPath(id), seq, p.mode)
}
