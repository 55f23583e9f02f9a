package alert

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/launchready/launchready/probes"
)

// Engine decides, result by result, what fires, repeats and resolves, and queues the
// notifications. It is fed from one goroutine (watch hands it results in order); the
// Store it writes to is shared with the Dispatcher that delivers.
type Engine struct {
	cfg   *Config
	store *Store
	maint *Maintenance
	now   func() time.Time
	log   *slog.Logger
	// notify wakes the dispatcher for the channels that got something.
	notify func(channels []string)
	// onChange records alert edges in the timeline; never nil.
	onChange func(Change)
	seq      atomic.Uint64
	// byCheck indexes open alerts by check, so a healthy result costs one map lookup.
	byCheck map[string]map[string]bool
}

// EngineOptions are the engine's collaborators; nil fields take harmless defaults.
type EngineOptions struct {
	Maintenance *Maintenance
	Now         func() time.Time
	Logger      *slog.Logger
	Notify      func(channels []string)
	// OnChange, when set, is told each alert that fired, was silenced by a maintenance
	// window or resolved, after the journal holds it: the wiring (watch, serve) records
	// it in the timeline. It runs on the engine's goroutine, so it must be quick.
	OnChange func(Change)
}

// NewEngine makes an engine over a store (replayed) and a config (decoded).
func NewEngine(cfg *Config, store *Store, o EngineOptions) *Engine {
	e := &Engine{cfg: cfg, store: store, maint: o.Maintenance, now: o.Now, log: o.Logger, notify: o.Notify,
		onChange: o.OnChange, byCheck: map[string]map[string]bool{}}
	if e.onChange == nil {
		e.onChange = func(Change) {}
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.notify == nil {
		e.notify = func([]string) {}
	}
	store.mu.Lock()
	for k, a := range store.alerts {
		e.index(a.Check, k)
	}
	store.mu.Unlock()
	return e
}

func (e *Engine) index(check, key string) {
	m := e.byCheck[check]
	if m == nil {
		m = map[string]bool{}
		e.byCheck[check] = m
	}
	m[key] = true
}

func (e *Engine) unindex(check, key string) {
	delete(e.byCheck[check], key)
	if len(e.byCheck[check]) == 0 {
		delete(e.byCheck, check)
	}
}

// route returns the owners and channels of every rule the finding matches.
func (e *Engine) route(f *probes.Finding) (owners, channels []string) { return e.cfg.Route(f) }

// checkError is the finding an alert about a check that could not run carries.
func checkError(res probes.Result) probes.Finding {
	return probes.Finding{
		ID: CheckErrorID, Pane: res.Pane, Check: res.Check, Target: res.Target,
		Severity: probes.High, Impact: probes.Trust,
		Title:    res.Check + " could not run",
		Detail:   res.Err,
		Observed: res.Err,
		Expected: "the check runs and reports what it sees",
		Fix: "Read the tool's log (launchready.log in the state folder) for this check. If every check " +
			"fails at once, the DNS resolver in network.resolvers (or the machine's) is the likely cause.",
	}
}

// Observe takes one result and returns the notifications it queued (already journaled).
func (e *Engine) Observe(res probes.Result) ([]Notification, error) {
	if len(e.byCheck[res.Check]) == 0 && res.Status != probes.StatusError && !hasAlertable(res) {
		return nil, nil // the common case: healthy and nothing open
	}
	now := e.now()
	failing := map[string]*probes.Finding{}
	if res.Status == probes.StatusError {
		if e.cfg.checkErrors {
			f := checkError(res)
			if _, chs := e.route(&f); len(chs) > 0 {
				failing[e.store.Key(res.Check, f.ID, f.Target)] = &f
			}
		}
	} else {
		for i := range res.Findings {
			f := &res.Findings[i]
			if _, chs := e.route(f); len(chs) == 0 {
				continue
			}
			failing[e.store.Key(res.Check, f.ID, f.Target)] = f
		}
	}

	s := e.store
	s.mu.Lock()
	var recs []record
	var notes []Notification
	var changes []Change
	durable := false
	for key, f := range failing {
		a := s.alerts[key]
		if a == nil {
			a = &Alert{Key: key, Check: res.Check, Finding: f.ID, Target: f.Target, Since: now}
		} else {
			c := *a
			a = &c
		}
		a.Pane, a.Severity, a.Impact = f.Pane, f.Severity, f.Impact
		a.Title, a.Detail, a.Observed, a.Expected, a.Fix = f.Title, f.Detail, f.Observed, f.Expected, f.Fix
		a.Fails++
		a.Oks = 0
		fired := false
		if !a.Firing && a.Fails >= e.cfg.fireAfter {
			a.Firing, a.FiredAt = true, now
			a.Owners, a.Channels = e.route(f)
			durable, fired = true, true
		}
		if a.Firing {
			n := e.due(a, now)
			switch {
			case fired && n == "" && !e.toldByTwin(a):
				// Fired inside a window: the timeline says so, and says it fired
				// when the window lets it speak.
				sp, _ := e.maint.Covering(a.Check, a.Pane, now)
				changes = append(changes, Change{Kind: ChangeSilenced, At: now, Alert: *a, Window: sp})
			case fired || (n == KindFiring && !a.Notified):
				changes = append(changes, Change{Kind: ChangeFired, At: now, Alert: *a})
			}
			if n != "" {
				notes = append(notes, e.notes(a, n, now)...)
				a.Notified, a.LastSent = true, now
				durable = true
			}
		}
		recs = append(recs, record{Op: "alert", Alert: a})
	}
	for key := range e.byCheck[res.Check] {
		if _, still := failing[key]; still {
			continue
		}
		a := s.alerts[key]
		if a == nil {
			continue
		}
		// A check that could not run says nothing about its findings: they neither fail
		// again nor pass. Only its own could-not-run alert counts the error.
		if res.Status == probes.StatusError && a.Finding != CheckErrorID {
			continue
		}
		c := *a
		c.Oks++
		c.Fails = 0
		switch {
		case !c.Firing:
			recs = append(recs, record{Op: "drop", Key: key}) // recovered before it fired
		case c.Oks >= e.cfg.resolveAfter:
			c.ResolvedAt = now
			if c.Notified {
				// Told it broke, told it recovered: a resolution goes out even during
				// maintenance, or someone keeps fixing what is already fine.
				notes = append(notes, e.notes(&c, KindResolved, now)...)
			}
			recs = append(recs, record{Op: "drop", Key: key})
			changes = append(changes, Change{Kind: ChangeResolved, At: now, Alert: c})
			durable = true
		default:
			recs = append(recs, record{Op: "alert", Alert: &c})
		}
	}
	// Notifications first: if a crash tears the write, a notification without its
	// alert update sends twice at worst; the other order could lose it.
	var all []record
	for i := range notes {
		all = append(all, record{Op: "queue", Note: &notes[i]})
	}
	all = append(all, recs...)
	err := s.commitLocked(all, durable)
	s.mu.Unlock()
	for _, r := range recs {
		switch r.Op {
		case "alert":
			e.index(r.Alert.Check, r.Alert.Key)
		case "drop":
			e.unindex(res.Check, r.Key)
		}
	}
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		e.onChange(c)
	}
	if len(notes) > 0 {
		var chs []string
		for _, n := range notes {
			if !slices.Contains(chs, n.Channel) {
				chs = append(chs, n.Channel)
			}
		}
		e.notify(chs)
	}
	return notes, nil
}

