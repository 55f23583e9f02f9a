package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/internal/timeline"
	"github.com/launchready/launchready/probes"
)

// TimelineSource is where the Timeline pane reads changes (timeline.Source: the history's
// events and the runbook transcripts).
type TimelineSource interface {
	List(q store.EventQuery) ([]store.Event, error)
}

// timelineSpan is how far back the pane reads, and timelineRefresh how often it reads
// again while on screen: the store writes a result's changes within its linger (a
// second), so a change shows within a few seconds of happening.
const (
	timelineSpan    = 24 * time.Hour
	timelineRefresh = 2 * time.Second
	timelineMax     = 2000
)

// timelinePanes are what p cycles the pane filter through ("" is every pane).
var timelinePanes = []string{"", "dns", "tls", "email", "endpoints", "errors", timeline.PaneRunbooks, timeline.PaneAlerts, timeline.PaneSession}

// timelinePane is the Timeline pane: every change newest first, live while on screen,
// filtered by pane (p) and text (/); and "before this" (t on a failing check or finding
// elsewhere), the changes in the window before a failure ranked by suspicion.
type timelinePane struct {
	sh  *shared
	src TimelineSource

	events []store.Event // newest first, as read
	err    error
	read   bool   // a read has completed
	gen    int    // the refresh chain: a message of an older chain is dropped
	cursor int    // index into shown()
	filter string // the / text, lower-case words that must all appear
	pane   int    // index into timelinePanes

	// before is set while "before this" is shown; esc returns to the stream.
	before *beforeThis
}

// beforeThis is the changes before one failure, ranked.
type beforeThis struct {
	failure timeline.Failure
	window  time.Duration
	ranked  []timeline.Ranked
	deploy  *store.Event
}

// timelineMsg carries a read's events to the pane that asked, by its chain.
type timelineMsg struct {
	gen    int
	events []store.Event
	err    error
}

func newTimelinePane(sh *shared, src TimelineSource) *timelinePane {
	return &timelinePane{sh: sh, src: src}
}

func (p *timelinePane) title() string { return "Timeline" }

// activate starts a new refresh chain: the pane reads while it is on screen only.
func (p *timelinePane) activate() tea.Cmd {
	p.gen++
	return p.load(0)
}

// load reads the stream after delay, off the Update loop.
func (p *timelinePane) load(delay time.Duration) tea.Cmd {
	if p.src == nil {
		return nil
	}
	src, gen, now := p.src, p.gen, p.sh.board.now()
	read := func() tea.Msg {
		evs, err := src.List(store.EventQuery{Since: now.Add(-timelineSpan), Limit: timelineMax})
		return timelineMsg{gen: gen, events: evs, err: err}
	}
	if delay <= 0 {
		return read
	}
	return tea.Tick(delay, func(time.Time) tea.Msg { return read() })
}

func (p *timelinePane) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case timelineMsg:
		if msg.gen != p.gen {
			return nil
		}
		p.events, p.err, p.read = msg.events, msg.err, true
		if p.before != nil {
			p.rank(p.before.failure, p.before.window)
		}
		p.cursor = min(p.cursor, max(0, len(p.shown())-1))
		return p.load(timelineRefresh)
	case filterMsg:
		p.filter = strings.ToLower(strings.TrimSpace(msg.text))
		p.cursor = 0
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

func (p *timelinePane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.sh.keys
	n := len(p.shown())
	switch {
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = min(max(0, n-1), p.cursor+1)
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = max(0, n-1)
	case key.Matches(msg, k.TimelinePane):
		if p.before == nil {
			p.pane = (p.pane + 1) % len(timelinePanes)
			p.cursor = 0
		}
	}
	return nil
}

// keyFirst takes esc out of "before this" back to the stream, before the console clears
// the filter with it; and enter on a runbook run's event, which opens that run's
// transcript in the Runbooks pane rather than a check's detail.
func (p *timelinePane) keyFirst(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if p.before != nil && key.Matches(msg, p.sh.keys.Back) {
		p.before, p.cursor = nil, 0
		return nil, true
	}
	if key.Matches(msg, p.sh.keys.Open) {
		if evs := p.shown(); p.cursor < len(evs) {
			if open, ok := openRunOf(evs[p.cursor]); ok {
				return func() tea.Msg { return open }, true
			}
		}
	}
	return nil, false
}

