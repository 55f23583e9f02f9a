package tui

import (
	"fmt"

	"github.com/launchready/launchready/internal/launchbar"
	"github.com/launchready/launchready/probes"
)

// barState is a launch bar item's verdict (internal/launchbar judges it; the console
// draws it).
type barState = launchbar.State

const (
	barUnchecked = launchbar.Unchecked // ○ nothing that could tell has run
	barMet       = launchbar.Met       // ✔
	barNotMet    = launchbar.NotMet    // ✖
)

var (
	barIcon = map[barState]string{barUnchecked: "○", barMet: "✔", barNotMet: "✖"}
	barWord = map[barState]string{barUnchecked: "not checked yet", barMet: "met", barNotMet: "not met"}
)

// barItem is one line of the launch bar: the roadmap's minimum bar, judged live from the
// results, with the findings or evidence behind the verdict.
type barItem struct {
	name       string
	state      barState
	why        string // the evidence, the worst finding, or why it is not checked
	reads      string // what the item is judged from, for its detail view
	findings   []probes.Finding
	membership bool
}

// launchBar judges every item from the board, by internal/launchbar's rules (the
// handover pack reads the same ones).
func launchBar(sh *shared) []barItem {
	b := sh.board
	in := launchbar.Input{Checks: b.checks, Results: b.results(), Findings: b.findings(), Interval: b.interval,
		LastSweep: b.lastSweep(), HostRoles: sh.hostRoles, Hosts: sh.hosts, SecretRefs: sh.secretRefs}
	if rs := sh.runbooks; rs != nil {
		in.Runbooks = &launchbar.Runbooks{Off: rs.off, Loaded: rs.loaded, Names: rs.names, Last: rs.last}
	}
	items := launchbar.Evaluate(in)
	out := make([]barItem, len(items))
	for i, it := range items {
		out[i] = barItem{name: it.Name, state: it.State, why: it.Why, reads: it.Reads, findings: it.Findings, membership: it.Membership}
	}
	return out
}

// barSummary is "6 of 15 met · 2 not met".
func barSummary(items []barItem) string {
	n := map[barState]int{}
	for _, it := range items {
		n[it.state]++
	}
	return fmt.Sprintf("%d of %d met · %d not met · %d not checked yet", n[barMet], len(items), n[barNotMet], n[barUnchecked])
}

// barShort is "6/15 met, 2 not met", for a title line at 80 columns.
func barShort(items []barItem) string {
	met, not := 0, 0
	for _, it := range items {
		switch it.state {
		case barMet:
			met++
		case barNotMet:
			not++
		}
	}
	return fmt.Sprintf("%d/%d met, %d not met", met, len(items), not)
}
