package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// An attached console wakes on events, not every second: while its screen is calm its
// clock ticks every attachedQuiet, aligned to the wall clock (so HH:MM turns on the
// minute), and that tick shows the figure-only results that waited; a result that
// changes more than figures is shown on the alert, with no tick at all; a screen that
// starts moving (a re-run asked for) gets its second ticks back at once.
func TestAttachedConsoleWakesOnEventsNotEverySecond(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 3, 2, 14, 0, 1, 500e6, time.UTC)}
	src := &testSource{wake: make(chan struct{}, 1)}
	infos := []probes.CheckInfo{
		{Name: "api", Kind: "http", Pane: probes.PaneEndpoints},
		{Name: "app", Kind: "http", Pane: probes.PaneEndpoints},
	}
	m := New(Options{Product: "Acme", Checks: infos, Tick: time.Second, Now: clk.Now, Interval: time.Minute})
	m.src = src
	res := func(check string, st probes.Status, lat time.Duration) probes.Result {
		return probes.Result{Check: check, Kind: "http", Pane: probes.PaneEndpoints, Status: st, Started: clk.Now(), Latency: lat}
	}
	latency := func(check string) time.Duration { r, _ := m.sh.board.result(check); return r.Latency }
	update := func(msg tea.Msg) { m.Update(msg); m.screen() }

	src.put(res("api", probes.StatusOK, 10*time.Millisecond))
	src.put(res("app", probes.StatusOK, 10*time.Millisecond))
	update(tea.WindowSizeMsg{Width: 120, Height: 40})
	update(alertMsg{}) // first results
	if latency("api") != 10*time.Millisecond {
		t.Fatal("first results were not shown on the alert")
	}
	// Before the first results the checks were in flight: the tick armed then (a
	// second) runs, and arms the calm one.
	clk.Set(m.tickAt)
	update(attachedTickMsg{at: m.tickAt})
	calmAt := time.Date(2026, 3, 2, 14, 0, 10, 0, time.UTC)
	if !m.tickAt.Equal(calmAt) {
		t.Fatalf("calm overview: clock armed for %v, want the next multiple of %v, %v", m.tickAt.Format(time.TimeOnly), attachedQuiet, calmAt.Format(time.TimeOnly))
	}

	// A calm viewer's header names the sweep's time only: "next HH:MM:SS" would stand on
	// screen after it had passed, the frame being drawn every 10 s.
	if sw := m.sweepText(); !strings.HasPrefix(sw, "swept ") || strings.Contains(sw, "next") || strings.Contains(sw, "checking") {
		t.Errorf("calm attached header %q: want the sweep's time alone", sw)
	}

	// A latency waits for the calm tick, and shows on it.
	src.put(res("api", probes.StatusOK, 20*time.Millisecond))
	clk.Set(calmAt)
	update(attachedTickMsg{at: calmAt})
	if latency("api") != 20*time.Millisecond {
		t.Fatalf("the calm tick did not show the latency that waited: api %v", latency("api"))
	}
	if want := calmAt.Add(attachedQuiet); !m.tickAt.Equal(want) {
		t.Fatalf("clock re-armed for %v, want %v", m.tickAt.Format(time.TimeOnly), want.Format(time.TimeOnly))
	}

	// A failure is shown on its alert, seconds before the next tick.
	advance(clk, 2*time.Second)
	src.put(res("app", probes.StatusFail, 50*time.Millisecond))
	update(alertMsg{})
	if r, _ := m.sh.board.result("app"); r.Status != probes.StatusFail || !strings.Contains(m.screen(), "✖") {
		t.Fatalf("a new failure waited for the clock (app %v); it must show on the alert", r.Status)
	}

	// A re-run asked for: the screen moves (its answer must show when it lands), so the
	// clock ticks every second again, and the calm tick armed before is dropped.
	old := m.tickAt
	m.rerunning = "api"
	update(tea.KeyPressMsg{Code: 'x'})
	if want := clk.Now().Truncate(time.Second).Add(time.Second); !m.tickAt.Equal(want) {
		t.Fatalf("re-run pending: clock armed for %v, want the next second %v", m.tickAt.Format(time.TimeOnly), want.Format(time.TimeOnly))
	}
	src.put(res("api", probes.StatusOK, 30*time.Millisecond))
	rev := m.rev
	clk.Set(old)
	update(attachedTickMsg{at: old})
	if latency("api") == 30*time.Millisecond || m.rev != rev {
		t.Fatal("a superseded tick ran: there must only ever be one clock")
	}
}
