package errlog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// source is one place log lines come from. run feeds the source's pipeline until ctx
// ends; ready closes once the source has read what was there at start (the file's
// backlog, a command's first burst), so the first Run reports it.
type source interface {
	run(ctx context.Context)
	status() SourceStatus
	ready() <-chan struct{}
	setLog(*slog.Logger)
}

// sourceBase holds what every source shares: its status, under a lock, and readiness.
type sourceBase struct {
	mu        sync.Mutex
	st        SourceStatus
	now       func() time.Time
	readyCh   chan struct{}
	readyOnce sync.Once
	p         *pipeline
	log       *slog.Logger // the tool's own log: state changes, redacted
}

func (b *sourceBase) setLog(l *slog.Logger) {
	b.mu.Lock()
	b.log = l
	b.mu.Unlock()
}

func newBase(name, kind, target string, now func() time.Time) sourceBase {
	return sourceBase{
		st:      SourceStatus{Name: name, Kind: kind, Target: target, State: StateStarting, Since: now()},
		now:     now,
		readyCh: make(chan struct{}),
	}
}

func (b *sourceBase) setState(state, errText string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.st.State != state {
		b.st.State, b.st.Since = state, b.now()
		if b.log != nil {
			lv := slog.LevelInfo
			if state == StateError || state == StateRestarting {
				lv = slog.LevelWarn
			}
			b.log.Log(context.Background(), lv, "errors: log source changed state", "source", b.st.Name, "state", state, "why", errText)
		}
	}
	b.st.Error = errText
}

func (b *sourceBase) update(fn func(*SourceStatus)) {
	b.mu.Lock()
	fn(&b.st)
	b.mu.Unlock()
}

func (b *sourceBase) status() SourceStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.st
	if b.p != nil {
		st.Lines = b.p.read.Load()
		if ns := b.p.lastRead.Load(); ns > 0 {
			st.LastLine = time.Unix(0, ns)
		}
	}
	return st
}

func (b *sourceBase) ready() <-chan struct{} { return b.readyCh }
func (b *sourceBase) markReady()             { b.readyOnce.Do(func() { close(b.readyCh) }) }

// sleep waits d or until ctx ends; it says whether to go on.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// brokenSource is a source that cannot start (a lab: path without the lab); it reports
// why, so the pane says "cannot see errors" instead of silently showing none.
type brokenSource struct{ sourceBase }

func newBrokenSource(name, kind, target, why string, now func() time.Time) *brokenSource {
	s := &brokenSource{newBase(name, kind, target, now)}
	s.setState(StateError, why)
	s.markReady()
	return s
}

func (s *brokenSource) run(ctx context.Context) { <-ctx.Done() }
