package setup

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// TakeOverHistory is for `launchready watch`, the process meant to record the history.
// When another launchready holds the writer's lock (a console opened before watch
// started, or while watch restarted), the session's history is read-only and watch would
// record nothing for as long as it runs. Instead it tries for the lock every `every`
// until ctx ends, and from the moment it gets it (the console closed) records r's
// results itself. Meanwhile the console records the same checks, so no stretch of
// history is lost. It does nothing when the session already writes the history or keeps
// it in memory.
func (s *Session) TakeOverHistory(ctx context.Context, r *probes.Runner, every time.Duration) {
	h := s.History()
	path := s.HistoryPath()
	if path == "" || !h.ReadOnly() {
		return
	}
	t := &takeover{}
	s.closers = append(s.closers, t.close)
	r.Subscribe(t.record)
	o := s.historyOptions()
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			st, err := store.Open(path, o)
			if errors.Is(err, store.ErrWriterBusy) {
				continue
			}
			if err != nil {
				s.Log.Warn("history: cannot take over recording yet", "path", path, "err", err)
				continue
			}
			if !t.set(st) {
				st.Close()
				return
			}
			s.Log.Info("history: the other launchready let go; this one records the history now", "path", path)
			return
		}
	}()
}

// takeover forwards results to a writer store once there is one.
type takeover struct {
	mu     sync.RWMutex
	st     *store.Store
	closed bool
}

func (t *takeover) record(res probes.Result) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.st != nil {
		t.st.Record(res)
	}
}

// set installs the writer; false when the session already closed.
func (t *takeover) set(st *store.Store) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.st = st
	return true
}

func (t *takeover) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	if t.st == nil {
		return nil
	}
	return t.st.Close()
}
