package serve

import (
	"slices"
	"sync"

	"github.com/launchready/launchready/tui"
)

// presence is who has a console open, in the order they connected, for the header's "3
// watching" and the help overlay's names. Every session's console asks on every frame,
// so the answer is a copy made under a short lock.
type presence struct {
	mu   sync.Mutex
	next int
	open map[int]tui.Watcher
}

func newPresence() *presence { return &presence{open: map[int]tui.Watcher{}} }

// join counts a session in; the returned func counts it out.
func (p *presence) join(id Identity) func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.next
	p.next++
	p.open[n] = tui.Watcher{Name: id.User, Role: string(id.Role)}
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.open, n)
	}
}

// watching is the sessions open now, oldest first.
func (p *presence) watching() []tui.Watcher {
	p.mu.Lock()
	defer p.mu.Unlock()
	keys := make([]int, 0, len(p.open))
	for k := range p.open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]tui.Watcher, len(keys))
	for i, k := range keys {
		out[i] = p.open[k]
	}
	return out
}
