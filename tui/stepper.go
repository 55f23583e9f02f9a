package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/runbook"
)

// stepper is what a run looks like on screen, built only from the engine's events (the
// same ones its transcript holds): the steps with their state and durations, each command
// shown before it runs, the live output, the check being waited on, the roll back, and
// how the run ended. It does no I/O and knows nothing of the engine's goroutine.
type stepper struct {
	id, name   string
	transcript string
	op         *runbook.Operator
	resumedBy  *runbook.Operator
	started    time.Time
	rows       []stepRow
	current    int // the step under way or last under way; -1 before any

	out     []outLine
	partial bool // the last output line has not ended yet
	// back is how many lines of output are below the box's last line: 0 follows the
	// output as it comes. The box draws only what it shows, so a long build log costs no
	// more per line than a short one (a viewport over every line measured them all on
	// every frame: 18 ms a line at 5,000 lines).
	back int
	page int // the box's height at the last frame, for page up and down

	check *checkLive
	// busy is set while a command or a check runs: ctrl+c stops it.
	busy bool
	// waiting says what the engine asks the operator, while it asks.
	waiting string

	rollingBack bool
	rbReason    string
	rbStatus    string

	status   string // run-end status; "" while the run goes on or when it stopped short
	ended    time.Time
	detached string
	outcome  *runbook.Outcome
	err      error
	// asked is the runbook the operator started, when the engine took up an unfinished
	// run instead (Outcome.Resumed).
	asked string
}

// stepRow is one step of the run.
type stepRow struct {
	num                   int
	title                 string
	run, check, rollback  string
	confirm, input, gen   string
	within                time.Duration
	state                 rowState
	attempt               int
	start, end            time.Time
	detail                string // a captured value, or why it failed
	last                  string // the last line its command printed
	phase                 string // what it is doing now
	undo                  undoState
	undoStart, undoEnd    time.Time
	undoReason            string
	runStarted, checkLook bool
}

type rowState int

const (
	rowPending rowState = iota
	rowRunning
	rowOK
	rowFailed
	rowSkipped
)

type undoState int

const (
	undoNone    undoState = iota
	undoRunning           // its rollback command runs
	undoDone              // rolled back
	undoNothing           // completed, nothing to undo
	undoFailed            // its rollback failed
)

// outLine is one line of the output box: a command's output, or what the stepper says
// about it (the command before it runs, its exit status, a choice).
type outLine struct {
	text string
	kind outKind
}

type outKind int

const (
	outText outKind = iota
	outCommand
	outOK
	outFail
	outMeta
)

// maxOutLines bounds the output the console keeps; the transcript has all of it.
const maxOutLines = 5000

// checkLive is the check the run waits on: what it waits for and the latest look.
type checkLive struct {
	step    int
	desc    string
	started time.Time
	within  time.Duration
	poll    *runbook.Poll
	looks   []bool // every look's verdict, newest last (the last 40)
	ended   bool
	status  string
	reason  string
}

func newStepper() *stepper {
	return &stepper{current: -1}
}

// stepRows lays a runbook's steps out for the stepper.
func stepRows(rb *runbook.Runbook) []stepRow {
	rows := make([]stepRow, len(rb.Steps))
	for i := range rb.Steps {
		s := &rb.Steps[i]
		r := stepRow{num: i + 1, title: s.Title(), run: s.Run, rollback: s.Rollback, confirm: s.Confirm}
		if s.Input != nil {
			r.input = s.Input.Name
		}
		if s.Generate != nil {
			r.gen = s.Generate.Name
		}
		if c := s.CheckSpec(); c != nil {
			r.check, r.within = c.Describe(), c.Within
		} else if s.Check.IsSet() {
			r.check = "a check"
		}
		rows[i] = r
	}
	return rows
}

func (s *stepper) row(step int) *stepRow {
	i := step - 1
	if i < 0 || i >= len(s.rows) {
		return nil
	}
	return &s.rows[i]
}

// live says whether the run is still going (or waiting), as far as the events tell.
func (s *stepper) live() bool {
	return s.status == "" && s.outcome == nil && s.err == nil && s.detached == ""
}

