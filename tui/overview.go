package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/internal/launchbar"
	"github.com/launchready/launchready/probes"
)

// overview is the first pane: the dashboard tiles, the ranked risk list, and the launch
// bar. On a wide screen the risk list and the launch bar sit side by side; on a narrow
// one they share the space and b switches between them.
type overview struct {
	sh     *shared
	risks  listState
	bar    listState
	onBar  bool
	filter string
	// The launch bar and tiles are judged once per change of the board.
	cacheVersion uint64
	cacheValid   bool
	barItems     []barItem
	tileList     []tile
	rows         []riskRow
	rowsFilter   string
	rowsVersion  uint64
	rowsValid    bool
}

func (o *overview) judged() ([]barItem, []tile) {
	if !o.cacheValid || o.cacheVersion != o.sh.board.version {
		o.barItems, o.tileList = launchBar(o.sh), tiles(o.sh.board)
		o.cacheVersion, o.cacheValid = o.sh.board.version, true
	}
	return o.barItems, o.tileList
}

func newOverview(sh *shared) *overview { return &overview{sh: sh} }

func (o *overview) title() string { return "Overview" }

func (o *overview) bindings() []key.Binding { return []key.Binding{o.sh.keys.LaunchBar} }

// riskRow is a finding, or a check that could not run (which is a risk too: something is
// not being watched).
type riskRow struct {
	finding probes.Finding
	failed  *probes.Result
}

func (r riskRow) key() string {
	if r.failed != nil {
		return "run " + r.failed.Check
	}
	return r.finding.Key()
}

func (o *overview) riskRows() []riskRow {
	b := o.sh.board
	if o.rowsValid && o.rowsVersion == b.version && o.rowsFilter == o.filter {
		return o.rows
	}
	var out []riskRow
	for _, f := range b.findings() {
		if matches(o.filter, f.Title, f.Target, f.ID, f.Pane.Title(), f.Impact.Label(), f.Severity.String()) {
			out = append(out, riskRow{finding: f})
		}
	}
	for _, r := range b.failedRuns() {
		if matches(o.filter, r.Check, r.Target, r.Err, "error") {
			out = append(out, riskRow{failed: &r})
		}
	}
	o.rows, o.rowsFilter, o.rowsVersion, o.rowsValid = out, o.filter, b.version, true
	return out
}

func (o *overview) barRows() []barItem {
	all, _ := o.judged()
	if o.filter == "" {
		return all
	}
	var out []barItem
	for _, it := range all {
		if matches(o.filter, it.name, it.why, barWord[it.state]) {
			out = append(out, it)
		}
	}
	return out
}

func riskKeys(rows []riskRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.key()
	}
	return out
}

func barKeys(items []barItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.name
	}
	return out
}

func (o *overview) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case filterMsg:
		o.filter = msg.text
	case tea.KeyPressMsg:
		if key.Matches(msg, o.sh.keys.LaunchBar) {
			o.onBar = !o.onBar
			return nil
		}
		if o.onBar {
			o.bar.handleKey(msg, o.sh.keys, barKeys(o.barRows()))
		} else {
			o.risks.handleKey(msg, o.sh.keys, riskKeys(o.riskRows()))
		}
	case tea.MouseWheelMsg:
		if o.onBar {
			o.bar.wheel(msg, barKeys(o.barRows()))
		} else {
			o.risks.wheel(msg, riskKeys(o.riskRows()))
		}
	}
	return nil
}

func (o *overview) selected() (selection, bool) {
	if o.onBar {
		items := o.barRows()
		o.bar.sync(barKeys(items))
		if len(items) == 0 {
			return selection{}, false
		}
		it := items[o.bar.cursor]
		return selection{item: &it}, true
	}
	rows := o.riskRows()
	o.risks.sync(riskKeys(rows))
	if len(rows) == 0 {
		return selection{}, false
	}
	r := rows[o.risks.cursor]
	if r.failed != nil {
		return selection{check: r.failed.Check}, true
	}
	f := r.finding
	return selection{check: f.Check, finding: &f}, true
}

