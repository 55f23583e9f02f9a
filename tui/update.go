package tui

import (
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// triggeredMsg says whether the runner knew the check asked for.
type triggeredMsg struct {
	check string
	ok    bool
}

// invalidate marks the body for redrawing on anything but the clock's tick, and on the
// tick too while a run is under way (its step's time runs) or when a check fell due since
// a body listing checks was drawn (its row now shows it running; the overview lists none
// and was drawn again every second for nothing); on the spinner's tick only when the
// body shows the spinner.
func (m *Model) invalidate(msg tea.Msg) {
	switch msg.(type) {
	case TickMsg, attachedTickMsg:
		if !m.rb.active() && !(m.cache.due && m.sh.board.fellDue(m.cache.at, m.sh.board.now())) {
			return
		}
	case alertMsg:
		return // takeAttached redraws if it took anything
	case spinner.TickMsg:
		if m.cache.valid && !m.cache.spin {
			return
		}
	case figuresMsg:
		// The figures asked after every batch of results are mostly the ones shown: an
		// unchanged answer redraws nothing (it was one full redraw a second per console).
		if msg, _ := msg.(figuresMsg); msg.err == nil && m.sh.board.figures != nil && *m.sh.board.figures == msg.f {
			return
		}
	}
	m.rev++
}

func (m *Model) handleResize(msg tea.WindowSizeMsg) tea.Cmd {
	m.width, m.height = msg.Width, msg.Height
	m.input.SetWidth(max(10, min(30, m.width/3)))
	if m.detail != nil {
		m.detail.refresh(m.width, m.bodyHeight())
	}
	return nil
}

// handleKey routes a key: ctrl+c stops a runbook's step or quits; then the quit
// question, the filter box, the help overlay or the detail view take keys while open;
// then a pane that sees keys first (Runbooks); then the console's own keys; then the pane.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	if key.Matches(msg, k.StopStep) && m.confirm == nil {
		return m.interrupt()
	}
	switch {
	case m.confirm != nil:
		return m.confirmKey(msg)
	case m.filtering:
		return m.filterKey(msg)
	case m.helpOpen:
		return m.helpKey(msg)
	case m.detail != nil:
		return m.detailKey(msg)
	}
	m.flash = ""
	if kf, ok := m.panes[m.active].(keyFirst); ok {
		if cmd, used := kf.keyFirst(msg); used {
			return cmd
		}
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.helpOpen = true
	case key.Matches(msg, k.NextTab):
		return m.switchTo((m.active + 1) % len(m.panes))
	case key.Matches(msg, k.PrevTab):
		return m.switchTo((m.active + len(m.panes) - 1) % len(m.panes))
	case key.Matches(msg, k.GoTab):
		return m.switchTo(tabIndex(msg.Code))
	case key.Matches(msg, k.Filter):
		return m.startFilter()
	case key.Matches(msg, k.Back):
		m.setFilter("")
	case key.Matches(msg, k.Open):
		m.openDetail()
	case key.Matches(msg, k.Rerun):
		sel, _ := m.panes[m.active].selected()
		return m.rerun(sel.check)
	case key.Matches(msg, k.Sweep):
		return m.sweep()
	case key.Matches(msg, k.Before) && m.panes[m.active] != m.tl:
		return m.beforeThis()
	default:
		return m.panes[m.active].update(msg)
	}
	return nil
}

// beforeThis is t: the Timeline pane's changes before the selected failing check or
// finding.
func (m *Model) beforeThis() tea.Cmd {
	sel, ok := m.panes[m.active].selected()
	f, failing := failureOf(m.sh.board, sel)
	if !ok || !failing {
		m.flash = "t shows the changes before a failure: select a failing check or finding"
		return nil
	}
	m.active = slices.Index(m.panes, pane(m.tl))
	return m.tl.openBefore(f)
}

// switchTo puts pane i on screen; a pane with something to do on coming on screen
// (the Runbooks pane reads its folder again) says so.
// tabIndex is the pane a number key goes to: 1 the first, 9 the ninth, 0 the tenth, as on
// a keyboard's number row.
func tabIndex(r rune) int {
	if r == '0' {
		return 9
	}
	return int(r - '1')
}

func (m *Model) switchTo(i int) tea.Cmd {
	if i < 0 || i >= len(m.panes) || i == m.active {
		return nil
	}
	m.active = i
	if a, ok := m.panes[i].(activator); ok {
		return a.activate()
	}
	return nil
}

// interrupt is ctrl+c: it stops a runbook's command or check when one runs (the run
// then asks what next), asks before quitting while a run waits, and otherwise quits.
func (m *Model) interrupt() tea.Cmd {
	if m.rb.following() && m.panes[m.active] == pane(m.rb) {
		m.rb.notYours()
		return nil
	}
	if m.rb.busy() {
		m.rb.stopStep()
		return nil
	}
	return m.quit()
}

