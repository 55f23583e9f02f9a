package secretscan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// levelIcons match the console's marks for the same words (probes.Severity.Icon).
var levelIcons = [...]string{"i", "·", "▲", "✖"}

// WriteText prints a report for a person: one block per finding, worst first, then the
// verdict. Public-by-design keys are listed after the leaks and say so.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	where := r.Repo
	if r.Head != "" {
		where += " at " + short(r.Head)
	}
	scope := fmt.Sprintf("%d commits and %d files", r.Commits, r.Files)
	if r.Since != "" {
		scope = fmt.Sprintf("%d commits since %s (the working tree is not scanned with --since)", r.Commits, r.Since)
	}
	fmt.Fprintf(&b, "Scanned %s: %s in %s.\n", where, scope, (time.Duration(r.Duration * float64(time.Second))).Round(time.Millisecond))
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "\n%s %-8s %s:%d  %s  %s\n", levelIcons[f.Level], f.Level, f.File, f.Line, f.What, f.Preview)
		switch {
		case f.Removed():
			fmt.Fprintf(&b, "           removed from the tree, alive in history since %s (%s)\n", short(f.Commit), day(f.Date))
		case f.Commit != "":
			fmt.Fprintf(&b, "           in the working tree, committed in %s (%s)\n", short(f.Commit), day(f.Date))
		case f.Where == WhereUncommitted:
			fmt.Fprintf(&b, "           in a file git does not track yet: do not add it\n")
		case f.Where == WhereTree:
			fmt.Fprintf(&b, "           in the working tree\n")
		}
		fmt.Fprintf(&b, "           %s\n", f.Advice)
		fmt.Fprintf(&b, "           rule %s; to accept it as a false positive, add its fingerprint to %s: %s\n", f.Rule, AllowlistFile, f.Fingerprint)
	}
	b.WriteString("\n" + Verdict(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Verdict is the report's last line: clean, or what was found.
func Verdict(r *Report) string {
	c := r.Counts
	var tail []string
	if c.Info > 0 {
		tail = append(tail, fmt.Sprintf("%d public by design", c.Info))
	}
	if c.Allowed > 0 {
		tail = append(tail, fmt.Sprintf("%d accepted by the allowlist", c.Allowed))
	}
	extra := ""
	if len(tail) > 0 {
		extra = " (" + strings.Join(tail, ", ") + ")"
	}
	if c.Leaks() == 0 {
		return "No secrets found" + extra + "."
	}
	var parts []string
	for _, p := range []struct {
		n    int
		word string
	}{{c.Critical, "critical"}, {c.High, "high"}, {c.Medium, "medium"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	s := fmt.Sprintf("%d secrets found: %s%s.", c.Leaks(), strings.Join(parts, ", "), extra)
	if c.Removed > 0 {
		s += fmt.Sprintf(" %d of them removed from the tree but alive in history: removal is not enough, rotate them (launchready runbook run rotate-secret).", c.Removed)
	}
	return s
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func day(date string) string {
	if t, err := time.Parse(time.RFC3339, date); err == nil {
		return t.UTC().Format("2006-01-02")
	}
	return date
}

// WriteJSON prints the report as one JSON object (schema launchready.secretscan/v1, the
// same shape the state folder records).
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Record{Schema: RecordSchema, Report: *r})
}
