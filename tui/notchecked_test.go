package tui

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
)

// TestPaneTitleTellsNotCheckedFromWaiting: a check that ran and had nothing to judge
// (StatusUnknown, "no repository scan recorded") is "not checked" in its pane's title, not
// "waiting" as a check that has not run yet is.
func TestPaneTitleTellsNotCheckedFromWaiting(t *testing.T) {
	t.Parallel()
	m, clk, _ := newTestModel(t, t.TempDir())
	size(m, 120, 40)
	playRounds(m, clk, false)
	var first probes.CheckInfo
	for _, c := range fixtureInfos() {
		if c.Pane == probes.PaneEndpoints {
			first = c
			break
		}
	}
	m.Update(ResultsMsg([]probes.Result{{Check: first.Name, Kind: first.Kind, Pane: first.Pane, Target: first.Target,
		Status: probes.StatusUnknown, Summary: "nothing recorded yet to judge", Started: clk.Now()}}))
	press(m, "5")
	title := ""
	for _, line := range strings.Split(plain(m), "\n") {
		if strings.Contains(line, "checks ·") {
			title = line
			break
		}
	}
	if !strings.Contains(title, "○ 1 not checked") || strings.Contains(title, "waiting") {
		t.Errorf("endpoints pane title %q: want one check counted as not checked, none waiting", title)
	}
}
