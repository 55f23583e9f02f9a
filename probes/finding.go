package probes

import (
	"fmt"
	"strings"
)

// Severity says how urgently a finding needs a human. The order of the constants is the
// order of urgency, so comparisons read naturally: sev >= High.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// severityIcons are the marks every output puts beside a severity, so it never rests on
// colour alone: the report, the console and alert status.
var severityIcons = [...]string{"i", "·", "·", "▲", "✖"}

// Icon is the severity's mark: ✖ critical, ▲ high, · medium and low, i info.
func (s Severity) Icon() string {
	if s < Info || s > Critical {
		return "?"
	}
	return severityIcons[s]
}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads the words used in config and on the command line (--fail-on).
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q: use one of critical, high, medium, low, info", s)
}

// MarshalText keeps the JSON report readable and stable: severities are words, not numbers.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText is the inverse of MarshalText, so reports can be read back (dns diff, history).
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Impact is the business harm a finding threatens. The risk list is ranked by it because a
// founder fixes what loses members and money first, not what is most technical.
type Impact string

const (
	Revenue      Impact = "revenue"
	Onboarding   Impact = "onboarding"
	DataExposure Impact = "data-exposure"
	Support      Impact = "support"
	Trust        Impact = "trust"
)

// Impacts lists every impact, for validation and documentation.
var Impacts = []Impact{Revenue, Onboarding, DataExposure, Support, Trust}

// Label is the impact as the console writes it ("data exposure").
func (i Impact) Label() string { return strings.ReplaceAll(string(i), "-", " ") }

// Finding is one problem, written so that the person who reads it at 2 a.m. knows what is
// wrong, why it matters, and what exactly to change. Findings are values: probes make
// them, the report, console, store and alerts only read them.
type Finding struct {
	// ID is stable across runs and releases ("dns.dangling-cname"): alerts deduplicate,
	// history groups and users grep by it.
	ID       string   `json:"id"`
	Pane     Pane     `json:"pane"`
	Check    string   `json:"check"`
	Target   string   `json:"target"`
	Severity Severity `json:"severity"`
	Impact   Impact   `json:"impact"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail"`
	Observed string   `json:"observed"`
	Expected string   `json:"expected"`
	Fix      string   `json:"fix"`
	// Evidence is the raw material behind the finding: records, headers, chains. Each item
	// is one line or block a user can paste into a support thread.
	Evidence []string `json:"evidence"`
	// RaisedBy names every check that reported this finding in a sweep, Check first. Only
	// RiskList sets it: two sending domains that inherit one DMARC record both report
	// email.dmarc-no-rua at _dmarc.acme.example, and the risk list shows that problem once,
	// saying who saw it. A check's own result leaves it empty.
	RaisedBy []string `json:"raised_by,omitempty"`
}

// Key identifies the same problem across sweeps (id and target), so the console can keep a
// finding's age and alerts can tell "still failing" from "new".
func (f Finding) Key() string { return f.ID + " " + f.Target }
