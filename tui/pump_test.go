package tui

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// testSource is a Source holding every result put until taken.
type testSource struct {
	mu   sync.Mutex
	got  []probes.Result
	wake chan struct{}
}

func (s *testSource) put(r probes.Result) {
	s.mu.Lock()
	s.got = append(s.got, r)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *testSource) Wake() <-chan struct{} { return s.wake }

// Alert is never readable: tests with a testSource drive the clock themselves.
func (s *testSource) Alert() <-chan struct{} { return nil }

func (s *testSource) Take() []probes.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.got
	s.got = nil
	return out
}

// An attached console is handed results at most once per period however they trickle
// in: a sweep spread over the interval made every SSH session draw a frame per result.
// Nothing is lost: every result arrives, later ones in the same message.
func TestPumpHandsResultsOverAtMostOncePerPeriod(t *testing.T) {
	src := &testSource{wake: make(chan struct{}, 1)}
	var mu sync.Mutex
	var msgs, results int
	send := func(m tea.Msg) {
		mu.Lock()
		msgs++
		results += len(m.(ResultsMsg))
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { pump(ctx, src, send, 400*time.Millisecond); close(done) }()
	// 30 results, one every 20 ms: 600 ms, wider than feedWindow between each.
	for i := range 30 {
		src.put(probes.Result{Check: "c", Status: probes.StatusOK, Latency: time.Duration(i)})
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // the last gathering ends
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if results != 30 {
		t.Fatalf("%d results handed over, want all 30", results)
	}
	// 600 ms of results at most every 400 ms: the first after feedWindow, then at
	// ~440 and ~840 ms. Without the period, one message per ~40-60 ms: 10 or more.
	if msgs > 3 {
		t.Fatalf("%d messages for 30 results over 600 ms, want at most 3 (one per 400 ms period)", msgs)
	}
}

// An attached console with a clock takes its results on the tick: the clock's message
// carries them, so results landing all through a sweep cost one Update and one frame a
// second, not one per batch; nothing is taken between ticks.
func TestAttachedConsoleTakesResultsOnTheTick(t *testing.T) {
	src := &testSource{wake: make(chan struct{}, 1)}
	infos := []probes.CheckInfo{{Name: "api", Kind: "http", Pane: probes.PaneEndpoints}}
	m := New(Options{Product: "Acme", Checks: infos, Tick: time.Second})
	m.src = src
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	src.put(probes.Result{Check: "api", Status: probes.StatusFail, Started: time.Now()})
	m.Update(tea.KeyPressMsg{Code: 'j'})
	if _, ok := m.sh.board.result("api"); ok {
		t.Fatal("a key press took the results: only the tick should")
	}
	rev := m.rev
	m.Update(TickMsg{})
	if r, ok := m.sh.board.result("api"); !ok || r.Status != probes.StatusFail {
		t.Fatalf("after the tick the board has %+v, %v; want api's failed result", r, ok)
	}
	if m.rev == rev {
		t.Error("the tick that brought results left the body cached: it would show the old board")
	}
	if left := src.Take(); len(left) != 0 {
		t.Errorf("%d results left in the source after the tick", len(left))
	}
}

// Figures that did not change redraw nothing: they are asked after every batch of
// results, and were a full redraw a second for each console.
func TestUnchangedFiguresRedrawNothing(t *testing.T) {
	m := New(Options{Product: "Acme", Tick: -1})
	f := Figures{Uptime24h: 99.5, UptimeCheck: "api", HasUptime: true}
	m.Update(figuresMsg{f: f})
	rev, version := m.rev, m.sh.board.version
	m.Update(figuresMsg{f: f})
	if m.rev != rev || m.sh.board.version != version {
		t.Errorf("the same figures again changed rev %d→%d, board version %d→%d", rev, m.rev, version, m.sh.board.version)
	}
	f.Uptime24h = 98
	m.Update(figuresMsg{f: f})
	if m.rev == rev || m.sh.board.version == version {
		t.Error("new figures did not redraw")
	}
}