// openRunMsg asks the console to show a runbook run's transcript at one event (its
// sequence number) in the Runbooks pane: the timeline's jump from "deploy step 2
// failed" to what the step printed. The root routes it; the timeline owns it.
type openRunMsg struct {
	id  string
	seq int
}

// openRunOf reads an event's link "run:ID#SEQ"; ok is false for other events.
func openRunOf(e store.Event) (openRunMsg, bool) {
	id := timeline.RunID(e)
	if id == "" {
		return openRunMsg{}, false
	}
	_, seq, _ := strings.Cut(e.Link, "#")
	n, _ := strconv.Atoi(seq)
	return openRunMsg{id: id, seq: n}, true
}

func (p *timelinePane) bindings() []key.Binding {
	k := p.sh.keys
	if p.before != nil {
		return []key.Binding{k.Back, k.Up, k.Down}
	}
	return []key.Binding{k.TimelinePane, k.Up, k.Down}
}

// selected is the check of the event under the cursor, so enter opens that check's
// detail and r re-runs it: the jump from a change to what it changed.
func (p *timelinePane) selected() (selection, bool) {
	evs := p.shown()
	if p.cursor >= len(evs) || evs[p.cursor].Check == "" {
		return selection{}, false
	}
	return selection{check: evs[p.cursor].Check}, true
}

// shown is what the list shows: in "before this" the ranked changes, otherwise the
// stream with the pane and text filters applied.
func (p *timelinePane) shown() []store.Event {
	if p.before != nil {
		out := make([]store.Event, len(p.before.ranked))
		for i, r := range p.before.ranked {
			out[i] = r.Event
		}
		return out
	}
	want := timelinePanes[p.pane]
	if want == "" && p.filter == "" {
		return p.events
	}
	var out []store.Event
	for _, e := range p.events {
		if want != "" && e.Pane != want {
			continue
		}
		if p.filter != "" && !matchesAll(strings.ToLower(e.Summary+" "+e.Pane+" "+e.Who+" "+e.Target), p.filter) {
			continue
		}
		out = append(out, e)
	}
	return out
}