// apply takes one event in.
func (s *stepper) apply(e runbook.Event) {
	r := s.row(e.Step)
	switch e.Type {
	case runbook.RunStart:
		s.id, s.started, s.op = e.Run, e.Time, e.Operator
		if e.Runbook != nil {
			s.name = e.Runbook.Name
		}
	case runbook.Resumed:
		s.id, s.resumedBy, s.detached = e.Run, e.Operator, ""
		if e.Runbook != nil && s.name == "" {
			s.name = e.Runbook.Name
		}
		s.meta("⟳ resumed by %s: %s", opText(e.Operator), e.Text)
	case runbook.StepStart:
		if r == nil {
			break
		}
		s.current = e.Step - 1
		r.state, r.attempt, r.start, r.end, r.detail, r.phase = rowRunning, e.Attempt, e.Time, time.Time{}, "", e.Text
		if s.check != nil && s.check.step != e.Step {
			s.check = nil
		}
		again := ""
		if e.Attempt > 1 {
			again = fmt.Sprintf(" (attempt %d, from %s)", e.Attempt, e.Text)
		}
		s.meta("▶ %d %s%s", e.Step, e.StepName, again)
	case runbook.StepEnd:
		if r == nil {
			break
		}
		r.end, r.phase = e.Time, ""
		switch e.Status {
		case runbook.StepOK:
			r.state = rowOK
		case runbook.StepSkipped:
			r.state, r.detail = rowSkipped, "skipped"
			s.meta("↷ %d %s skipped", e.Step, e.StepName)
		default:
			r.state, r.detail = rowFailed, e.Reason
			s.add(outFail, fmt.Sprintf("✖ %d %s failed: %s", e.Step, e.StepName, e.Reason))
		}
	case runbook.Confirmed:
		s.meta("? %s → %s%s", e.Text, e.Choice, byText(e.By))
	case runbook.InputSet:
		if e.Secret {
			s.meta("= %s (secret, never shown) from %s", e.Name, e.Source)
		} else {
			s.meta("= %s=%s from %s", e.Name, e.Value, e.Source)
		}
	case runbook.Generated:
		s.meta("= %s generated: %d %s characters, %s; it reaches commands as $%s and is never shown", e.Name, e.Length, e.Format, e.Fingerprint, e.Name)
	case runbook.Captured:
		if r != nil {
			r.detail = e.Name + "=" + e.Value
		}
		s.meta("= %s=%s", e.Name, e.Value)
	case runbook.CommandStart:
		s.busy = true
		s.partial = false
		if e.Role == "rollback" {
			if r != nil {
				r.undo, r.undoStart, r.undoEnd = undoRunning, e.Time, time.Time{}
			}
			s.command(fmt.Sprintf("↩ rollback of step %d: $ ", e.Step), e.Command)
		} else {
			if r != nil {
				r.runStarted, r.phase = true, "command"
			}
			s.command("$ ", e.Command)
		}
	case runbook.Output:
		s.output(e.Text, r, e.Role)
	case runbook.CommandEnd:
		s.busy = false
		s.partial = false
		exit := "no exit status"
		if e.Exit != nil && *e.Exit >= 0 {
			exit = fmt.Sprintf("exit %d", *e.Exit)
		}
		d := durShort(time.Duration(e.DurationMS * float64(time.Millisecond)))
		if e.Status == runbook.StepOK {
			s.add(outOK, fmt.Sprintf("✔ %s · %s", exit, d))
		} else {
			s.add(outFail, fmt.Sprintf("✖ %s · %s · %s", exit, d, e.Reason))
		}
		if r != nil && e.Role == "rollback" {
			r.undoEnd = e.Time
			if e.Status == runbook.StepOK {
				r.undo = undoDone
			} else {
				r.undo, r.undoReason = undoFailed, e.Reason
			}
		}
	case runbook.CheckStart:
		s.busy = true
		c := &checkLive{step: e.Step, desc: e.Text, started: e.Time}
		if r != nil {
			c.within, r.phase = r.within, "check"
		}
		s.check = c
		s.meta("… check: %s", e.Text)
	case runbook.CheckPoll:
		if s.check != nil && e.Poll != nil {
			p := *e.Poll
			s.check.poll = &p
			s.check.looks = append(s.check.looks, p.OK)
			if n := len(s.check.looks); n > 40 {
				s.check.looks = s.check.looks[n-40:]
			}
		}
	case runbook.CheckEnd:
		s.busy = false
		if s.check != nil {
			s.check.ended, s.check.status, s.check.reason = true, e.Status, e.Reason
		}
		if r != nil && e.Status == runbook.StepOK {
			r.detail = "check passed: " + e.Text
		}
		if e.Status == runbook.StepOK {
			s.add(outOK, "✔ check passed: "+e.Text)
		} else {
			s.add(outFail, "✖ check "+e.Status+": "+e.Reason)
		}
	case runbook.Choice:
		s.meta("→ %s%s", e.Choice, byText(e.By))
	case runbook.RollbackStart:
		s.rollingBack, s.rbReason = true, e.Reason
		s.meta("↩ rolling back (%s): completed steps' rollbacks, newest first", e.Reason)
	case runbook.RollbackSkip:
		if r != nil {
			r.undo = undoNothing
		}
	case runbook.RollbackEnd:
		s.rbStatus = e.Status
		s.meta("↩ roll back ended: %s", strings.TrimSpace(e.Status+" "+e.Reason))
	case runbook.Detached:
		s.busy = false
		s.detached = e.Text
		s.meta("⏏ %s", e.Text)
	case runbook.Note:
		s.meta("· %s", e.Text)
	case runbook.RunEnd:
		s.busy, s.status, s.ended = false, e.Status, e.Time
		s.meta("■ run %s", e.Status)
	}
}

