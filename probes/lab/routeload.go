package lab

import (
	"math"
	"sync"
	"time"
)

// DefaultDegradeBy is how much longer a request past a route's DegradeAbove waits: over
// the example config's 2s p95 budget, so the knee is plain in a load report.
const DefaultDegradeBy = 3 * time.Second

// routeLoad is what one rate-aware route (DegradeAbove, FailAbove) knows about the load on
// it: the recent arrivals and the requests being answered. Static routes have none.
type routeLoad struct {
	mu sync.Mutex
	// recent holds the last floor(DegradeAbove)+1 arrival times, a ring: the rate is over
	// DegradeAbove exactly when the oldest of them is less than a second old. A window of
	// the last second, unlike a token bucket, keeps no credit from quiet seconds, so the
	// slowdown starts at the rate itself, not seconds later while saved tokens run out, and
	// a probe's short burst (ten logins in a row) stays under it.
	recent   []time.Time
	next     int
	inFlight int
}

// arrive counts one arrival at now and says whether the last second's arrivals, this one
// included, are over limit per second.
func (l *routeLoad) arrive(now time.Time, limit float64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := int(math.Floor(limit)) + 1 // the smallest count over limit
	if len(l.recent) != n {
		l.recent, l.next = make([]time.Time, n), 0
	}
	l.recent[l.next] = now
	l.next = (l.next + 1) % n
	oldest := l.recent[l.next] // the n-th most recent arrival; zero until n have come
	return !oldest.IsZero() && now.Sub(oldest) < time.Second
}

// enter admits a request unless limit are already being answered; leave must follow an
// admitted one.
func (l *routeLoad) enter(limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight >= limit {
		return false
	}
	l.inFlight++
	return true
}

func (l *routeLoad) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
}

// loadKey names a route's load state: one per Method and Path, like the table's routes.
func loadKey(r Route) string { return r.Method + " " + r.Path }

// loadOf returns the route's load state, made on its first request. Lab.SetRoute replacing
// the route drops it (routeTable.set), so a replaced route starts unloaded.
func (t *routeTable) loadOf(r Route) *routeLoad {
	t.loadMu.Lock()
	defer t.loadMu.Unlock()
	if t.loads == nil {
		t.loads = map[string]*routeLoad{}
	}
	l, ok := t.loads[loadKey(r)]
	if !ok {
		l = &routeLoad{}
		t.loads[loadKey(r)] = l
	}
	return l
}

// forget drops a route's load state.
func (t *routeTable) forget(r Route) {
	t.loadMu.Lock()
	defer t.loadMu.Unlock()
	delete(t.loads, loadKey(r))
}

// degradeBy is the route's extra wait past DegradeAbove, default applied.
func (r Route) degradeBy() time.Duration {
	if r.DegradeBy > 0 {
		return r.DegradeBy
	}
	return DefaultDegradeBy
}
