package probes

import (
	"cmp"
	"slices"
)

// impactOrder ranks business harm within a severity: money and new members first, then
// what leaks, then what costs support time, then what erodes trust.
var impactOrder = map[Impact]int{Revenue: 0, Onboarding: 1, DataExposure: 2, Support: 3, Trust: 4}

// Rank orders findings by how much they should worry a founder: severity first, then
// business impact. Among criticals, data exposure comes first: a member's private page
// served to strangers is worse than any outage, because it cannot be undone. The report,
// the console and the alerts all call this one function so they never disagree.
func Rank(a, b Finding) int {
	if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
		return c
	}
	if c := cmp.Compare(impactRank(a), impactRank(b)); c != 0 {
		return c
	}
	if c := cmp.Compare(paneIndex(a.Pane), paneIndex(b.Pane)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Target, b.Target); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func impactRank(f Finding) int {
	if f.Severity == Critical && f.Impact == DataExposure {
		return -1
	}
	if r, ok := impactOrder[f.Impact]; ok {
		return r
	}
	return len(impactOrder)
}

func paneIndex(p Pane) int {
	if i := slices.Index(Panes, p); i >= 0 {
		return i
	}
	return len(Panes)
}

// SortFindings sorts in place by Rank; it is stable so equal findings keep probe order.
func SortFindings(fs []Finding) { slices.SortStableFunc(fs, Rank) }
