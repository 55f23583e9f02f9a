package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/runbook"
)

// maxListedRuns is how many recent runs the pane lists; `launchready runbook list` and
// the transcripts folder have the rest.
const maxListedRuns = 20

// rowKeys are the list's rows: the runbooks ("rb:NAME"), then the recent runs
// ("run:ID"), those that pass the filter.
func (p *runbookPane) rowKeys() []string {
	var keys []string
	for _, rb := range p.data.runbooks {
		if matches(p.filter, rb.Name, rb.Description) {
			keys = append(keys, "rb:"+rb.Name)
		}
	}
	for i, r := range p.data.runs {
		if i == maxListedRuns {
			break
		}
		if matches(p.filter, r.ID, r.Runbook, r.Status, r.Operator.String()) {
			keys = append(keys, "run:"+r.ID)
		}
	}
	return keys
}

// view draws the pane: the stepper while a run is on screen, a plan, a transcript, or
// the list, with the engine's question over it when it asks.
func (p *runbookPane) view(w, h int) string {
	if p.o == nil || p.o.Off != "" {
		return frame(p.offLines(w), w, h)
	}
	var dlg []string
	if p.dialog != nil {
		dlg = p.dialog.view(w)
	}
	switch {
	case p.mode == modeRun && p.step != nil:
		return p.step.view(p.sh, w, h, dlg, p.sinceLine(w))
	case p.mode == modePlan && p.plan != nil:
		return p.plan.view(w, h)
	case p.mode == modeLog && p.logView != nil:
		return p.logView.view(w, h)
	}
	lines := p.listLines(w, h-len(dlg))
	lines = append(pad(lines, h-len(dlg)), dlg...)
	return frame(lines, w, h)
}

func (p *runbookPane) offLines(w int) []string {
	st := p.sh.st
	why := "This console was started without the runbook engine."
	if p.o != nil {
		why = "Runbooks are off in this console: " + p.o.Off
	}
	lines := []string{" " + st.title.Render("Runbooks"), "", "  " + st.dim.Render("○") + " No runbooks here.", ""}
	if p.o == nil || !p.o.NoShell {
		why += " `launchready runbook list` and `runbook run NAME` work from the shell."
	}
	for _, l := range wrap(why, w-4, "    ") {
		lines = append(lines, st.dim.Render(l))
	}
	return lines
}

