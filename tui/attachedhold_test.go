package tui

import (
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// An attached console shows a result that changes only a figure (a latency) up to
// attachedQuiet later, not on the next tick: those were a View and a flush a second per
// SSH viewer. A new status is shown on the next tick, and so is everything held with it.
// advance moves the test clock on.
func advance(c *fakeClock, d time.Duration) { c.Set(c.Now().Add(d)) }

func TestAttachedConsoleHoldsFigureOnlyResults(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)}
	src := &testSource{wake: make(chan struct{}, 1)}
	infos := []probes.CheckInfo{
		{Name: "api", Kind: "http", Pane: probes.PaneEndpoints},
		{Name: "app", Kind: "http", Pane: probes.PaneEndpoints},
	}
	m := New(Options{Product: "Acme", Checks: infos, Tick: time.Second, Now: clk.Now})
	m.src = src
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	res := func(check string, st probes.Status, lat time.Duration) probes.Result {
		return probes.Result{Check: check, Kind: "http", Pane: probes.PaneEndpoints, Status: st, Started: clk.Now(), Latency: lat}
	}
	// Bubble Tea asks for the screen after every message: what it shows decides too.
	tick := func() { m.Update(TickMsg{}); m.screen() }
	latency := func(check string) time.Duration { r, _ := m.sh.board.result(check); return r.Latency }

	// First results matter: shown at the next tick.
	src.put(res("api", probes.StatusOK, 10*time.Millisecond))
	src.put(res("app", probes.StatusOK, 10*time.Millisecond))
	tick()
	if latency("api") != 10*time.Millisecond || latency("app") != 10*time.Millisecond {
		t.Fatal("first results were not shown on the tick")
	}

	// A new latency only: held while quiet.
	advance(clk, time.Second)
	src.put(res("api", probes.StatusOK, 20*time.Millisecond))
	rev := m.rev
	tick()
	if latency("api") != 10*time.Millisecond || m.rev != rev {
		t.Fatalf("a latency-only result was shown on the next tick (api %v, rev %d→%d); want it held up to %v", latency("api"), rev, m.rev, attachedQuiet)
	}
	// A newer one replaces it; then the quiet spell ends and the newest is shown.
	advance(clk, time.Second)
	src.put(res("api", probes.StatusOK, 30*time.Millisecond))
	tick()
	advance(clk, attachedQuiet)
	tick()
	if latency("api") != 30*time.Millisecond {
		t.Fatalf("after the quiet spell api shows %v, want the newest, 30ms", latency("api"))
	}

	// A latency held, then a failure elsewhere: both shown on the next tick.
	advance(clk, time.Second)
	src.put(res("api", probes.StatusOK, 40*time.Millisecond))
	tick()
	advance(clk, time.Second)
	src.put(res("app", probes.StatusFail, 50*time.Millisecond))
	tick()
	if r, _ := m.sh.board.result("app"); r.Status != probes.StatusFail || latency("api") != 40*time.Millisecond {
		t.Fatalf("a new status was held (app %v, api %v): it must show on the next tick, with what waited", r.Status, latency("api"))
	}
	if !strings.Contains(m.screen(), "✖") {
		t.Error("the failure is not on screen")
	}
}

// A screen that changed nothing is handed back as it was, not drawn again: Bubble Tea
// asks for a View after every message. Time alone, a check falling due or someone
// joining still redraw it.
func TestUnchangedScreenIsNotDrawnAgain(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	watching := []Watcher{{Name: "ops", Role: "operator"}}
	infos := []probes.CheckInfo{{Name: "api", Kind: "http", Pane: probes.PaneEndpoints}}
	m := New(Options{Product: "Acme", Checks: infos, Tick: -1, Now: clk.Now, Interval: 10 * time.Second,
		Watching: func() []Watcher { mu.Lock(); defer mu.Unlock(); return append([]Watcher(nil), watching...) }})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(ResultsMsg{{Check: "api", Kind: "http", Pane: probes.PaneEndpoints, Status: probes.StatusOK, Started: clk.Now(), Latency: time.Millisecond}})
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

	first := m.screen()
	m.Update(TickMsg{})
	if again := m.screen(); !same(first, again) {
		t.Fatalf("a tick that changed nothing drew the screen again (equal: %v)", first == again)
	}
	advance(clk, 11*time.Second) // api falls due: "checking…"
	m.Update(TickMsg{})
	due := m.screen()
	if same(first, due) || !strings.Contains(due, "checking…") {
		t.Fatalf("a check falling due did not redraw the header:\n%s", strings.SplitN(due, "\n", 2)[0])
	}
	mu.Lock()
	watching = append(watching, Watcher{Name: "founder", Role: "viewer"})
	mu.Unlock()
	if joined := m.screen(); same(due, joined) || !strings.Contains(joined, "2 watching") {
		t.Fatalf("someone joining did not redraw the header:\n%s", strings.SplitN(joined, "\n", 2)[0])
	}
}
