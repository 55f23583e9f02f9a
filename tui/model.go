package tui

import (
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
)

// Model is the console's root. Its Update only dispatches, each message type to one named
// method (update.go); the panes own their state and messages; View draws the header,
// the tabs, the active pane (or the detail, or help) and the footer.
type Model struct {
	opts   Options
	sh     *shared
	panes  []pane
	active int

	width, height int
	// pace slows Bubble Tea's renderer while the screen is still (pacer.go); nil outside
	// Run (tests drive Update and View directly).
	pace *pacer

	detail   *detail
	helpOpen bool
	// figuring is set while a FigureSource query runs; figuresStale when results arrived
	// since the last query, so the next clock tick asks again (once, not once per batch).
	figuring, figuresStale bool
	// rb is the Runbooks pane (also in panes): its run outlives the pane being on screen,
	// and q and ctrl+c ask it first.
	rb *runbookPane
	// tl is the Timeline pane (also in panes): t on a failing check opens it.
	tl *timelinePane
	// confirm is the console's own question (quit while a run is under way).
	confirm   *confirmDialog
	filtering bool
	input     textinput.Model
	filters   []string
	flash     string
	// rerunning is the check r asked for, so its result can say it landed.
	rerunning string
	helpView  help.Model

	spin     spinner.Model
	spinning bool

	// src is the engine's results for a console attached to one (RunAttached), taken on
	// the clock's tick; nil when results arrive as messages.
	src Source
	// hold keeps what src gave that changes only figures, up to attachedQuiet.
	hold attachedHold
	// tickAt is when the attached console's armed clock tick is due (attachedclock.go).
	tickAt time.Time
	// tickCalm says the armed tick was armed at the calm period: it shows all that waits.
	tickCalm bool

	// rev changes with every message except the clock's tick; the body (everything but
	// the header and footer) is redrawn only when rev or the minute changes.
	rev   uint64
	cache bodyCache
	// frame is the last whole screen and what it was drawn from: Bubble Tea asks for a
	// View after every message (the clock's tick, a figures query, a spinner tick), and
	// most change nothing on screen.
	frame frameCache
}

// frameCache keys a drawn screen by everything that changes it: rev (every message that
// changes the console's state), the board's version (results, figures), the size, the
// minute, the header's sweep text (the only part time changes alone) and who is
// watching (sessions come and go without a message to this console).
type frameCache struct {
	rev, version    uint64
	minute          int64
	w, h            int
	sweep, watching string
	body, screen    string
	valid           bool
}

type bodyCache struct {
	rev    uint64
	minute int64
	w, h   int
	body   string
	valid  bool
	// spin says the body shows the spinner's frame: only then does a spinner tick
	// redraw it.
	spin bool
	// due says the body shows which checks are in flight: only then does a check
	// falling due redraw it (a row turns to running).
	due bool
	// at is the board's time when the body was drawn: a check that falls due after it
	// shows as running only once the body is drawn again.
	at time.Time
}

// New makes the console's model. It does nothing until Bubble Tea runs it.
func New(o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Interval <= 0 {
		o.Interval = config.DefaultInterval
	}
	if o.History == nil {
		o.History = NewMemHistory(0)
	}
	if o.Tick == 0 {
		o.Tick = time.Second
	}
	secrets := append([]string(nil), o.Redact...)
	roles := map[string]string{}
	if o.Config != nil {
		if o.Product == "" {
			o.Product = o.Config.Product
		}
		secrets = append(secrets, o.Config.SecretValues()...)
		for _, h := range o.Config.Hosts {
			roles[h.Name] = h.Role
		}
	}
	if o.Product == "" {
		o.Product = "your product"
	}
	kinds := map[probes.Pane]bool{}
	for _, k := range o.Kinds {
		kinds[k.Pane] = true
	}
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	sh := &shared{
		board:      newBoard(o.Checks, o.Interval, o.Now, o.History, secrets),
		st:         newStyles(true),
		keys:       newKeyMap(),
		spin:       sp.View(),
		kinds:      kinds,
		hostRoles:  roles,
		hosts:      map[string]string{},
		secretRefs: len(secrets),
		dark:       true,
	}
	m := &Model{opts: o, sh: sh, spin: sp, helpView: help.New()}
	m.panes = append(m.panes, newOverview(sh))
	for _, p := range probes.Panes {
		if slices.Contains(firstPanes, p) {
			m.panes = append(m.panes, newCheckPane(sh, p))
		}
	}
	m.rb = newRunbookPane(sh, o.Runbooks, o.ErrorGroupsSince)
	m.panes = append(m.panes, m.rb)
	// The Timeline pane is key 8, right after the Runbooks pane.
	m.tl = newTimelinePane(sh, o.Timeline)
	m.panes = append(m.panes, m.tl)
	// Check panes added after the first five come after the Runbooks pane, so the keys
	// people learned (2 DNS ... 7 Runbooks) keep their meaning as panes are added; a pane
	// whose kinds this build does not register is not shown.
	for _, p := range probes.Panes {
		if !slices.Contains(firstPanes, p) && kinds[p] {
			m.panes = append(m.panes, newCheckPane(sh, p))
		}
	}
	if n := len(m.panes); n < 10 {
		sh.keys.GoTab.SetHelp(fmt.Sprintf("1-%d", n), "go to pane")
	}
	m.filters = make([]string, len(m.panes))
	m.input = textinput.New()
	m.input.Prompt = "/"
	m.input.Placeholder = "filter: words that must all appear"
	ist := m.input.Styles()
	ist.Cursor.Blink = false
	m.input.SetStyles(ist)
	if len(o.Notes) > 0 {
		m.flash = "note: " + o.Notes[0]
	}
	m.applyStyles()
	return m
}