// listLines are the runbooks (name, steps, last run and how it went, what it does) and
// the recent runs, with the lock's holder and any unfinished run called out.
func (p *runbookPane) listLines(w, h int) []string {
	st, now := p.sh.st, p.sh.board.now()
	d := p.data
	head := " " + st.title.Render("Runbooks")
	if p.loaded {
		head += st.dim.Render(fmt.Sprintf("   %s in %s", plural(len(d.runbooks), "runbook"), p.o.Dir))
	} else {
		head += st.dim.Render("   reading " + p.o.Dir + " …")
	}
	if p.filter != "" {
		head += st.flash.Render(fmt.Sprintf("   filter %q", p.filter))
	}
	lines := []string{head}
	var notes []string
	if d.held && d.holder != nil && p.run == nil {
		notes = append(notes, st.warnText.Render(fmt.Sprintf("▲ running now: %s, started %s by %s (pid %d); one run at a time; enter on its row follows it",
			orDash(d.holder.Runbook), whenText(d.holder.Since, now), d.holder.Operator, d.holder.Operator.PID)))
	}
	for _, r := range d.runs {
		if r.Status == runbook.StatusUnfinished && !(d.held && d.holder != nil && d.holder.Run == r.ID) {
			what := "select it and press x to resume, roll back or abandon it"
			if p.o.Viewer != "" {
				what = "an operator resumes, rolls back or abandons it"
			}
			notes = append(notes, st.warnText.Render(fmt.Sprintf("▲ run %s was left unfinished (%d of %d steps done): %s",
				r.ID, r.Done, r.Steps, what)))
			break
		}
	}
	if d.loadErr != nil {
		errs := strings.Split(strings.TrimSpace(d.loadErr.Error()), "\n")
		notes = append(notes, st.bad.Render(fmt.Sprintf("✖ %s did not load (launchready validate lists every problem):", plural(len(errs), "problem"))))
		for i, e := range errs {
			if i == 3 {
				notes = append(notes, st.dim.Render(fmt.Sprintf("    … %d more", len(errs)-3)))
				break
			}
			notes = append(notes, st.dim.Render("    "+e))
		}
	}
	if d.runsErr != nil {
		notes = append(notes, st.bad.Render("✖ cannot list the runs: "+d.runsErr.Error()))
	}
	for _, n := range notes {
		lines = append(lines, wrap(n, w-2, " ")...)
	}
	keys := p.rowKeys()
	p.list.sync(keys)
	if p.loaded && len(d.runbooks) == 0 {
		lines = append(lines, "")
		for _, l := range wrap(fmt.Sprintf("No runbooks in %s. `launchready runbook init` writes commented starters (deploy, rollback, rotate-secret) for systemd, docker compose or a platform CLI.", p.o.Dir), w-4, "  ") {
			lines = append(lines, st.dim.Render(l))
		}
	}
	nameW, idW := 12, 20
	for _, rb := range d.runbooks {
		nameW = max(nameW, widthOf(rb.Name))
	}
	for _, r := range d.runs {
		idW = max(idW, widthOf(r.ID))
	}
	cols := []column{
		{width: 1},
		{title: "runbook", width: min(nameW, 28), drop: 0},
		{title: "steps", width: 5, right: true},
		{title: "last run", width: 24, drop: 3},
		{title: "what it does", flex: 1, min: 16},
	}
	widths := layout(cols, w)
	runCols := []column{
		{width: 1},
		{title: "", width: 1},
		{title: "run", width: min(idW, 36)},
		{title: "outcome", width: 15},
		{title: "steps", width: 5, right: true, drop: 4},
		{title: "started", width: 12, drop: 5},
		{title: "by", flex: 1, min: 10, want: 24, drop: 6},
	}
	runWidths := layout(runCols, w)
	// Both tables share the height; the cursor's table keeps its row in view.
	var rbRows, runRows []string
	for _, k := range keys {
		if strings.HasPrefix(k, "rb:") {
			rbRows = append(rbRows, k)
		} else {
			runRows = append(runRows, k)
		}
	}
	body := []string{}
	selAt := 0
	if len(d.runbooks) > 0 {
		body = append(body, "", st.colHead.Render(headerRow(cols, widths)))
		for _, k := range rbRows {
			name := strings.TrimPrefix(k, "rb:")
			rb, _ := runbook.Find(d.runbooks, name)
			last := "— never run"
			var lastStl styleFn = st.dim
			for _, r := range d.runs {
				if r.Runbook == name {
					last = runIcon(r.Status) + " " + runWord(r.Status) + " " + whenText(r.Started, now)
					lastStl = runStyle(st, r.Status)
					break
				}
			}
			if k == p.list.key {
				selAt = len(body)
			}
			body = append(body, p.listRow(k, []string{" ", name, fmt.Sprint(len(rb.Steps)), last, summaryOf(rb)}, cols, widths, w, 3, lastStl))
		}
	}
	if len(runRows) > 0 {
		body = append(body, "", st.colHead.Render(headerRow(runCols, runWidths)))
		for _, k := range runRows {
			r, _ := p.runByID(strings.TrimPrefix(k, "run:"))
			cells := []string{" ", runIcon(r.Status), r.ID, runWord(r.Status), fmt.Sprintf("%d/%d", r.Done, r.Steps), whenText(r.Started, now), r.Operator.String()}
			if k == p.list.key {
				selAt = len(body)
			}
			body = append(body, p.listRow(k, cells, runCols, runWidths, w, 1, runStyle(st, r.Status)))
		}
	} else if p.loaded {
		body = append(body, "", st.dim.Render("  No runs yet: each run's transcript lands in the state folder and is listed here."))
	}
	// Scroll the body so the cursor's row stays on screen.
	room := h - len(lines)
	if room > 0 && len(body) > room {
		from := max(0, min(selAt-room/2, len(body)-room))
		body = body[from : from+room]
	}
	return append(lines, body...)
}

// listRow draws one row; the selected one reversed.
func (p *runbookPane) listRow(k string, cells []string, cols []column, widths []int, w, styled int, stl styleFn) string {
	st := p.sh.st
	if k == p.list.key {
		cells[0] = "›"
		return st.selected.Render(fitCell(row(cells, cols, widths), w, false))
	}
	cells[0] = st.marker.Render(cells[0])
	cells[styled] = stl.Render(cells[styled])
	return row(cells, cols, widths)
}

// whenText is a time for a list: the clock today, the date before.
func whenText(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(now.Location())
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return t.Format("Jan 2 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// rbSummary is what the launch bar reads about runbooks: which exist and how each one's
// last run went.
type rbSummary struct {
	off    string // why this console has no runbooks
	loaded bool
	names  []string
	last   map[string]runbook.RunSummary
}

func summarizeRunbooks(m rbListMsg) *rbSummary {
	s := &rbSummary{loaded: true, last: map[string]runbook.RunSummary{}}
	for _, rb := range m.runbooks {
		s.names = append(s.names, rb.Name)
	}
	for _, r := range m.runs {
		if _, ok := s.last[r.Runbook]; !ok && r.Status != runbook.StatusUnfinished {
			s.last[r.Runbook] = r
		}
	}
	return s
}

// summaryOf is what a runbook does in a line: the first line of its description that is
// not a heading (a title says less than the sentence under it), Markdown marks dropped.
func summaryOf(rb *runbook.Runbook) string {
	for _, l := range strings.Split(rb.Description, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		return strings.NewReplacer("**", "", "__", "", "`", "").Replace(l)
	}
	return rb.Summary()
}