// quit quits, asking first while a runbook run is under way: quitting leaves it
// unfinished (a running command keeps running) for a resume.
func (m *Model) quit() tea.Cmd {
	if !m.rb.active() {
		return tea.Quit
	}
	m.helpOpen = false
	m.confirm = &confirmDialog{sh: m.sh, title: "Quit with a runbook run under way?", lines: []string{
		"Runbook " + m.rb.runName() + " is under way. Quitting leaves the run unfinished: a command that is running keeps running and its result still lands in the transcript, and no further step starts.",
		"The Runbooks pane (x on the unfinished run) or `launchready runbook resume` picks it up: continue, roll back or abandon.",
	}}
	return nil
}

// confirmKey answers the quit question.
func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	switch m.confirm.update(msg).(type) {
	case quitAction:
		m.confirm = nil
		m.rb.release()
		return tea.Quit
	case closeAction:
		m.confirm = nil
	}
	return nil
}

func (m *Model) helpKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.sh.keys.Quit) {
		m.helpOpen = false
		return m.quit()
	}
	m.helpOpen = false
	return nil
}

func (m *Model) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	m.flash = ""
	switch {
	case key.Matches(msg, k.Back):
		m.detail = nil
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.helpOpen = true
	case key.Matches(msg, k.Copy):
		if m.opts.Viewer != "" {
			m.flash = "copied to your terminal's clipboard (a viewer saves nothing on the server)"
			return tea.SetClipboard(m.detail.plain)
		}
		m.flash = "copying…"
		return copyDetail(m.detail.plain, m.opts.StateDir, m.detail.name(), m.sh.board.now())
	case key.Matches(msg, k.Rerun):
		return m.rerun(m.detail.sel.check)
	default:
		m.detail.update(msg)
	}
	return nil
}

// startFilter opens the filter box with the active pane's current filter.
func (m *Model) startFilter() tea.Cmd {
	m.filtering = true
	m.input.SetValue(m.filters[m.active])
	m.input.CursorEnd()
	return m.input.Focus()
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	switch {
	case key.Matches(msg, k.FilterApply):
		m.filtering = false
		m.input.Blur()
		return nil
	case key.Matches(msg, k.FilterClear):
		m.filtering = false
		m.input.Blur()
		m.setFilter("")
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.setFilter(m.input.Value())
	return cmd
}

// setFilter gives the active pane its filter.
func (m *Model) setFilter(s string) {
	if m.filters[m.active] == s {
		return
	}
	m.filters[m.active] = s
	m.panes[m.active].update(filterMsg{text: s})
}

func (m *Model) openDetail() {
	sel, ok := m.panes[m.active].selected()
	if !ok {
		m.flash = "nothing selected"
		return
	}
	m.detail = newDetail(m.sh, sel, m.width, m.bodyHeight(), m.opts.LogPath)
}

// rerun asks the runner for one check now; the trigger is a command, not Update's work.
func (m *Model) rerun(check string) tea.Cmd {
	switch {
	case m.opts.Viewer != "":
		m.flash = viewerRefusal(m.opts.Viewer, "re-run checks")
		return nil
	case m.opts.Runner == nil:
		m.flash = "re-running needs the live runner; this console has none"
		return nil
	case check == "":
		m.flash = "nothing to re-run here: select a check or a finding"
		return nil
	}
	m.sh.board.trigger(check)
	m.flash, m.rerunning = "re-running "+check, check
	r := m.opts.Runner
	return func() tea.Msg { return triggeredMsg{check: check, ok: r.Trigger(check)} }
}

// sweep asks for every check now.
func (m *Model) sweep() tea.Cmd {
	if m.opts.Viewer != "" {
		m.flash = viewerRefusal(m.opts.Viewer, "sweep")
		return nil
	}
	if m.opts.Runner == nil {
		m.flash = "sweeping needs the live runner; this console has none"
		return nil
	}
	names := make([]string, len(m.sh.board.checks))
	for i, c := range m.sh.board.checks {
		names[i] = c.Name
	}
	m.sh.board.trigger(names...)
	m.flash = fmt.Sprintf("sweeping all %d checks", len(names))
	r := m.opts.Runner
	return func() tea.Msg { r.TriggerAll(); return triggeredMsg{ok: true} }
}

// viewerRefusal is the footer's answer when a viewer asks for an operator's action.
func viewerRefusal(name, what string) string {
	return fmt.Sprintf("%s is signed in as a viewer: only an operator may %s (serve.users role)", name, what)
}

func (m *Model) handleTriggered(msg triggeredMsg) tea.Cmd {
	if !msg.ok {
		delete(m.sh.board.triggered, msg.check)
		m.flash = "the runner has no check named " + msg.check
	}
	return nil
}

func (m *Model) handleWheel(msg tea.MouseWheelMsg) tea.Cmd {
	if m.detail != nil {
		m.detail.update(msg)
		return nil
	}
	return m.panes[m.active].update(msg)
}

// handleResults takes results in; an open detail follows its check.
func (m *Model) handleResults(msg ResultsMsg) tea.Cmd {
	for _, r := range msg {
		m.sh.board.apply(r)
		if r.Check == m.rerunning && m.rerunning != "" {
			m.flash = fmt.Sprintf("re-ran %s at %s: %s %s", r.Check, clock(r.Started), statusIcon[r.Status], statusWord[r.Status])
			m.rerunning = ""
		}
	}
	if m.detail != nil {
		m.detail.refresh(m.width, m.bodyHeight())
	}
	m.staleFigures()
	return nil
}

// handleTick advances the clock; only the header changes unless a check falls due or a
// run is under way. An attached console's clock is attachedTickMsg (attachedclock.go);
// a TickMsg sent to one (tests) takes its results too.
func (m *Model) handleTick() tea.Cmd {
	return tea.Batch(m.tick(false), m.nextTick())
}

// tick is the clock's work: an attached console takes the results waiting for it
// (results that change only figures wait up to attachedQuiet, attachedhold.go), a run's
// errors are polled, and the figures asked again if results came since.
func (m *Model) tick(quietOver bool) tea.Cmd {
	if m.src != nil {
		m.takeAttached(quietOver)
	}
	return tea.Batch(m.rb.pollErrors(), m.tickFigures())
}

// nextTick schedules the clock for the next whole second, so it never drifts.
func (m *Model) nextTick() tea.Cmd {
	if m.opts.Tick < 0 || m.src != nil {
		return nil
	}
	now := m.opts.Now()
	wait := m.opts.Tick - time.Duration(now.UnixNano())%m.opts.Tick
	return tea.Tick(wait, func(time.Time) tea.Msg { return TickMsg{} })
}

// startSpin starts the spinner when a check is in flight, the screen shows the spinner,
// and it is not already turning. Update calls it after every message, so the spinner
// starts when a screen with a check in flight comes up and a screen without one (the
// overview, whose header says "checking…") costs no frames. Before the first size the
// screen is unknown and it starts; its first tick stops it if nothing shows it.
func (m *Model) startSpin() tea.Cmd {
	if m.spinning || !m.sh.board.anyRunning() || !m.showsSpin() {
		return nil
	}
	m.spinning = true
	return m.spin.Tick
}

// showsSpin says whether the screen View draws next shows the spinner's frame. It draws
// the body now if it must; View then finds it in the cache.
func (m *Model) showsSpin() bool {
	switch {
	case m.width == 0 || m.height == 0:
		return true
	case m.width < minWidth || m.height < minHeight:
		return false
	}
	m.body()
	return m.cache.spin
}

func (m *Model) handleSpin(msg spinner.TickMsg) tea.Cmd {
	if !m.spinning {
		return nil
	}
	// The next frame first: showsSpin may draw the body, and it should draw this frame.
	var cmd tea.Cmd
	m.spin, cmd = m.spin.Update(msg)
	m.sh.spin = m.spin.View()
	if !m.sh.board.anyRunning() || !m.showsSpin() {
		m.spinning = false
		return nil
	}
	return cmd
}

func (m *Model) handleBackground(msg tea.BackgroundColorMsg) tea.Cmd {
	m.sh.st, m.sh.dark = newStyles(msg.IsDark()), msg.IsDark()
	m.applyStyles()
	return nil
}

func (m *Model) handleCopied(msg copiedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "sent to the clipboard (OSC 52, if the terminal allows); not saved: " + msg.err.Error()
		return nil
	}
	m.flash = "copied (OSC 52) · saved to " + msg.path
	return nil
}

