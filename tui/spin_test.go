package tui

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// spinTicks are the spinner ticks among a command's immediate messages (the spinner's
// first tick is immediate; the ones after it wait on a timer and are not run).
func spinTicks(cmd tea.Cmd) []spinner.TickMsg {
	var out []spinner.TickMsg
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case spinner.TickMsg:
		out = append(out, msg)
	case tea.BatchMsg:
		for _, c := range msg {
			if c != nil {
				if t, ok := c().(spinner.TickMsg); ok {
					out = append(out, t)
				}
			}
		}
	}
	return out
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
