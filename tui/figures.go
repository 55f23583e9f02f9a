package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/launchready/launchready/probes"
)

// askFigures starts a FigureSource query over the endpoint checks, when the history is
// one and none is running. The query is I/O (a database), so it runs as a command; while
// one runs, new results only mark the figures stale.
//
// It is asked at start, and then on the clock's tick when results arrived since the last
// query (staleFigures), not on every batch of results: a 24-hour uptime and a 1-hour p95
// move slowly, results land several times a second on a hundred checks, and each query
// also flushes the history's write queue.
func (m *Model) askFigures() tea.Cmd {
	src, ok := m.sh.board.history.(FigureSource)
	if !ok {
		return nil
	}
	if m.figuring {
		m.figuresStale = true
		return nil
	}
	var names []string
	for _, c := range m.sh.board.checksIn(probes.PaneEndpoints) {
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return nil
	}
	m.figuring, m.figuresStale = true, false
	return func() tea.Msg {
		f, err := src.Figures(names)
		return figuresMsg{f: f, err: err}
	}
}

// handleFigures keeps the history's figures for the tiles. A failed query keeps the last
// figures (or the since-start ones) and says so once in the footer.
func (m *Model) handleFigures(msg figuresMsg) tea.Cmd {
	m.figuring = false
	if msg.err != nil {
		m.flash = "history figures unavailable: " + msg.err.Error()
	} else {
		if f := msg.f; m.sh.board.figures == nil || *m.sh.board.figures != f {
			m.sh.board.figures = &f
			m.sh.board.version++
		}
	}
	return nil
}

// staleFigures marks the figures for a query on the next tick, when the history has any.
func (m *Model) staleFigures() {
	if _, ok := m.sh.board.history.(FigureSource); ok {
		m.figuresStale = true
	}
}

// tickFigures is the tick's query, when results arrived since the last one.
func (m *Model) tickFigures() tea.Cmd {
	if !m.figuresStale {
		return nil
	}
	return m.askFigures()
}
