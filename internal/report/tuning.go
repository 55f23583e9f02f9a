package report

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/probes/perf"
)

// writeTuning writes the roadmap's "small performance tuning list" under the Performance
// pane: every Performance finding with its expected effect, the largest first, so the
// founder reads what to do first without weighing severities against each other; a
// critical one (a member's data cacheable for strangers) heads it, marked "fix first".
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
		line := fmt.Sprintf("%d. %s: %s", i+1, t.Title, t.Effect)
		if t.First {
			line = fmt.Sprintf("%d. fix first (critical): %s: %s", i+1, t.Title, t.Effect)
		}
		b.WriteString(indent(line, "    ", width))
	}
	b.WriteString("\n")
}
