package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/runbook"
)

// view draws the run in w x h: who and where, the steps, then (as room allows, in this
// order of importance) the question being asked or how the run ended, the check being
// waited on, the live output, and the product's state since the run started.
func (s *stepper) view(sh *shared, w, h int, dialog []string, since string) string {
	st := sh.st
	now := sh.board.now()
	head := s.headLines(st, w, now)
	var end []string
	if !s.live() {
		end = s.endBox(st, w)
	}
	bottom := []string{since}
	fixed := len(head) + len(dialog) + len(end) + len(bottom)
	free := h - fixed
	rowsH := min(len(s.rows), max(min(len(s.rows), 2), free-4))
	if rowsH < 0 {
		rowsH = 0
	}
	free -= rowsH
	var check []string
	if s.check != nil && free >= 4 && (s.live() || s.check.status != runbook.StepOK) && s.current == s.check.step-1 {
		check = s.checkBox(st, w, now)
		if free-len(check) < 3 && len(dialog) > 0 {
			check = nil // the question carries the reason; the output matters more
		}
		free -= len(check)
	}
	var out []string
	if free >= 3 {
		out = s.outputBox(st, w, free)
	}
	lines := append([]string{}, head...)
	lines = append(lines, s.rowLines(sh, w, rowsH, now)...)
	lines = append(lines, dialog...)
	lines = append(lines, end...)
	lines = append(lines, check...)
	lines = append(lines, out...)
	lines = pad(lines, h-len(bottom))
	lines = append(lines, bottom...)
	return frame(lines, w, h)
}

// headLines say which run this is, who started it from where, and where its transcript
// is: one line on a wide screen, two on a narrow one.
func (s *stepper) headLines(st *styles, w int, now time.Time) []string {
	name := s.name
	if name == "" {
		name = "…"
	}
	who := ""
	if !s.started.IsZero() {
		who = "started " + clock(s.started)
		if s.op != nil {
			who += " by " + s.op.String()
		}
	}
	if s.resumedBy != nil {
		who += " · resumed by " + s.resumedBy.String()
	}
	title := " " + st.title.Render("Runbook "+name)
	tr := ""
	if s.transcript != "" {
		tr = "transcript " + s.transcript
	}
	one := title
	if who != "" {
		one += st.dim.Render(" · ") + who
	}
	var out []string
	if tr != "" && widthOf(one)+3+widthOf(tr) <= w {
		out = []string{one + st.dim.Render(" · "+tr)}
	} else {
		out = []string{one}
		if tr != "" {
			if over := widthOf(tr) - (w - 2); over > 0 {
				tr = "transcript …" + filepath.Base(s.transcript)
			}
			out = append(out, " "+st.dim.Render(tr))
		}
	}
	if s.rollingBack && s.live() {
		out = append(out, " "+st.warnText.Render("↩ Rolling back: "+s.rbReason+"; completed steps' rollbacks, newest first"))
	}
	return out
}

// rowLines are the steps with state icons and durations, at most h of them, keeping the
// step under way in view.
func (s *stepper) rowLines(sh *shared, w, h int, now time.Time) []string {
	st := sh.st
	if h <= 0 || len(s.rows) == 0 {
		if len(s.rows) == 0 && h > 0 {
			return []string{st.dim.Render("  (the steps show when the engine starts the run)")}
		}
		return nil
	}
	from := 0
	if len(s.rows) > h && s.current >= 0 {
		from = max(0, min(s.current-h/2, len(s.rows)-h))
	}
	numW := len(fmt.Sprint(len(s.rows)))
	titleW := 12
	for _, r := range s.rows {
		titleW = max(titleW, widthOf(r.title)+len(" (attempt 2)"))
	}
	titleW = min(titleW, max(12, min(44, (w-14)/2)))
	cols := []column{
		{width: 2},
		{width: numW, right: true},
		{width: titleW},
		{width: 7, right: true},
		{flex: 1, min: 10},
	}
	widths := layout(cols, w-1)
	var out []string
	for i := from; i < min(len(s.rows), from+h); i++ {
		r := &s.rows[i]
		icon, stl := s.rowIcon(sh, r)
		title := r.title
		if r.attempt > 1 {
			title += fmt.Sprintf(" (attempt %d)", r.attempt)
		}
		cells := []string{" " + icon, fmt.Sprint(r.num), title, s.rowDur(r, now), s.rowDetail(r)}
		line := row(cells, cols, widths)
		switch {
		case r.state == rowRunning && s.live():
			line = st.bold.Render(line)
		case r.state == rowPending:
			line = st.dim.Render(line)
		default:
			line = stl.Render(ansi.Cut(line, 0, 3)) + ansi.Cut(line, 3, widthOf(line))
		}
		out = append(out, " "+line)
	}
	return out
}

