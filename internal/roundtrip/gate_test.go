package roundtrip

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// TestGateEndsWithTheCallersDeadline: a check queued behind another round trip gives up
// when its own deadline ends, saying why, instead of waiting out the other's two minutes
// and then starting with no time left.
func TestGateEndsWithTheCallersDeadline(t *testing.T) {
	t.Parallel()
	g := newGate()
	leave, err := g.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	c := &Check{gate: g, run: func(context.Context) *Report { ran = true; return &Report{} }}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := c.Run(ctx)
	if took := time.Since(start); took > time.Second {
		t.Errorf("the queued check returned after %s, past its 100ms deadline", took)
	}
	if ran || !strings.Contains(res.Err, "another round trip held the test inbox") {
		t.Errorf("ran %v, result %+v: want not run, an error saying another round trip held the inbox", ran, res)
	}
	leave()
	res = c.Run(context.Background())
	if !ran || res.Err != "" && strings.Contains(res.Err, "another round trip") {
		t.Errorf("after the gate was left: ran %v, %+v", ran, res)
	}
	var _ probes.Check = c
}

// TestDeadlineIsNotMissing: when the caller's deadline cuts the wait short, the mail is not
// called missing (it may not have had the time): the result is an error that says so.
func TestDeadlineIsNotMissing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]fate{"lost": {}})
	o := w.opts(t, 20*time.Second, w.inbox("lost", "implicit"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	rep := Run(ctx, o)
	r := rep.Inboxes[0]
	if r.Status == StatusMissing || !strings.Contains(r.Error, "deadline ended") {
		t.Errorf("status %q error %q: want an error naming the deadline, not missing", r.Status, r.Error)
	}
}
