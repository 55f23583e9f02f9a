package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// checkPane is the table of one pane's checks. It is generic: any probe kind's results
// render here, the pane's key figures come from Result.Metrics (columns.go), so a new
// probe kind appears in its pane without the console changing.
type checkPane struct {
	sh     *shared
	pane   probes.Pane
	list   listState
	filter string
}

func newCheckPane(sh *shared, p probes.Pane) *checkPane { return &checkPane{sh: sh, pane: p} }

func (c *checkPane) title() string { return c.pane.Title() }

func (c *checkPane) bindings() []key.Binding { return nil }

// rows are the pane's checks that pass the filter.
func (c *checkPane) rows() []probes.CheckInfo {
	all := c.sh.board.checksIn(c.pane)
	if c.filter == "" {
		return all
	}
	out := all[:0:0]
	for _, ci := range all {
		r, _ := c.sh.board.result(ci.Name)
		texts := []string{ci.Name, ci.Target, r.Summary, r.Err, string(r.Status)}
		for _, f := range r.Findings {
			texts = append(texts, f.Title, f.ID)
		}
		if matches(c.filter, texts...) {
			out = append(out, ci)
		}
	}
	return out
}

func rowKeys(rows []probes.CheckInfo) []string {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Name
	}
	return keys
}

func (c *checkPane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case filterMsg:
		c.filter = msg.text
	case tea.KeyPressMsg:
		c.list.handleKey(msg, c.sh.keys, rowKeys(c.rows()))
	case tea.MouseWheelMsg:
		c.list.wheel(msg, rowKeys(c.rows()))
	}
	return nil
}

func (c *checkPane) selected() (selection, bool) {
	rows := c.rows()
	c.list.sync(rowKeys(rows))
	if len(rows) == 0 {
		return selection{}, false
	}
	return selection{check: rows[c.list.cursor].Name}, true
}

// sparkWidth is the sparkline column's width: a minute of history at 5 s, or 12 runs.
const sparkWidth = 12

func (c *checkPane) view(w, h int) string {
	b, st := c.sh.board, c.sh.st
	all := b.checksIn(c.pane)
	if len(all) == 0 {
		return frame(c.empty(w), w, h)
	}
	rows := c.rows()
	c.list.sync(rowKeys(rows))
	results := make([]probes.Result, 0, len(rows))
	for _, ci := range rows {
		if r, ok := b.result(ci.Name); ok {
			results = append(results, r)
		}
	}
	mcols := columnsFor(c.pane, results)
	spark := sparkMetric[c.pane]
	cols := []column{
		{title: "", width: 1},
		{title: "state", width: 9},
		{title: "target", flex: 3, min: 22, want: 32},
		{title: "summary", flex: 4, min: 16, want: 32, drop: 10},
	}
	for _, m := range mcols {
		cols = append(cols, column{title: m.title, width: max(m.width, len([]rune(m.title))), drop: m.drop, right: true})
	}
	sparkAt := -1
	if spark != "" {
		sparkAt = len(cols)
		cols = append(cols, column{title: "history", width: sparkWidth, drop: 26})
	}
	cols = append(cols, column{title: "last run", width: 8, drop: 40})
	widths := layout(cols, w)

	lines := []string{c.titleLine(w, len(all), len(rows))}
	lines = append(lines, st.colHead.Render(headerRow(cols, widths)))
	listH := h - 2
	preview := c.previewRoom(w, h, len(rows))
	if preview > 0 {
		listH -= preview
	}
	// Several checks of one pane may look at the same target (the DNS pane's zone,
	// registration, undocumented names and copies all at acme.example): those rows say
	// which check they are, as "registration acme.example", rather than four identical
	// targets.
	shared := map[string]int{}
	for _, ci := range rows {
		shared[ci.Target]++
	}
	from, to := c.list.window(len(rows), listH)
	for i := from; i < to; i++ {
		ci := rows[i]
		sel := i == c.list.cursor
		r, ok := b.result(ci.Name)
		cells := make([]string, len(cols))
		cells[0] = " "
		if sel {
			cells[0] = "›"
		}
		switch {
		case c.sh.running(ci):
			cells[1] = c.sh.spinFrame() + " " + runningWord
		case ok:
			cells[1] = statusIcon[r.Status] + " " + statusWord[r.Status]
		default:
			cells[1] = statusIcon[probes.StatusUnknown] + " " + statusWord[probes.StatusUnknown]
		}
		cells[2] = ci.Target
		if shared[ci.Target] > 1 {
			cells[2] = ci.Name
		}
		if ok {
			cells[3] = r.Summary
			if r.Err != "" {
				cells[3] = "could not run: " + r.Err
			}
			for j, m := range mcols {
				if v, has := r.Metrics[m.metric]; has {
					cells[4+j] = m.format(v)
				} else {
					cells[4+j] = "—"
				}
			}
			cells[len(cells)-1] = clock(r.Started)
		}
		if sparkAt >= 0 && widths[sparkAt] > 0 {
			cells[sparkAt] = sparkline(b.history.Series(ci.Name, spark, sparkWidth), sparkWidth)
		}
		if sel {
			lines = append(lines, st.selected.Render(fitCell(row(cells, cols, widths), w, false)))
			continue
		}
		cells[0] = st.marker.Render(cells[0])
		switch {
		case c.sh.running(ci):
			cells[1] = st.dim.Render(cells[1])
		case ok:
			cells[1] = st.status[r.Status].Render(cells[1])
		default:
			cells[1] = st.dim.Render(cells[1])
		}
		if sparkAt >= 0 {
			cells[sparkAt] = st.spark.Render(cells[sparkAt])
		}
		lines = append(lines, row(cells, cols, widths))
	}
	if len(rows) == 0 {
		lines = append(lines, st.dim.Render(fmt.Sprintf("  nothing matches the filter %q; esc clears it", c.filter)))
	}
	if preview > 0 && len(rows) > 0 {
		lines = append(lines, "")
		lines = append(lines, c.preview(rows[c.list.cursor], w, preview)...)
	}
	return frame(lines, w, h)
}