func (s *stepper) rowIcon(sh *shared, r *stepRow) (string, styleFn) {
	st := sh.st
	switch r.undo {
	case undoRunning, undoDone:
		return undoIcon, st.warnText
	case undoFailed:
		return stepIcon[rowFailed], st.bad
	}
	switch r.state {
	case rowRunning:
		if s.live() {
			return stepIcon[rowRunning], st.marker
		}
		return stoppedIcon, st.warnText
	case rowOK:
		return stepIcon[rowOK], st.good
	case rowFailed:
		return stepIcon[rowFailed], st.bad
	case rowSkipped:
		return stepIcon[rowSkipped], st.warnText
	}
	return stepIcon[rowPending], st.dim
}

// styleFn is anything that renders a string in a style.
type styleFn interface{ Render(...string) string }

func (s *stepper) rowDur(r *stepRow, now time.Time) string {
	switch {
	case r.undo == undoDone || r.undo == undoFailed:
		return durShort(r.undoEnd.Sub(r.undoStart))
	case r.undo == undoRunning && s.live():
		return durShort(now.Sub(r.undoStart))
	case r.state == rowRunning && s.live() && !r.start.IsZero():
		return durShort(now.Sub(r.start))
	case !r.end.IsZero() && !r.start.IsZero() && r.state != rowPending:
		return durShort(r.end.Sub(r.start))
	}
	return ""
}

func (s *stepper) rowDetail(r *stepRow) string {
	switch r.undo {
	case undoRunning:
		return "rolling back: $ " + oneLine(r.rollback)
	case undoDone:
		return "rolled back: $ " + oneLine(r.rollback)
	case undoNothing:
		return "completed; nothing to undo"
	case undoFailed:
		return "rollback failed: " + r.undoReason
	}
	switch r.state {
	case rowRunning:
		if s.waiting != "" && s.current == r.num-1 {
			return "waiting for you: " + s.waiting
		}
		switch r.phase {
		case "check":
			return "check: " + r.check
		case "command":
			return "$ " + oneLine(r.run)
		}
	case rowOK:
		if r.detail != "" {
			return r.detail
		}
		return r.last
	case rowFailed, rowSkipped:
		return r.detail
	}
	switch {
	case r.run != "":
		return "$ " + oneLine(r.run)
	case r.check != "":
		return "check: " + r.check
	case r.confirm != "":
		return "confirm: " + r.confirm
	case r.input != "":
		return "input " + r.input
	case r.gen != "":
		return "generate " + r.gen
	}
	return ""
}

// checkBox is the live state of the check the run waits on: the latest look, the streak
// against what it needs, every look so far, and the deadline.
func (s *stepper) checkBox(st *styles, w int, now time.Time) []string {
	c := s.check
	var lines []string
	if p := c.poll; p != nil {
		icon, stl := "✖", st.bad
		if p.OK {
			icon, stl = "✔", st.good
		}
		lines = append(lines, fmt.Sprintf("look %d  %s  %s", p.Look, stl.Render(icon), p.Summary))
		strip := ""
		for _, ok := range c.looks {
			if ok {
				strip += st.good.Render("✔")
			} else {
				strip += st.bad.Render("✖")
			}
		}
		streak := fmt.Sprintf("%d of %d in a row", p.Streak, p.Need)
		lines = append(lines, streak+"  "+strip+s.deadline(c, now))
	} else {
		lines = append(lines, st.dim.Render("first look under way")+s.deadline(c, now))
	}
	if c.ended {
		if c.status == runbook.StepOK {
			lines = append(lines, st.good.Render("✔ passed"))
		} else {
			lines[len(lines)-1] = st.bad.Render("✖ "+c.status) + "  " + lines[len(lines)-1]
		}
	}
	title := "check: " + c.desc
	if widthOf(title) > w-6 {
		title = "check"
		lines = append(wrap(c.desc, w-4, ""), lines...)
	}
	return box(st, title, lines, w, st.boxBorder)
}

func (s *stepper) deadline(c *checkLive, now time.Time) string {
	if c.within <= 0 || c.started.IsZero() {
		return ""
	}
	d := c.started.Add(c.within)
	left := d.Sub(now).Round(time.Second)
	switch {
	case c.ended:
		return fmt.Sprintf("  · deadline was %s", clock(d))
	case left > 0:
		return fmt.Sprintf("  · deadline %s, %s left", clock(d), durText(left))
	}
	return fmt.Sprintf("  · deadline %s passed", clock(d))
}

