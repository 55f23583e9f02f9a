package serve

import (
	"fmt"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestHubNeverWaits: a session that never takes its results costs the runner nothing:
// Publish returns at once however far behind the mailbox is, and the mailbox keeps only
// the newest result of each check.
func TestHubNeverWaits(t *testing.T) {
	h := NewHub()
	stuck := h.Join()
	// A Publish that waited on the stuck session would never return: the bound is a hang
	// detector, generous enough for -race on a loaded machine, not a speed target.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100_000 {
			h.Publish(probes.Result{Check: fmt.Sprintf("check-%d", i%10), Summary: fmt.Sprint(i)})
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("Publish blocked on a session that never reads")
	}
	got := stuck.Take()
	if len(got) != 10 {
		t.Fatalf("the mailbox holds %d results for 10 checks; want the newest of each", len(got))
	}
	for i, r := range got {
		if want := fmt.Sprint(99_990 + i); r.Summary != want {
			t.Errorf("%s: holds result %s, want the newest, %s", r.Check, r.Summary, want)
		}
	}
	late := h.Join()
	if n := len(late.Take()); n != 10 {
		t.Errorf("a session joining late starts with %d results; want the latest of all 10 checks", n)
	}
}

// A session is alerted only for results that change more than figures: its console
// takes the others on a slow clock, so ten viewers do not each wake for every latency.
func TestMailboxAlertsOnlyForWhatChangesMoreThanFigures(t *testing.T) {
	h := NewHub()
	mb := h.Join()
	alerted := func() bool {
		select {
		case <-mb.Alert():
			return true
		default:
			return false
		}
	}
	finding := probes.Finding{ID: "http.status", Target: "api", Title: "api answers 503"}
	steps := []struct {
		what string
		res  probes.Result
		want bool
	}{
		{"a check's first result", probes.Result{Check: "api", Status: probes.StatusOK, Latency: 10 * time.Millisecond}, true},
		{"a new latency only", probes.Result{Check: "api", Status: probes.StatusOK, Latency: 20 * time.Millisecond}, false},
		{"a new status", probes.Result{Check: "api", Status: probes.StatusFail, Findings: []probes.Finding{finding}}, true},
		{"the same failure again", probes.Result{Check: "api", Status: probes.StatusFail, Findings: []probes.Finding{finding}, Latency: time.Millisecond}, false},
		{"a finding changed, same status", probes.Result{Check: "api", Status: probes.StatusFail, Findings: []probes.Finding{{ID: "http.latency", Target: "api", Title: "api is slow"}}}, true},
		{"recovered", probes.Result{Check: "api", Status: probes.StatusOK}, true},
	}
	for _, s := range steps {
		h.Publish(s.res)
		if got := alerted(); got != s.want {
			t.Errorf("%s: alerted %v, want %v", s.what, got, s.want)
		}
		select {
		case <-mb.Wake():
		default:
			t.Errorf("%s: the mailbox was not woken; every result must reach Take", s.what)
		}
		if got := mb.Take(); len(got) != 1 || got[0].Latency != s.res.Latency {
			t.Errorf("%s: Take gave %v, want the result", s.what, got)
		}
	}
}
