package runbook

import "strings"

// DeployName is which of the runbooks (by name) is the deploy: the one called "deploy",
// else the first whose name says deploy; "" when none does. The launch bar's
// "Deployment repeatable" item and the load record's "tested before the last deploy" both
// ask here, so the two never disagree about which runbook changes what is served.
func DeployName(names []string) string {
	name := ""
	for _, n := range names {
		if n == "deploy" || name == "" && strings.Contains(strings.ToLower(n), "deploy") {
			name = n
		}
	}
	return name
}

// LastSucceeded is the newest run of the runbook called name that succeeded, from runs
// listed newest first (Store.ListRuns). A failed, rolled-back or unfinished run is not
// what is served: a deploy rolled back left the previous release in place.
func LastSucceeded(runs []RunSummary, name string) (RunSummary, bool) {
	for _, r := range runs {
		if r.Runbook == name && r.Status == StatusSucceeded {
			return r, true
		}
	}
	return RunSummary{}, false
}
