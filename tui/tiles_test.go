package tui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/probes"
)

// TestCompactTilesNameTheWorstCheckWhenItFits: on a narrow terminal the uptime figure
// names its check ("api: 0.00%", one endpoint down, not the product) when the line still
// fits; when naming it would push the dashboard onto another line, the risk list's rows
// win and the figure stands alone.
func TestCompactTilesNameTheWorstCheckWhenItFits(t *testing.T) {
	st := newStyles(true)
	ts := []tile{
		{short: "uptime", value: "0.00%", note: "last 24h", who: "api", status: probes.StatusFail},
		{short: "p95", value: "30 ms", note: "last 1h", status: probes.StatusOK},
	}
	strip := func(lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = ansi.Strip(l)
		}
		return out
	}
	named := " uptime ✖ api: 0.00% · p95 ✔ 30 ms"
	if got := strip(compactTiles(ts, st, 80)); len(got) != 1 || got[0] != named {
		t.Errorf("80 columns: %q, want [%q]", got, named)
	}
	// Wide enough for the bare line only: naming would wrap p95 onto a second line.
	w := widthOf(" uptime ✖ 0.00% · p95 ✔ 30 ms")
	bare := " uptime ✖ 0.00% · p95 ✔ 30 ms"
	if got := strip(compactTiles(ts, st, w)); len(got) != 1 || got[0] != bare {
		t.Errorf("%d columns: %q, want [%q]", w, got, bare)
	}
}
