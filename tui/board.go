package tui

import (
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
)

// board is what the console knows: every check, its latest result, when each finding was
// first seen, what is in flight and the history. Only the root model's Update writes it;
// panes read it while rendering. It holds no goroutines and does no I/O.
type board struct {
	now      func() time.Time
	interval time.Duration // the runner's default interval, for "next" and "running"
	checks   []probes.CheckInfo
	index    map[string]int
	latest   map[string]probes.Result
	// firstSeen is when a finding (by Finding.Key) was first reported, for its age. A
	// finding that disappears is forgotten, so a recurrence starts a new age.
	firstSeen map[string]time.Time
	// triggered holds checks the operator asked to re-run (r, R) until their result lands.
	triggered map[string]time.Time
	history   History
	redact    *redactor
	// up and total count endpoints results since start, for the uptime tile when no
	// check reports uptime_24h yet.
	up, total int
	start     time.Time
	// figures are the history's long-window figures, when it has any (FigureSource).
	figures *Figures
	// version changes whenever the board does, so views can cache.
	version uint64
	// derived holds what is computed from the results, recomputed once per version: a
	// screen asks for the ranked findings several times, and ranking a few hundred
	// findings costs more than drawing them.
	derived derived
}

type derived struct {
	version  uint64
	valid    bool
	results  []probes.Result
	findings []probes.Finding
	state    probes.State
	panes    map[probes.Pane]map[probes.Status]int
	// last is when the newest result finished, next the soonest due time, unrun the
	// checks with no result yet: the header reads them every second.
	last, next time.Time
	unrun      int
}

// derive returns the derived values for the current version. Callers must not change
// the slices it returns.
func (b *board) derive() *derived {
	d := &b.derived
	if d.valid && d.version == b.version {
		return d
	}
	d.results = d.results[:0]
	for _, c := range b.checks {
		if r, ok := b.latest[c.Name]; ok {
			d.results = append(d.results, r)
		}
	}
	// The risk list as the check report has it: one finding per problem, whichever checks
	// report it.
	d.findings = probes.RiskList(d.results)
	d.state = probes.Overall(d.results)
	d.panes = map[probes.Pane]map[probes.Status]int{}
	d.last, d.next, d.unrun = time.Time{}, time.Time{}, 0
	for _, c := range b.checks {
		if r, ok := b.latest[c.Name]; ok {
			if e := r.Started.Add(r.Latency); e.After(d.last) {
				d.last = e
			}
			if due := r.Started.Add(r.Latency).Add(b.every(c)); d.next.IsZero() || due.Before(d.next) {
				d.next = due
			}
		} else {
			d.unrun++
		}
	}
	for _, c := range b.checks {
		m := d.panes[c.Pane]
		if m == nil {
			m = map[probes.Status]int{}
			d.panes[c.Pane] = m
		}
		switch r, ok := b.latest[c.Name]; {
		case !ok:
			m[probes.StatusUnknown]++ // not run yet: waiting
		case r.Status == probes.StatusUnknown:
			m[ranUnjudged]++ // ran, and had nothing to judge
		default:
			m[r.Status]++
		}
	}
	d.version, d.valid = b.version, true
	return d
}

func newBoard(checks []probes.CheckInfo, interval time.Duration, now func() time.Time, h History, secrets []string) *board {
	b := &board{
		now: now, interval: interval, index: map[string]int{}, latest: map[string]probes.Result{},
		firstSeen: map[string]time.Time{}, triggered: map[string]time.Time{}, history: h,
		redact: newRedactor(secrets), start: now(),
	}
	for _, c := range checks {
		b.addCheck(c)
	}
	return b
}

func (b *board) addCheck(c probes.CheckInfo) {
	if _, ok := b.index[c.Name]; ok {
		return
	}
	b.index[c.Name] = len(b.checks)
	b.checks = append(b.checks, c)
}

// apply takes a result in: the latest per check, finding ages, history and counters.
func (b *board) apply(r probes.Result) {
	r = b.redact.result(r)
	if _, ok := b.index[r.Check]; !ok {
		b.addCheck(probes.CheckInfo{Name: r.Check, Kind: r.Kind, Pane: r.Pane, Target: r.Target})
	}
	now := b.now()
	if old, ok := b.latest[r.Check]; ok {
		for _, f := range old.Findings {
			if !slices.ContainsFunc(r.Findings, func(n probes.Finding) bool { return n.Key() == f.Key() }) && !b.raisedElsewhere(r.Check, f.Key()) {
				delete(b.firstSeen, f.Key())
			}
		}
	}
	for _, f := range r.Findings {
		if _, ok := b.firstSeen[f.Key()]; !ok {
			b.firstSeen[f.Key()] = now
		}
	}
	b.latest[r.Check] = r
	delete(b.triggered, r.Check)
	b.history.Record(r)
	if r.Pane == probes.PaneEndpoints {
		b.total++
		if r.Status != probes.StatusFail && r.Status != probes.StatusError {
			b.up++
		}
	}
	b.version++
}

