package timeline

import (
	"errors"
	"strings"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
)

// Seed picks up where the last writer of h left off (it implements store.Seeder, so
// store.Open calls it): each check's last stored state (ok, warn, fail; an endpoint up,
// degraded or down), each endpoint's recent latency samples and the p50 they were
// measured from, and the error groups already on the timeline. Without it a restart
// records every failing check "at start" again and forgets which errors are old. What
// the history does not keep (a DNS answer, a certificate, the calm error rate) is
// learned from the first result after the restart, without an event: a change made
// while nothing was recording is not listed, though its state (a failing check) is.
func (d *Detector) Seed(h *store.Store) error {
	checks, err := h.Checks()
	if err != nil {
		return err
	}
	seeded := map[string]*checkState{}
	var errs []error
	for _, c := range checks {
		pts, err := h.Recent(c.Name, ringSize)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if st := seedState(pts); st != nil {
			seeded[c.Name] = st
		}
	}
	groups, err := h.Events(store.EventQuery{Panes: []string{string(probes.PaneErrors)}})
	if err != nil {
		errs = append(errs, err)
	}
	for _, e := range groups {
		st := seeded[e.Check]
		fp, ok := strings.CutPrefix(e.Link, "finding:errors.new-group ")
		if e.Kind != KindNewErrorGroup || !ok || st == nil {
			continue
		}
		if st.groups == nil {
			st.groups = map[string]struct{}{}
		}
		st.groups[fp] = struct{}{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last == nil {
		d.last = map[string]*checkState{}
	}
	for name, st := range seeded {
		if _, live := d.last[name]; !live {
			d.last[name] = st
		}
	}
	return errors.Join(errs...)
}

// seedState is what the detector keeps of a check, read from its newest stored results
// (oldest first); nil when none of them ran (could not run says nothing).
func seedState(pts []store.Point) *checkState {
	st := &checkState{seeded: true}
	found := false
	for _, p := range pts {
		if p.Status == probes.StatusError || p.Status == probes.StatusUnknown || p.Err != "" {
			continue
		}
		found = true
		st.status = p.Status
		if p.Up == nil {
			st.state = ""
			continue
		}
		switch {
		case !*p.Up:
			st.state = "down"
		case p.Status == probes.StatusWarn || p.Status == probes.StatusFail:
			st.state = "degraded"
		default:
			st.state = "up"
		}
		if *p.Up && p.Latency > 0 {
			st.lat[st.latN%ringSize] = sample{at: p.Time, lat: p.Latency}
			st.latN++
		}
	}
	if !found {
		return nil
	}
	if st.latN > 0 {
		newest := st.lat[(st.latN-1)%ringSize].at
		if p50, n := st.p50(newest); n >= latencyMin {
			st.latBase = p50
		}
	}
	return st
}
