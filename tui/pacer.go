package tui

import (
	"reflect"
	"sync"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"
)

// Pacing of Bubble Tea's renderer. Bubble Tea v2 (v2.1.1) flushes frames from a ticker
// that runs at the program's FPS for its whole life, whether or not anything changed;
// on an idle console those wake-ups are nearly all of its CPU (20 a second: ~2-3 ms of
// CPU a second on the bench machine, 0.2-0.3 ms per check on 100 checks every 10 s).
// Upstream pull requests make the renderer demand-driven (charmbracelet/bubbletea#1776,
// #1796); until one lands, the pacer slows that same ticker to once a second when the
// screen has stopped changing and puts it back to FPS the moment a new frame differs.
// Drop this file when Bubble Tea paces itself.
const (
	// paceLinger is how long frames stay at FPS after the last change: a burst of results
	// or keys keeps full speed, and the last change is flushed by a fast tick.
	paceLinger = 250 * time.Millisecond
	// paceIdle is the ticker's period once the screen is still. Every change reaches
	// View first, so this is only a safety net: nothing waits on it.
	paceIdle = time.Second
	// paceIdleAttached is paceIdle for an attached console (an SSH session of launchready
	// serve): its screen changes only on events, each of which kicks the ticker, so an
	// idle viewer's renderer wakes once a minute, not once a second.
	paceIdleAttached = time.Minute
	// paceKick is the ticker's period for the first frame after a still spell, for
	// paceKickFor, before it goes back to FPS: a key pressed on an idle console is drawn
	// within milliseconds instead of waiting out a whole frame period.
	paceKick    = 2 * time.Millisecond
	paceKickFor = 5 * time.Millisecond
)

// pacer owns the speed of the renderer's ticker. shown runs on Bubble Tea's event loop
// (View); settle runs on a timer; both take mu.
type pacer struct {
	prog       *tea.Program
	fast, idle time.Duration
	linger     time.Duration

	looked bool         // the ticker was looked for (found or not)
	ticker *time.Ticker // Bubble Tea's renderer ticker; nil: not found, pacing off

	lastContent, lastTitle string

	mu      sync.Mutex
	done    bool        // the console closed: leave the ticker alone
	slow    bool        // the ticker runs at idle
	changed time.Time   // the last time a frame differed
	timer   *time.Timer // settles to idle after linger
	kick    *time.Timer // back to FPS after paceKickFor
}

// newPacer starts as if the screen had been still, so the very first frame is kicked out
// too instead of waiting for the renderer's first tick a frame period after start.
func newPacer(prog *tea.Program, fps int) *pacer {
	return &pacer{prog: prog, fast: time.Second / time.Duration(fps), idle: paceIdle, linger: paceLinger, slow: true}
}

// rendererTicker finds the ticker Bubble Tea's renderer flushes on: the Program's
// unexported field ticker, a *time.Ticker. It returns nil if this Bubble Tea has no such
// field (a later version): pacing then stays off and the console works as before, only
// waking at FPS. TestPacerFindsBubbleTeasTicker fails loudly if an upgrade removes it.
// Call it on the event loop (from View): Run sets the field before the first View on
// that same goroutine, so reading it there is ordered after the write.
func rendererTicker(p *tea.Program) *time.Ticker {
	if p == nil {
		return nil
	}
	f := reflect.ValueOf(p).Elem().FieldByName("ticker")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*time.Ticker]() {
		return nil
	}
	return *(**time.Ticker)(unsafe.Pointer(f.UnsafeAddr()))
}

// shown is called with every frame View hands Bubble Tea. A frame that differs from the
// last wakes the renderer at once (the frame is flushed within paceKick, then frames
// run at FPS) and re-arms the settle timer.
func (p *pacer) shown(content, title string) {
	if p == nil || (content == p.lastContent && title == p.lastTitle) {
		return
	}
	p.lastContent, p.lastTitle = content, title
	if !p.looked {
		p.looked = true
		p.ticker = rendererTicker(p.prog)
	}
	if p.ticker == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.changed = time.Now()
	if p.slow {
		p.ticker.Reset(paceKick)
		p.slow = false
		if p.kick == nil {
			p.kick = time.AfterFunc(paceKickFor, p.toFast)
		} else {
			p.kick.Reset(paceKickFor)
		}
	}
	if p.timer == nil {
		p.timer = time.AfterFunc(p.linger, p.settle)
	} else {
		p.timer.Reset(p.linger)
	}
}

// toFast ends the kick: the ticker runs at FPS while frames keep changing.
func (p *pacer) toFast() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done || p.slow {
		return
	}
	p.ticker.Reset(p.fast)
}

// settle slows the renderer once no frame has differed for linger. A settle that fires
// just as a new frame arrives sees the fresh change and leaves the speed alone.
func (p *pacer) settle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done || p.slow || time.Since(p.changed) < p.linger {
		return
	}
	p.ticker.Reset(p.idle)
	p.slow = true
}

// stop ends the pacer's timers (the console is closing).
func (p *pacer) stop() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.kick != nil {
		p.kick.Stop()
	}
}

// isSlow reports whether the renderer is at its idle pace, for tests.
func (p *pacer) isSlow() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slow
}
