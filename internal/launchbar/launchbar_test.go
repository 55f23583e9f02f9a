package launchbar

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestEvaluateWithoutTheConsole: the bar is judged from plain inputs (what the handover
// pack has), every item in the roadmap's order; an item nothing could check says what
// would, and an uptime check that ran meets its item.
func TestEvaluateWithoutTheConsole(t *testing.T) {
	t.Parallel()
	up := probes.CheckInfo{Name: "http acme.example", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"}
	items := Evaluate(Input{Checks: []probes.CheckInfo{up}, Interval: time.Minute,
		Results:   []probes.Result{{Check: up.Name, Kind: up.Kind, Pane: up.Pane, Target: up.Target, Status: probes.StatusOK}},
		LastSweep: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)})
	if len(items) != len(rules) || items[0].Name != "Domain points to the right environment" {
		t.Fatalf("%d items, first %q", len(items), items[0].Name)
	}
	by := map[string]Item{}
	for _, it := range items {
		by[it.Name] = it
	}
	if it := by["Uptime monitoring running"]; it.State != Met || it.Why != "1 endpoint, every 1m, last 12:00:00" {
		t.Errorf("uptime: %+v", it)
	}
	if it := by["SPF, DKIM and DMARC set"]; it.State != Unchecked || it.Why != "needs the Email pane's checks" {
		t.Errorf("email: %+v", it)
	}
	if it := by["Deployment repeatable"]; it.State != Unchecked || !strings.Contains(it.Why, "has not read the runbooks folder") {
		t.Errorf("deploy without runbooks read: %+v", it)
	}
	if it := by[Handover]; it.Name != Handover {
		t.Errorf("no item named %q", Handover)
	}
}
