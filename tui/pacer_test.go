package tui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// tickerSpy is a minimal Bubble Tea model that looks for the renderer's ticker from
// View, where the console's pacer looks for it.
type tickerSpy struct {
	prog *tea.Program
	got  chan *time.Ticker
}

func (s *tickerSpy) Init() tea.Cmd                       { return nil }
func (s *tickerSpy) Update(tea.Msg) (tea.Model, tea.Cmd) { return s, nil }
func (s *tickerSpy) View() tea.View {
	select {
	case s.got <- rendererTicker(s.prog):
	default:
	}
	return tea.NewView("spy")
}

// TestPacerFindsBubbleTeasTicker pins the one thing the pacer needs from Bubble Tea's
// insides: a Program field ticker of type *time.Ticker, set before the first View. If an
// upgrade renames it, this fails (the console would still work, waking at FPS).
func TestPacerFindsBubbleTeasTicker(t *testing.T) {
	spy := &tickerSpy{got: make(chan *time.Ticker, 1)}
	p := tea.NewProgram(spy, tea.WithInput(&bytes.Buffer{}), tea.WithOutput(&bytes.Buffer{}), tea.WithoutSignals(), tea.WithWindowSize(40, 10))
	spy.prog = p
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	select {
	case tk := <-spy.got:
		if tk == nil {
			t.Error("Bubble Tea's Program has no ticker field of type *time.Ticker: pacing is off, see tui/pacer.go")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no frame in 10 s")
	}
	p.Quit()
	<-done
	if rendererTicker(nil) != nil {
		t.Error("no program, no ticker")
	}
}

// TestPacerSlowsWhenStillAndFlushesChangesAtOnce runs the console in a real Bubble Tea
// program: once the screen is still the renderer slows down (idle set to 30 s here, so a
// change that waited for it would take that long), and a key that changes the screen is
// on the terminal within a few frames, after which the renderer slows again.
func TestPacerSlowsWhenStillAndFlushesChangesAtOnce(t *testing.T) {
	m, clk, _ := newTestModel(t, "")
	playRounds(m, clk, true)
	out := newCountingWriter("Risks, by business impact")
	p, done := startProgram(m, out, 120, 40)
	m.pace.mu.Lock()
	m.pace.idle = 30 * time.Second
	m.pace.mu.Unlock()
	defer func() { p.Quit(); <-done }()
	select {
	case <-out.first:
	case <-time.After(10 * time.Second):
		t.Fatal("no first frame in 10 s")
	}
	waitFor(t, "the renderer to slow down on a still screen", m.pace.isSlow)

	before := out.count()
	start := time.Now()
	p.Send(tea.KeyPressMsg{Code: '2', Text: "2"}) // the DNS pane: a different screen
	waitFor(t, "the key's frame on the terminal", func() bool { return out.count() > before })
	took := time.Since(start)
	t.Logf("a key on a still screen reached the terminal in %s", took)
	if took > 2*time.Second {
		t.Errorf("the key's frame took %s to reach the terminal; at FPS it takes at most %s", took, time.Second/FPS)
	}
	if m.pace.isSlow() && out.count() == before {
		t.Error("a changed screen left the renderer slow")
	}
	waitFor(t, "the renderer to slow down again", m.pace.isSlow)
}

// waitFor polls cond every 10 ms for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited 5 s for %s", what)
}