// raisedElsewhere says whether a check other than this one still reports the finding: a
// problem two checks see keeps its age until neither does.
func (b *board) raisedElsewhere(check, key string) bool {
	for name, r := range b.latest {
		if name != check && slices.ContainsFunc(r.Findings, func(f probes.Finding) bool { return f.Key() == key }) {
			return true
		}
	}
	return false
}

// trigger marks checks as asked for; they show a spinner until their result lands.
func (b *board) trigger(names ...string) {
	for _, n := range names {
		b.triggered[n] = b.now()
	}
	b.version++
}

// result is the latest result of a check.
func (b *board) result(name string) (probes.Result, bool) {
	r, ok := b.latest[name]
	return r, ok
}

// results are the latest results, in config order; not to be changed.
func (b *board) results() []probes.Result { return b.derive().results }

// checksIn lists a pane's checks in config order.
func (b *board) checksIn(p probes.Pane) []probes.CheckInfo {
	var out []probes.CheckInfo
	for _, c := range b.checks {
		if c.Pane == p {
			out = append(out, c)
		}
	}
	return out
}

// findings are the current risk list (probes.RiskList): one per problem, ranked; not to
// be changed.
func (b *board) findings() []probes.Finding { return b.derive().findings }

// failedRuns are the checks that could not run, in config order.
func (b *board) failedRuns() []probes.Result {
	var out []probes.Result
	for _, c := range b.checks {
		if r, ok := b.latest[c.Name]; ok && r.Status == probes.StatusError {
			out = append(out, r)
		}
	}
	return out
}

// age is how long a finding has been reported.
func (b *board) age(f probes.Finding) time.Duration {
	t, ok := b.firstSeen[f.Key()]
	if !ok {
		return 0
	}
	return b.now().Sub(t)
}

// every is how often a check runs.
func (b *board) every(c probes.CheckInfo) time.Duration {
	if c.Interval > 0 {
		return c.Interval
	}
	return b.interval
}

// due is when a check should next start: the runner waits a full interval after a run
// finishes. The runner does not announce starts, so a check past its due time is shown
// running until its result lands.
func (b *board) due(c probes.CheckInfo) (time.Time, bool) {
	r, ok := b.latest[c.Name]
	if !ok {
		return time.Time{}, false
	}
	return r.Started.Add(r.Latency).Add(b.every(c)), true
}

// running says whether a check is in flight: not run yet, asked for, or past due.
func (b *board) running(c probes.CheckInfo) bool {
	if _, ok := b.triggered[c.Name]; ok {
		return true
	}
	d, ok := b.due(c)
	return !ok || !b.now().Before(d)
}

// fellDue says whether a check with a result fell due in (from, to]: from then on it is
// shown running until its next result lands.
func (b *board) fellDue(from, to time.Time) bool {
	for _, c := range b.checks {
		if d, ok := b.due(c); ok && d.After(from) && !d.After(to) {
			return true
		}
	}
	return false
}

// anyRunning says whether the spinner has anything to show: a check asked for, one with
// no result yet, or one past due.
func (b *board) anyRunning() bool {
	d := b.derive()
	return len(b.triggered) > 0 || d.unrun > 0 || (!d.next.IsZero() && !b.now().Before(d.next))
}

// lastSweep is when the newest result finished; zero before any.
func (b *board) lastSweep() time.Time { return b.derive().last }

// nextDue is the soonest time a check is due, or zero when none is scheduled.
func (b *board) nextDue() time.Time { return b.derive().next }

// state is the product's state from the results so far.
func (b *board) state() probes.State { return b.derive().state }

// paneCounts is how many of a pane's checks are in each status (unknown: no result yet).
func (b *board) paneCounts(p probes.Pane) map[probes.Status]int {
	if m := b.derive().panes[p]; m != nil {
		return m
	}
	return map[probes.Status]int{}
}

// matches reports whether every word of the filter appears in one of the texts, case
// folded: "api 503" finds the API's 503 row.
func matches(filter string, texts ...string) bool {
	if filter == "" {
		return true
	}
	hay := strings.ToLower(strings.Join(texts, " "))
	for _, w := range strings.Fields(strings.ToLower(filter)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
