package perf

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// weighing serves a page of about kb kilobytes and nothing else.
func weighing(kb int) http.Handler {
	body := "<!doctype html><html><head><title>Acme</title></head><body>" + strings.Repeat("x", kb*1024) + "</body></html>"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(body))
	})
}

// seedWeek writes points results of "page home" over the week before now, with page_kb
// steady around kb (±1%), to a real history database.
func seedWeek(t *testing.T, now time.Time, points int, kb float64) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var rs []probes.Result
	for i := range points {
		at := now.Add(-regressionWindow + time.Duration(i+1)*regressionWindow/time.Duration(points+1))
		rs = append(rs, probes.Result{Check: "page home", Kind: "perf-page", Pane: probes.PanePerformance,
			Target: "https://app.acme.example/", Started: at, Status: probes.StatusOK,
			Metrics: map[string]float64{"page_kb": kb * (1 + float64(i%3-1)/100), "ttfb_ms": 2, "requests": 1, "origin_requests": 1}})
	}
	if err := st.Write(rs...); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRegressionAgainstTheWeek: a page 30% heavier than its steady week is a finding that
// names the figure, the median and now; 10% is not; nor is 30% over too few points.
func TestRegressionAgainstTheWeek(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		points int
		nowKB  int
		want   bool
	}{
		{"30% heavier than a steady week", 28, 650, true},
		{"10% heavier", 28, 550, false},
		{"too few points", regressionMinPoints - 1, 650, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Now()
			st := seedWeek(t, now, tc.points, 500)
			e := testEnv(t, cfgText("performance:\n  pages:\n    - {name: home, url: https://app.acme.example/, ttfb_budget: 5s, weight_budget_kb: 5000}\n"), newServer(t, weighing(tc.nowKB)))
			e.Figures, e.Now = st, func() time.Time { return now }
			cs, err := Kind.Build(e)
			if err != nil {
				t.Fatal(err)
			}
			res := run(t, cs[0])
			if res.Err != "" {
				t.Fatal(res.Err)
			}
			i := slices.IndexFunc(res.Findings, func(f probes.Finding) bool { return strings.HasSuffix(f.ID, "-regressed") })
			if got := i >= 0; got != tc.want {
				t.Fatalf("regression finding %v, want %v (findings %s)", got, tc.want, ids(res))
			}
			d := res.Data.(PageDetail)
			wk := slices.IndexFunc(d.Week, func(tr Trend) bool { return tr.Metric == "page_kb" })
			if wk < 0 || d.Week[wk].Points != tc.points || d.Week[wk].Median != 500 {
				t.Fatalf("week %+v: want page_kb's median 500 of %d points", d.Week, tc.points)
			}
			if n := len(d.Week[wk].Series); n < 2 || n > trendBuckets+1 {
				t.Errorf("sparkline of %d points, want the week's buckets and now", n)
			}
			if !tc.want {
				return
			}
			f := res.Findings[i]
			if f.ID != "perf.weight-regressed" || f.Severity != probes.Low {
				t.Errorf("finding %s %s, want perf.weight-regressed, low", f.ID, f.Severity)
			}
			for _, w := range []string{"page weight", "30% over its 7-day median", "650 KB", "was 500 KB"} {
				if !strings.Contains(f.Title, w) {
					t.Errorf("title %q lacks %q", f.Title, w)
				}
			}
			if !strings.Contains(f.Observed, "median of 28 runs") {
				t.Errorf("observed %q does not say how many runs the median is of", f.Observed)
			}
		})
	}
}