// ranUnjudged counts, in a pane's title, the checks that ran and had nothing to judge (a
// result with StatusUnknown: "no repository scan recorded"), apart from the ones that have
// not run yet ("waiting").
const ranUnjudged probes.Status = "not-checked"

// titleLine is the pane's name and its checks counted by state.
func (c *checkPane) titleLine(w, total, shown int) string {
	st := c.sh.st
	counts := c.sh.board.paneCounts(c.pane)
	parts := []string{plural(total, "check")}
	if n := counts[probes.StatusFail] + counts[probes.StatusError]; n > 0 {
		parts = append(parts, st.status[probes.StatusFail].Render(fmt.Sprintf("✖ %d", n)))
	}
	if n := counts[probes.StatusWarn]; n > 0 {
		parts = append(parts, st.status[probes.StatusWarn].Render(fmt.Sprintf("▲ %d", n)))
	}
	if n := counts[probes.StatusOK]; n > 0 {
		parts = append(parts, st.status[probes.StatusOK].Render(fmt.Sprintf("✔ %d", n)))
	}
	if n := counts[ranUnjudged]; n > 0 {
		parts = append(parts, st.dim.Render(fmt.Sprintf("○ %d not checked", n)))
	}
	if n := counts[probes.StatusUnknown]; n > 0 {
		parts = append(parts, st.dim.Render(fmt.Sprintf("○ %d waiting", n)))
	}
	left := " " + st.title.Render(c.pane.Title()) + "   " + strings.Join(parts, " · ")
	if c.filter != "" {
		left += st.flash.Render(fmt.Sprintf("   filter %q: %d of %d", c.filter, shown, total))
	}
	return left
}

// previewRoom is how many lines the selected check's findings get under the table: only
// on a tall, wide screen with room to spare.
func (c *checkPane) previewRoom(w, h, rows int) int {
	if w < 100 || h < 30 {
		return 0
	}
	spare := h - 2 - rows - 1
	if spare < 8 {
		return 0
	}
	return min(spare, h/2)
}

// preview is the selected check's findings in brief, with their fixes.
func (c *checkPane) preview(ci probes.CheckInfo, w, h int) []string {
	st := c.sh.st
	r, ok := c.sh.board.result(ci.Name)
	rule := st.dim.Render(" ── " + ci.Name + " " + strings.Repeat("─", max(0, w-len([]rune(ci.Name))-5)))
	lines := []string{rule}
	switch {
	case !ok:
		lines = append(lines, st.dim.Render("  no result yet"))
	case r.Err != "":
		lines = append(lines, "  "+st.status[probes.StatusError].Render("✖ could not run: ")+r.Err)
	case len(r.Findings) == 0:
		lines = append(lines, "  "+st.status[probes.StatusOK].Render("✔ no findings")+st.dim.Render(" · "+r.Summary))
	}
	if ok {
		for _, f := range r.Findings {
			lines = append(lines, "  "+st.sevLabel(f.Severity)+"  "+st.bold.Render(f.Title)+st.dim.Render("  "+f.Impact.Label()))
			if f.Observed != "" {
				lines = append(lines, "     observed  "+f.Observed)
			}
			if f.Expected != "" {
				lines = append(lines, "     expected  "+f.Expected)
			}
			if f.Fix != "" {
				lines = append(lines, wrap("fix: "+f.Fix, w-2, "     ")...)
			}
		}
	}
	lines = append(lines, st.dim.Render("  enter opens the full detail with evidence"))
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

// empty explains a pane with no checks: not built yet, or not configured.
func (c *checkPane) empty(w int) []string {
	st := c.sh.st
	lines := []string{" " + st.title.Render(c.pane.Title()), "",
		"  " + st.dim.Render(statusIcon[probes.StatusUnknown]) + " No checks configured for this pane yet."}
	var why string
	if c.sh.kinds[c.pane] {
		why = fmt.Sprintf("This build can check %s, but the config gives it nothing to check: see the %s section of examples/launchready.yaml.", c.pane.Title(), c.pane)
	} else {
		why = fmt.Sprintf("This build of launchready has no %s probes yet; they arrive with their own issue and appear here without set-up.", c.pane.Title())
	}
	for _, l := range wrap(why, w-4, "    ") {
		lines = append(lines, st.dim.Render(l))
	}
	return lines
}
