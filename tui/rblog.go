package tui

import (
	"strings"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// logView is a past run's transcript as `launchready runbook log` prints it: who ran
// what and when, every command with its output and exit status, every look a check took,
// every choice. The text is the same function's, so the screen and the shell agree.
type logView struct {
	sh   *shared
	id   string
	path string
	text []string
	err  error
	from rbMode
	vp   viewport.Model
	w    int
	// start is the line to open at, until the first layout places it.
	start int
}

func newLogView(sh *shared, msg rbLogMsg, from rbMode) *logView {
	vp := viewport.New()
	vp.SoftWrap = false
	lv := &logView{sh: sh, id: msg.id, path: msg.path, err: msg.err, from: from, vp: vp, start: msg.line}
	for _, l := range strings.Split(strings.TrimRight(msg.text, "\n"), "\n") {
		lv.text = append(lv.text, expandTabs(cleanOutput(l)))
	}
	return lv
}

func (v *logView) view(w, h int) string {
	st := v.sh.st
	head := " " + st.title.Render("Transcript of "+v.id) + st.dim.Render(" · "+v.path)
	if v.err != nil {
		lines := []string{head, ""}
		lines = append(lines, wrap("✖ cannot read it: "+v.err.Error(), w-2, " ")...)
		return frame(lines, w, h)
	}
	if v.w != w || v.vp.Height() != h-1 {
		y := v.vp.YOffset()
		if v.w == 0 {
			y = v.start
		}
		v.vp.SetWidth(w)
		v.vp.SetHeight(max(1, h-1))
		lines := make([]string, len(v.text))
		for i, l := range v.text {
			lines[i] = " " + l
		}
		v.vp.SetContentLines(lines)
		v.vp.SetYOffset(y)
		v.w = w
	}
	if v.vp.TotalLineCount() > v.vp.Height() {
		pct := st.dim.Render(" " + itoa(int(v.vp.ScrollPercent()*100)) + "% ")
		head = fitCell(head, w-widthOf(pct), false) + pct
	}
	return frame(append([]string{head}, strings.Split(v.vp.View(), "\n")...), w, h)
}

func (v *logView) key(msg tea.KeyPressMsg) bool { return scrollKey(&v.vp, msg, v.sh.keys) }

func (v *logView) wheel(msg tea.MouseWheelMsg) { scrollWheel(&v.vp, msg) }
