package handover

import (
	"bytes"
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

// TestDashboardFailedJobsAndWebhookFailures: a metric check's failed jobs over 7 and 30
// days read as the latest and the worst of each window (a spike 20 days ago is the
// month's worst, not the week's), with a sparkline of each day's worst; a figure the
// check reports in the sweep that the history lacks says "no data"; a check that reports
// neither is not in the table; the 30-day columns say the history keeps 14 days.
func TestDashboardFailedJobsAndWebhookFailures(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	st := store.OpenMemory(store.Options{Now: func() time.Time { return now }, Retention: 31 * 24 * time.Hour})
	defer st.Close()
	jobs := probes.CheckInfo{Name: "metric failed jobs", Kind: "endpoint.metric", Pane: probes.PaneEndpoints, Target: "https://app.acme.example/internal/metrics"}
	web := probes.CheckInfo{Name: "http acme.example", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://acme.example/"}
	res := func(ci probes.CheckInfo, ago time.Duration, m map[string]float64) probes.Result {
		m["up"] = 1
		return probes.Result{Check: ci.Name, Kind: ci.Kind, Pane: ci.Pane, Target: ci.Target, Started: now.Add(-ago),
			Latency: 30 * time.Millisecond, Status: probes.StatusOK, Metrics: m}
	}
	day := 24 * time.Hour
	sweep := res(jobs, time.Minute, map[string]float64{"failed_jobs": 3, "webhook_failures": 1})
	sweep.Metrics = map[string]float64{"up": 1, "failed_jobs": 3, "webhook_failures": 1}
	hist := []probes.Result{
		res(jobs, 20*day, map[string]float64{"failed_jobs": 40}),
		res(jobs, 3*day, map[string]float64{"failed_jobs": 17}),
		res(jobs, 2*time.Minute, map[string]float64{"failed_jobs": 3}),
		res(web, time.Minute, map[string]float64{}),
	}
	if err := st.Write(hist...); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte("product: Acme\ndomain: acme.example\ncanonical_url: https://acme.example/\nhosts:\n  - {name: acme.example, a: [192.0.2.1]}\n"), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	own, _ := owners.Decode(cfg)
	// The sweep says webhook_failures 1, but the pack's history did not record it
	// (written before a restart, say): "no data", not a zero.
	rep := report.New("Acme", "acme.example", now, time.Second, []probes.Result{sweep, res(web, 0, map[string]float64{})})
	p, err := Build(Input{Config: cfg, Owners: own, Checks: []probes.CheckInfo{jobs, web}, Report: rep, History: st, Now: now,
		Audit: audit.Build(audit.Input{Product: "Acme", Domain: "acme.example", Report: rep, Now: now})})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Dashboard) != 2 {
		t.Fatalf("dashboard %+v", p.Dashboard)
	}
	j := p.Dashboard[0]
	if j.FailedJobs.Week != "latest 3 · worst 17" || j.FailedJobs.Month != "latest 3 · worst 40" || strings.Count(j.FailedJobs.Spark, ",") != 3 {
		t.Errorf("failed jobs %+v", j.FailedJobs)
	}
	if !j.WebhookFailures.Reported || j.WebhookFailures.Week != "no data" || j.WebhookFailures.Month != "no data" || j.WebhookFailures.Spark != "" {
		t.Errorf("webhook failures %+v", j.WebhookFailures)
	}
	if f := p.Dashboard[1].FailedJobs; f.Reported || f.Week != "-" || f.Month != "-" {
		t.Errorf("a figure the check does not report is -, not no data: %+v", f)
	}
	if p.Dashboard[1].Figures() {
		t.Errorf("a check that reports neither figure: %+v", p.Dashboard[1])
	}
	var md, page bytes.Buffer
	if err := p.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| Check | Failed jobs 7 d | Failed jobs 30 d (history keeps 14 d) | Webhook failures 7 d | Webhook failures 30 d (history keeps 14 d) |",
		"| metric failed jobs | latest 3 · worst 17 | latest 3 · worst 40 | no data | no data |",
		"Uptime 30 d (history keeps 14 d)",
		"The history keeps 14 days",
		"set `history.retention_days: 30`",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "| http acme.example | no data") {
		t.Errorf("a check reporting neither figure has a row of no data")
	}
	if n := strings.Count(page.String(), `<svg class="spark bad"`); n != 1 {
		t.Errorf("%d failure sparklines in the HTML, want 1 (failed jobs; webhook failures has no data)", n)
	}
	if !strings.Contains(page.String(), "<td>latest 3 · worst 40</td>") {
		t.Errorf("the HTML lacks the month's failed jobs")
	}
}

// TestDashboardSaysNoDataWhenNoCheckReportsFigures: without a metric check the second
// table is one plain sentence, and a history kept a month says nothing about retention.
func TestDashboardSaysNoDataWhenNoCheckReportsFigures(t *testing.T) {
	t.Parallel()
	p := &Pack{Keeps: 30, Dashboard: []DashRow{{Check: "http acme.example", Uptime7: "100.00%"}}}
	var md bytes.Buffer
	if err := p.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "No data: no check reports `failed_jobs` or `webhook_failures`.") {
		t.Errorf("no plain no-data sentence:\n%s", md.String())
	}
	if strings.Contains(md.String(), "history keeps") || !strings.Contains(md.String(), "| Uptime 30 d |") {
		t.Errorf("a month kept should say plain 30 d:\n%s", md.String())
	}
}

// TestOnePointSparklineIsDrawn: a browser draws nothing for a polyline of one point, so a
// history of one day (a fresh install) gets a short line instead.
func TestOnePointSparklineIsDrawn(t *testing.T) {
	t.Parallel()
	days := make([]store.MetricDay, 30)
	days[29] = store.MetricDay{Count: 1, Max: 17}
	if got := sparkWorst(days); got != "117.0,2.0 120.0,2.0" {
		t.Errorf("last day only: %q", got)
	}
	days[29], days[0] = store.MetricDay{}, store.MetricDay{Count: 1, Max: 0}
	if got := sparkWorst(days); got != "0.0,22.0 3.0,22.0" {
		t.Errorf("first day only, zero: %q", got)
	}
	if got := visible(""); got != "" {
		t.Errorf("no data: %q", got)
	}
}