// Layouts of the overview below the tiles, tried in order: the risk list above the
// launch bar when the screen is tall enough for both at full width; side by side when it
// is wide; otherwise one at a time, b switching.
const (
	wideOverview = 140
	barLines     = 18 // the launch bar's items, its heading and its title
	minRiskLines = 6
)

func (o *overview) view(w, h int) string {
	_, ts := o.judged()
	lines := renderTiles(ts, o.sh.st, w)
	rest := h - len(lines)
	switch {
	case rest >= barLines+1+minRiskLines:
		// The risk list takes what it needs (all of the room if it needs it) and the
		// launch bar follows it, so a short list leaves no gap in the middle.
		riskH := max(minRiskLines, min(len(o.riskRows())+1, rest-barLines-1))
		lines = append(lines, o.riskSection(w, riskH, !o.onBar, false)...)
		lines = append(lines, "")
		lines = append(lines, o.barSection(w, barLines, o.onBar, false)...)
	case w >= wideOverview:
		barW := w / 2
		left := o.riskSection(w-barW-3, rest, !o.onBar, false)
		right := o.barSection(barW, rest, o.onBar, false)
		sep := o.sh.st.dim.Render(" │ ")
		for i := 0; i < rest; i++ {
			lines = append(lines, fitCell(left[i], w-barW-3, false)+sep+right[i])
		}
	case o.onBar:
		lines = append(lines, o.barSection(w, rest, true, true)...)
	default:
		lines = append(lines, o.riskSection(w, rest, true, true)...)
	}
	return frame(lines, w, h)
}

// riskSection is the ranked risk list as exactly h lines.
func (o *overview) riskSection(w, h int, focused, narrow bool) []string {
	st, b := o.sh.st, o.sh.board
	rows := o.riskRows()
	o.risks.sync(riskKeys(rows))
	cols := []column{
		{width: 1},
		{title: "severity", width: 10},
		{title: "impact", width: 13, drop: 3},
		{title: "pane", width: 12, drop: 4},
		{title: "target", flex: 2, min: 18, want: 30, drop: 1},
		{title: "title", flex: 3, min: 28, want: 40},
		{title: "age", width: 4, drop: 2, right: true},
	}
	widths := layout(cols, w)
	extra := ""
	if narrow {
		items, _ := o.judged()
		extra += st.dim.Render("   b: launch bar, " + barShort(items))
	}
	if o.filter != "" {
		extra += st.flash.Render(fmt.Sprintf("   filter %q", o.filter))
	}
	lines := []string{titleWithFocus(st, "Risks, by business impact", extra, focused && !narrow)}
	if widths[len(cols)-1] > 0 {
		lines[0] = fitCell(lines[0], w-4, false) + st.colHead.Render("age ")
	}
	if len(rows) == 0 {
		lines = append(lines, o.noRisks())
		return pad(lines, h)
	}
	from, to := o.risks.window(len(rows), h-1)
	for i := from; i < to; i++ {
		r := rows[i]
		sel := focused && i == o.risks.cursor
		cells := make([]string, len(cols))
		cells[0] = " "
		if sel {
			cells[0] = "›"
		}
		if r.failed != nil {
			cells[1], cells[2], cells[3] = "✖ NO RUN", "—", r.failed.Pane.Title()
			cells[4], cells[5] = launchbar.ShortTarget(r.failed.Target), "could not run: "+r.failed.Err
		} else {
			f := r.finding
			cells[1] = f.Severity.Icon() + " " + upper(f.Severity.String())
			cells[2], cells[3], cells[4], cells[5] = f.Impact.Label(), f.Pane.Title(), launchbar.ShortTarget(f.Target), f.Title
			cells[6] = ageText(b.age(f))
		}
		if sel {
			lines = append(lines, st.selected.Render(fitCell(row(cells, cols, widths), w, false)))
			continue
		}
		cells[0] = st.marker.Render(cells[0])
		if r.failed != nil {
			cells[1] = st.status[probes.StatusError].Render(cells[1])
		} else {
			cells[1] = st.sev[r.finding.Severity].Render(cells[1])
		}
		cells[6] = st.dim.Render(cells[6])
		lines = append(lines, row(cells, cols, widths))
	}
	return pad(lines, h)
}

