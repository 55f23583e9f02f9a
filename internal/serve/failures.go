package serve

import (
	"sync"
	"time"
)

// Failed sign-ins allowed per address in failWindow before its connections are refused
// for the rest of the window. Generous, because a client offers every key in its agent
// and each unknown one counts: a person with six keys loaded fails five times a login.
const (
	maxFailures = 30
	failWindow  = time.Minute
)

// failures counts refused keys per address, so a script guessing keys is turned away at
// the TCP accept, before the handshake's work.
type failures struct {
	mu  sync.Mutex
	now func() time.Time
	by  map[string][]time.Time
}

func newFailures(now func() time.Time) *failures {
	return &failures{now: now, by: map[string][]time.Time{}}
}

func (f *failures) add(host string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.by[host] = append(f.recent(host), f.now())
}

func (f *failures) blocked(host string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recent(host)) >= maxFailures
}

// recent drops the failures older than the window; the caller holds mu. An address with
// none left is forgotten, so the map does not grow with every scanner on the internet.
func (f *failures) recent(host string) []time.Time {
	ts := f.by[host]
	cut := f.now().Add(-failWindow)
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(f.by, host)
		return nil
	}
	f.by[host] = ts
	return ts
}
