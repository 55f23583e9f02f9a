package probes

// State is the product's launch state in one word, for the console header, the report
// and the exit summary.
type State string

const (
	StateReady   State = "launch-ready" // nothing high or critical, every check ran
	StateAtRisk  State = "at-risk"      // something high or critical, or a check could not run
	StateDown    State = "down"         // members cannot reach the product right now
	StateUnknown State = "unknown"      // nothing has run yet
)

// outageIDs are findings that mean members cannot use the product at all.
var outageIDs = map[string]bool{"http.unreachable": true, "http.tls-error": true, "http.server-error": true}

// Overall reads the state from results: down when a critical outage finding is present,
// at risk on any high or critical finding or a check that could not run.
func Overall(results []Result) State {
	if len(results) == 0 {
		return StateUnknown
	}
	st := StateReady
	for _, r := range results {
		if r.Status == StatusError {
			st = StateAtRisk
		}
		for _, f := range r.Findings {
			if f.Severity == Critical && outageIDs[f.ID] {
				return StateDown
			}
			if f.Severity >= High {
				st = StateAtRisk
			}
		}
	}
	return st
}

// Counts tallies findings by severity.
func Counts(fs []Finding) map[Severity]int {
	m := map[Severity]int{}
	for _, f := range fs {
		m[f.Severity]++
	}
	return m
}

// AtOrAbove counts findings at or above a severity: what --fail-on asks of a check
// report and of an audit alike.
func AtOrAbove(fs []Finding, s Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity >= s {
			n++
		}
	}
	return n
}