// output adds a chunk of a command's output: whole lines, or part of one that the next
// chunk continues.
func (s *stepper) output(text string, r *stepRow, role string) {
	text = cleanOutput(text)
	ends := strings.HasSuffix(text, "\n")
	parts := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, p := range parts {
		if i == 0 && s.partial && len(s.out) > 0 && s.out[len(s.out)-1].kind == outText {
			s.out[len(s.out)-1].text += p
		} else {
			s.add(outText, p)
		}
		if r != nil && role != "rollback" && strings.TrimSpace(p) != "" {
			r.last = strings.TrimSpace(s.out[len(s.out)-1].text)
		}
	}
	s.partial = !ends
}

func (s *stepper) add(k outKind, text string) {
	s.out = append(s.out, outLine{text: cleanOutput(text), kind: k})
	if n := len(s.out); n > maxOutLines {
		s.out = append(s.out[:0], s.out[n-maxOutLines:]...)
	}
	if s.back > 0 {
		// Scrolled up: the lines on show stay where they are.
		s.back = min(s.back+1, len(s.out)-1)
	}
}

// command shows a command before it runs, every line of it: what runs is what the
// operator reads.
func (s *stepper) command(prefix, text string) {
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if i > 0 {
			prefix = strings.Repeat(" ", widthOf(prefix))
		}
		s.add(outCommand, prefix+l)
	}
}

func (s *stepper) meta(format string, args ...any) {
	s.add(outMeta, fmt.Sprintf(format, args...))
}

// cleanOutput keeps a command's output from steering the operator's terminal: escape
// sequences and control characters go (a carriage return keeps what follows it, as a
// progress bar means it), tabs stay for the renderer to expand.
func cleanOutput(s string) string {
	s = ansi.Strip(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if j := strings.LastIndex(strings.TrimRight(l, "\r"), "\r"); j >= 0 {
			l = l[j+1:]
		}
		lines[i] = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\t' || r == 0x7f {
				return -1
			}
			return r
		}, l)
	}
	return strings.Join(lines, "\n")
}

func oneLine(cmd string) string {
	cmd = strings.TrimSpace(cmd)
	first, rest, more := strings.Cut(cmd, "\n")
	if more && strings.TrimSpace(rest) != "" {
		return first + " …"
	}
	return first
}

func byText(by string) string {
	if by == "" || by == "prompt" || by == "operator" {
		return ""
	}
	return " (by " + by + ")"
}

func opText(o *runbook.Operator) string {
	if o == nil {
		return "unknown"
	}
	return o.String()
}

// durShort is a step's duration: 0.4s, 12s, 2m05s, 1h02m.
func durShort(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// key scrolls the output box; it reports whether it used the key. Scrolling up stops
// the box following new output; G follows again.
func (s *stepper) key(msg tea.KeyPressMsg, k *keyMap) bool {
	page := max(1, s.page-1)
	switch {
	case key.Matches(msg, k.Follow):
		s.back = 0
	case key.Matches(msg, k.Up):
		s.back++
	case key.Matches(msg, k.Down):
		s.back--
	case key.Matches(msg, k.PageUp):
		s.back += page
	case key.Matches(msg, k.PageDown):
		s.back -= page
	case key.Matches(msg, k.Top):
		s.back = len(s.out)
	default:
		return false
	}
	s.back = max(0, min(s.back, len(s.out)-1))
	return true
}

// scroll moves the output box by a mouse wheel's notch.
func (s *stepper) scroll(msg tea.MouseWheelMsg) {
	switch msg.Button {
	case tea.MouseWheelUp:
		s.back += 3
	case tea.MouseWheelDown:
		s.back -= 3
	}
	s.back = max(0, min(s.back, len(s.out)-1))
}