func matchesAll(text, filter string) bool {
	for _, w := range strings.Fields(filter) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// openBefore shows the changes before a failure: what t does on a failing check or
// finding in another pane.
func (p *timelinePane) openBefore(f timeline.Failure) tea.Cmd {
	p.rank(f, timeline.DefaultWindow)
	p.cursor = 0
	p.gen++
	return p.load(0)
}

func (p *timelinePane) rank(f timeline.Failure, window time.Duration) {
	ranked, deploy := timeline.Before(p.events, f, window)
	p.before = &beforeThis{failure: f, window: window, ranked: ranked, deploy: deploy}
}

func (p *timelinePane) view(w, h int) string {
	st := p.sh.st
	now := p.sh.board.now()
	var lines []string
	switch {
	case p.src == nil:
		return frame([]string{st.dim.Render("  No timeline: this console has no history database to read changes from.")}, w, h)
	case p.err != nil:
		lines = append(lines, st.warnText.Render("  Cannot read the timeline: "+p.err.Error()))
	case !p.read:
		return frame([]string{st.dim.Render("  Reading the timeline…")}, w, h)
	}
	if b := p.before; b != nil {
		lines = append(lines, p.beforeHeader(b, now, w)...)
	} else {
		lines = append(lines, p.header(now))
	}
	evs := p.shown()
	if len(evs) == 0 {
		msg := "  No changes in the last 24 hours."
		if p.before != nil {
			msg = fmt.Sprintf("  No changes in the %s before it.", ageWords(p.before.window))
		} else if timelinePanes[p.pane] != "" || p.filter != "" {
			msg = "  No changes match the filter."
		}
		lines = append(lines, "", st.dim.Render(msg))
		return frame(lines, w, h)
	}
	lines = append(lines, "")
	rows := h - len(lines)
	top := 0
	if p.cursor >= rows {
		top = p.cursor - rows + 1
	}
	for i := top; i < len(evs) && i < top+rows; i++ {
		lines = append(lines, p.row(evs[i], i, now, w))
	}
	return frame(lines, w, h)
}

// header is "last change 4 min ago: deploy started by ops-lead", with the filters.
func (p *timelinePane) header(now time.Time) string {
	st := p.sh.st
	if len(p.events) == 0 {
		return "  " + st.dim.Render("no change recorded in the last 24 hours")
	}
	e := p.events[0]
	s := "  " + st.bold.Render("last change "+agoText(now.Sub(e.Time))+": ") + e.Summary
	var f []string
	if pn := timelinePanes[p.pane]; pn != "" {
		f = append(f, "pane "+pn)
	}
	if p.filter != "" {
		f = append(f, "“"+p.filter+"”")
	}
	if len(f) > 0 {
		s += st.dim.Render(" · showing " + strings.Join(f, ", "))
	}
	return s
}

func (p *timelinePane) beforeHeader(b *beforeThis, now time.Time, w int) []string {
	st := p.sh.st
	name := b.failure.Check
	if name == "" {
		name = b.failure.Target
	}
	out := []string{"  " + st.bold.Render("Before "+name+" failed at "+clock(b.failure.Time)) +
		st.dim.Render(fmt.Sprintf(" · %d changes in the %s before, most suspect first · esc: all changes", len(b.ranked), ageWords(b.window)))}
	if b.deploy != nil {
		who := ""
		if b.deploy.Who != "" {
			who = " by " + b.deploy.Who
		}
		out = append(out, "  "+st.warnText.Render(fmt.Sprintf("▲ %s ran%s at %s: roll it back from the Runbooks pane (7), or run the rollback runbook", b.deploy.Target, who, clock(b.deploy.Time))))
	}
	return out
}

func (p *timelinePane) row(e store.Event, i int, now time.Time, w int) string {
	st := p.sh.st
	mark := "  "
	if i == p.cursor {
		mark = st.marker.Render("▸ ")
	}
	when := clock(e.Time.In(now.Location()))
	if now.Sub(e.Time) >= 24*time.Hour {
		when = e.Time.In(now.Location()).Format("Jan 2 15:04")
	}
	pane := fitCell(e.Pane, 9, false)
	text := e.Summary
	if e.Who != "" && !strings.Contains(text, e.Who) {
		text += " (by " + e.Who + ")"
	}
	if p.before != nil && i < len(p.before.ranked) && len(p.before.ranked[i].Why) > 0 {
		text += st.dim.Render(" · " + strings.Join(p.before.ranked[i].Why, ", "))
	}
	ps := st.dim
	if e.Pane == timeline.PaneRunbooks {
		ps = st.warnText // an operator's change stands out among the probes' findings
	}
	return clipLine(mark+st.dim.Render(when)+"  "+ps.Render(pane)+"  "+text, w)
}

// agoText is an age for the header: "just now", "4 min ago", "2 h ago", "3 days ago".
func agoText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// failureOf is what "before this" explains for a selection: a finding, or a check whose
// latest result is failing; ok is false for anything healthy.
func failureOf(b *board, sel selection) (timeline.Failure, bool) {
	if f := sel.finding; f != nil {
		r, ok := b.result(f.Check)
		at := b.now()
		if ok {
			at = r.Started
		}
		if age := b.age(*f); age > 0 {
			at = b.now().Add(-age)
		}
		return timeline.Failure{Time: at, Pane: string(f.Pane), Check: f.Check, Target: f.Target}, true
	}
	if sel.check == "" {
		return timeline.Failure{}, false
	}
	r, ok := b.result(sel.check)
	if !ok || r.Status == probes.StatusOK || r.Status == probes.StatusError {
		return timeline.Failure{}, false
	}
	// It failed when its oldest finding was first seen: what came before that is suspect.
	at := r.Started
	for _, f := range r.Findings {
		if age := b.age(f); age > 0 && b.now().Add(-age).Before(at) {
			at = b.now().Add(-age)
		}
	}
	return timeline.Failure{Time: at, Pane: string(r.Pane), Check: r.Check, Target: r.Target}, true
}
