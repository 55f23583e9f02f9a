package report

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/probes/perf"
)

// writeTuning writes the roadmap's "small performance tuning list" under the Performance
// pane: every Performance finding with its expected effect, the largest first, so the
// founder reads what to do first without weighing severities against each other.
func writeTuning(b *strings.Builder, checks []Check, width int) {
	var data []any
	for _, c := range checks {
		data = append(data, c.Data)
	}
	items := perf.TuningList(data...)
	if len(items) == 0 {
		return
	}
	b.WriteString("  " + bold.Render("Tuning list, by expected effect on p95 and origin load") + "\n")
	for i, t := range items {
		b.WriteString(indent(fmt.Sprintf("%d. %s: %s", i+1, t.Title, t.Effect), "    ", width))
	}
	b.WriteString("\n")
}
