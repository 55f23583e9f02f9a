package serve

import (
	"slices"
	"sync"

	"github.com/launchready/launchready/probes"
)

// Hub hands the one runner's results to every session. The runner calls Publish from its
// goroutines; Publish never waits for a session: each session has a mailbox that keeps
// only the newest result per check, so a client that stops reading falls behind by
// whole frames (it sees the latest state when it catches up) and never slows the checks.
// A session that joins late starts from the latest result of every check.
type Hub struct {
	mu     sync.Mutex
	latest map[string]probes.Result
	order  []string // checks in the order their first result came, for a stable seed
	subs   map[*Mailbox]struct{}
}

// NewHub makes an empty hub.
func NewHub() *Hub {
	return &Hub{latest: map[string]probes.Result{}, subs: map[*Mailbox]struct{}{}}
}

// Publish is the runner's subscriber.
func (h *Hub) Publish(res probes.Result) {
	h.mu.Lock()
	prev, seen := h.latest[res.Check]
	if !seen {
		h.order = append(h.order, res.Check)
	}
	alert := !seen || changesMoreThanFigures(prev, res)
	h.latest[res.Check] = res
	subs := make([]*Mailbox, 0, len(h.subs))
	for m := range h.subs {
		subs = append(subs, m)
	}
	h.mu.Unlock()
	for _, m := range subs {
		m.put(res, alert)
	}
}

// changesMoreThanFigures says whether next, after prev for the same check, changes what
// a console shows beyond figures (latency, p95, when it ran): a new status, or findings
// raised or cleared. Decided once here for every session, so a session is woken only
// for these (Mailbox.Alert) and takes the rest on its own slow clock.
func changesMoreThanFigures(prev, next probes.Result) bool {
	if prev.Status != next.Status || len(prev.Findings) != len(next.Findings) {
		return true
	}
	for _, f := range next.Findings {
		if !slices.ContainsFunc(prev.Findings, func(o probes.Finding) bool { return o.Key() == f.Key() }) {
			return true
		}
	}
	return false
}

// Join gives a new session its mailbox, already holding the latest result of every check.
func (h *Hub) Join() *Mailbox {
	m := &Mailbox{pending: map[string]probes.Result{}, wake: make(chan struct{}, 1), alert: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.order {
		m.put(h.latest[c], false) // taken as the session starts
	}
	h.subs[m] = struct{}{}
	return m
}

// Leave stops delivering to a mailbox.
func (h *Hub) Leave(m *Mailbox) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, m)
}

// Mailbox is one session's share of the results: the newest per check not yet taken.
type Mailbox struct {
	mu      sync.Mutex
	pending map[string]probes.Result
	order   []string
	wake    chan struct{}
	alert   chan struct{}
}

// put keeps res as the newest for its check; alert says it changes more than figures.
func (m *Mailbox) put(res probes.Result, alert bool) {
	m.mu.Lock()
	if _, ok := m.pending[res.Check]; !ok {
		m.order = append(m.order, res.Check)
	}
	m.pending[res.Check] = res
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default: // already woken
	}
	if alert {
		select {
		case m.alert <- struct{}{}:
		default:
		}
	}
}

// Wake is readable when results wait.
func (m *Mailbox) Wake() <-chan struct{} { return m.wake }

// Alert is readable when a result waits that changes more than figures: a check's
// first result, a new status, findings raised or cleared. An SSH session's console is
// woken by it at once and takes figure-only results on its slow clock.
func (m *Mailbox) Alert() <-chan struct{} { return m.alert }

// Take empties the mailbox, in the order the checks first arrived.
func (m *Mailbox) Take() []probes.Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.order) == 0 {
		return nil
	}
	out := make([]probes.Result, len(m.order))
	for i, c := range m.order {
		out[i] = m.pending[c]
	}
	clear(m.pending)
	m.order = m.order[:0]
	return out
}
