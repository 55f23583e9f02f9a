package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/perf"
)

// TestPerfDetailDrawsTheWeek: a page check's detail shows its protocol and its TTFB and
// weight over the week as sparklines with the median and now; without a history it says
// so rather than draw nothing.
func TestPerfDetailDrawsTheWeek(t *testing.T) {
	t.Parallel()
	st := newStyles(true)
	d := perf.PageDetail{Protocol: `HTTP/2.0 · HTTP/3 advertised (Alt-Svc: h3=":443")`,
		Browser: &perf.BrowserTiming{TTFBMs: 12, DOMContentLoadedMs: 40, LoadMs: 55}, Week: []perf.Trend{
			{Metric: "ttfb_ms", Label: "TTFB", Series: []float64{100, 110, 105, 140}, Text: "median 105ms of 28 runs, now 140ms (+33%)"},
			{Metric: "page_kb", Label: "weight", Series: []float64{500, 500, 650}, Text: "median 500 KB of 28 runs, now 650 KB (+30%)"},
			{Metric: "requests", Label: "requests", Text: "median 3 of 28 runs, now 3 (+0%)"},
			{Metric: "origin_requests", Label: "origin requests", Text: "median 2 of 28 runs, now 2 (+0%)"},
		}}
	got := ansi.Strip(strings.Join(perfLines(st, probes.Result{Data: d}, 100), "\n"))
	for _, want := range []string{"HTTP/3 advertised", "first byte 12ms · DOMContentLoaded 40ms · load 55ms", "TTFB            ▆▆▆█", "median 105ms of 28 runs, now 140ms (+33%)",
		"weight          ▆▆█", "requests        median 3 of 28 runs", "origin requests median 2 of 28 runs"} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	got = ansi.Strip(strings.Join(perfLines(st, probes.Result{Data: perf.PageDetail{Protocol: "HTTP/2.0",
		BrowserNote: "browser checks off: chromium not found"}}, 80), "\n"))
	if !strings.Contains(got, "no history yet") || !strings.Contains(got, "browser checks off: chromium not found") {
		t.Errorf("an empty week or a missing browser says nothing:\n%s", got)
	}
	if perfLines(st, probes.Result{Data: "other"}, 80) != nil {
		t.Error("a result of another kind got a performance section")
	}
}
