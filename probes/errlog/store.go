package errlog

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// store holds the groups, bounded: at most max groups, the least recently seen evicted
// first (and counted), each with one sample and a minute-by-minute count for the last
// hour. Memory is therefore a constant times caps.groups whatever streams through.
type store struct {
	mu     sync.Mutex
	max    int
	groups map[uint64]*group
	// LRU list: head is the most recently seen group.
	head, tail *group
	evicted    int64
	// forgotten remembers when evicted groups were first seen, so a group that returns
	// after eviction is not announced as new. Bounded to 4×max fingerprints.
	forgotten  map[uint64]time.Time
	forgetRing []uint64
	forgetNext int
	errMin     minutes
	newest     time.Time // latest error seen while watching
	lastTrace  *Sample
	hits       redact.Hits

	// counters read without the lock
	lines, events, errors, binary, truncated, cut, traces atomic.Int64
	byLevel                                               [numLevels]atomic.Int64
}

func newStore(max int) *store {
	return &store{max: max, groups: map[uint64]*group{}, forgotten: map[uint64]time.Time{}}
}

// group is one fingerprint's history.
type group struct {
	fp         uint64
	title      string
	level      level
	impact     probes.Impact
	count      int64
	first      time.Time
	last       time.Time
	backfill   bool
	min        minutes
	sources    []string
	sample     Sample
	prev, next *group
}

// maxSources bounds the sources listed per group.
const maxSources = 8

// record is one kept error, already redacted.
type record struct {
	fp       uint64
	title    string
	level    level
	sample   Sample
	source   string
	backfill bool
	at       time.Time
	impact   func() probes.Impact // called only for a new group
	hits     redact.Hits
}

// minutes counts events per minute for the last hour in a ring: 60 slots, each stamped
// with the minute it holds so stale slots read as zero.
type minutes struct {
	n  [60]uint32
	at [60]int32
}

func minuteOf(t time.Time) int32 { return int32(t.Unix() / 60) }

func (m *minutes) add(t time.Time) {
	mi := minuteOf(t)
	i := ((mi % 60) + 60) % 60
	if m.at[i] != mi {
		m.at[i], m.n[i] = mi, 0
	}
	m.n[i]++
}

// series is the last 60 minutes, oldest first, the current minute last.
func (m *minutes) series(now time.Time) []int {
	out := make([]int, 60)
	cur := minuteOf(now)
	for k := range 60 {
		mi := cur - 59 + int32(k)
		i := ((mi % 60) + 60) % 60
		if m.at[i] == mi {
			out[k] = int(m.n[i])
		}
	}
	return out
}

// sum is the events in the last n minutes including the current one.
func (m *minutes) sum(now time.Time, n int) int {
	cur := minuteOf(now)
	total := 0
	for k := range n {
		mi := cur - int32(k)
		i := ((mi % 60) + 60) % 60
		if m.at[i] == mi {
			total += int(m.n[i])
		}
	}
	return total
}

// countEvent counts an event of any level; lines is how many physical lines it had.
func (s *store) countEvent(l level, lines int, truncated bool) {
	s.events.Add(1)
	s.lines.Add(int64(lines))
	s.byLevel[l].Add(1)
	if truncated {
		s.truncated.Add(1)
	}
}

// add files a kept error under its group.
func (s *store) add(r *record) {
	s.errors.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits.Add(r.hits)
	g := s.groups[r.fp]
	if g == nil {
		g = &group{fp: r.fp, first: r.at, backfill: r.backfill, impact: r.impact()}
		if t, ok := s.forgotten[r.fp]; ok {
			g.first, g.backfill = t, false
			delete(s.forgotten, r.fp)
		}
		s.groups[r.fp] = g
		s.pushFront(g)
		if len(s.groups) > s.max {
			s.evict()
		}
	} else {
		s.moveToFront(g)
	}
	g.count++
	g.last = r.at
	g.title, g.level, g.sample = r.title, r.level, r.sample
	if !slices.Contains(g.sources, r.source) && len(g.sources) < maxSources {
		g.sources = append(g.sources, r.source)
	}
	if !r.backfill {
		// The backlog is counted in groups, not in rates: it arrives all at once at start
		// and its own timestamps may be hours old or in another zone.
		g.min.add(r.at)
		s.errMin.add(r.at)
		s.newest = r.at
	}
}

// trace keeps the latest stack trace that came without a level, for the operator to see
// what is not being counted.
func (s *store) trace(sm Sample, h redact.Hits) {
	s.traces.Add(1)
	s.mu.Lock()
	s.lastTrace = &sm
	s.hits.Add(h)
	s.mu.Unlock()
}

func (s *store) pushFront(g *group) {
	g.prev, g.next = nil, s.head
	if s.head != nil {
		s.head.prev = g
	}
	s.head = g
	if s.tail == nil {
		s.tail = g
	}
}

func (s *store) unlink(g *group) {
	if g.prev != nil {
		g.prev.next = g.next
	} else {
		s.head = g.next
	}
	if g.next != nil {
		g.next.prev = g.prev
	} else {
		s.tail = g.prev
	}
	g.prev, g.next = nil, nil
}

func (s *store) moveToFront(g *group) {
	if s.head == g {
		return
	}
	s.unlink(g)
	s.pushFront(g)
}

func (s *store) evict() {
	g := s.tail
	if g == nil {
		return
	}
	s.unlink(g)
	delete(s.groups, g.fp)
	s.evicted++
	limit := 4 * s.max
	if len(s.forgetRing) < limit {
		s.forgetRing = append(s.forgetRing, g.fp)
	} else {
		delete(s.forgotten, s.forgetRing[s.forgetNext])
		s.forgetRing[s.forgetNext] = g.fp
		s.forgetNext = (s.forgetNext + 1) % limit
	}
	s.forgotten[g.fp] = g.first
}

// view copies a group for the outside world.
func (g *group) view(now time.Time) Group {
	return Group{
		Fingerprint: fingerprintHex(g.fp),
		Title:       g.title,
		Level:       g.level.String(),
		Impact:      g.impact,
		Count:       g.count,
		FirstSeen:   g.first,
		LastSeen:    g.last,
		Backfill:    g.backfill,
		LastHour:    g.min.sum(now, 60),
		PerMinute:   g.min.series(now),
		Sources:     slices.Clone(g.sources),
		Sample:      g.sample,
	}
}

// groupsLocked lists groups, most recently seen first, that pass keep.
func (s *store) groupsLocked(now time.Time, keep func(*group) bool) []Group {
	var out []Group
	for g := s.head; g != nil; g = g.next {
		if keep == nil || keep(g) {
			out = append(out, g.view(now))
		}
	}
	return out
}
