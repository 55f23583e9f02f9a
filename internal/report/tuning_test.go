package report

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/perf"
)

// TestTuningListUnderPerformance: the Performance pane's findings are listed again as the
// tuning list, largest expected effect first, across checks.
func TestTuningListUnderPerformance(t *testing.T) {
	r := &Report{Product: "Acme", Domain: "acme.example", Checks: []Check{
		{Check: "api plans", Pane: probes.PanePerformance, Status: probes.StatusWarn, Data: perf.APIDetail{Tuning: []perf.TuningItem{
			{Title: "Public API /v1/plans is not cached", OriginSaved: 0.95, Effect: "origin requests for the route -95%"}}}},
		{Check: "page pricing", Pane: probes.PanePerformance, Status: probes.StatusWarn, Data: perf.PageDetail{Tuning: []perf.TuningItem{
			{Title: "Text served uncompressed", P95SavedMs: 33, Effect: "p95 -33ms"},
			{Title: "/pricing is slow to its first byte", P95SavedMs: 1180, OriginSaved: 0.33, Effect: "p95 -1180ms"}}}},
	}}
	var b strings.Builder
	if err := r.WriteText(&b, false, 0); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	i1 := strings.Index(out, "1. /pricing is slow")
	i2 := strings.Index(out, "2. Public API /v1/plans")
	i3 := strings.Index(out, "3. Text served uncompressed: p95 -33ms")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Fatalf("tuning list out of order or missing:\n%s", out)
	}
}
