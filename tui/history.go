package tui

import (
	"math"
	"slices"
	"sync"

	"github.com/launchready/launchready/probes"
)

// History is where the console reads the recent values of a check's metrics, for
// sparklines and the tiles' fallbacks. It is an interface so the endpoints pane's SQLite
// store (history over days, shared by a second console) can replace the in-memory ring
// without the console changing: implement Record and Series and pass it in Options.
//
// Record is called from Update for every Result the console receives, so it must be
// quick; a store that writes to disk should queue the write. Series returns up to n of
// the newest values of metric for check, oldest first.
type History interface {
	Record(r probes.Result)
	Series(check, metric string, n int) []float64
}

// DefaultHistoryDepth is how many results per check the in-memory history keeps: two
// hours at a one-minute interval, enough for a sparkline at any width.
const DefaultHistoryDepth = 120

// memHistory is History as a bounded ring per check, in memory. Each check keeps one
// column of values per metric it reports (NaN where a result did not report it), so a
// record copies a few floats into place and keeps no map: a week-long console on 100
// checks holds about 1 MB here, not every result's metrics map (about 4 MB).
type memHistory struct {
	depth int
	mu    sync.Mutex
	rings map[string]*ring
}

type ring struct {
	names []string    // the metrics this check has reported, in order first seen
	cols  [][]float64 // cols[i] is names[i]'s value in each slot
	next  int
	full  bool
}

// NewMemHistory makes an in-memory history keeping depth results per check (zero:
// DefaultHistoryDepth).
func NewMemHistory(depth int) History {
	if depth <= 0 {
		depth = DefaultHistoryDepth
	}
	return &memHistory{depth: depth, rings: map[string]*ring{}}
}

func (h *memHistory) Record(r probes.Result) {
	if len(r.Metrics) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	rg := h.rings[r.Check]
	if rg == nil {
		rg = &ring{}
		h.rings[r.Check] = rg
	}
	for name := range r.Metrics {
		if !slices.Contains(rg.names, name) {
			col := make([]float64, h.depth)
			for i := range col {
				col[i] = math.NaN()
			}
			rg.names = append(rg.names, name)
			rg.cols = append(rg.cols, col)
		}
	}
	for i, name := range rg.names {
		v, ok := r.Metrics[name]
		if !ok {
			v = math.NaN()
		}
		rg.cols[i][rg.next] = v
	}
	rg.next++
	if rg.next == h.depth {
		rg.next, rg.full = 0, true
	}
}

func (h *memHistory) Series(check, metric string, n int) []float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	rg := h.rings[check]
	if rg == nil || n <= 0 {
		return nil
	}
	size := rg.next
	if rg.full {
		size = h.depth
	}
	out := make([]float64, 0, min(n, size))
	c := slices.Index(rg.names, metric)
	if c < 0 {
		return out
	}
	col := rg.cols[c]
	// Walk newest to oldest, then reverse: n is usually far below depth.
	for i := 0; i < size && len(out) < n; i++ {
		if v := col[(rg.next-1-i+h.depth)%h.depth]; !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	slices.Reverse(out)
	return out
}

// Figures are the overview's long-window figures over the endpoint checks, from a History
// that keeps results across restarts: the worst 24-hour uptime and the worst 1-hour p95.
// A Has flag is false when the history holds no results for that window.
type Figures struct {
	Uptime24h   float64 // percent
	UptimeCheck string  // the check with that uptime, which the tile names when it is short of 100%
	HasUptime   bool
	P95ms       float64 // the slowest check's p95 over the last hour, in milliseconds
	P95Check    string  // that check, whose latency the tile's sparkline draws
	HasP95      bool
}

// FigureSource is implemented by a History that keeps days of results (the SQLite store).
// The console asks it in a command, never in Update or View, at start and after results
// arrive; the Uptime 24h and p95 latency tiles then show its figures. A History without
// it (the in-memory ring) leaves those tiles on what the console saw since it started,
// labelled "since HH:MM".
type FigureSource interface {
	Figures(checks []string) (Figures, error)
}

// figuresMsg carries a FigureSource's answer back into Update.
type figuresMsg struct {
	f   Figures
	err error
}
