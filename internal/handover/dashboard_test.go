package handover

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/audit"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/owners"
	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// TestDashboardHoldsTheFreshSweep: a result recorded a fraction of a second before the
// pack is built (the sweep it was made from) is in the 7- and 30-day figures, with a
// sparkline, though the pack prints its time to the second.
func TestDashboardHoldsTheFreshSweep(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 700_000_000, time.UTC)
	st := store.OpenMemory(store.Options{Now: func() time.Time { return now }})
	defer st.Close()
	ci := probes.CheckInfo{Name: "http acme.example", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"}
	res := probes.Result{Check: ci.Name, Kind: ci.Kind, Pane: ci.Pane, Target: ci.Target, Started: now.Add(-200 * time.Millisecond),
		Latency: 42 * time.Millisecond, Status: probes.StatusOK, Metrics: map[string]float64{"up": 1}}
	if err := st.Write(res); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte("product: Acme\ndomain: acme.example\ncanonical_url: https://acme.example/\nhosts:\n  - {name: acme.example, a: [192.0.2.1]}\n"), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	own, _ := owners.Decode(cfg)
	rep := report.New("Acme", "acme.example", now, time.Second, []probes.Result{res})
	p, err := Build(Input{Config: cfg, Owners: own, Checks: []probes.CheckInfo{ci}, Report: rep, History: st, Now: now,
		Audit: audit.Build(audit.Input{Product: "Acme", Domain: "acme.example", Report: rep, Now: now})})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Dashboard) != 1 || p.Dashboard[0].Uptime7 != "100.00%" || p.Dashboard[0].P95Latency30 != "42 ms" || !strings.Contains(p.Dashboard[0].Spark, ",") {
		t.Errorf("dashboard %+v", p.Dashboard)
	}
	if len(p.Fresh.Unowned) != len(owners.Systems) {
		t.Errorf("every system is unowned without owners:, got %v", p.Fresh.Unowned)
	}
}
