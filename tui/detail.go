package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/internal/launchbar"
	"github.com/launchready/launchready/probes"
)

// detail is the full story of a finding, a check or a launch bar item: what is wrong,
// observed against expected, the fix and the evidence, scrollable, and copyable as
// plain text (c). It follows its check: a new result refreshes it in place, and a
// finding that stops being reported says when it was resolved.
type detail struct {
	sh       *shared
	sel      selection
	vp       viewport.Model
	plain    string
	resolved string
	logPath  string
}

func newDetail(sh *shared, sel selection, w, h int, logPath string) *detail {
	d := &detail{sh: sh, sel: sel, logPath: logPath, vp: viewport.New(viewport.WithWidth(w), viewport.WithHeight(h))}
	d.vp.SoftWrap = false
	d.refresh(w, h)
	return d
}

// refresh rebuilds the text at a new size or after a new result, keeping the scroll.
func (d *detail) refresh(w, h int) {
	if d.sel.finding != nil {
		// From the risk list, not the check's result: a problem several checks report is
		// one entry there, naming them all.
		fs, k := d.sh.board.findings(), d.sel.finding.Key()
		if i := slices.IndexFunc(fs, func(f probes.Finding) bool { return f.Key() == k }); i >= 0 {
			f := fs[i]
			d.sel.finding, d.resolved = &f, ""
		} else if r, ok := d.sh.board.result(d.sel.check); ok && d.resolved == "" {
			d.resolved = clock(r.Started)
		}
	}
	lines := d.lines(w)
	y := d.vp.YOffset()
	d.vp.SetWidth(w)
	d.vp.SetHeight(h)
	d.vp.SetContentLines(lines)
	d.vp.SetYOffset(y)
	// The copy is the same text unwrapped, so a record or a command pastes whole.
	d.plain = plainText(d.lines(1 << 20))
}

func plainText(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.TrimRight(ansi.Strip(l), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func (d *detail) update(msg tea.Msg) {
	k := d.sh.keys
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			d.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			d.vp.ScrollDown(1)
		case key.Matches(msg, k.PageUp):
			d.vp.PageUp()
		case key.Matches(msg, k.PageDown):
			d.vp.PageDown()
		case key.Matches(msg, k.Top):
			d.vp.GotoTop()
		case key.Matches(msg, k.Bottom):
			d.vp.GotoBottom()
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			d.vp.ScrollUp(3)
		case tea.MouseWheelDown:
			d.vp.ScrollDown(3)
		}
	}
}

func (d *detail) view() string { return d.vp.View() }

// scroll says where in the text the view is, for the footer.
func (d *detail) scroll() string {
	if d.vp.TotalLineCount() <= d.vp.Height() {
		return ""
	}
	return fmt.Sprintf("%d%%", int(d.vp.ScrollPercent()*100))
}

// name is a short slug for the copy's file name.
func (d *detail) name() string {
	switch {
	case d.sel.finding != nil:
		return d.sel.finding.ID + "-" + launchbar.HostOf(d.sel.finding.Target)
	case d.sel.item != nil:
		return "launch-bar-" + d.sel.item.name
	}
	return d.sel.check
}

func (d *detail) lines(w int) []string {
	switch {
	case d.sel.finding != nil:
		return d.findingLines(*d.sel.finding, w)
	case d.sel.item != nil:
		return d.itemLines(*d.sel.item, w)
	}
	return d.checkLines(w)
}

func (d *detail) findingLines(f probes.Finding, w int) []string {
	st, b := d.sh.st, d.sh.board
	var out []string
	if d.resolved != "" {
		out = append(out, " "+st.status[probes.StatusOK].Render("✔ resolved: the check ran at "+d.resolved+" and no longer reports this"), "")
	}
	out = append(out, " "+st.sevLabel(f.Severity)+st.dim.Render(" · ")+f.Impact.Label()+st.dim.Render(" · ")+f.Pane.Title()+st.dim.Render(" · ")+f.Target)
	for _, l := range wrap(f.Title, w-1, " ") {
		out = append(out, st.bold.Render(l))
	}
	out = append(out, "")
	out = append(out, findingBody(st, f, w)...)
	out = append(out, "")
	raised := "check " + f.Check
	if len(f.RaisedBy) > 1 {
		raised = "raised by " + strings.Join(f.RaisedBy, ", ")
	}
	out = append(out, dimWrap(st, fmt.Sprintf("id %s · %s · first seen %s ago", f.ID, raised, ageWords(b.age(f))), w)...)
	if r, ok := b.result(f.Check); ok {
		out = append(out, dimWrap(st, fmt.Sprintf("last run %s · took %s · verify: launchready check --only %s", clock(r.Started), msText(float64(r.Latency.Microseconds())/1000), f.Pane), w)...)
	}
	return out
}

