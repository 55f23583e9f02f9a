package probes

import "time"

// Status is a check's state in one word, the same word the console prints next to its icon.
type Status string

const (
	StatusOK      Status = "ok"      // ran, nothing above info found
	StatusWarn    Status = "warn"    // ran, found low or medium problems
	StatusFail    Status = "fail"    // ran, found high or critical problems
	StatusError   Status = "error"   // could not run: the probe itself failed (bad config, panic, hang)
	StatusUnknown Status = "unknown" // not run yet
)

// Result is what one run of one check produced. A failing target is a Result with
// findings; Err is set only when the check could not run at all, so a broken probe is
// never mistaken for a broken product, nor the other way round.
type Result struct {
	Check    string        `json:"check"`
	Kind     string        `json:"kind"`
	Pane     Pane          `json:"pane"`
	Target   string        `json:"target"`
	Status   Status        `json:"status"`
	Summary  string        `json:"summary"`
	Findings []Finding     `json:"findings"`
	Err      string        `json:"error,omitempty"`
	Started  time.Time     `json:"started"`
	Latency  time.Duration `json:"-"`
	// Metrics holds the key figures a pane table, tile or /metrics reads (latency_ms,
	// days_left, spf_lookups...). Names are lower_snake_case and documented per kind.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Data carries a kind's typed detail (a certificate inventory, a DNS answer set) for the
	// console and reports. It must marshal to JSON.
	Data any `json:"data,omitempty"`
}

// StatusFor derives a status from findings, so probes only report what they saw.
func StatusFor(fs []Finding) Status {
	st := StatusOK
	for _, f := range fs {
		switch {
		case f.Severity >= High:
			return StatusFail
		case f.Severity >= Low:
			st = StatusWarn
		}
	}
	return st
}

// Worst is the highest severity among the findings, or Info when there are none.
func Worst(fs []Finding) Severity {
	w := Info
	for _, f := range fs {
		w = max(w, f.Severity)
	}
	return w
}
