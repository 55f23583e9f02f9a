package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/runbook"
)

// rbRun is one run of the engine under the console. The engine works on its own
// goroutine, inside a tea.Cmd; everything it says (events, questions, how it ended) comes
// back through one channel, so the console sees it in the order it happened, and Update
// reads the next message only once it has handled the last.
//
// Cancelling ctx is quitting the console: the engine detaches, a running command keeps
// running, and `launchready runbook resume` (or the Runbooks pane) picks the run up.
type rbRun struct {
	feed   chan tea.Msg
	ctx    context.Context
	cancel context.CancelFunc
	stop   chan struct{}
	done   chan struct{}
}

// startFunc is Engine.Run for a runbook, or Engine.Resume.
type startFunc func(ctx context.Context, e *runbook.Engine) (runbook.Outcome, error)

// newRun makes the run's channels; start's command runs the engine.
func newRun() *rbRun {
	ctx, cancel := context.WithCancel(context.Background())
	return &rbRun{feed: make(chan tea.Msg), ctx: ctx, cancel: cancel, stop: make(chan struct{}, 1), done: make(chan struct{})}
}

// start returns the command that runs the engine to its end and the one that reads its
// first message. Making the engine reads the operator's account and host, so it happens
// in the command, not in Update.
func (r *rbRun) start(o runbook.Options, run startFunc) tea.Cmd {
	o.Prompter = &consolePrompter{r: r}
	o.Observe = r.observer(o)
	o.Events = nil
	engine := func() tea.Msg {
		defer close(r.done)
		e := runbook.New(o)
		go func() {
			for {
				select {
				case <-r.stop:
					e.StopStep()
				case <-r.ctx.Done():
					return
				}
			}
		}()
		out, err := run(r.ctx, e)
		r.push(rbDoneMsg{run: r, out: out, err: err})
		r.cancel() // the run is over: stop the forwarder
		return nil
	}
	return tea.Batch(engine, r.next())
}

// push hands a message to the console, giving up when the console has quit.
func (r *rbRun) push(msg tea.Msg) bool {
	select {
	case r.feed <- msg:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// next reads the run's next message; nil once the run is over or the console quit.
func (r *rbRun) next() tea.Cmd {
	return func() tea.Msg {
		select {
		case m := <-r.feed:
			return m
		case <-r.ctx.Done():
			return nil
		}
	}
}

// stopStep asks the engine to stop the running command or check (ctrl+c).
func (r *rbRun) stopStep() {
	select {
	case r.stop <- struct{}{}:
	default:
	}
}

// detach lets go of the run, as a lost terminal does, and waits up to wait for the engine
// to write that down in the transcript.
func (r *rbRun) detach(wait time.Duration) {
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(wait):
	}
}

// observer is the engine's Observe: each event goes to the console in order. The first
// event of a run the console has not seen carries the run's steps, worked out here on the
// engine's goroutine (a resume reads the transcript for them).
func (r *rbRun) observer(o runbook.Options) func(runbook.Event) {
	return func(e runbook.Event) {
		msg := rbEventMsg{run: r, ev: e}
		switch e.Type {
		case runbook.RunStart:
			if e.Runbook != nil {
				msg.steps = rowsFromSource([]byte(e.Runbook.Source), e.Runbook.File, o.Env)
			}
		case runbook.Resumed:
			evs, err := runbook.ReadTranscript(o.Store.TranscriptPath(e.Run))
			if err == nil {
				for _, p := range evs {
					if p.Seq < e.Seq {
						msg.past = append(msg.past, p)
					}
				}
				if len(evs) > 0 && evs[0].Runbook != nil {
					msg.steps = rowsFromSource([]byte(evs[0].Runbook.Source), evs[0].Runbook.File, o.Env)
				}
			}
		}
		r.push(msg)
	}
}

// rowsFromSource is the stepper's rows for a runbook's text as its transcript keeps it.
// Validation gives each check its deadline; a runbook that no longer validates still
// shows its steps, without deadlines.
func rowsFromSource(src []byte, file string, env runbook.Env) []stepRow {
	rb, err := runbook.Parse(src, file)
	if err != nil {
		return nil
	}
	_ = rb.Validate(env)
	return stepRows(rb)
}

// consolePrompter answers the engine from the console's dialogs: each question is a
// message with a reply channel, and the engine's goroutine waits on it, the way a
// service waits for a permission a UI grants.
type consolePrompter struct{ r *rbRun }

var errConsoleGone = errors.New("the console quit")

func (p *consolePrompter) ask(ctx context.Context, msg rbPromptMsg) (runbook.Reply, error) {
	reply := make(chan runbook.Reply, 1)
	msg.run, msg.reply = p.r, reply
	if !p.r.push(msg) {
		return runbook.Reply{}, errConsoleGone
	}
	select {
	case rep := <-reply:
		return rep, nil
	case <-ctx.Done():
		return runbook.Reply{}, ctx.Err()
	case <-p.r.ctx.Done():
		return runbook.Reply{}, errConsoleGone
	}
}

func (p *consolePrompter) Confirm(ctx context.Context, r runbook.ConfirmRequest) (runbook.Reply, error) {
	return p.ask(ctx, rbPromptMsg{confirm: &r})
}

func (p *consolePrompter) Input(ctx context.Context, r runbook.InputRequest) (runbook.Reply, error) {
	return p.ask(ctx, rbPromptMsg{input: &r})
}

func (p *consolePrompter) Choose(ctx context.Context, r runbook.ChoiceRequest) (runbook.Reply, error) {
	return p.ask(ctx, rbPromptMsg{choice: &r})
}
