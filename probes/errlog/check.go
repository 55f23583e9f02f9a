package errlog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// Check is the errors pane's one check. Its sources start on the first Run and keep
// reading between runs; each Run reports the current snapshot. It implements io.Closer:
// the session that built it closes it, which stops the tailers and kills the commands'
// process groups. The runbook pane asks it for NewGroupsSince(deploy start).
type Check struct {
	info probes.CheckInfo
	set  settings
	now  func() time.Time
	log  *slog.Logger
	cfg  *config.Config // for the resolved secrets, known only after Build

	mu      sync.Mutex
	started bool
	closed  bool
	since   time.Time
	st      *store
	sources []source
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func newCheck(set settings, env probes.Env) *Check {
	var targets []string
	for _, s := range set.sources {
		targets = append(targets, s.name)
	}
	now := env.Now
	if now == nil {
		now = time.Now
	}
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Check{
		info: probes.CheckInfo{
			Name: "errors", Kind: "errors", Pane: probes.PaneErrors,
			Target: strings.Join(targets, ", "), Interval: set.interval,
		},
		set: set, now: now, log: log, cfg: env.Config,
		st: newStore(set.caps.groups),
	}
}

// Info describes the check.
func (c *Check) Info() probes.CheckInfo { return c.info }

// ErrClosed is Run's error after Close.
var ErrClosed = errors.New("the errors check was closed")

// start builds the redactor (now that secrets are resolved) and starts every source.
func (c *Check) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if c.started {
		return nil
	}
	var values []string
	if c.cfg != nil {
		values = c.cfg.SecretValues()
	}
	red, err := redact.New(redact.Options{Patterns: c.set.patterns, Values: values})
	if err != nil {
		return err // validated in Build; only a bug gets here
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.since = c.now()
	for _, sp := range c.set.sources {
		var src source
		switch {
		case sp.broken != "":
			src = newBrokenSource(sp.name, sp.kind, sp.name, sp.broken, c.now)
		case sp.kind == "file":
			p := newPipeline(sp.name, c.st, red, c.set.levels, c.set.caps, c.now)
			src = newFileSource(sp.name, sp.path, sp.backfill, sp.poll, p, c.now)
		default:
			p := newPipeline(sp.name, c.st, red, c.set.levels, c.set.caps, c.now)
			src = newCmdSource(sp.name, sp.command, c.set.dir, sp.backoff, p, red, c.now)
		}
		src.setLog(c.log)
		c.sources = append(c.sources, src)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			src.run(ctx)
		}()
	}
	c.started = true
	c.log.Info("errors: sources started", "sources", len(c.sources))
	return nil
}

// Run starts the sources on the first call and waits (within ctx) for them to read what
// was there at start; then it reports the snapshot.
func (c *Check) Run(ctx context.Context) probes.Result {
	if err := c.start(); err != nil {
		return probes.Result{Err: err.Error()}
	}
wait:
	for _, s := range c.sourcesNow() {
		select {
		case <-s.ready():
		case <-ctx.Done():
			break wait
		}
	}
	snap := c.Snapshot()
	return c.result(snap)
}

func (c *Check) sourcesNow() []source {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sources
}

// Close stops every source: tailers end, commands' process groups get SIGTERM and then
// SIGKILL. It waits for them (a few seconds at most) and is safe to call more than once.
func (c *Check) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	cancel := c.cancel
	c.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	done := make(chan struct{})
	go func() {
		c.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(5 * stopGrace):
		// SIGTERM, a grace period, SIGKILL, then the pipes: never more than this
		return fmt.Errorf("errors: a log source did not stop within %s", 5*stopGrace)
	}
}

// Snapshot is the pane's state now.
func (c *Check) Snapshot() Snapshot {
	now := c.now()
	c.mu.Lock()
	since := c.since
	srcs := c.sources
	c.mu.Unlock()
	s := Snapshot{At: now, Since: since, Levels: map[string]int64{}}
	for _, src := range srcs {
		s.Sources = append(s.Sources, src.status())
	}
	st := c.st
	st.mu.Lock()
	s.Groups = st.groupsLocked(now, nil)
	s.PerMinute = st.errMin.series(now)
	recent := st.errMin.sum(now, 5)
	s.EvictedGroups = st.evicted
	s.LastUnleveledTrace = st.lastTrace
	s.Redacted = st.hits.Map()
	st.mu.Unlock()
	watched := 5
	if !since.IsZero() {
		watched = min(5, max(1, int(now.Sub(since)/time.Minute)+1))
	}
	s.ErrorsPerMin = float64(recent) / float64(watched)
	for _, g := range s.Groups {
		if c.isNew(g, now) {
			s.NewGroups++
		}
	}
	s.Lines, s.Events, s.Errors = st.lines.Load(), st.events.Load(), st.errors.Load()
	s.TruncatedLines, s.BinaryLines, s.CutLines = st.truncated.Load(), st.binary.Load(), st.cut.Load()
	s.UnleveledTraces = st.traces.Load()
	for l := range numLevels {
		if n := st.byLevel[l].Load(); n > 0 {
			s.Levels[l.String()] = n
		}
	}
	return s
}

func (c *Check) isNew(g Group, now time.Time) bool {
	return !g.FirstSeen.Before(now.Add(-c.set.newWindow))
}

// NewGroupsSince lists the error groups first seen at or after t, oldest first: the
// runbook pane asks for the errors that are new since a deploy started. A group evicted
// under the caps and seen again keeps its first sighting, so it is not new twice.
func (c *Check) NewGroupsSince(t time.Time) []Group {
	now := c.now()
	c.st.mu.Lock()
	out := c.st.groupsLocked(now, func(g *group) bool { return !g.first.Before(t) })
	c.st.mu.Unlock()
	slices.SortStableFunc(out, func(a, b Group) int { return a.FirstSeen.Compare(b.FirstSeen) })
	return out
}
