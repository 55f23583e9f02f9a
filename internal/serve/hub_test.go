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
