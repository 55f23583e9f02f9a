package watch

import (
	"sync"

	"github.com/launchready/launchready/probes"
)

// firstSweep notices when every check has reported once and then calls its function,
// once. Checks with long intervals report late, so "every check" rather than "the first N
// results" marks the end of start-up.
type firstSweep struct {
	mu      sync.Mutex
	waiting map[string]bool
	then    func()
}

func newFirstSweep(checks []probes.Check, then func()) *firstSweep {
	f := &firstSweep{then: then}
	if then == nil {
		return f
	}
	f.waiting = make(map[string]bool, len(checks))
	for _, c := range checks {
		f.waiting[c.Info().Name] = true
	}
	return f
}

func (f *firstSweep) observe(check string) {
	f.mu.Lock()
	if f.waiting == nil {
		f.mu.Unlock()
		return
	}
	delete(f.waiting, check)
	done := len(f.waiting) == 0
	if done {
		f.waiting = nil
	}
	f.mu.Unlock()
	if done {
		go f.then()
	}
}
