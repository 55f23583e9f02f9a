package serve

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// activity is a session's input with the time of its last key: the idle timeout counts
// from the last thing the user typed, not the last byte sent, because the console draws
// (and so writes to the connection) every second on its own.
type activity struct {
	r    io.Reader
	now  func() time.Time
	last atomic.Int64 // unix nanoseconds
}

func (a *activity) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.touch()
	}
	return n, err
}

func (a *activity) touch() { a.last.Store(a.now().UnixNano()) }

// watch calls expire once no key came for idle, checking a few times per idle period.
func (a *activity) watch(ctx context.Context, idle time.Duration, expire func()) {
	t := time.NewTicker(max(idle/8, 100*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if a.now().Sub(time.Unix(0, a.last.Load())) >= idle {
				expire()
				return
			}
		}
	}
}