// outputBox is the output of the run's commands, following the newest line unless the
// operator scrolled up. Long lines wrap, as in a terminal. Only the lines on show are
// wrapped and styled.
func (s *stepper) outputBox(st *styles, w, h int) []string {
	inner := max(1, h-2)
	s.page = inner
	width := max(10, w-4)
	end := len(s.out) - s.back
	var body []string
	for i := end - 1; i >= 0 && len(body) < inner; i-- {
		vis := s.outLines(st, s.out[i], width)
		body = append(vis[max(0, len(vis)-(inner-len(body))):], body...)
	}
	for i := end; i < len(s.out) && len(body) < inner; i++ { // scrolled to the top
		body = append(body, s.outLines(st, s.out[i], width)...)
	}
	if len(body) > inner {
		body = body[:inner]
	}
	title := "output"
	if s.back > 0 {
		title += fmt.Sprintf(" · %s below · G follows", plural(s.back, "line"))
	}
	if len(s.out) == 0 {
		body = []string{st.dim.Render("nothing yet: each command shows here before it runs, then its output")}
	}
	return box(st, title, pad(body, inner), w, st.boxBorder)
}

// outLines is one line of output wrapped to the box and styled by what it is.
func (s *stepper) outLines(st *styles, l outLine, width int) []string {
	lines := wrap(l.text, width, "")
	if l.text == "" {
		lines = []string{""}
	}
	var stl styleFn
	switch l.kind {
	case outCommand:
		stl = st.bold
	case outOK:
		stl = st.good
	case outFail:
		stl = st.bad
	case outMeta:
		stl = st.dim
	default:
		return lines
	}
	for i, v := range lines {
		lines[i] = stl.Render(v)
	}
	return lines
}

// endBox says how the run ended, where its transcript is, and what to do next.
func (s *stepper) endBox(st *styles, w int) []string {
	var lines []string
	title := "run ended"
	switch {
	case s.err != nil:
		title = "the run did not start"
		for _, l := range wrap(s.err.Error(), w-4, "") {
			lines = append(lines, st.bad.Render(l))
		}
	case s.status != "":
		icon, stl := runIcon(s.status), runStyle(st, s.status)
		title = s.name + " " + runWord(s.status)
		what := icon + " " + runWord(s.status)
		if s.rbReason != "" && (s.status == runbook.StatusRolledBack || s.status == runbook.StatusRollbackFailed) {
			what += ": " + s.rbReason
		}
		if !s.started.IsZero() && !s.ended.IsZero() {
			what += fmt.Sprintf(" · %s, after %s", clock(s.ended), durShort(s.ended.Sub(s.started)))
		}
		for _, l := range wrap(what, w-4, "") {
			lines = append(lines, stl.Render(l))
		}
	default:
		title = "run left unfinished"
		why := s.detached
		if s.outcome != nil && s.outcome.Reason != "" {
			why = s.outcome.Reason
		}
		if s.outcome != nil && s.outcome.Status == runbook.StatusCancelled && why == "" {
			why = "cancelled: the unfinished run is left as it was"
		}
		lines = append(lines, wrap("… "+why, w-4, "")...)
	}
	if s.outcome != nil && s.outcome.Resumed && s.asked != "" && s.asked != s.name {
		lines = append(lines, wrap(fmt.Sprintf("That was the unfinished run; %s did not start. Open it again to run it now.", s.asked), w-4, "")...)
	}
	if s.transcript != "" {
		// Whole, even if it takes two lines: it is what the operator copies.
		for _, l := range wrap("transcript "+s.transcript, w-4, "") {
			lines = append(lines, st.dim.Render(l))
		}
	}
	return box(st, title, lines, w, st.boxBorder)
}

// box frames lines w cells wide with a title in the top border.
func box(st *styles, title string, lines []string, w int, border styleFn) []string {
	if w < 6 {
		return lines
	}
	inner := w - 4
	title = ansi.Truncate(title, inner-2, "…")
	top := "┌ " + title + " " + strings.Repeat("─", max(0, w-4-widthOf(title))) + "┐"
	out := []string{border.Render(top)}
	for _, l := range lines {
		out = append(out, border.Render("│")+" "+fitCell(l, inner, false)+" "+border.Render("│"))
	}
	out = append(out, border.Render("└"+strings.Repeat("─", w-2)+"┘"))
	return out
}
