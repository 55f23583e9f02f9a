package discovery

import (
	"context"
	"sync"
	"time"
)

// pacer spaces the queries to each server evenly: at most rate a second, with no burst,
// so a zone's nameservers see a steady trickle from us rather than a flood that their
// rate limiting (or their operator) would take for an attack. One pacer lives for one
// Run; a nil pacer does not wait.
type pacer struct {
	interval time.Duration
	mu       sync.Mutex
	next     map[string]time.Time // per server, the earliest free slot
}

func newPacer(rate int) *pacer {
	if rate <= 0 {
		return nil
	}
	return &pacer{interval: time.Second / time.Duration(rate), next: map[string]time.Time{}}
}

// wait reserves the server's next slot and sleeps until it, or until ctx ends.
func (p *pacer) wait(ctx context.Context, server string) error {
	if p == nil {
		return ctx.Err()
	}
	p.mu.Lock()
	now := time.Now()
	slot := p.next[server]
	if slot.Before(now) {
		slot = now
	}
	p.next[server] = slot.Add(p.interval)
	p.mu.Unlock()
	d := slot.Sub(now)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
