package store

import (
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// metricResult is a metric check's result reporting failed_jobs (kept) and a figure the
// history does not keep.
func metricResult(at time.Time, failed float64) probes.Result {
	return probes.Result{Check: "metric jobs", Kind: "endpoint.metric", Pane: probes.PaneEndpoints,
		Target: "https://app.acme.example/health", Started: at, Status: probes.StatusOK,
		Metrics: map[string]float64{"up": 1, "failed_jobs": failed, "status": 200, "latency_ms": 12}}
}

// TestMetricsKeepTheListedFiguresOverTime: kept figures come back as a window (count,
// latest, max, mean), a median and a series; figures not on the list, NaN and infinities
// are not written; pruning takes them with the results.
func TestMetricsKeepTheListedFiguresOverTime(t *testing.T) {
	t.Parallel()
	now := t0
	s := openT(t, filepath.Join(t.TempDir(), "history.db"), &now)
	var rs []probes.Result
	for i, v := range []float64{0, 3, 17, 2, 5} {
		rs = append(rs, metricResult(t0.Add(time.Duration(i-5)*time.Hour), v))
	}
	bad := metricResult(t0.Add(-30*time.Minute), math.NaN())
	bad.Metrics["webhook_failures"] = math.Inf(1)
	must(t, s.Write(append(rs, bad)...))

	w, err := s.Metric("metric jobs", "failed_jobs", t0.Add(-24*time.Hour), t0)
	must(t, err)
	if w.Count != 5 || w.Latest != 5 || w.Max != 17 || w.Mean != 27.0/5 || !w.Last.Equal(t0.Add(-time.Hour)) {
		t.Errorf("window = %+v, want 5 values, latest 5 at t0-1h, max 17, mean 5.4", w)
	}
	if w, _ := s.Metric("metric jobs", "webhook_failures", t0.Add(-24*time.Hour), t0); w.Count != 0 {
		t.Errorf("an infinite value was kept: %+v", w)
	}
	for _, name := range []string{"status", "latency_ms", "up"} {
		if w, _ := s.Metric("metric jobs", name, t0.Add(-24*time.Hour), t0); w.Count != 0 {
			t.Errorf("%s is not on the kept list but was stored: %+v", name, w)
		}
	}
	if w, err := s.Metric("never seen", "failed_jobs", t0.Add(-24*time.Hour), t0); err != nil || w.Count != 0 {
		t.Errorf("unknown check: %+v, %v", w, err)
	}
	if m, n, err := s.MetricMedian("metric jobs", "failed_jobs", t0.Add(-24*time.Hour), t0); err != nil || n != 5 || m != 3 {
		t.Errorf("median = %v of %d (%v), want 3 of 5", m, n, err)
	}
	series, err := s.MetricSeries("metric jobs", "failed_jobs", t0.Add(-6*time.Hour), t0, 6)
	must(t, err)
	want := []float64{math.NaN(), 0, 3, 17, 2, 5}
	for i := range want {
		if fmt.Sprint(series[i]) != fmt.Sprint(want[i]) {
			t.Fatalf("series = %v, want %v", series, want)
		}
	}

	now = t0.Add(DefaultRetention - 210*time.Minute) // the two oldest values are past the retention
	must(t, s.Prune())
	if w, _ := s.Metric("metric jobs", "failed_jobs", t0.Add(-24*time.Hour), t0); w.Count != 3 {
		t.Errorf("after pruning %d values remain, want 3", w.Count)
	}
}

// TestMetricsOnAnOlderDatabase: a version 2 database (no metrics table) gains the table
// when a writer opens it; a reader of one that was never upgraded sees no figures, not an
// error.
func TestMetricsOnAnOlderDatabase(t *testing.T) {
	t.Parallel()
	now := t0
	path := filepath.Join(t.TempDir(), "history.db")
	db, err := sql.Open("sqlite", "file:"+path)
	must(t, err)
	_, err = db.Exec(schema + eventsSchema + `INSERT INTO meta (key, value) VALUES ('schema', '2');
		INSERT INTO checks (id, name, kind, pane, target) VALUES (1, 'metric jobs', 'endpoint.metric', 'endpoints', 'x');`)
	must(t, err)
	db.Close()
	rd, err := OpenReader(path, Options{Now: clock(&now)})
	must(t, err)
	if w, err := rd.Metric("metric jobs", "failed_jobs", t0.Add(-time.Hour), t0); err != nil || w.Count != 0 {
		t.Errorf("reader of a version 2 database: %+v, %v", w, err)
	}
	if s, err := rd.MetricSeries("metric jobs", "failed_jobs", t0.Add(-time.Hour), t0, 4); err != nil || len(s) != 4 {
		t.Errorf("series from a version 2 database: %v, %v", s, err)
	}
	rd.Close()

	s := openT(t, path, &now)
	must(t, s.Write(metricResult(t0.Add(-time.Minute), 4)))
	if w, err := s.Metric("metric jobs", "failed_jobs", t0.Add(-time.Hour), t0); err != nil || w.Count != 1 || w.Latest != 4 {
		t.Errorf("after the upgrade: %+v, %v", w, err)
	}
	var v string
	must(t, s.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema'`).Scan(&v))
	if v != "3" {
		t.Errorf("schema = %s, want 3", v)
	}
}

// TestPageFiguresKeptForPerformanceKindsOnly: every uptime and endpoint check reports a
// ttfb_ms; only the Performance pane's page and API checks have theirs kept, or watch
// would write a second row for nearly every result.
func TestPageFiguresKeptForPerformanceKindsOnly(t *testing.T) {
	t.Parallel()
	now := t0
	s := openT(t, filepath.Join(t.TempDir(), "history.db"), &now)
	uptime := result("http app", t0.Add(-time.Minute), true, 30*time.Millisecond)
	uptime.Kind, uptime.Metrics["ttfb_ms"], uptime.Metrics["requests"] = "http", 12, 30
	page := probes.Result{Check: "page pricing", Kind: "perf-page", Pane: probes.PanePerformance, Started: t0.Add(-time.Minute),
		Status: probes.StatusOK, Metrics: map[string]float64{"ttfb_ms": 1207, "requests": 3}}
	must(t, s.Write(uptime, page))
	for _, c := range []struct {
		check, name string
		want        int
	}{{"http app", "ttfb_ms", 0}, {"http app", "requests", 0}, {"page pricing", "ttfb_ms", 1}, {"page pricing", "requests", 1}} {
		if w, err := s.Metric(c.check, c.name, t0.Add(-time.Hour), t0); err != nil || w.Count != c.want {
			t.Errorf("%s %s: %d values kept (%v), want %d", c.check, c.name, w.Count, err, c.want)
		}
	}
}
