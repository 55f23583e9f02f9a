package timeline

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/errlog"
)

// TestRestartDoesNotRepeatBaselines writes results through a store and its detector,
// closes it, reopens the same file with a new detector (a restart), and writes the same
// states again: nothing is recorded twice; a real change after the restart still is.
func TestRestartDoesNotRepeatBaselines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	now := t0.Add(time.Hour)
	open := func() *store.Store {
		t.Helper()
		s, err := store.Open(path, store.Options{Detect: NewDetector(), Now: func() time.Time { return now }, Linger: -1})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	email := func(at time.Time, st probes.Status) probes.Result {
		return probes.Result{Check: "email acme.example", Pane: probes.PaneEmail, Target: "acme.example", Status: st, Started: at, Summary: "DMARC p=none"}
	}
	grp := func(fp string, backfill bool) errlog.Group {
		return errlog.Group{Fingerprint: fp, Title: "boom " + fp, Backfill: backfill}
	}
	lat := func(at time.Time, ms int) probes.Result {
		r := endpointResult(at, true, time.Duration(ms)*time.Millisecond)
		r.Check, r.Target = "endpoint app", "https://app.acme.example/"
		return r
	}
	sweep := func(at time.Time) []probes.Result {
		return []probes.Result{
			endpointResult(at, false, 0), email(at, probes.StatusFail), dnsResult(at, "A 127.0.0.1"),
			errorsResult(at, 20, grp("a", true), grp("b", false)),
		}
	}

	s := open()
	for i := range 4 {
		at := t0.Add(time.Duration(i) * 30 * time.Second)
		must(t, s.Write(append(sweep(at), lat(at, 40))...))
	}
	before := kinds(t, s)
	must(t, s.Close())
	// The first run records where things stood, once: the endpoint down and email
	// failing at start (baselines), the backlog's group at start, the new group b, the
	// error rate spiking.
	want := []string{"email.status*", "endpoints.state*", "errors.new-group", "errors.new-group*", "errors.spike"}
	if !slices.Equal(before, want) {
		t.Fatalf("first run recorded %v, want %v", before, want)
	}

	// The restart, two minutes later: the same states, and the backlog read again.
	s = open()
	defer s.Close()
	at := t0.Add(3 * time.Minute)
	for i := range 3 {
		must(t, s.Write(sweep(at.Add(time.Duration(i)*30*time.Second))...))
	}
	if got := kinds(t, s); !slices.Equal(got, want) {
		t.Fatalf("after the restart the same states recorded %v, want no more than %v", got, want)
	}

	// Real changes after the restart are recorded: the endpoint comes back, email
	// passes, the answer changes (learned from the first result after the restart), a
	// new group appears, and app's latency steps from 40 ms, its p50 before the restart, to
	// 200 ms (without the stored baseline the first p50 after the restart would be 200 ms,
	// and no step).
	at = at.Add(2 * time.Minute)
	up := endpointResult(at, true, 30*time.Millisecond)
	var steps []probes.Result
	for i := range 8 { // a majority of the last 5 minutes' samples
		steps = append(steps, lat(at.Add(time.Duration(i)*time.Second), 200))
	}
	must(t, s.Write(append(steps, up, email(at, probes.StatusOK), dnsResult(at, "A 127.0.0.2"),
		errorsResult(at, 20, grp("a", true), grp("b", false), grp("c", false)))...))
	got := kinds(t, s)
	wantAll := append([]string{"dns.answer", "email.status", "endpoints.latency", "endpoints.state", "errors.new-group"}, want...)
	slices.Sort(wantAll)
	if !slices.Equal(got, wantAll) {
		t.Fatalf("with the changes after the restart recorded %v, want %v", got, wantAll)
	}
}

// kinds lists the store's events as kinds, a baseline marked with "*", sorted so the
// comparison does not depend on the order of a sweep's results.
func kinds(t *testing.T, s *store.Store) []string {
	t.Helper()
	evs, err := s.Events(store.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		k := e.Kind
		if e.Baseline {
			k += "*"
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