func (o *overview) noRisks() string {
	st, b := o.sh.st, o.sh.board
	switch {
	case o.filter != "":
		return st.dim.Render(fmt.Sprintf("  nothing matches the filter %q; esc clears it", o.filter))
	case len(b.checks) == 0:
		return st.dim.Render("  ○ No checks configured: add hosts to launchready.yaml (launchready validate checks it).")
	case len(b.latest) == 0:
		return st.dim.Render("  " + o.sh.spinFrame() + " waiting for the first results…")
	}
	return "  " + st.status[probes.StatusOK].Render("✔ No risks: every check that ran is clean.")
}

// barSection is the launch bar as exactly h lines.
func (o *overview) barSection(w, h int, focused, narrow bool) []string {
	st := o.sh.st
	items := o.barRows()
	o.bar.sync(barKeys(items))
	extra := st.dim.Render("   " + barSummary(items))
	if narrow {
		extra = st.dim.Render("   " + barShort(items) + "   b: risks")
	}
	if o.filter != "" {
		extra += st.flash.Render(fmt.Sprintf("   filter %q", o.filter))
	}
	lines := []string{titleWithFocus(st, "Launch bar", extra, focused && !narrow)}
	// Rows: the items, with a heading before the membership ones.
	type line struct {
		text string
		item int
	}
	var all []line
	for i, it := range items {
		if it.membership && (i == 0 || !items[i-1].membership) {
			all = append(all, line{st.dim.Render("  for membership products"), -1})
		}
		all = append(all, line{"", i})
	}
	cursorLine := 0
	for i, l := range all {
		if l.item == o.bar.cursor {
			cursorLine = i
		}
	}
	// Scroll over lines, keeping the selected item in view.
	view := listState{cursor: cursorLine, offset: o.bar.offset}
	from, to := view.window(len(all), h-1)
	o.bar.offset, o.bar.page = view.offset, view.page
	nameW := min(38, w/2)
	for _, l := range all[from:to] {
		if l.item < 0 {
			lines = append(lines, l.text)
			continue
		}
		it := items[l.item]
		sel := focused && l.item == o.bar.cursor
		mark := " "
		if sel {
			mark = "›"
		}
		icon := barIcon[it.state]
		text := mark + icon + " " + fitCell(it.name, nameW, false) + " " + it.why
		if sel {
			lines = append(lines, st.selected.Render(fitCell(text, w, false)))
			continue
		}
		stl := st.dim
		switch it.state {
		case barMet:
			stl = st.status[probes.StatusOK]
		case barNotMet:
			stl = st.status[probes.StatusFail]
		}
		why := it.why
		if it.state == barUnchecked {
			why = st.dim.Render(why)
		}
		lines = append(lines, st.marker.Render(mark)+stl.Render(icon)+" "+fitCell(it.name, nameW, false)+" "+why)
	}
	if len(items) == 0 {
		lines = append(lines, st.dim.Render(fmt.Sprintf("  nothing matches the filter %q; esc clears it", o.filter)))
	}
	return pad(lines, h)
}

// titleWithFocus marks the focused section's title when two sections share the screen.
func titleWithFocus(st *styles, head, extra string, focused bool) string {
	if focused {
		return st.marker.Render("›") + st.title.Render(head) + extra
	}
	return " " + st.title.Render(head) + extra
}

// pad makes lines exactly h long.
func pad(lines []string, h int) []string {
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines[:max(0, h)]
}
