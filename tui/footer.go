package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// applyStyles gives the bubbles the console's palette.
func (m *Model) applyStyles() {
	st := m.sh.st
	m.helpView.Styles = help.Styles{
		ShortKey: st.bold, ShortDesc: st.keyHint, ShortSeparator: st.dim, Ellipsis: st.dim,
		FullKey: st.bold, FullDesc: st.keyHint, FullSeparator: st.dim,
	}
	m.helpView.ShortSeparator = " · "
}

// footer is the bottom line: the filter box while typing, otherwise a message (after
// copy, r, R) and the keys that work here.
func (m *Model) footer() string {
	k, w := m.sh.keys, m.width
	if m.filtering {
		m.helpView.SetWidth(max(0, w-widthOf(m.input.View())-4))
		return clipLine(" "+m.input.View()+"  "+m.helpView.ShortHelpView(k.filterHelp()), w)
	}
	left, right := " ", ""
	if m.flash != "" {
		// A message wins over the key hints; a long one (a path) keeps its end, where the
		// file name is.
		f := m.flash
		if over := widthOf(f) - (w - 2); over > 0 {
			f = ansi.TruncateLeft(f, over+1, "…")
		}
		left += m.sh.st.flash.Render(f) + "  "
		if widthOf(left) > w-20 {
			return left
		}
	}
	binds := k.listHelp(m.panes[m.active].bindings())
	if fk, ok := m.panes[m.active].(footerKeyer); ok {
		if own, ok := fk.footerKeys(); ok {
			binds = own
		}
	}
	if m.confirm != nil {
		binds = []key.Binding{k.Yes, k.No}
	}
	if m.detail != nil {
		binds = k.detailHelp()
		if s := m.detail.scroll(); s != "" {
			right = m.sh.st.dim.Render(" " + s + " ")
		}
	}
	m.helpView.SetWidth(max(0, w-widthOf(left)-widthOf(right)-1))
	line := left + m.helpView.ShortHelpView(binds)
	if right != "" {
		line = fitCell(line, w-widthOf(right), false) + right
	}
	return clipLine(line, w)
}

// helpOverlay is the key map as a box over the body, generated from the bindings.
func (m *Model) helpOverlay(w, h int) string {
	st := m.sh.st
	hv := m.helpView
	hv.SetWidth(max(20, w-8))
	groups := m.sh.keys.fullHelp(m.panes[m.active].bindings())
	who := ""
	if l := watchingLong(m.watchers()); l != "" {
		who = st.dim.Render(strings.Join(wrap(l, max(20, w-12), ""), "\n")) + "\n"
	}
	body := st.title.Render("Keys") + "\n\n" + hv.FullHelpView(groups) + "\n\n" + who +
		st.dim.Render("States: ✔ ok · ▲ warn · ✖ fail · "+m.sh.spinFrame()+" running · ○ unknown") + "\n" +
		st.dim.Render("Any key closes this.")
	box := st.overlay.Render(body)
	return frame(splitLines(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)), w, h)
}

func splitLines(s string) []string { return strings.Split(s, "\n") }

func itoa(n int) string { return strconv.Itoa(n) }
