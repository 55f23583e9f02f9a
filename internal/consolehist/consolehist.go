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
}

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
	}
	return &History{st: st, ring: ring, now: now}
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

// Record keeps a result's metrics for the sparklines. It does not write the store: the
// runner's subscription already does, and a read-only console must not.
func (h *History) Record(r probes.Result) { h.ring.Record(r) }

// Series is up to n of the newest values of metric for check, oldest first.
func (h *History) Series(check, metric string, n int) []float64 {
	return h.ring.Series(check, metric, n)
}

// Store is the store the history reads, for the console's notes.
func (h *History) Store() *store.Store { return h.st }

// Figures are the worst 24-hour uptime and the slowest 1-hour p95 over checks, from the
// store. The writer's queue is flushed first so a result that just arrived is counted;
// a read-only store sees what the other process has committed.
func (h *History) Figures(checks []string) (tui.Figures, error) {
	if err := h.st.Flush(); err != nil {
		return tui.Figures{}, err
	}
	now := h.now()
	until := now.Add(time.Microsecond)
	var f tui.Figures
	for _, c := range checks {
		u, err := h.st.Uptime(c, now.Add(-24*time.Hour), until)
		if err != nil {
			return tui.Figures{}, err
		}
		if p, ok := u.Percent(); ok && (!f.HasUptime || p < f.Uptime24h) {
			f.Uptime24h, f.HasUptime = p, true
		}
		l, err := h.st.Latency(c, now.Add(-time.Hour), until)
		if err != nil {
			return tui.Figures{}, err
		}
		if ms := float64(l.P95.Microseconds()) / 1000; l.N > 0 && (!f.HasP95 || ms > f.P95ms) {
			f.P95ms, f.P95Check, f.HasP95 = ms, c, true
		}
	}
	return f, nil
}
