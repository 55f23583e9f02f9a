package tui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// spinTicks are the spinner ticks among a command's immediate messages, batches
// included (the spinner's first tick is immediate; the ones after it wait on a timer).
func spinTicks(cmd tea.Cmd) []spinner.TickMsg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case spinner.TickMsg:
		return []spinner.TickMsg{msg}
	case tea.BatchMsg:
		var out []spinner.TickMsg
		for _, c := range msg {
			out = append(out, spinTicks(c)...)
		}
		return out
	}
	return nil
}

// TestSpinnerTurnsOnlyWhereItShows: with a check in flight, the overview (which shows no
// spinner once results are in: its header says "checking…") neither starts the spinner
// nor redraws its body on a spinner tick; the Endpoints pane, whose row shows it, starts
// it as it comes on screen and draws each new frame.
func TestSpinnerTurnsOnlyWhereItShows(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: frozen}
	infos := []probes.CheckInfo{
		{Name: "home", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"},
		{Name: "api", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://api.acme.example/"},
	}
	m := New(Options{Product: "Acme", Checks: infos, Interval: time.Minute, Now: clk.Now, Tick: -1})
	size(m, 120, 40)
	_, cmd := m.Update(ResultsMsg{{Check: "home", Pane: probes.PaneEndpoints, Target: "https://acme.example/", Started: frozen,
		Status: probes.StatusOK, Summary: "200 OK"}})
	if ticks := spinTicks(cmd); len(ticks) != 0 {
		t.Errorf("the overview started the spinner with none on screen")
	}
	_ = m.View()
	body, rev := m.cache.body, m.rev
	m.spinning = true // as if it were turning when the overview came up
	_, cmd = m.Update(m.spin.Tick())
	if m.rev != rev || m.cache.body != body {
		t.Error("a spinner tick redrew the overview's body, which shows no spinner")
	}
	if m.spinning || cmd != nil {
		t.Error("the spinner kept turning on a screen without one")
	}

	cmd = press(m, "5")
	ticks := spinTicks(cmd)
	if len(ticks) != 1 {
		t.Fatalf("the Endpoints pane with api in flight did not start the spinner (%d ticks)", len(ticks))
	}
	first := plain(m)
	if !strings.Contains(first, runningWord) {
		t.Fatalf("api is not shown running:\n%s", first)
	}
	_, cmd = m.Update(ticks[0])
	if cmd == nil || !m.spinning {
		t.Error("the spinner stopped while its pane shows it")
	}
	if plain(m) == first {
		t.Error("the spinner's tick did not draw its next frame")
	}
}

// TestACheckFallingDueShowsRunningOnTheTick: on the Endpoints pane, a check whose next
// run falls due between two clock ticks shows as running from the first tick after, and
// the spinner starts; a tick before that leaves the body alone.
func TestACheckFallingDueShowsRunningOnTheTick(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: frozen}
	info := probes.CheckInfo{Name: "home", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"}
	m := New(Options{Product: "Acme", Checks: []probes.CheckInfo{info}, Interval: 10 * time.Second, Now: clk.Now, Tick: -1})
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40}) // "waiting for the first results…" turns it
	ticks := spinTicks(cmd)
	m.Update(ResultsMsg{{Check: "home", Pane: probes.PaneEndpoints, Target: info.Target, Started: frozen,
		Latency: 200 * time.Millisecond, Status: probes.StatusOK, Summary: "200 OK"}})
	for _, tk := range ticks {
		m.Update(tk) // nothing in flight now: the spinner stops
	}
	press(m, "5")
	if m.spinning {
		t.Fatal("the spinner is turning with nothing in flight")
	}
	if strings.Contains(plain(m), runningWord) {
		t.Fatalf("home is running before it is due:\n%s", plain(m))
	}
	rev := m.rev
	clk.Set(frozen.Add(5 * time.Second))
	m.Update(TickMsg{})
	if m.rev != rev {
		t.Error("a tick with nothing falling due redrew the body")
	}
	clk.Set(frozen.Add(11 * time.Second)) // due at 10.2 s
	_, cmd = m.Update(TickMsg{})
	if !strings.Contains(plain(m), runningWord) {
		t.Errorf("home fell due but is not shown running:\n%s", plain(m))
	}
	if len(spinTicks(cmd)) != 1 {
		t.Error("the spinner did not start for the check that fell due")
	}
}

// On the overview, which lists no checks, a check falling due redraws nothing: the
// header says "checking…" and is drawn on its own. It was one full body a second per
// console (and per SSH viewer) on a sweep spread over the interval.
func TestACheckFallingDueLeavesTheOverviewAlone(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: frozen}
	info := probes.CheckInfo{Name: "home", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"}
	m := New(Options{Product: "Acme", Checks: []probes.CheckInfo{info}, Interval: 10 * time.Second, Now: clk.Now, Tick: -1})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(ResultsMsg{{Check: "home", Pane: probes.PaneEndpoints, Target: info.Target, Started: frozen,
		Latency: 200 * time.Millisecond, Status: probes.StatusOK, Summary: "200 OK"}})
	if strings.Contains(plain(m), "checking…") {
		t.Fatalf("checking before home is due:\n%s", plain(m))
	}
	rev := m.rev
	clk.Set(frozen.Add(11 * time.Second)) // due at 10.2 s
	m.Update(TickMsg{})
	if m.rev != rev {
		t.Error("a check falling due redrew the overview's body, which shows no check running")
	}
	if !strings.Contains(plain(m), "checking…") {
		t.Errorf("the header does not say checking once home is due:\n%s", plain(m))
	}
}
