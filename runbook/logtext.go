package runbook

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteLog prints a transcript for a person: who ran what, every command with its output
// and exit status, every look a check took, every choice made. `runbook log` prints it;
// the icons carry the state, so it reads the same without colour.
func WriteLog(w io.Writer, evs []Event) error {
	if len(evs) == 0 {
		_, err := fmt.Fprintln(w, "(empty transcript)")
		return err
	}
	s := summarize("", evs)
	var b strings.Builder
	first := evs[0]
	if rb := first.Runbook; rb != nil {
		fmt.Fprintf(&b, "Run %s · runbook %s (%s, %s)\n", first.Run, rb.Name, rb.File, shortDigest(rb.Digest))
	}
	status := s.Status
	if status == StatusUnfinished {
		status = "unfinished (launchready runbook resume picks it up)"
	}
	fmt.Fprintf(&b, "Started %s by %s · %s", first.Time.Local().Format("2006-01-02 15:04:05 MST"), s.Operator, status)
	if !s.Ended.IsZero() {
		fmt.Fprintf(&b, " after %s", s.Ended.Sub(s.Started).Round(100*time.Millisecond))
	}
	b.WriteString("\n\n")
	for _, e := range evs {
		writeEvent(&b, e)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19] + "…"
	}
	return d
}

func writeEvent(b *strings.Builder, e Event) {
	ts := e.Time.Local().Format("15:04:05")
	line := func(indent, format string, args ...any) {
		fmt.Fprintf(b, "%s  %s%s\n", ts, indent, fmt.Sprintf(format, args...))
	}
	step := fmt.Sprintf("%d %s", e.Step, e.StepName)
	switch e.Type {
	case RunStart:
		if e.Cwd != "" {
			line("", "started in %s", e.Cwd)
		}
	case Resumed:
		line("", "⟳ resumed by %s: %s", opString(e.Operator), e.Text)
	case Detached:
		line("", "⏏ %s", e.Text)
	case Note:
		line("", "· %s", e.Text)
	case StepStart:
		att := ""
		if e.Attempt > 1 {
			att = fmt.Sprintf(" (attempt %d, from %s)", e.Attempt, e.Text)
		}
		line("", "▶ %s%s", step, att)
	case StepEnd:
		switch e.Status {
		case StepOK:
			line("", "✔ %s", step)
		case StepSkipped:
			line("", "↷ %s skipped", step)
		default:
			line("", "✖ %s failed: %s", step, e.Reason)
		}
	case Confirmed:
		line("  ", "? %s → %s%s", e.Text, e.Choice, by(e.By))
	case InputSet:
		v := fmt.Sprintf("%q", e.Value)
		if e.Secret {
			v = "(secret, not recorded)"
		}
		line("  ", "= %s %s from %s", e.Name, v, e.Source)
	case Generated:
		line("  ", "= %s generated: %d %s characters%s, %s", e.Name, e.Length, e.Format, prefixNote(e.Text), e.Fingerprint)
	case Captured:
		line("  ", "= %s captured: %q", e.Name, e.Value)
	case CommandStart:
		role := ""
		if e.Role == "rollback" {
			role = "rollback of step " + fmt.Sprint(e.Step) + ": "
		}
		line("  ", "$ %s%s", role, indentLines(e.Command, strings.Repeat(" ", 14)))
		line("  ", "  in %s · timeout %s · pid %d", e.Cwd, e.Timeout, e.PID)
	case Output:
		for _, l := range strings.Split(strings.TrimSuffix(e.Text, "\n"), "\n") {
			fmt.Fprintf(b, "            │ %s\n", l)
		}
	case CommandEnd:
		icon := "✔"
		if e.Status != StepOK {
			icon = "✖"
		}
		exit := "no exit status"
		if e.Exit != nil && *e.Exit >= 0 {
			exit = fmt.Sprintf("exit %d", *e.Exit)
		}
		detail := ""
		if e.Reason != "" && e.Status != StepOK {
			detail = ": " + e.Reason
		}
		line("  ", "%s %s %s · %s%s", icon, exit, e.Status, time.Duration(e.DurationMS*float64(time.Millisecond)).Round(10*time.Millisecond), detail)
	case CheckStart:
		line("  ", "… check: %s", e.Text)
	case CheckPoll:
		if p := e.Poll; p != nil {
			icon := "✖"
			if p.OK {
				icon = "✔"
			}
			line("    ", "%s look %d: %s (%d/%d in a row)", icon, p.Look, p.Summary, p.Streak, p.Need)
		}
	case CheckEnd:
		if e.Status == StepOK {
			line("  ", "✔ check passed: %s", e.Text)
		} else {
			line("  ", "✖ check %s: %s", e.Status, e.Reason)
		}
	case Choice:
		line("", "? %s: chose %s%s (offered %s)", e.Text, e.Choice, by(e.By), strings.Join(e.Choices, ", "))
	case RollbackStart:
		line("", "↩ rolling back: %s", e.Reason)
	case RollbackSkip:
		line("  ", "↩ %s: nothing to undo (%s)", step, e.Reason)
	case RollbackEnd:
		line("", "↩ roll back ended: %s", strings.TrimSpace(e.Status+" "+e.Reason))
	case RunEnd:
		line("", "■ run %s", e.Status)
	default:
		line("", "%s %s", e.Type, e.Text)
	}
}

func by(s string) string {
	if s == "" || s == "prompt" || s == "operator" {
		return ""
	}
	return " (by " + s + ")"
}

func prefixNote(p string) string {
	if p == "" {
		return ""
	}
	return " after " + p
}

func opString(o *Operator) string {
	if o == nil {
		return "unknown"
	}
	return o.String()
}

func indentLines(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}