// hasAlertable says whether a healthy-path result could open an alert at all.
func hasAlertable(res probes.Result) bool {
	for _, f := range res.Findings {
		if f.Severity > probes.Info {
			return true
		}
	}
	return false
}

// due says which notification a firing alert owes now, if any.
func (e *Engine) due(a *Alert, now time.Time) Kind {
	if e.maint.Active(a.Check, a.Pane, now) {
		return ""
	}
	switch {
	case !a.Notified && e.toldByTwin(a):
		return ""
	case !a.Notified:
		return KindFiring
	case e.cfg.repeat > 0 && now.Sub(a.LastSent) >= e.cfg.repeat:
		return KindRepeat
	}
	return ""
}

// toldByTwin says whether another check's alert about the same problem (finding and
// target: two sending domains inheriting one DMARC record) already told every channel
// this one would tell. Then this one stays quiet: no firing, no repeats, and, never
// having been sent, no resolution; the twin speaks for both, as the risk list shows one
// finding raised by both checks. If the twin resolves first and this one still fails, it
// fires on its own next result. A check that could not run is its own problem. The
// caller holds the store's lock.
func (e *Engine) toldByTwin(a *Alert) bool {
	if a.Finding == CheckErrorID {
		return false
	}
	for _, t := range e.store.alerts {
		if t.Check != a.Check && t.Finding == a.Finding && t.Target == a.Target && t.Firing && t.Notified &&
			!slices.ContainsFunc(a.Channels, func(ch string) bool { return !slices.Contains(t.Channels, ch) }) {
			return true
		}
	}
	return false
}

// notes makes one notification per channel of the alert.
func (e *Engine) notes(a *Alert, k Kind, now time.Time) []Notification {
	out := make([]Notification, 0, len(a.Channels))
	for _, ch := range a.Channels {
		out = append(out, Notification{ID: e.newID(now), Channel: ch, Kind: k, Created: now, Alert: *a})
	}
	return out
}

// newID is unique across restarts (time, a counter and randomness), because the journal
// deduplicates notifications by id on replay.
func (e *Engine) newID(now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return strconv.FormatInt(now.UnixNano(), 36) + "-" + strconv.FormatUint(e.seq.Add(1), 36) + "-" + hex.EncodeToString(b[:])
}

// Forget drops the open alerts of checks that no longer exist (renamed or removed from the
// config since the last run), so they neither linger in the metrics nor wait forever for
// a result. Nothing is sent: a removed check did not recover. It returns what it dropped.
func (e *Engine) Forget(exists func(check string) bool) ([]Alert, error) {
	s := e.store
	s.mu.Lock()
	var recs []record
	var gone []Alert
	for _, k := range sortedKeys(s.alerts) {
		if a := s.alerts[k]; !exists(a.Check) {
			gone = append(gone, *a)
			recs = append(recs, record{Op: "drop", Key: k})
		}
	}
	err := s.commitLocked(recs, true)
	s.mu.Unlock()
	for _, a := range gone {
		e.unindex(a.Check, a.Key)
	}
	return gone, err
}

// Firing lists the firing alerts routed to a channel that someone was told about: what
// Alertmanager must be reminded of.
func (s *Store) Firing(channel string) []Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Alert
	for _, k := range sortedKeys(s.alerts) {
		a := s.alerts[k]
		if a.Firing && a.Notified && slices.Contains(a.Channels, channel) {
			out = append(out, *a)
		}
	}
	return out
}

// String is a one-line description for logs.
func (a Alert) String() string {
	return fmt.Sprintf("%s %s on %s (%s)", a.Severity, a.Finding, a.Check, a.Target)
}
