// Package consolehist backs the console's history (tui.History) with the SQLite history
// store, so the tui package stays free of SQL: sparklines start from what the store kept
// before a restart, and the overview's Uptime 24h and p95 latency tiles read the store's
// figures over the endpoint checks.
//
// The adapter never writes: every result reaches the store through the runner's
// subscription (setup.Session.Record), once, whether or not a console is open. It keeps
// the recent values in the console's in-memory ring, seeded from the store at start, so
// a frame never queries the database; only Figures does, and the console calls it from a
// command.
package consolehist

import (
	"math"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/tui"
)

// History is tui.History and tui.FigureSource over a store.
type History struct {
	st   *store.Store
	ring tui.History
	now  func() time.Time

	// mu guards the figures cache, which Figures (in a command's goroutine) reads and
	// Record (in Update) marks.
	mu sync.Mutex
	// figs are each check's last-read uptime and p95, so Figures queries only the checks
	// that have a new result (dirty) or whose figures are older than figuresMaxAge: a
	// hundred checks cost a few statements per result, not a few hundred per batch.
	figs  map[string]checkFigures
	dirty map[string]bool
	// up is each check's last result's up/down, so a result that only repeats it leaves
	// the figures to their minute's refresh.
	up map[string]bool
}

// checkFigures is one check's share of the tiles, as last read from the store.
type checkFigures struct {
	up  store.Uptime
	lat store.Latency
	at  time.Time
}

// figuresMaxAge is how old a check's figures may get without a new result of its own:
// the windows slide, and a read-only console's writer may record results this console
// does not see. A minute is finer than a 24-hour uptime or a 1-hour p95 moves.
const figuresMaxAge = time.Minute

// New makes the console's history over st, seeding each check's recent latencies from
// it. A store kept in memory (no state folder, or a damaged database) holds only this
// run's results, so New returns the plain ring: the tiles then say "since HH:MM" rather
// than pass a few minutes off as a day. now is the clock for the tiles' windows; nil:
// time.Now.
func New(st *store.Store, checks []probes.CheckInfo, now func() time.Time) tui.History {
	ring := tui.NewMemHistory(0)
	if st == nil || st.Path() == "" {
		return ring
	}
	if now == nil {
		now = time.Now
	}
	for _, c := range checks {
		seed(ring, st, c)
		seedFigure(ring, st, c, now())
	}
	return &History{st: st, ring: ring, now: now, figs: map[string]checkFigures{}, dirty: map[string]bool{}, up: map[string]bool{}}
}

// seed replays a check's stored results into the ring as latency_ms, the metric the
// endpoints pane and the p95 tile draw. Only results that were up carry a latency, as in
// the store's percentiles (a timeout is not a latency). A query that fails leaves the
// check's sparkline to fill from live results.
func seed(ring tui.History, st *store.Store, c probes.CheckInfo) {
	pts, err := st.Recent(c.Name, tui.DefaultHistoryDepth)
	if err != nil {
		return
	}
	for _, p := range pts {
		if p.Up == nil || !*p.Up {
			continue
		}
		ring.Record(probes.Result{Check: c.Name, Kind: c.Kind, Pane: c.Pane, Target: c.Target, Started: p.Time,
			Metrics: map[string]float64{"latency_ms": float64(p.Latency.Microseconds()) / 1000}})
	}
}

// seededFigures are the kept figures (store.Kept) a pane draws as its sparkline and that
// only the metrics table holds: the Performance pane's time to first byte.
func seededFigures(p probes.Pane) string {
	if p == probes.PanePerformance {
		return "ttfb_ms"
	}
	return ""
}

