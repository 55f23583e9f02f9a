// Package launchbar is the roadmap's minimum launch bar judged from a console's or a
// sweep's results: every item met, not met, or not checked and why. It is the judgement
// only; the console (tui) draws it and the handover pack lists what it could not check,
// so both read the same rules from here (the pack cannot import the console).
package launchbar

import (
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// State is an item's verdict.
type State int

const (
	Unchecked State = iota // nothing that could tell has run
	Met
	NotMet
)

// Item is one line of the launch bar: the roadmap's minimum bar, judged from the results,
// with the findings or evidence behind the verdict.
type Item struct {
	Name       string
	State      State
	Why        string // the evidence, the worst finding, or why it is not checked
	Reads      string // what the item is judged from
	Findings   []probes.Finding
	Membership bool // an item of the membership product's bar
}

// Input is what the bar is judged from.
type Input struct {
	Checks   []probes.CheckInfo // every configured check, in config order
	Results  []probes.Result    // the latest result of each check that has one, in config order
	Findings []probes.Finding   // the risk list (probes.RiskList)
	// Interval is the checks' default interval (a check's own wins).
	Interval  time.Duration
	LastSweep time.Time
	// HostRoles maps host names to their role in the config (app, api, admin, www...).
	HostRoles map[string]string
	// Hosts caches each target's host name across calls (the console judges the bar every
	// frame); nil for none.
	Hosts      map[string]string
	SecretRefs int // secret references in the config
	// Runbooks is what was read of the runbooks folder; nil before it was read.
	Runbooks *Runbooks
}

// Runbooks is the runbooks folder as the bar needs it.
type Runbooks struct {
	Off    string // why there are no runbooks here ("" when there are)
	Loaded bool
	Names  []string
	Last   map[string]runbook.RunSummary // the last finished run of each, by runbook name
}

// Handover is the item the handover pack leaves out of its own list: the pack being
// written is what it judges.
const Handover = "Handover checklist written"

// input is Input with the lookups the rules make.
type input struct {
	Input
	latest map[string]probes.Result
}

func (b *input) checksIn(p probes.Pane) []probes.CheckInfo {
	var out []probes.CheckInfo
	for _, c := range b.Checks {
		if c.Pane == p {
			out = append(out, c)
		}
	}
	return out
}

func (b *input) result(name string) (probes.Result, bool) {
	r, ok := b.latest[name]
	return r, ok
}

func (b *input) every(c probes.CheckInfo) time.Duration {
	if c.Interval > 0 {
		return c.Interval
	}
	return b.Interval
}

// Evaluate judges every item, in the roadmap's order.
func Evaluate(in Input) []Item {
	sh := &input{Input: in, latest: make(map[string]probes.Result, len(in.Results))}
	if sh.Hosts == nil {
		sh.Hosts = map[string]string{}
	}
	for _, r := range in.Results {
		sh.latest[r.Check] = r
	}
	out := make([]Item, 0, len(rules))
	for _, rule := range rules {
		var it Item
		if rule.judge != nil {
			it = rule.judge(sh)
		} else {
			it = judge(rule, sh, in.Results, in.Findings)
		}
		it.Name, it.Reads, it.Membership = rule.name, rule.reads, rule.membership
		out = append(out, it)
	}
	return out
}

// rule judges one item. covers says whether a result is evidence for the item at all
// (without any, the item is unchecked and says what would check it); breaks says whether a
// finding means the item is not met. The rules read panes, kinds, metric names and
// finding IDs, so a pane's probes move their items from unchecked to met/not met by existing.
type rule struct {
	name       string
	reads      string
	unchecked  string
	membership bool
	covers     func(r probes.Result, sh *input) bool
	breaks     func(f probes.Finding, sh *input) bool
	// judge replaces covers/breaks for items that are not about findings.
	judge func(sh *input) Item
}
