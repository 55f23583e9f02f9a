package alert

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestStateToldMeansDelivered: with the only channel down and two messages queued, the
// state says nobody was told (queued 1 per alert, the channel's error, nothing
// delivered), though the engine has queued both firing messages; once the channel takes
// them, it says when, across a restart (compaction keeps it), and forgets it when the
// alert resolves.
func TestStateToldMeansDelivered(t *testing.T) {
	t.Parallel()
	rx := newReceiver(t, 1000)
	dir := t.TempDir()
	cfg, red := loadAlerts(t, channelYAML("webhook: {url: env:HOOK_URL}", "  down_after: 1\n"), map[string]string{"HOOK_URL": rx.URL + "/hook"})
	r := newRig(t, dir, cfg, red, nil)
	const other = "http www.acme.example"
	r.observe(failing(api, probes.Critical), failing(other, probes.Critical), failing(api, probes.Critical), failing(other, probes.Critical))
	waitState(t, dir, "the channel down with two messages queued", func(st State) bool {
		for _, a := range st.Alerts {
			if ds := st.Delivery[a.Key]; len(ds) != 1 || ds[0].Failed == "" {
				return false
			}
		}
		return st.Queued["ch"] == 2
	})
	st, _ := ReadState(dir)
	if len(st.Alerts) != 2 {
		t.Fatalf("%d alerts, want 2", len(st.Alerts))
	}
	for _, a := range st.Alerts {
		ds := st.Delivery[a.Key]
		if told, at := Told(ds); told || !at.IsZero() {
			t.Errorf("%s: told %v at %v with its only channel down", a.Check, told, at)
		}
		if !a.Notified {
			t.Errorf("%s: the engine's Notified (queued) is false; the test means to show it differs from told", a.Check)
		}
		d := ds[0]
		if d.Channel != "ch" || d.Queued != 1 || d.QueuedSince.IsZero() || !d.Delivered.IsZero() ||
			!strings.Contains(d.Failed, "answered HTTP 500") || d.FailedAt.Before(d.QueuedSince) {
			t.Errorf("%s: delivery %+v, want 1 queued, the channel's error, nothing delivered", a.Check, d)
		}
	}

	rx.mu.Lock()
	rx.fail = 0
	rx.mu.Unlock()
	before := time.Now()
	rx.waitAccepted(t, 2)
	waitState(t, dir, "both delivered", func(st State) bool { return st.Queued["ch"] == 0 && len(st.Delivery) == 2 })
	r.shutdown() // compacts on the next open: delivery times must survive it
	r = newRig(t, dir, cfg, red, nil)
	st, _ = ReadState(dir)
	for _, a := range st.Alerts {
		ds := st.Delivery[a.Key]
		told, at := Told(ds)
		if !told || at.Before(before) || ds[0].Queued != 0 || ds[0].Failed != "" || !ds[0].Delivered.Equal(at) {
			t.Errorf("%s: after the channel came back and a restart: told %v at %v, delivery %+v", a.Check, told, at, ds)
		}
	}

	r.observe(passing(api))
	st, _ = ReadState(dir)
	if len(st.Alerts) != 1 || st.Alerts[0].Check != other || len(st.Delivery) != 1 {
		t.Errorf("after %s resolved: alerts %v, deliveries %v", api, st.Alerts, st.Delivery)
	}
}

// waitState reads the state folder until cond holds, as `alert status` would.
func waitState(t *testing.T, dir, what string, cond func(State) bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		st, err := ReadState(dir)
		if err == nil && cond(st) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("state never showed %s: %+v %v", what, st, err)
		}
	}
}