// firstPanes are the check panes keys 2 to 6 have always gone to.
var firstPanes = []probes.Pane{probes.PaneDNS, probes.PaneTLS, probes.PaneEmail, probes.PaneEndpoints, probes.PaneErrors}

// Init starts the clock, asks the terminal for its background (light or dark palette),
// starts the spinner for the first sweep and reads the runbooks.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.nextTick(), tea.RequestBackgroundColor, m.rb.load(), m.askFigures())
}

// Close lets go of a run under way, as a lost terminal does: the engine records that
// it detached and a running command keeps running (the Runbooks pane and `launchready
// runbook resume` pick it up). It waits up to wait for the transcript to say so.
func (m *Model) Close(wait time.Duration) { m.rb.detach(wait) }

// Update dispatches each message to the method that handles it.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.invalidate(msg)
	cmd := m.dispatch(msg)
	m.takeFlash()
	if spin := m.startSpin(); spin != nil {
		cmd = tea.Batch(cmd, spin)
	}
	if tick := m.scheduleAttached(); tick != nil {
		cmd = tea.Batch(cmd, tick)
	}
	return m, cmd
}

func (m *Model) dispatch(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.handleResize(msg)
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		return m.handleWheel(msg)
	case ResultsMsg:
		return m.handleResults(msg)
	case TickMsg:
		return m.handleTick()
	case attachedTickMsg:
		return m.handleAttachedTick(msg)
	case alertMsg:
		return m.handleAlert()
	case spinner.TickMsg:
		return m.handleSpin(msg)
	case tea.BackgroundColorMsg:
		return m.handleBackground(msg)
	case figuresMsg:
		return m.handleFigures(msg)
	case copiedMsg:
		return m.handleCopied(msg)
	case triggeredMsg:
		return m.handleTriggered(msg)
	case tea.PasteMsg:
		return m.handlePaste(msg)
	case rbMsg:
		return m.handleRunbook(msg)
	case openRunMsg:
		return m.handleOpenRun(msg)
	}
	return m.routeToPane(msg)
}

// View draws the screen. The alternate screen keeps the operator's scrollback clean;
// the mouse is on for the wheel.
func (m *Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "Launch Ready · " + m.opts.Product + " · " + stateWord[m.sh.board.state()]
	m.pace.shown(v.Content, v.WindowTitle)
	return v
}

// Minimum usable size; below it the console says so instead of drawing a broken screen.
const minWidth, minHeight = 60, 16

func (m *Model) screen() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return frame([]string{"Launch Ready needs at least 60x16;", "this terminal is " + itoa(m.width) + "x" + itoa(m.height) + ".", "q quits."}, m.width, m.height)
	}
	key := frameCache{
		rev: m.rev, version: m.sh.board.version, minute: m.sh.board.now().Unix() / 60,
		w: m.width, h: m.height, sweep: m.sweepText(), watching: watchingShort(m.watchers()), valid: true,
	}
	// The body keeps its own cache; a body drawn again the same reuses the frame too.
	body := m.body()
	key.body = body
	if f := m.frame; f.valid && f.rev == key.rev && f.version == key.version && f.minute == key.minute &&
		f.w == key.w && f.h == key.h && f.sweep == key.sweep && f.watching == key.watching && f.body == body {
		return f.screen
	}
	key.screen = m.header() + "\n" + m.tabs() + "\n" + body + "\n" + m.footer()
	m.frame = key
	return key.screen
}

// bodyHeight is the rows between the tab bar and the footer.
func (m *Model) bodyHeight() int { return m.height - 3 }

func (m *Model) body() string {
	w, h := m.width, m.bodyHeight()
	now := m.sh.board.now()
	minute := now.Unix() / 60
	c := &m.cache
	if c.valid && c.rev == m.rev && c.minute == minute && c.w == w && c.h == h {
		return c.body
	}
	var s string
	m.sh.spinShown, m.sh.dueShown = false, false
	switch {
	case m.confirm != nil:
		s = m.confirm.view(w, h)
	case m.helpOpen:
		s = m.helpOverlay(w, h)
	case m.detail != nil:
		s = frame(splitLines(m.detail.view()), w, h)
	default:
		s = m.panes[m.active].view(w, h)
	}
	*c = bodyCache{rev: m.rev, minute: minute, w: w, h: h, body: s, valid: true, spin: m.sh.spinShown, due: m.sh.dueShown, at: now}
	return s
}
