package probes

import "sync"

// AfterFirstSweep calls fn once, in its own goroutine, when every check of a running Run
// has reported at least once: start-up is over, and what the process touches from then on
// is its steady state (watch and the console hand start-up memory back there). Checks
// with long intervals report late, so it waits for each check by name rather than for a
// number of results.
func (r *Runner) AfterFirstSweep(fn func()) {
	var mu sync.Mutex
	waiting := make(map[string]bool, len(r.checks))
	for _, c := range r.checks {
		waiting[c.Info().Name] = true
	}
	if len(waiting) == 0 {
		go fn()
		return
	}
	r.Subscribe(func(res Result) {
		mu.Lock()
		if waiting == nil {
			mu.Unlock()
			return
		}
		delete(waiting, res.Check)
		done := len(waiting) == 0
		if done {
			waiting = nil
		}
		mu.Unlock()
		if done {
			go fn()
		}
	})
}
