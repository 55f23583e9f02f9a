package perf

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/launchready/launchready/probes"
)

// TuningItem is one line of the roadmap's "small performance tuning list": a finding, the
// numbers measured, and its expected effect on p95 latency and on origin load. The
// estimates are deliberately simple, and say so, so an operator can redo them by hand.
type TuningItem struct {
	Finding string `json:"finding"` // the finding's Key
	Title   string `json:"title"`
	// P95SavedMs is the expected drop of the page's p95 for a member (ms).
	P95SavedMs float64 `json:"p95_saved_ms"`
	// OriginSaved is the expected share of this page's (or route's) requests that no
	// longer reach the origin, 0 to 1.
	OriginSaved float64 `json:"origin_saved"`
	Effect      string  `json:"effect"`
	// First marks a critical finding (a member's data cached for strangers): it heads the
	// list whatever its speed effect, because no tuning matters while it is live.
	First bool `json:"first,omitempty"`
}

// score orders the list: milliseconds off p95, plus each 1% of origin requests avoided
// counted as 10 ms (a request the origin does not serve is one a signup spike cannot slow).
func (t TuningItem) score() float64 { return t.P95SavedMs + 1000*t.OriginSaved }

// byImpact orders items: the ones marked First, then by score, largest first.
func byImpact(a, b TuningItem) int {
	if a.First != b.First {
		if a.First {
			return -1
		}
		return 1
	}
	return cmp.Compare(b.score(), a.score())
}

// Assumptions behind the estimates, stated in every effect line's wording.
const (
	// memberBytesPerMs is a 10 Mbit/s member connection: 1,250 bytes a millisecond.
	memberBytesPerMs = 1250.0
	// edgeTTFB is what a cache hit at the edge takes, near the member.
	edgeTTFB = 20.0
	// compressRatio is what gzip/br typically saves on HTML, CSS and JavaScript.
	compressRatio = 0.7
)

func transferMs(bytes float64) float64 { return bytes / memberBytesPerMs }

// tuned is a finding with its tuning line, before ordering.
type tuned struct {
	f probes.Finding
	t TuningItem
}

// order sorts findings by expected impact, largest first, and returns them with the
// tuning list in the same order. The effect is appended to the finding's detail so the
// pane, alerts and reports all say it.
func order(ts []tuned) ([]probes.Finding, []TuningItem) {
	for i := range ts {
		ts[i].t.First = ts[i].f.Severity >= probes.Critical
	}
	slices.SortStableFunc(ts, func(a, b tuned) int { return byImpact(a.t, b.t) })
	var fs []probes.Finding
	var items []TuningItem
	for _, x := range ts {
		x.t.Finding, x.t.Title = x.f.Key(), x.f.Title
		x.f.Detail += " Expected effect: " + x.t.Effect + "."
		fs = append(fs, x.f)
		items = append(items, x.t)
	}
	return fs, items
}

// effect words an estimate: "origin requests for the page -90%, p95 -240ms".
func effect(what string, origin, p95 float64) string {
	s := ""
	if origin > 0 {
		s = fmt.Sprintf("origin requests for %s -%.0f%%", what, origin*100)
	}
	if p95 >= 1 {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("p95 -%.0fms", p95)
	}
	if s == "" {
		s = "small"
	}
	return s
}

// TuningList merges the tuning lists of Performance checks (their Result.Data; other
// values are skipped) into one, critical findings first, then by expected impact: the list
// the text report prints under the Performance pane.
func TuningList(data ...any) []TuningItem {
	var all []TuningItem
	for _, d := range data {
		switch d := d.(type) {
		case PageDetail:
			all = append(all, d.Tuning...)
		case APIDetail:
			all = append(all, d.Tuning...)
		}
	}
	slices.SortStableFunc(all, byImpact)
	return all
}
