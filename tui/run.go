package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/probes"
)

// Run opens the console on the terminal, starts the runner under it, and returns when the
// operator quits or ctx ends. Results reach Update as messages through a feed that
// gathers the ones landing together, so a sweep of a hundred checks redraws a few times,
// not a hundred.
func Run(ctx context.Context, o Options, runner *probes.Runner, progOpts ...tea.ProgramOption) error {
	o.Runner = runner
	m := New(o)
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(FPS)}, progOpts...)...)
	m.pace = newPacer(p, FPS)
	defer m.pace.stop()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := newFeed(p.Send, rctx.Done())
	runner.Subscribe(f.add)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); f.run() }()
	go func() { defer wg.Done(); runner.Run(rctx) }()
	_, err := p.Run()
	cancel()
	// A run under way is let go of, not killed: the engine writes that it detached, and a
	// running command keeps running for a resume.
	m.Close(10 * time.Second)
	wg.Wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted from outside (SIGTERM): a normal end
	}
	return err
}

// FPS is the most frames a second the console draws. Bubble Tea's renderer wakes this
// often whether or not anything changed; the pacer (pacer.go) slows it to once a second
// while the screen is still and puts it back to FPS the moment a frame differs. The
// screen changes when results land (gathered for feedWindow), on the clock's minute and
// on keys; 50 ms between frames is below what a key press feels like over SSH, and the
// spinner turns at 12 frames a second.
const FPS = 20

// feedWindow is how long the feed waits for more results after the first before it hands
// them over: short enough to feel live, long enough to gather a sweep's burst.
const feedWindow = 40 * time.Millisecond

// feed carries results from the runner's goroutines to the program. add is the runner's
// subscriber: it never blocks past the console's end. It queues pointers: a buffer of
// 1024 whole Results would sit resident, and be scanned by every GC, even when empty.
type feed struct {
	in   chan *probes.Result
	send func(tea.Msg)
	done <-chan struct{}
}

func newFeed(send func(tea.Msg), done <-chan struct{}) *feed {
	return &feed{in: make(chan *probes.Result, 1024), send: send, done: done}
}

func (f *feed) add(r probes.Result) {
	select {
	case f.in <- &r:
	case <-f.done:
	}
}

func (f *feed) run() {
	for {
		var batch ResultsMsg
		select {
		case <-f.done:
			return
		case r := <-f.in:
			batch = append(batch, *r)
		}
		t := time.NewTimer(feedWindow)
	gather:
		for len(batch) < 512 {
			select {
			case r := <-f.in:
				batch = append(batch, *r)
			case <-t.C:
				break gather
			case <-f.done:
				t.Stop()
				return
			}
		}
		t.Stop()
		f.send(batch)
	}
}

// Source is an engine running elsewhere, as a console attached to it sees it: Wake is
// readable when results wait, Alert when one of them changes more than figures (a first
// result, a new status, findings raised or cleared), Take empties them. launchready serve gives each SSH session
// one (internal/serve.Mailbox), holding only the newest result per check, so a slow
// session never holds the engine up.
type Source interface {
	Wake() <-chan struct{}
	Alert() <-chan struct{}
	Take() []probes.Result
}

// RunAttached runs one console over an engine it does not own: results come from src,
// and the runner in o (nil for a viewer) is only asked to re-run checks, never started.
// progOpts give the terminal (an SSH session's input, output and size); resize carries
// the terminal's new sizes, since a program reading a network session cannot ask the
// kernel. It returns when the user quits or ctx ends (the session closed).
func RunAttached(ctx context.Context, o Options, src Source, resize <-chan tea.WindowSizeMsg, progOpts ...tea.ProgramOption) error {
	m := New(o)
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(FPS)}, progOpts...)...)
	m.pace = newPacer(p, FPS)
	// Every frame that differs kicks the renderer (pacer.shown); an attached console's
	// frames change on events and its calm clock, so its renderer need not wake every
	// second to find nothing to send.
	m.pace.idle = paceIdleAttached
	defer m.pace.stop()
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if m.opts.Tick > 0 {
		// Results are taken on an alert and on the clock (attachedclock.go); the first
		// frame shows what is known.
		m.src = src
		if batch := src.Take(); len(batch) > 0 {
			m.handleResults(batch)
		}
		wg.Go(func() {
			for {
				select {
				case <-rctx.Done():
					return
				case <-src.Alert():
					p.Send(alertMsg{})
				}
			}
		})
	} else {
		wg.Go(func() { pump(rctx, src, p.Send, attachedEvery) })
	}
	wg.Go(func() {
		for {
			select {
			case <-rctx.Done():
				return
			case w := <-resize:
				p.Send(w)
			}
		}
	})
	_, err := p.Run()
	cancel()
	m.Close(10 * time.Second)
	wg.Wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // the session went away: a normal end
	}
	return err
}

// attachedEvery is how often, at most, an attached console without a clock (Options.Tick
// negative, in tests) takes the results waiting for it; with one, it takes them on the
// clock's tick (handleTick), as often. A local console draws each result as it lands (gathered for feedWindow); a
// sweep of a hundred checks spread over the interval would make every SSH session draw
// about ten frames a second, and ten viewers a hundred: measured, that was most of what
// serve's viewers cost (scripts/bench-serve.sh). Once a second is as live as the
// console's clock, and keys are still drawn at once.
const attachedEvery = time.Second

// pump hands src's results to the program, gathered for feedWindow as the feed does, and
// no more often than every: results landing meanwhile wait in src (newest per check) and
// go together in the next message. send blocks while this console is busy drawing for a
// slow client: results meanwhile wait in src too, and the engine is not held up.
func pump(ctx context.Context, src Source, send func(tea.Msg), every time.Duration) {
	t := time.NewTimer(0)
	<-t.C
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-src.Wake():
		}
		wait := feedWindow
		if since := time.Since(last); since < every-feedWindow {
			wait = every - since
		}
		t.Reset(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if batch := src.Take(); len(batch) > 0 {
			last = time.Now()
			send(ResultsMsg(batch))
		}
	}
}
