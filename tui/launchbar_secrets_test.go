package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestLaunchBarSecretsItem: "Secrets separated from code" is met only with a clean scan of
// the repository's current HEAD and clean bundle and exposed-file checks; a finding makes
// it not met, naming it; no scan, a stale scan or no live checks leave it not checked,
// saying what to run.
func TestLaunchBarSecretsItem(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
	infos := []probes.CheckInfo{
		{Name: "repo secrets", Kind: "repo-secrets", Pane: probes.PaneExposure},
		{Name: "bundles app.acme.example", Kind: "bundles", Pane: probes.PaneExposure, Target: "https://app.acme.example/"},
	}
	item := func(rs ...probes.Result) barItem {
		b := newBoard(infos, time.Minute, now, NewMemHistory(8), nil)
		for _, r := range rs {
			r.Pane, r.Started = probes.PaneExposure, now()
			b.apply(r)
		}
		sh := &shared{board: b, hosts: map[string]string{}}
		for _, it := range launchBar(sh) {
			if it.name == "Secrets separated from code" {
				return it
			}
		}
		t.Fatal("no secrets item")
		return barItem{}
	}
	repo := func(recorded, current float64) probes.Result {
		return probes.Result{Check: "repo secrets", Kind: "repo-secrets", Metrics: map[string]float64{"repo_scan_recorded": recorded, "repo_scan_current": current}}
	}
	bundles := probes.Result{Check: "bundles app.acme.example", Kind: "bundles", Target: "https://app.acme.example/"}
	leak := bundles
	leak.Findings = []probes.Finding{{ID: "exposure.secret-in-bundle", Pane: probes.PaneExposure, Severity: probes.Critical,
		Target: "https://app.acme.example/static/app.js#L1", Title: "Stripe live secret key shipped to browsers"}}

	for _, tc := range []struct {
		name  string
		rs    []probes.Result
		state barState
		why   string
	}{
		{"nothing ran", nil, barUnchecked, "launchready secrets scan"},
		{"no scan recorded", []probes.Result{repo(0, 0), bundles}, barUnchecked, "launchready secrets scan"},
		{"HEAD moved", []probes.Result{repo(1, 0), bundles}, barUnchecked, "moved since its last scan"},
		{"no live checks yet", []probes.Result{repo(1, 1)}, barUnchecked, "waiting for the Exposure pane"},
		{"clean", []probes.Result{repo(1, 1), bundles}, barMet, "repository clean"},
		{"a key in the bundle", []probes.Result{repo(1, 1), leak}, barNotMet, "Stripe live secret key shipped to browsers"},
	} {
		it := item(tc.rs...)
		if it.state != tc.state || !strings.Contains(it.why, tc.why) {
			t.Errorf("%s: %s %q; want %s with %q", tc.name, barWord[it.state], it.why, barWord[tc.state], tc.why)
		}
	}
}
