package tui

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/probes"
)

// header is the top line: product, overall state, findings by severity, the last sweep
// and the next, and the clock; on a second console, that it only reads the history. It is the only line that changes every second, so an idle
// console redraws a few cells a second and nothing else.
func (m *Model) header() string {
	st, b := m.sh.st, m.sh.board
	w := m.width
	state := b.state()
	fs := b.findings()
	counts := probes.Counts(fs)
	stateText := st.state[state].Render(stateIcon[state] + " " + stateWord[state])

	full := []string{
		st.sev[probes.Critical].Render(fmt.Sprintf("✖ %d critical", counts[probes.Critical])),
		st.sev[probes.High].Render(fmt.Sprintf("▲ %d high", counts[probes.High])),
		st.sev[probes.Medium].Render(fmt.Sprintf("· %d medium", counts[probes.Medium]+counts[probes.Low])),
	}
	short := []string{
		st.sev[probes.Critical].Render(fmt.Sprintf("✖%d", counts[probes.Critical])),
		st.sev[probes.High].Render(fmt.Sprintf("▲%d", counts[probes.High])),
		st.sev[probes.Medium].Render(fmt.Sprintf("·%d", counts[probes.Medium]+counts[probes.Low])),
	}
	now := b.now()
	sweep := m.sweepText()
	product := st.product.Render("Launch Ready") + st.dim.Render(" · ") + m.opts.Product
	if m.opts.Mode != "" {
		product += st.warnText.Render(" · " + m.opts.Mode)
	}
	// The clock shows minutes, as the risk list's ages do: a clock with seconds changed the
	// whole frame every second, and the renderer re-read all of it (1.4 ms a second at
	// 120x40, a seventh of the console's CPU on 100 checks). An idle console now sends
	// nothing between minutes; "swept 14:02:11" keeps the seconds that matter.
	tm := st.bold.Render(now.Format("15:04"))

	// Widest form that fits, dropping the least useful parts first.
	candidates := [][]string{
		{product, stateText + "  " + strings.Join(full, "  "), st.dim.Render(sweep), tm},
		{product, stateText + "  " + strings.Join(short, " "), st.dim.Render(sweep), tm},
		{m.opts.Product, stateText + "  " + strings.Join(short, " "), st.dim.Render(sweep), tm},
		{m.opts.Product, stateText + "  " + strings.Join(short, " "), tm},
		{stateText + "  " + strings.Join(short, " "), tm},
	}
	if ro := m.opts.ReadOnly; ro != "" {
		// A second console says so before anything else is dropped: first the whole
		// note after the product, then the bare word, and the state and clock last.
		full, short := st.warnText.Render("read-only · "+ro), st.warnText.Render("read-only")
		var with [][]string
		for _, note := range []string{full, short} {
			for _, c := range candidates {
				with = append(with, append([]string{c[0], note}, c[1:]...))
			}
		}
		with = append(with, []string{short, stateText, tm})
		candidates = with
	}
	if n := watchingShort(m.watchers()); n != "" {
		// Who else is looking matters during an incident: it is kept before the product's
		// name, and dropped just before the state.
		note := st.warnText.Render(n)
		with := make([][]string, 0, 2*len(candidates))
		for _, c := range candidates {
			with = append(with, append(append([]string{c[0]}, c[1:len(c)-1]...), note, c[len(c)-1]))
		}
		candidates = append(with, candidates...)
	}
	for _, parts := range candidates {
		if line, ok := spread(parts, w); ok {
			return line
		}
	}
	return clipLine(" "+stateText+" "+tm, w)
}

// sweepText is the header's "swept 14:02:11 · next 14:02:21": with the minute, the only
// part of the screen that changes with time alone.
func (m *Model) sweepText() string {
	b := m.sh.board
	sweep := "swept " + clock(b.lastSweep())
	switch {
	case len(b.latest) == 0:
		sweep = "first sweep running"
	case m.src != nil && m.calm():
		// An attached viewer's calm screen is drawn every 10 s: a "next HH:MM:SS" would
		// stand on screen after it had passed, and "checking…" would lag. The sweep's time
		// alone stays true until the next frame.
	case b.anyRunning():
		sweep += " · checking…"
	default:
		sweep += " · next " + clock(b.nextDue())
	}
	return sweep
}

// spread lays parts out on one line of width w: the first at the left, the last at the
// right, the middle ones spaced evenly between. It fails when they do not fit with at
// least two spaces between each.
func spread(parts []string, w int) (string, bool) {
	total := 0
	for _, p := range parts {
		total += widthOf(p)
	}
	gaps := len(parts) - 1
	free := w - 2 - total
	if gaps <= 0 || free < 2*gaps {
		return "", false
	}
	var b strings.Builder
	b.WriteByte(' ')
	for i, p := range parts {
		b.WriteString(p)
		if i < gaps {
			n := free / gaps
			if i < free%gaps {
				n++
			}
			b.WriteString(strings.Repeat(" ", n))
		}
	}
	return b.String(), true
}

// tabs is the pane bar: the active pane reversed, each pane with a count of its failing
// checks when there is room.
func (m *Model) tabs() string {
	st := m.sh.st
	build := func(badges, short, numbers bool) string {
		var b strings.Builder
		b.WriteByte(' ')
		for i, p := range m.panes {
			name := p.title()
			if short && name == "Certificates" {
				name = "Certs"
			}
			label := fmt.Sprintf("%d %s", (i+1)%10, name)
			if numbers && i != m.active {
				label = fmt.Sprintf("%d", (i+1)%10) // the active pane keeps its name
			}
			badge := ""
			if badges {
				if rp, ok := p.(*runbookPane); ok {
					badge = rp.badge()
				}
				if cp, ok := p.(*checkPane); ok {
					c := m.sh.board.paneCounts(cp.pane)
					if n := c[probes.StatusFail] + c[probes.StatusError]; n > 0 {
						badge = fmt.Sprintf(" ✖%d", n)
					}
				}
			}
			if i == m.active {
				b.WriteString(st.tabOn.Render("[" + label + badge + "]"))
			} else {
				b.WriteString(st.tabOff.Render(" "+label) + st.badge.Render(badge) + " ")
			}
		}
		return b.String()
	}
	for _, v := range []struct{ badges, short, numbers bool }{{true, false, false}, {false, false, false}, {false, true, false}, {false, true, true}} {
		if s := build(v.badges, v.short, v.numbers); widthOf(s) <= m.width {
			return s
		}
	}
	return clipLine(build(false, true, true), m.width)
}
