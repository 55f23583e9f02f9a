package handover

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/doctext"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// secrets is the rotation plan: every secret the config references and every secret a
// runbook asks for or generates, what it is for, the runbook that rotates it, and when a
// finished run of that runbook last did (a rotation runbook's non-secret input naming the
// variable, as the starter rotate-secret's KEY_NAME does, says which secret it rotated).
func (p *Pack) secrets(in Input, now time.Time) {
	rotators := map[string]*runbook.Runbook{}
	var generic *runbook.Runbook
	for _, rb := range in.Runbooks {
		if !strings.Contains(strings.ToLower(rb.Name), "rotat") {
			continue
		}
		if generic == nil {
			generic = rb
		}
		for _, n := range envNames.FindAllString(string(rb.Source), -1) {
			rotators[n] = rb
		}
	}
	rotated := lastRotations(in.Runs)
	maxAge := in.Owners.RotateAfter
	add := func(ref, name, what, path string) {
		row := SecretRow{Ref: ref, For: what, Path: path, Runbook: "none: write one (launchready runbook init writes rotate-secret)", LastRotated: "never, per the transcripts"}
		rb := rotators[name]
		if rb == nil {
			rb = generic
		}
		if rb != nil {
			row.Runbook = rb.Name
		}
		if t, ok := rotated[name]; ok {
			row.LastRotated = t.UTC().Format(time.DateOnly)
			if age := now.Sub(t); age > maxAge {
				row.Flag = fmt.Sprintf("OVERDUE: %d days old (rotate after %d)", int(age.Hours()/24), int(maxAge.Hours()/24))
			}
		} else {
			row.Flag = "no rotation on record"
		}
		p.Secrets = append(p.Secrets, row)
	}
	for _, s := range in.Config.SecretRefs() {
		name := strings.TrimPrefix(s.Ref, "env:")
		add(s.Ref, name, "config", s.Path)
	}
	for _, rb := range in.Runbooks {
		for _, i := range rb.Inputs {
			if i.Secret {
				add("runbook input "+i.Name, i.Name, fmt.Sprintf("asked by runbook %s (%s)", rb.Name, i.Prompt), "")
			}
		}
		for _, s := range rb.Steps {
			if s.Generate != nil {
				p.Secrets = append(p.Secrets, SecretRow{Ref: "generated " + s.Generate.Name, For: fmt.Sprintf("made new by runbook %s, step %q", rb.Name, s.Name),
					Runbook: rb.Name, LastRotated: "is the rotation", Flag: ""})
			}
		}
	}
}

var envNames = regexp.MustCompile(`\b[A-Z][A-Z0-9_]{2,}\b`)

// lastRotations reads the finished rotation runs' transcripts for the variable each
// rotated: the value of a non-secret input whose value is itself a variable name.
func lastRotations(runs []runbook.RunSummary) map[string]time.Time {
	out := map[string]time.Time{}
	for _, r := range runs {
		if r.Status != runbook.StatusSucceeded || !strings.Contains(strings.ToLower(r.Runbook), "rotat") {
			continue
		}
		evs, err := runbook.ReadTranscript(r.Path)
		if err != nil {
			continue
		}
		for _, e := range evs {
			if e.Type == runbook.InputSet && !e.Secret && envNames.MatchString(e.Value) && e.Value == strings.TrimSpace(e.Value) {
				if t, ok := out[e.Value]; !ok || r.Started.After(t) {
					out[e.Value] = r.Started
				}
			}
		}
	}
	return out
}

func (p *Pack) backups(in Input) {
	for _, b := range in.Owners.Backups {
		row := BackupRow{What: b.What, Where: orWord(b.Where, "not said"), Every: orWord(b.Every, "not said"), Restored: "never verified"}
		if t := b.Verified(); !t.IsZero() {
			row.Restored = t.Format(time.DateOnly)
		}
		if b.Runbook != "" {
			row.Restored += " (runbook " + b.Runbook + ")"
		}
		p.Backups = append(p.Backups, row)
	}
}