// handlePaste takes pasted text into the filter box, or into the runbook's input
// dialog (a secret is usually pasted).
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	if m.filtering {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.setFilter(m.input.Value())
		return cmd
	}
	return m.rb.paste(msg)
}

// handleRunbook routes the Runbooks pane's messages to it whichever pane is on screen;
// a question from the engine is announced when the operator looks elsewhere.
func (m *Model) handleRunbook(msg rbMsg) tea.Cmd {
	cmd := m.rb.handle(msg)
	if _, ok := msg.(rbPromptMsg); ok && m.panes[m.active] != m.rb && m.rb.dialog != nil {
		m.flash = fmt.Sprintf("runbook %s is waiting for you: %d answers it", m.rb.runName(), len(m.panes))
	}
	return cmd
}

// handleOpenRun is the timeline's enter on a runbook event: the Runbooks pane comes on
// screen with that run's transcript, at the event's line.
func (m *Model) handleOpenRun(msg openRunMsg) tea.Cmd {
	cmd := m.switchTo(slices.Index(m.panes, pane(m.rb)))
	return tea.Batch(cmd, m.rb.showRun(msg.id, msg.seq))
}

// takeFlash moves a pane's message to the footer.
func (m *Model) takeFlash() {
	if m.rb.flash != "" {
		m.flash, m.rb.flash = m.rb.flash, ""
	}
}

// routeToPane hands any other message to the filter box while it is open, and to the
// active pane (a pane's own messages).
func (m *Model) routeToPane(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	if m.filtering {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		cmds = append(cmds, cmd)
	}
	cmds = append(cmds, m.panes[m.active].update(msg))
	return tea.Batch(cmds...)
}
