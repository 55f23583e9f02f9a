package tui

import (
	"slices"
	"time"

	"github.com/launchready/launchready/probes"
)

// attachedQuiet is how long an attached console (an SSH session of launchready serve)
// may keep results that change nothing but figures before it shows them, and the period
// of its clock while its screen is calm (attachedclock.go). A sweep of a hundred checks
// spread over the interval lands results every second, and each changed a latency, a
// p95 or "swept 14:02:11": drawn as they came, that was one full View, one cell-buffer
// diff and one write a second per viewer, nearly all of what ten viewers cost
// (scripts/bench-serve.sh). Ten seconds, not five: every frame drawn is a full diff of
// the terminal's cells per viewer, and figures are trends that a reader takes in over
// tens of seconds; the header's clock (HH:MM) still turns on the minute, which is a
// multiple of it. A change that matters (a status, a finding, a first result, a re-run
// asked for, a screen following checks in flight) does not wait: it wakes the console.
const attachedQuiet = 10 * time.Second

// attachedHold is what an attached console took from its engine and has not shown yet:
// the newest result per check, in the order they landed.
type attachedHold struct {
	held    []probes.Result
	at      map[string]int // check name to index in held
	matters bool           // a held result must be shown at the next tick
	shown   time.Time      // when held results were last handed to the board
}

// take decides which results the board gets now: all of them when one matters, the
// calm clock's tick came (quietOver) or attachedQuiet has passed since the last ones
// were shown, else none (they wait, newest per check). m is asked what matters on the
// screen it shows.
func (h *attachedHold) take(m *Model, batch []probes.Result, now time.Time, quietOver bool) []probes.Result {
	for _, r := range batch {
		if h.at == nil {
			h.at = map[string]int{}
		}
		if i, ok := h.at[r.Check]; ok {
			h.held[i] = r
		} else {
			h.at[r.Check] = len(h.held)
			h.held = append(h.held, r)
		}
		if !h.matters && m.resultMatters(r) {
			h.matters = true
		}
	}
	if len(h.held) == 0 || (!h.matters && !quietOver && now.Sub(h.shown) < attachedQuiet && !m.followsInFlight()) {
		return nil
	}
	out := h.held
	h.held, h.at, h.matters, h.shown = nil, nil, false, now
	return out
}

// resultMatters says whether a result changes more than figures: a check's first
// result, a new status, findings raised or cleared, or a check re-run on request.
func (m *Model) resultMatters(r probes.Result) bool {
	b := m.sh.board
	old, ok := b.result(r.Check)
	if !ok || old.Status != r.Status || r.Check == m.rerunning || len(old.Findings) != len(r.Findings) {
		return true
	}
	if _, asked := b.triggered[r.Check]; asked {
		return true
	}
	for _, f := range r.Findings {
		if !slices.ContainsFunc(old.Findings, func(o probes.Finding) bool { return o.Key() == f.Key() }) {
			return true
		}
	}
	return false
}

// followsInFlight says whether the screen follows checks as they run: a detail (one
// check, live) or a body with the spinner on it (rows of checks in flight, whose end
// should show when it happens, not up to attachedQuiet later).
func (m *Model) followsInFlight() bool {
	return m.detail != nil || (m.cache.valid && m.cache.spin)
}
