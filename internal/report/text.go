package report

import (
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/launchready/launchready/probes"
)

// Every state is told by an icon and a word as well as a colour, so the output reads the
// same with NO_COLOR, piped into a file, or pasted into a support thread.
var (
	sevColor    = map[probes.Severity]string{probes.Critical: "#ff5f5f", probes.High: "#ffaf00", probes.Medium: "#d7d75f", probes.Low: "#87afd7", probes.Info: "#8a8a8a"}
	statusIcon  = map[probes.Status]string{probes.StatusOK: "✔", probes.StatusWarn: "▲", probes.StatusFail: "✖", probes.StatusError: "✖", probes.StatusUnknown: "○"}
	statusColor = map[probes.Status]string{probes.StatusOK: "#5fd75f", probes.StatusWarn: "#ffaf00", probes.StatusFail: "#ff5f5f", probes.StatusError: "#ff5f5f", probes.StatusUnknown: "#8a8a8a"}
	stateWord   = map[probes.State]string{probes.StateReady: "LAUNCH-READY", probes.StateAtRisk: "AT RISK", probes.StateDown: "DOWN", probes.StateUnknown: "UNKNOWN"}
	stateColor  = map[probes.State]string{probes.StateReady: "#5fd75f", probes.StateAtRisk: "#ffaf00", probes.StateDown: "#ff5f5f", probes.StateUnknown: "#8a8a8a"}

	bold = lipgloss.NewStyle().Bold(true)
	dim  = lipgloss.NewStyle().Foreground(lipgloss.Color("#8a8a8a"))
)

func fg(hex string) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color(hex)) }

// WriteText writes the report for a person: the state, the ranked risk list, then each
// pane's findings in full (detail, fix, evidence) and its checks. Colour is written as ANSI
// and left to the writer to keep or strip (colorprofile.Writer does, from the terminal and
// NO_COLOR), so this function has one output path to test.
// Paragraphs wrap at width (the terminal's, or 100 when piped) so a finding reads well in a
// narrow SSH window.
// Piped output (width 0) keeps whole lines in the risk list, for grep.
func (r *Report) WriteText(w io.Writer, verbose bool, width int) error {
	clipRisks := width >= 40
	if !clipRisks {
		width = 100
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s · %s · %s   %s\n", bold.Render("Launch Ready"), r.Product, r.Domain,
		fg(stateColor[r.State]).Bold(true).Render(stateWord[r.State]))
	fmt.Fprintf(&b, "%s\n\n", dim.Render(fmt.Sprintf("%d checks in %s · %s", r.Counts.Checks, roundMs(r.DurationMs), r.countLine())))

	if len(r.Findings) == 0 {
		b.WriteString(fg(statusColor[probes.StatusOK]).Render("✔ No findings.") + "\n\n")
	} else {
		b.WriteString(bold.Render("Risks, by business impact") + "\n")
		tw := targetWidth(r.Findings)
		// One line per risk: the title is clipped to the width; the full text follows below.
		room := max(width-(1+10+2+14+13+tw+2), 20)
		if !clipRisks {
			room = 1 << 16
		}
		for _, f := range r.Findings {
			fmt.Fprintf(&b, " %s  %-13s %-12s %-*s  %s\n", sevLabel(f.Severity), f.Impact.Label(), f.Pane.Title(), tw, clip(f.Target, tw), clip(f.Title, room))
		}
		b.WriteString("\n")
	}

	for _, p := range probes.Panes {
		checks := r.checksIn(p)
		if len(checks) == 0 {
			continue
		}
		b.WriteString(bold.Render(p.Title()) + "\n")
		for _, f := range r.Findings {
			if f.Pane == p {
				writeFinding(&b, f, width)
			}
		}
		if p == probes.PanePerformance {
			writeTuning(&b, checks, width)
		}
		nw := 0
		for _, c := range checks {
			nw = max(nw, len(c.Check))
		}
		for _, c := range checks {
			line := c.Summary
			if c.Error != "" {
				line = "could not run: " + c.Error
			}
			if c.Status == probes.StatusOK && !verbose && c.Error == "" {
				line = dim.Render(line)
			}
			fmt.Fprintf(&b, "  %s %-*s  %s\n", fg(statusColor[c.Status]).Render(statusIcon[c.Status]+" "+fmt.Sprintf("%-5s", c.Status)), nw, c.Check, line)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeFinding(b *strings.Builder, f probes.Finding, width int) {
	fmt.Fprintf(b, "  %s %s\n", sevLabel(f.Severity), bold.Render(f.Title))
	fmt.Fprintf(b, "    %s · %s · %s\n", f.Impact.Label(), f.Target, dim.Render(f.ID))
	if len(f.RaisedBy) > 1 {
		fmt.Fprintf(b, "    %s\n", dim.Render("raised by "+strings.Join(f.RaisedBy, ", ")))
	}
	if f.Detail != "" {
		b.WriteString(indent(f.Detail, "    ", width))
	}
	if f.Observed != "" {
		fmt.Fprintf(b, "      observed  %s\n", f.Observed)
	}
	if f.Expected != "" {
		fmt.Fprintf(b, "      expected  %s\n", f.Expected)
	}
	if f.Fix != "" {
		fix := indent("fix: "+f.Fix, "    ", width)
		b.WriteString(strings.Replace(fix, "fix:", bold.Render("fix:"), 1))
	}
	for _, e := range f.Evidence {
		for _, line := range strings.Split(e, "\n") {
			fmt.Fprintf(b, "      %s\n", dim.Render(line))
		}
	}
	b.WriteString("\n")
}

// indent wraps text to width and prefixes every line.
func indent(text, prefix string, width int) string {
	var b strings.Builder
	for _, line := range strings.Split(lipgloss.Wrap(text, width-len(prefix), " "), "\n") {
		b.WriteString(prefix + line + "\n")
	}
	return b.String()
}

func sevLabel(s probes.Severity) string {
	return fg(sevColor[s]).Bold(s >= probes.High).Render(fmt.Sprintf("%s %-8s", s.Icon(), strings.ToUpper(s.String())))
}

func (r *Report) countLine() string {
	parts := []string{
		fmt.Sprintf("✖ %d critical", r.Counts.Critical),
		fmt.Sprintf("▲ %d high", r.Counts.High),
		fmt.Sprintf("%d medium", r.Counts.Medium),
		fmt.Sprintf("%d low", r.Counts.Low),
	}
	if r.Counts.CheckErrors > 0 {
		parts = append(parts, fmt.Sprintf("%d could not run", r.Counts.CheckErrors))
	}
	return strings.Join(parts, " · ")
}

func (r *Report) checksIn(p probes.Pane) []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Pane == p {
			out = append(out, c)
		}
	}
	return out
}

func targetWidth(fs []probes.Finding) int {
	w := 0
	for _, f := range fs {
		w = max(w, len([]rune(f.Target)))
	}
	return min(w, 40)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func roundMs(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}
