// Package report turns one sweep's results into what `launchready check` prints: a ranked
// risk list for people, and a stable JSON document for CI and scripts.
package report

import (
	"slices"
	"time"

	"github.com/launchready/launchready/probes"
)

// Schema names the JSON report's version. It changes only when a field is removed or its
// meaning changes; added fields keep it.
const Schema = "launchready.check/v1"

// Report is one sweep, ready to print.
type Report struct {
	Schema     string           `json:"schema"`
	Product    string           `json:"product"`
	Domain     string           `json:"domain"`
	State      probes.State     `json:"state"`
	Started    time.Time        `json:"started"`
	DurationMs float64          `json:"duration_ms"`
	Counts     Counts           `json:"counts"`
	Findings   []probes.Finding `json:"findings"`
	Checks     []Check          `json:"checks"`
}

// Counts tallies findings by severity and checks by status.
type Counts struct {
	Critical    int `json:"critical"`
	High        int `json:"high"`
	Medium      int `json:"medium"`
	Low         int `json:"low"`
	Info        int `json:"info"`
	Checks      int `json:"checks"`
	CheckErrors int `json:"check_errors"`
}

// Check is one check's outcome in the report.
type Check struct {
	Check     string             `json:"check"`
	Kind      string             `json:"kind"`
	Pane      probes.Pane        `json:"pane"`
	Target    string             `json:"target"`
	Status    probes.Status      `json:"status"`
	Summary   string             `json:"summary"`
	LatencyMs float64            `json:"latency_ms"`
	Error     string             `json:"error,omitempty"`
	Findings  int                `json:"findings"`
	Metrics   map[string]float64 `json:"metrics,omitempty"`
	// Data is the check's typed detail (a pane's Result.Data, e.g. the certificate
	// inventory row), for handover reports and scripts.
	Data any `json:"data,omitempty"`
}

// New builds a report from a sweep's results. Its findings are the risk list, one per
// problem (probes.RiskList): a problem several checks report is listed and counted once,
// its raised_by naming them all.
func New(product, domain string, started time.Time, took time.Duration, results []probes.Result) *Report {
	r := &Report{
		Schema: Schema, Product: product, Domain: domain, State: probes.Overall(results),
		Started: started.UTC(), DurationMs: msOf(took),
		Findings: probes.RiskList(results), Checks: make([]Check, 0, len(results)),
	}
	for _, res := range results {
		r.Checks = append(r.Checks, Check{
			Check: res.Check, Kind: res.Kind, Pane: res.Pane, Target: res.Target, Status: res.Status,
			Summary: res.Summary, LatencyMs: msOf(res.Latency), Error: res.Err, Findings: len(res.Findings), Metrics: res.Metrics, Data: res.Data,
		})
		if res.Status == probes.StatusError {
			r.Counts.CheckErrors++
		}
	}
	for i := range r.Findings {
		if r.Findings[i].Evidence == nil {
			r.Findings[i].Evidence = []string{}
		}
	}
	c := probes.Counts(r.Findings)
	r.Counts.Critical, r.Counts.High, r.Counts.Medium = c[probes.Critical], c[probes.High], c[probes.Medium]
	r.Counts.Low, r.Counts.Info, r.Counts.Checks = c[probes.Low], c[probes.Info], len(results)
	slices.SortStableFunc(r.Checks, func(a, b Check) int { return paneOrder(a.Pane) - paneOrder(b.Pane) })
	return r
}

// AtOrAbove counts findings at or above a severity, for --fail-on.
func (r *Report) AtOrAbove(s probes.Severity) int {
	return probes.AtOrAbove(r.Findings, s)
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func paneOrder(p probes.Pane) int {
	if i := slices.Index(probes.Panes, p); i >= 0 {
		return i
	}
	return len(probes.Panes)
}