// seedFigure replays a check's kept figure for its pane's sparkline from the metrics
// table: the last week in DefaultHistoryDepth slices, each its slice's largest value (a
// slow hour stays visible), empty slices left out. A page checked every 15 minutes then
// opens the console with its week drawn, not one bar.
func seedFigure(ring tui.History, st *store.Store, c probes.CheckInfo, now time.Time) {
	name := seededFigures(c.Pane)
	if name == "" {
		return
	}
	vals, err := st.MetricSeries(c.Name, name, now.Add(-7*24*time.Hour), now.Add(time.Microsecond), tui.DefaultHistoryDepth)
	if err != nil {
		return
	}
	for _, v := range vals {
		if !math.IsNaN(v) { // NaN: a slice with no run
			ring.Record(probes.Result{Check: c.Name, Kind: c.Kind, Pane: c.Pane, Target: c.Target, Metrics: map[string]float64{name: v}})
		}
	}
}

// Record keeps a result's metrics for the sparklines and marks the check's figures for
// reading again when the result can move them at once: a check that is down, or that
// came back up. A healthy result like the one before moves a 24-hour uptime and a 1-hour
// p95 by less than the tiles show, so those checks are read on the minute's refresh
// (figuresMaxAge): at 100 checks every 10 s, six times fewer queries. It does not write
// the store: the runner's subscription already does, and a read-only console must not.
func (h *History) Record(r probes.Result) {
	h.ring.Record(r)
	up, known := store.Up(r)
	h.mu.Lock()
	if was, seen := h.up[r.Check]; known && (!up || !seen || was != up) {
		h.dirty[r.Check] = true
	}
	if known {
		h.up[r.Check] = up
	}
	h.mu.Unlock()
}

// Series is up to n of the newest values of metric for check, oldest first.
func (h *History) Series(check, metric string, n int) []float64 {
	return h.ring.Series(check, metric, n)
}

// Store is the store the history reads, for the console's notes.
func (h *History) Store() *store.Store { return h.st }

// Figures are the worst 24-hour uptime and the slowest 1-hour p95 over checks, from the
// store. Only checks with a result since their last reading (or read over a minute ago)
// are queried again; the others keep their figures. The writer's queue is flushed first
// when a check is read, so a result that just arrived is counted; a read-only store sees
// what the other process has committed.
func (h *History) Figures(checks []string) (tui.Figures, error) {
	now := h.now()
	h.mu.Lock()
	var stale []string
	for _, c := range checks {
		if cf, ok := h.figs[c]; !ok || h.dirty[c] || now.Sub(cf.at) >= figuresMaxAge || now.Before(cf.at) {
			stale = append(stale, c)
			delete(h.dirty, c)
		}
	}
	h.mu.Unlock()
	if len(stale) > 0 {
		if err := h.st.Flush(); err != nil {
			h.markDirty(stale)
			return tui.Figures{}, err
		}
	}
	until := now.Add(time.Microsecond)
	for i, c := range stale {
		u, err := h.st.Uptime(c, now.Add(-24*time.Hour), until)
		if err == nil {
			var l store.Latency
			if l, err = h.st.Latency(c, now.Add(-time.Hour), until); err == nil {
				h.mu.Lock()
				h.figs[c] = checkFigures{up: u, lat: l, at: now}
				h.mu.Unlock()
				continue
			}
		}
		h.markDirty(stale[i:])
		return tui.Figures{}, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var f tui.Figures
	for _, c := range checks {
		cf := h.figs[c]
		if p, ok := cf.up.Percent(); ok && (!f.HasUptime || p < f.Uptime24h) {
			f.Uptime24h, f.UptimeCheck, f.HasUptime = p, c, true
		}
		if ms := float64(cf.lat.P95.Microseconds()) / 1000; cf.lat.N > 0 && (!f.HasP95 || ms > f.P95ms) {
			f.P95ms, f.P95Check, f.HasP95 = ms, c, true
		}
	}
	return f, nil
}

// markDirty has checks read again on the next call, after a query that failed.
func (h *History) markDirty(checks []string) {
	h.mu.Lock()
	for _, c := range checks {
		h.dirty[c] = true
	}
	h.mu.Unlock()
}
