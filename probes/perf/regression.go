package perf

import (
	"fmt"
	"math"
	"time"

	"github.com/launchready/launchready/probes"
)

// A page figure is judged against its own week as well as its budget: a page that is well
// within budget but 40% heavier than on Monday has a new problem (an unoptimised image, a
// script bundled twice) that the budget will only catch once it is too late.
const (
	// regressionWindow is the past a figure is compared with.
	regressionWindow = 7 * 24 * time.Hour
	// regressionShare is how far over its median a figure must be to be a finding.
	regressionShare = 0.20
	// regressionMinPoints is the fewest past values the median must be of: a fresh install
	// (or a page added yesterday) does not cry wolf over three runs' noise. Twelve is three
	// hours at the default 15-minute interval.
	regressionMinPoints = 12
	// trendBuckets is the sparkline's width over the week: one bar every six hours.
	trendBuckets = 28
)

// figureRule is one page figure judged against its week. floor is the least rise that
// counts, whatever the share: 20% of a 30ms loopback TTFB is jitter, not a regression.
type figureRule struct {
	metric, id, label string
	short             string // the detail's row label
	floor             float64
	severity          probes.Severity
	spark             bool // drawn as a sparkline in the page detail
	format            func(float64) string
}

// regressionRules are the figures judged, in the order the detail shows them.
func regressionRules() []figureRule {
	ms := func(v float64) string { return fmt.Sprintf("%.0fms", v) }
	kbf := func(v float64) string { return kb(int64(v * 1024)) }
	n := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	return []figureRule{
		{"ttfb_ms", "perf.ttfb-regressed", "time to first byte", "TTFB", 50, probes.Medium, true, ms},
		{"page_kb", "perf.weight-regressed", "page weight", "weight", 20, probes.Low, true, kbf},
		{"requests", "perf.requests-regressed", "same-site requests", "requests", 2, probes.Low, false, n},
		{"origin_requests", "perf.origin-regressed", "requests reaching the origin", "origin requests", 2, probes.Low, false, n},
	}
}

// Trend is one page figure over the last week, from the history: its median, how many
// values that is of, the value now, and (for TTFB and weight) the week as a sparkline's
// points, oldest first, each the largest of its six hours (hours with no run are left out).
type Trend struct {
	Metric string    `json:"metric"`
	Label  string    `json:"label"`
	Median float64   `json:"median"`
	Points int       `json:"points"`
	Now    float64   `json:"now"`
	Series []float64 `json:"series,omitempty"`
	Text   string    `json:"text"` // "median 310ms of 96 runs, now 420ms (+35%)"
}

// week reads each figure's past from the history, returns the trends, and the findings for
// figures that rose more than regressionShare (and their floor) over their median of at
// least regressionMinPoints values. Without a history it returns nothing; a history that
// cannot be read is logged by the store's caller and judged as no past.
func (c *pageCheck) week(now map[string]float64) ([]Trend, []tuned) {
	if c.figures == nil {
		return nil, nil
	}
	until := c.now()
	since := until.Add(-regressionWindow)
	var trends []Trend
	var out []tuned
	for _, r := range regressionRules() {
		median, points, err := c.figures.MetricMedian(c.info.Name, r.metric, since, until)
		if err != nil || points == 0 {
			continue
		}
		v := now[r.metric]
		t := Trend{Metric: r.metric, Label: r.short, Median: median, Points: points, Now: v}
		t.Text = fmt.Sprintf("median %s of %d runs, now %s", r.format(median), points, r.format(v))
		if median > 0 {
			t.Text += fmt.Sprintf(" (%+.0f%%)", (v-median)/median*100)
		}
		if points < regressionMinPoints {
			t.Text += fmt.Sprintf(", judged from %d", regressionMinPoints)
		}
		if r.spark {
			series, err := c.figures.MetricSeries(c.info.Name, r.metric, since, until, trendBuckets)
			if err == nil {
				for _, x := range series {
					if !math.IsNaN(x) {
						t.Series = append(t.Series, x)
					}
				}
			}
			t.Series = append(t.Series, v)
		}
		trends = append(trends, t)
		if points < regressionMinPoints || median <= 0 || v <= median*(1+regressionShare) || v-median < r.floor {
			continue
		}
		out = append(out, c.regressed(r, median, points, v))
	}
	return trends, out
}

func (c *pageCheck) regressed(r figureRule, median float64, points int, v float64) tuned {
	rise := (v - median) / median * 100
	f := probes.Finding{ID: r.id, Severity: r.severity, Impact: probes.Onboarding, Target: c.url,
		Title: fmt.Sprintf("%s's %s is %.0f%% over its 7-day median (%s, was %s)", pathOf(c.url), r.label, rise, r.format(v), r.format(median)),
		Detail: fmt.Sprintf("The median of the last 7 days' %d runs is %s; this run measured %s. Within budget or not, something changed: a deploy, a new script or image, a slower query behind the page.",
			points, r.format(median), r.format(v)),
		Observed: fmt.Sprintf("%s now, %s median of %d runs (%+.0f%%)", r.format(v), r.format(median), points, rise),
		Expected: fmt.Sprintf("within %.0f%% of the 7-day median", regressionShare*100),
		Fix: "Compare with the last deploy (the Timeline pane, t) and this page's other findings; if the change is intended, the median follows it within a few days. " +
			"Re-run it now: launchready check --only performance",
	}
	t := TuningItem{Effect: "back to the week's median"}
	switch r.metric {
	case "ttfb_ms":
		t.P95SavedMs = v - median
		t.Effect += fmt.Sprintf(": p95 -%.0fms", v-median)
	case "page_kb":
		t.P95SavedMs = transferMs((v - median) * 1024)
		t.Effect += fmt.Sprintf(": %s less, p95 -%.0fms on a 10 Mbit/s connection", kb(int64((v-median)*1024)), t.P95SavedMs)
	default:
		t.OriginSaved = (v - median) / max(v, 1)
		t.Effect += ": " + effect("the page", t.OriginSaved, 0)
	}
	return tuned{f, t}
}
