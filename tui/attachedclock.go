package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// An attached console (an SSH session of launchready serve) is woken by events, not by a
// clock a second: ten viewers each doing an Update, a View and a renderer wake-up every
// second, to draw the same screen again, were most of what they cost
// (scripts/bench-serve.sh). It wakes
//   - at once when a result that changes more than figures waits (Source.Alert: a first
//     result, a new status, findings raised or cleared), so a new failure shows within
//     milliseconds, not at the next tick;
//   - on its clock every attachedQuiet while the screen is calm, aligned to the wall
//     clock so the header's HH:MM turns on the minute: that tick takes the figure-only
//     results (latency, p95, "swept 14:02:11") that waited, and draws them in one frame;
//   - every Options.Tick (a second) while something on screen moves with time: the
//     spinner or a detail following a check in flight, a runbook run (its step timer
//     and errors), a re-run asked for and not yet back.
// Keys are drawn at once as always: they are messages of their own.

// alertMsg says the engine has a result for this console that changes more than figures.
type alertMsg struct{}

// attachedTickMsg is an attached console's clock. at is when it was due: a tick that is
// not the one the console waits for (it was superseded by an earlier one when the screen
// began to move) is dropped, so there is only ever one clock.
type attachedTickMsg struct{ at time.Time }

// calm says whether nothing on screen moves with time: the clock may then wait
// attachedQuiet.
func (m *Model) calm() bool {
	return !m.followsInFlight() && !m.rb.active() && len(m.sh.board.triggered) == 0 && m.rerunning == ""
}

// attachedPeriod is the clock's period now: attachedQuiet while calm, else Options.Tick.
func (m *Model) attachedPeriod() time.Duration {
	if m.calm() {
		return attachedQuiet
	}
	return m.opts.Tick
}

// scheduleAttached arms the clock for the next multiple of the period now, unless a tick
// at or before then is already armed. Update calls it after every message, so a screen
// that starts moving (a detail opened on a running check, r pressed) gets its second
// ticks at once instead of after the calm tick already armed.
func (m *Model) scheduleAttached() tea.Cmd {
	if m.src == nil || m.opts.Tick <= 0 {
		return nil
	}
	now := m.opts.Now()
	p := m.attachedPeriod()
	at := now.Add(p - time.Duration(now.UnixNano())%p)
	if !m.tickAt.IsZero() && !m.tickAt.After(at) && m.tickAt.After(now) {
		return nil
	}
	m.tickAt, m.tickCalm = at, p == attachedQuiet
	return tea.Tick(at.Sub(now), func(time.Time) tea.Msg { return attachedTickMsg{at: at} })
}

// handleAttachedTick runs the clock's tick if it is the one armed; Update re-arms it.
func (m *Model) handleAttachedTick(msg attachedTickMsg) tea.Cmd {
	if !msg.at.Equal(m.tickAt) {
		return nil
	}
	m.tickAt = time.Time{}
	return m.tick(m.tickCalm)
}

// handleAlert takes what waits now: the hold shows it all, since one result matters.
func (m *Model) handleAlert() tea.Cmd {
	m.takeAttached(false)
	return nil
}

// takeAttached hands the board what src gave that should show now (attachedhold.go);
// quietOver says the calm clock's tick came, which shows everything held.
func (m *Model) takeAttached(quietOver bool) {
	if batch := m.hold.take(m, m.src.Take(), m.opts.Now(), quietOver); len(batch) > 0 {
		m.rev++
		m.handleResults(batch)
	}
}
