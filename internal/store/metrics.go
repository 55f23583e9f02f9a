package store

import (
	"database/sql"
	"errors"
	"math"
	"sort"
	"strings"
	"time"
)

// Kept says whether the history keeps a metric's values over time, for a result of the
// given kind. The list is short on purpose: each kept figure is one more row for every
// result that reports it, and watch writes a result every few seconds. A figure belongs
// here when something reads it over days: the handover pack's dashboard (failed_jobs,
// webhook_failures), a pane's sparkline or a regression against its own week (the
// Performance pane's page and API figures), the email round trip's delay, a load run's
// figures per role (one point per run: the load record check reports them once). The
// page figures are kept for the Performance kinds only: every uptime and endpoint check
// reports a ttfb_ms too, and keeping those would write a second row for nearly every
// result watch makes.
func Kept(kind, name string) bool {
	switch name {
	case "failed_jobs", "webhook_failures", "queue_depth",
		"delivery_delay_s", "delivery_folder",
		"load_login_p95_ms", "load_login_error_pct", "load_login_rate",
		"load_signup_p95_ms", "load_signup_error_pct", "load_signup_rate":
		return true
	case "ttfb_ms", "page_kb", "requests", "origin_requests", "uncompressed_kb":
		return strings.HasPrefix(kind, "perf-")
	}
	return false
}

// MetricWindow is one figure of one check over a window: what the dashboard prints.
type MetricWindow struct {
	Count  int       `json:"count"` // values recorded; 0 when none (the rest is then zero)
	Latest float64   `json:"latest"`
	Max    float64   `json:"max"`
	Mean   float64   `json:"mean"`
	Last   time.Time `json:"last"` // when Latest was recorded
}

// Metric summarises a kept figure of check in [since, until). A check or figure the
// history never saw is a zero window, not an error: the dashboard says "no data".
func (s *Store) Metric(check, name string, since, until time.Time) (MetricWindow, error) {
	var w MetricWindow
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return w, err
	}
	st, err := s.metricStmt(`SELECT count(*), coalesce(max(value), 0), coalesce(avg(value), 0)
		FROM metrics WHERE check_id = ? AND name = ? AND ts >= ? AND ts < ?`)
	if st == nil || err != nil {
		return w, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	from, to := since.UnixMicro(), until.UnixMicro()
	if err := st.QueryRowContext(ctx, id, name, from, to).Scan(&w.Count, &w.Max, &w.Mean); err != nil {
		return w, explain(s.path, err)
	}
	if w.Count == 0 {
		return w, nil
	}
	last, err := s.metricStmt(`SELECT ts, value FROM metrics WHERE check_id = ? AND name = ? AND ts >= ? AND ts < ?
		ORDER BY ts DESC LIMIT 1`)
	if last == nil || err != nil {
		return w, err
	}
	var ts int64
	err = last.QueryRowContext(ctx, id, name, from, to).Scan(&ts, &w.Latest)
	if errors.Is(err, sql.ErrNoRows) {
		return w, nil
	}
	if err != nil {
		return w, explain(s.path, err)
	}
	w.Last = time.UnixMicro(ts)
	return w, nil
}

// MetricMedian is the median of a kept figure of check in [since, until), and how many
// values it is the median of: what a figure is judged against ("20% over its own 7-day
// median"). n is 0 when there were none.
func (s *Store) MetricMedian(check, name string, since, until time.Time) (median float64, n int, err error) {
	vals, err := s.metricValues(check, name, since, until)
	if err != nil || len(vals) == 0 {
		return 0, 0, err
	}
	sort.Float64s(vals)
	m := len(vals) / 2
	if len(vals)%2 == 1 {
		return vals[m], len(vals), nil
	}
	return (vals[m-1] + vals[m]) / 2, len(vals), nil
}

// MetricSeries is a kept figure of check in [since, until) in n equal buckets, oldest
// first, each the buckets' largest value (a spike in a sparkline must not be averaged
// away) or NaN when the bucket holds none.
func (s *Store) MetricSeries(check, name string, since, until time.Time, n int) ([]float64, error) {
	if n <= 0 || !until.After(since) {
		return nil, nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return out, err
	}
	st, err := s.metricStmt(`SELECT ts, value FROM metrics WHERE check_id = ? AND name = ? AND ts >= ? AND ts < ? ORDER BY ts`)
	if st == nil || err != nil {
		return out, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	from, to := since.UnixMicro(), until.UnixMicro()
	rows, err := st.QueryContext(ctx, id, name, from, to)
	if err != nil {
		return out, explain(s.path, err)
	}
	defer rows.Close()
	span := to - from
	for rows.Next() {
		var ts int64
		var v float64
		if err := rows.Scan(&ts, &v); err != nil {
			return out, explain(s.path, err)
		}
		i := int((ts - from) * int64(n) / span)
		if i >= n {
			i = n - 1
		}
		if math.IsNaN(out[i]) || v > out[i] {
			out[i] = v
		}
	}
	return out, explain(s.path, rows.Err())
}

func (s *Store) metricValues(check, name string, since, until time.Time) ([]float64, error) {
	id, ok, err := s.id(check)
	if err != nil || !ok {
		return nil, err
	}
	st, err := s.metricStmt(`SELECT value FROM metrics WHERE check_id = ? AND name = ? AND ts >= ? AND ts < ?`)
	if st == nil || err != nil {
		return nil, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	rows, err := st.QueryContext(ctx, id, name, since.UnixMicro(), until.UnixMicro())
	if err != nil {
		return nil, explain(s.path, err)
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			return nil, explain(s.path, err)
		}
		out = append(out, v)
	}
	return out, explain(s.path, rows.Err())
}

// metricStmt prepares a query of the metrics table. A database an older launchready
// writes has none, and this one only reads it: that is no figures (nil, nil), not an error.
func (s *Store) metricStmt(query string) (*sql.Stmt, error) {
	st, err := s.stmt(query)
	if err != nil && s.readOnly && strings.Contains(err.Error(), "no such table: metrics") {
		return nil, nil
	}
	return st, explain(s.path, err)
}