// risks are the sweep's ranked findings and the pack's own (unowned systems, secrets
// never rotated, alerts that reach nobody, no backups), in plain language with the next
// step. The sweep's come first: they are failing now.
func (p *Pack) risks(in Input) {
	for _, f := range in.Audit.Risks {
		p.Risks = append(p.Risks, RiskRow{Severity: strings.ToUpper(f.Severity.String()), Impact: f.Impact.Label(), Title: f.Title, Where: f.Target, Next: doctext.OneLine(f.Fix)})
	}
	for _, s := range p.Systems {
		if s.Unowned {
			what := s.Label
			if s.Provider != "" {
				what += " (" + s.Provider + ")"
			}
			p.Risks = append(p.Risks, RiskRow{Severity: "HIGH", Impact: "support", Title: what + ": no owner documented",
				Where: "owners: in launchready.yaml",
				Next:  "name who owns it and how access is granted (owners: in launchready.yaml); when it breaks, nobody knows who may log in to fix it"})
		}
	}
	if n := len(p.Unrouted); n > 0 && in.Alerts != nil {
		p.Risks = append(p.Risks, RiskRow{Severity: "HIGH", Impact: "trust", Title: doctext.Plural(n, "failing problem") + " would reach nobody",
			Where: "alerts.rules", Next: "add a rule covering them (see the alert routing guide), then launchready alert test"})
	}
	if in.Alerts == nil {
		p.Risks = append(p.Risks, RiskRow{Severity: "HIGH", Impact: "trust", Title: "No alerts: failures reach nobody", Where: "alerts: in launchready.yaml",
			Next: "add a channel and a rule, run launchready alert test, then keep launchready watch running"})
	}
	overdue := 0
	for _, s := range p.Secrets {
		if strings.HasPrefix(s.Flag, "OVERDUE") {
			overdue++
		}
	}
	if overdue > 0 {
		p.Risks = append(p.Risks, RiskRow{Severity: "MEDIUM", Impact: "data exposure", Title: doctext.Plural(overdue, "secret") + " past the rotation age",
			Where: "the secrets rotation plan", Next: "run the rotation runbook for each (launchready runbook run rotate-secret)"})
	}
	if len(p.Backups) == 0 {
		p.Risks = append(p.Risks, RiskRow{Severity: "MEDIUM", Impact: "data exposure", Title: "No backups documented", Where: "backups: in launchready.yaml",
			Next: "list what is backed up, where and how often, and restore one to prove it"})
	}
	for _, b := range p.Backups {
		if strings.HasPrefix(b.Restored, "never") {
			p.Risks = append(p.Risks, RiskRow{Severity: "MEDIUM", Impact: "data exposure", Title: "Backup of " + b.What + " never restored", Where: "backups:",
				Next: "restore it somewhere harmless and write the date in restore_verified"})
		}
	}
	// Stable: the sweep's order (probes.SortFindings) first, then the pack's by severity.
	rank := map[string]int{"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3, "INFO": 4}
	slices.SortStableFunc(p.Risks, func(a, b RiskRow) int { return rank[a.Severity] - rank[b.Severity] })
}

// limitations are what the pack cannot vouch for: panes with no check, checks that
// could not run, alerts off, no history.
func (p *Pack) limitations(in Input) {
	have := map[probes.Pane]bool{}
	for _, c := range in.Checks {
		have[c.Pane] = true
	}
	for _, pane := range probes.Panes {
		if !have[pane] {
			p.Limitations = append(p.Limitations, fmt.Sprintf("The %s pane is not configured: nothing in this pack covers it.", pane))
		}
	}
	for _, c := range in.Report.Checks {
		if c.Error != "" {
			// The check's own error names random paths and the moment it ran: the pack
			// says where to read it instead, so two packs of the same state are the same.
			p.Limitations = append(p.Limitations, fmt.Sprintf("%s could not run at the sweep, so what it checks is unknown: launchready check --only %s says why.", c.Check, c.Pane))
		}
	}
	if in.History == nil {
		p.Limitations = append(p.Limitations, "No history database: the dashboard figures are missing. Keep launchready watch running to collect them.")
	}
	if k := in.Config.History.RetentionDays; k > 0 && k < 30 {
		p.Limitations = append(p.Limitations, fmt.Sprintf("The history keeps %d days (`history.retention_days: %d`), so the dashboard's 30-day figures cover at most the last %d days. To keep a month, set `history.retention_days: 30` in launchready.yaml; watch prunes what is older every hour, and a month takes about twice the disk of two weeks.", k, k, k))
	}
	if in.RunbooksErr != "" {
		p.Limitations = append(p.Limitations, "The runbooks could not be read: "+in.RunbooksErr)
	}
	if items, ok := launchBar(in); !ok {
		p.Limitations = append(p.Limitations, "The launch bar was not judged for this pack: the console shows it (press b).")
	} else {
		for _, it := range items {
			p.Limitations = append(p.Limitations, fmt.Sprintf("Launch bar, not checked: %s. %s.", it.Name, upperFirst(it.Why)))
		}
	}
	p.Limitations = append(p.Limitations,
		"Dashboard figures cover only what launchready watch (or the console) recorded: gaps mean nothing was watching.")
}

func (p *Pack) verify(in Input) {
	p.Verify = []VerifyStep{
		{"launchready validate", "exit 0: the config, its sections and the runbooks are valid"},
		{"launchready check --fail-on high", "exit 0: no high or critical finding, every check ran"},
		{"launchready dns diff", "no difference between the live zone and the documented map"},
		{"launchready email send-test", "sent; then launchready email verify on the received .eml says DKIM, SPF and DMARC pass"},
		{"launchready alert test", "every channel delivered, and a person saw each message"},
		{"launchready alert status", "watch running, nothing firing, every channel up"},
		{"launchready runbook list", "deploy, rollback and rotate-secret present; last runs succeeded"},
		{"launchready secrets scan", "no secret in the repository or its history"},
		{"launchready handover --check", "exit 0: this pack is newer than the config and the last runbook run"},
	}
	if _, err := os.Stat(in.Config.RunbooksDir()); err != nil {
		p.Verify[6].Good = "no runbooks folder yet: launchready runbook init writes deploy, rollback and rotate-secret"
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
