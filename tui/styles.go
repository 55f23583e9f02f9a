package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// Every state on screen is an icon and a word as well as a colour, so the console reads
// the same with NO_COLOR, on a 16-colour terminal, and in a screenshot pasted into a
// support thread. Colour only adds emphasis.
var (
	statusIcon = map[probes.Status]string{
		probes.StatusOK: "✔", probes.StatusWarn: "▲", probes.StatusFail: "✖",
		probes.StatusError: "✖", probes.StatusUnknown: "○",
	}
	statusWord = map[probes.Status]string{
		probes.StatusOK: "ok", probes.StatusWarn: "warn", probes.StatusFail: "fail",
		probes.StatusError: "error", probes.StatusUnknown: "unknown",
	}
	stateWord = map[probes.State]string{
		probes.StateReady: "LAUNCH-READY", probes.StateAtRisk: "AT RISK",
		probes.StateDown: "DOWN", probes.StateUnknown: "CHECKING",
	}
	stateIcon = map[probes.State]string{
		probes.StateReady: "✔", probes.StateAtRisk: "▲", probes.StateDown: "✖", probes.StateUnknown: "○",
	}
)

// runningWord is what a check in flight says next to its spinner frame.
const runningWord = "running"

// styles are the console's looks, built once per background (light or dark). Colours are
// written in full and Bubble Tea's renderer downsamples them to the terminal's profile
// (true colour, 256, 16, or none under NO_COLOR), so there is one code path to test.
type styles struct {
	product, bold, dim, faint, title, colHead lipgloss.Style
	tabOn, tabOff, badge                      lipgloss.Style
	selected, marker                          lipgloss.Style
	keyHint, flash, warnText                  lipgloss.Style
	tileBorder, tileTitle, spark              lipgloss.Style
	overlay                                   lipgloss.Style
	// The Runbooks pane: done and failed steps, the boxes of the stepper, and the
	// dialogs that answer the engine.
	good, bad, boxBorder, dialogBorder lipgloss.Style

	status map[probes.Status]lipgloss.Style
	sev    map[probes.Severity]lipgloss.Style
	state  map[probes.State]lipgloss.Style
}

// newStyles builds the palette for a dark or light background.
func newStyles(dark bool) *styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	var (
		red    = c("#d70000", "#ff5f5f")
		amber  = c("#af5f00", "#ffaf00")
		yellow = c("#878700", "#d7d75f")
		blue   = c("#005faf", "#87afd7")
		green  = c("#008700", "#5fd75f")
		grey   = c("#6c6c6c", "#8a8a8a")
		accent = c("#5f00d7", "#af87ff")
	)
	fg := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	s := &styles{
		product:      lipgloss.NewStyle().Bold(true),
		bold:         lipgloss.NewStyle().Bold(true),
		dim:          fg(grey),
		faint:        lipgloss.NewStyle().Faint(true),
		title:        lipgloss.NewStyle().Bold(true),
		colHead:      fg(grey).Bold(true),
		tabOn:        lipgloss.NewStyle().Bold(true).Reverse(true),
		tabOff:       fg(grey),
		badge:        fg(red).Bold(true),
		selected:     lipgloss.NewStyle().Reverse(true),
		marker:       fg(accent).Bold(true),
		keyHint:      fg(grey),
		flash:        fg(accent).Bold(true),
		warnText:     fg(amber),
		tileBorder:   fg(grey),
		tileTitle:    fg(grey).Bold(true),
		spark:        fg(blue),
		overlay:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		good:         fg(green),
		bad:          fg(red).Bold(true),
		boxBorder:    fg(grey),
		dialogBorder: fg(accent).Bold(true),
		status: map[probes.Status]lipgloss.Style{
			probes.StatusOK: fg(green), probes.StatusWarn: fg(amber), probes.StatusFail: fg(red).Bold(true),
			probes.StatusError: fg(red).Bold(true), probes.StatusUnknown: fg(grey),
		},
		sev: map[probes.Severity]lipgloss.Style{
			probes.Critical: fg(red).Bold(true), probes.High: fg(amber).Bold(true), probes.Medium: fg(yellow),
			probes.Low: fg(blue), probes.Info: fg(grey),
		},
		state: map[probes.State]lipgloss.Style{
			probes.StateReady: fg(green).Bold(true), probes.StateAtRisk: fg(amber).Bold(true),
			probes.StateDown: fg(red).Bold(true), probes.StateUnknown: fg(grey).Bold(true),
		},
	}
	return s
}

// statusLabel is "✔ ok", "✖ fail", "○ unknown" in the status's colour.
func (s *styles) statusLabel(st probes.Status) string {
	return s.status[st].Render(statusIcon[st] + " " + statusWord[st])
}

// sevLabel is "✖ CRITICAL" in the severity's colour.
func (s *styles) sevLabel(sev probes.Severity) string {
	return s.sev[sev].Render(sev.Icon() + " " + upper(sev.String()))
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// A runbook step's state, in the stepper: ○ to do, … under way, ✔ done, ✖ failed,
// ↷ skipped; ↩ undone by a roll back; ■ where a run stopped short.
var stepIcon = map[rowState]string{rowPending: "○", rowRunning: "…", rowOK: "✔", rowFailed: "✖", rowSkipped: "↷"}

const (
	undoIcon    = "↩"
	stoppedIcon = "■"
)

// A run's outcome, in the list and the stepper: an icon, a word, a colour.
func runIcon(status string) string {
	switch status {
	case runbook.StatusSucceeded:
		return "✔"
	case runbook.StatusRolledBack:
		return "↩"
	case runbook.StatusAbandoned, runbook.StatusCancelled:
		return "○"
	case runbook.StatusUnfinished, runbook.StatusDetached:
		return "…"
	}
	return "✖"
}

func runWord(status string) string {
	switch status {
	case runbook.StatusRolledBack:
		return "rolled back"
	case runbook.StatusRollbackFailed:
		return "rollback failed"
	}
	return status
}

func runStyle(st *styles, status string) styleFn {
	switch status {
	case runbook.StatusSucceeded:
		return st.good
	case runbook.StatusRolledBack, runbook.StatusAbandoned, runbook.StatusUnfinished, runbook.StatusDetached, runbook.StatusCancelled:
		return st.warnText
	}
	return st.bad
}