// findingBody is the detail, observed/expected, fix and evidence of a finding.
func findingBody(st *styles, f probes.Finding, w int) []string {
	var out []string
	if f.Detail != "" {
		out = append(out, wrap(f.Detail, w-1, " ")...)
	}
	if f.Observed != "" || f.Expected != "" {
		out = append(out, "")
		if f.Observed != "" {
			out = append(out, labelled(st, "observed", f.Observed, w)...)
		}
		if f.Expected != "" {
			out = append(out, labelled(st, "expected", f.Expected, w)...)
		}
	}
	if f.Fix != "" {
		out = append(out, "")
		fix := wrap("Fix: "+f.Fix, w-1, " ")
		fix[0] = " " + st.bold.Render("Fix:") + strings.TrimPrefix(fix[0], " Fix:")
		out = append(out, fix...)
	}
	if len(f.Evidence) > 0 {
		out = append(out, "", " "+st.bold.Render("Evidence"))
		for _, e := range f.Evidence {
			for _, l := range strings.Split(e, "\n") {
				for _, wl := range wrap(l, w-1, "   ") {
					out = append(out, st.dim.Render(wl))
				}
			}
		}
	}
	return out
}

// labelled is "   observed  value" with the value wrapped under itself.
func labelled(st *styles, label, value string, w int) []string {
	lines := wrap(value, w-1, "             ")
	lines[0] = "   " + st.dim.Render(fmt.Sprintf("%-8s", label)) + "  " + strings.TrimPrefix(lines[0], "             ")
	return lines
}

func (d *detail) checkLines(w int) []string {
	st, b := d.sh.st, d.sh.board
	name := d.sel.check
	ci := probes.CheckInfo{Name: name}
	if i, ok := b.index[name]; ok {
		ci = b.checks[i]
	}
	r, ok := b.result(name)
	state := st.dim.Render("○ not run yet")
	if ok {
		state = st.statusLabel(r.Status)
	}
	out := []string{" " + state + st.dim.Render(" · ") + ci.Pane.Title() + st.dim.Render(" · ") + ci.Name}
	for _, l := range wrap(ci.Target, w-1, " ") {
		out = append(out, st.bold.Render(l))
	}
	out = append(out, "")
	if !ok {
		return append(out, " "+st.dim.Render("This check has not reported yet; it runs every "+durText(b.every(ci))+"."))
	}
	if r.Err != "" {
		out = append(out, " "+st.status[probes.StatusError].Render("✖ could not run"))
		out = append(out, wrap(r.Err, w-1, "   ")...)
		out = append(out, "")
		hint := "This is launchready failing to check, not necessarily the product failing."
		if d.logPath != "" {
			hint += " The tool's log has more: " + d.logPath
		}
		out = append(out, wrap(hint, w-1, " ")...)
		out = append(out, "")
	} else {
		out = append(out, wrap(r.Summary, w-1, " ")...)
		out = append(out, "")
	}
	out = append(out, perfLines(st, r, w)...)
	if len(r.Metrics) > 0 {
		out = append(out, " "+st.bold.Render("Figures"))
		names := make([]string, 0, len(r.Metrics))
		for k := range r.Metrics {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			out = append(out, "   "+st.dim.Render(fmt.Sprintf("%-20s", k))+" "+num(r.Metrics[k]))
		}
		out = append(out, "")
	}
	if len(r.Findings) == 0 && r.Err == "" {
		out = append(out, " "+st.status[probes.StatusOK].Render("✔ no findings"))
	}
	for i, f := range r.Findings {
		if i > 0 {
			out = append(out, "")
		}
		out = append(out, " "+st.sevLabel(f.Severity)+"  "+st.bold.Render(f.Title)+st.dim.Render(" · "+f.Impact.Label()+" · "+f.ID))
		out = append(out, findingBody(st, f, w)...)
	}
	out = append(out, "")
	out = append(out, dimWrap(st, fmt.Sprintf("ran %s · took %s · every %s · r re-runs it now",
		clock(r.Started), msText(float64(r.Latency.Microseconds())/1000), durText(b.every(ci))), w)...)
	return out
}

func (d *detail) itemLines(it barItem, w int) []string {
	st := d.sh.st
	// Re-judge: the item may have changed since it was opened.
	for _, cur := range launchBar(d.sh) {
		if cur.name == it.name {
			it = cur
		}
	}
	stl := st.dim
	switch it.state {
	case barMet:
		stl = st.status[probes.StatusOK]
	case barNotMet:
		stl = st.status[probes.StatusFail]
	}
	out := []string{" " + stl.Render(barIcon[it.state]+" "+barWord[it.state]) + st.dim.Render(" · Launch bar"), " " + st.bold.Render(it.name), ""}
	out = append(out, wrap(it.why, w-1, " ")...)
	out = append(out, "")
	out = append(out, dimWrap(st, "judged from: "+it.reads, w)...)
	for _, f := range it.findings {
		out = append(out, "", " "+st.sevLabel(f.Severity)+"  "+st.bold.Render(f.Title)+st.dim.Render(" · "+f.Target))
		out = append(out, findingBody(st, f, w)...)
	}
	return out
}

// dimWrap is a wrapped line of dim text.
func dimWrap(st *styles, s string, w int) []string {
	lines := wrap(s, w-1, " ")
	for i, l := range lines {
		lines[i] = st.dim.Render(l)
	}
	return lines
}

// ageWords is an age for a sentence: "less than a minute", "3 minutes".
func ageWords(d interface{ Minutes() float64 }) string {
	m := int(d.Minutes())
	switch {
	case m < 1:
		return "less than a minute"
	case m == 1:
		return "1 minute"
	case m < 120:
		return fmt.Sprintf("%d minutes", m)
	}
	return fmt.Sprintf("%d hours", m/60)
}
