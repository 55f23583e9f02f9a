package setup

import (
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// TestFiguresReadTheSessionsHistory: the checks' Env.Figures reads the store the command
// opened, and is an empty past (not an error, not a store opened behind the command's
// back) before any.
func TestFiguresReadTheSessionsHistory(t *testing.T) {
	t.Parallel()
	s := &Session{}
	f := figures{s}
	now := time.Now()
	if m, n, err := f.MetricMedian("page home", "page_kb", now.Add(-time.Hour), now); m != 0 || n != 0 || err != nil {
		t.Errorf("no history: %v of %d (%v), want nothing", m, n, err)
	}
	if s.history != nil {
		t.Error("asking opened a history store")
	}
	s.history = store.OpenMemory(store.Options{})
	defer s.history.Close()
	if err := s.history.Write(probes.Result{Check: "page home", Kind: "perf-page", Started: now.Add(-time.Minute), Status: probes.StatusOK,
		Metrics: map[string]float64{"page_kb": 480}}); err != nil {
		t.Fatal(err)
	}
	if m, n, err := f.MetricMedian("page home", "page_kb", now.Add(-time.Hour), now); m != 480 || n != 1 || err != nil {
		t.Errorf("median %v of %d (%v), want 480 of 1", m, n, err)
	}
}
