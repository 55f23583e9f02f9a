package tui

import (
	"sync"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// countingFigures is a History that is a FigureSource and counts its queries.
type countingFigures struct {
	History
	mu    sync.Mutex
	asked int
}

func (c *countingFigures) Figures([]string) (Figures, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked++
	return Figures{Uptime24h: 99.5, HasUptime: true}, nil
}

func (c *countingFigures) count() int { c.mu.Lock(); defer c.mu.Unlock(); return c.asked }

// TestFiguresAreAskedOnTheTickAfterResults: the tiles' history figures are queried at
// start, then once on the clock's tick after results arrived (however many batches), and
// not on a tick with nothing new.
func TestFiguresAreAskedOnTheTickAfterResults(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: frozen}
	h := &countingFigures{History: NewMemHistory(0)}
	info := probes.CheckInfo{Name: "home", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"}
	m := New(Options{Product: "Acme", Checks: []probes.CheckInfo{info}, History: h, Now: clk.Now, Tick: -1})
	size(m, 160, 48)
	for _, msg := range runCmd(m.askFigures()) {
		m.Update(msg)
	}
	if h.count() != 1 {
		t.Fatalf("figures asked %d times at start, want 1", h.count())
	}
	for i := 0; i < 5; i++ {
		_, cmd := m.Update(ResultsMsg{{Check: "home", Pane: probes.PaneEndpoints, Started: frozen, Status: probes.StatusOK}})
		for _, msg := range runCmd(cmd) {
			if _, ok := msg.(figuresMsg); ok {
				t.Fatal("a batch of results asked for figures; the tick should")
			}
		}
	}
	clk.Set(frozen.Add(time.Second))
	_, cmd := m.Update(TickMsg{})
	for _, msg := range runCmd(cmd) {
		m.Update(msg)
	}
	if h.count() != 2 {
		t.Errorf("figures asked %d times after five batches and a tick, want 2", h.count())
	}
	clk.Set(frozen.Add(2 * time.Second))
	_, cmd = m.Update(TickMsg{})
	runCmd(cmd)
	if h.count() != 2 {
		t.Errorf("a tick with no new results asked for figures again (%d)", h.count())
	}
}
