package store

import (
	"path/filepath"
	"testing"
	"time"
)

// TestMetricDaysAndLatest: a figure's days carry each day's count and worst, a day with
// none is a zero day; the latest is the newest value of the window; a figure or check the
// history never saw is no value, not an error.
func TestMetricDaysAndLatest(t *testing.T) {
	t.Parallel()
	now := t0
	s := openT(t, filepath.Join(t.TempDir(), "history.db"), &now)
	// Two days ago: 4 and 9; yesterday nothing; today 17 then 2.
	must(t, s.Write(metricResult(t0.Add(-50*time.Hour), 4), metricResult(t0.Add(-49*time.Hour), 9),
		metricResult(t0.Add(-3*time.Hour), 17), metricResult(t0.Add(-time.Hour), 2)))
	days, err := s.MetricDays("metric jobs", "failed_jobs", t0, 3)
	must(t, err)
	want := []MetricDay{{Count: 2, Max: 9}, {}, {Count: 2, Max: 17}}
	for i, d := range days {
		if d.Count != want[i].Count || d.Max != want[i].Max || !d.Start.Equal(t0.Add(time.Duration(i-3)*24*time.Hour)) {
			t.Errorf("day %d = %+v, want %+v", i, d, want[i])
		}
	}
	v, at, ok, err := s.MetricLatest("metric jobs", "failed_jobs", t0.Add(-72*time.Hour), t0)
	if err != nil || !ok || v != 2 || !at.Equal(t0.Add(-time.Hour)) {
		t.Errorf("latest = %v at %v (%v, %v), want 2 an hour ago", v, at, ok, err)
	}
	if _, _, ok, err := s.MetricLatest("metric jobs", "failed_jobs", t0.Add(-72*time.Hour), t0.Add(-48*time.Hour)); err != nil || !ok {
		t.Errorf("the window two days ago holds values: %v, %v", ok, err)
	}
	if _, _, ok, err := s.MetricLatest("metric jobs", "webhook_failures", t0.Add(-72*time.Hour), t0); ok || err != nil {
		t.Errorf("a figure never reported: %v, %v", ok, err)
	}
	if d, err := s.MetricDays("never seen", "failed_jobs", t0, 2); err != nil || len(d) != 2 || d[1].Count != 0 {
		t.Errorf("unknown check: %+v, %v", d, err)
	}
}
