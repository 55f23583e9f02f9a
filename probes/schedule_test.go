package probes

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// intervalCheck is a fakeCheck with its own interval.
type intervalCheck struct {
	fakeCheck
	every time.Duration
}

func (c *intervalCheck) Info() CheckInfo {
	info := c.fakeCheck.Info()
	info.Interval = c.every
	return info
}

// runFor runs r until stop returns, then cancels it and waits for Run to return.
func runFor(t *testing.T, r *Runner, stop func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for !stop() {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("the runner did not get there within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestRunKeepsEachChecksClock: a fast check runs on its own short interval while a slow
// one waits out its hour.
func TestRunKeepsEachChecksClock(t *testing.T) {
	t.Parallel()
	fast := &intervalCheck{fakeCheck{name: "fast", run: ok}, 20 * time.Millisecond}
	slow := &intervalCheck{fakeCheck{name: "slow", run: ok}, time.Hour}
	r := NewRunner([]Check{fast, slow}, RunnerOptions{})
	runFor(t, r, func() bool { return fast.n.Load() >= 5 })
	if n := slow.n.Load(); n != 1 {
		t.Errorf("slow check ran %d times in the fast one's 5 runs, want 1", n)
	}
}

// TestRunBoundsConcurrencyAndRunsAll: 30 checks, 3 at a time, each runs.
func TestRunBoundsConcurrencyAndRunsAll(t *testing.T) {
	t.Parallel()
	var f inFlight
	var checks []Check
	var all []*fakeCheck
	for i := range 30 {
		c := &fakeCheck{name: fmt.Sprintf("c%02d", i), run: f.run(5 * time.Millisecond)}
		checks, all = append(checks, c), append(all, c)
	}
	r := NewRunner(checks, RunnerOptions{Concurrency: 3, Interval: time.Hour})
	runFor(t, r, func() bool {
		for _, c := range all {
			if c.n.Load() == 0 {
				return false
			}
		}
		return true
	})
	if p := f.peak.Load(); p > 3 || p < 2 {
		t.Errorf("at most %d checks ran at once, want 3 (2 at the least)", p)
	}
}

// TestRunTriggerWhileRunning: a trigger that lands while the check runs makes it run
// again as soon as it finishes, once, not on its (hour-long) clock.
func TestRunTriggerWhileRunning(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	c := &fakeCheck{name: "a"}
	c.run = func(context.Context) Result {
		started <- struct{}{}
		if c.n.Load() == 1 {
			<-release
		}
		return Result{}
	}
	r := NewRunner([]Check{c}, RunnerOptions{Interval: time.Hour, Timeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	<-started
	r.Trigger("a")
	r.Trigger("a") // a second trigger while one is pending adds nothing
	close(release)
	select {
	case <-started:
	case <-time.After(2 * time.Second):
		t.Fatal("the trigger during the run did not run the check again")
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	if n := c.n.Load(); n != 2 {
		t.Errorf("check ran %d times, want 2 (start, then once for the triggers)", n)
	}
}

// TestAfterFirstSweep: the function runs once, after every check has reported, however
// many times the fast ones report before the slow one does.
func TestAfterFirstSweep(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	fast := &intervalCheck{fakeCheck{name: "fast", run: ok}, 5 * time.Millisecond}
	slow := &fakeCheck{name: "slow", run: func(context.Context) Result { <-release; return Result{} }}
	r := NewRunner([]Check{fast, slow}, RunnerOptions{Interval: time.Hour, Timeout: 5 * time.Second})
	var calls atomic.Int32
	called := make(chan struct{}, 2)
	r.AfterFirstSweep(func() { calls.Add(1); called <- struct{}{} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go r.Run(ctx)
	for fast.n.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	select {
	case <-called:
		t.Fatal("AfterFirstSweep ran before the slow check reported")
	default:
	}
	close(release)
	select {
	case <-called:
	case <-time.After(2 * time.Second):
		t.Fatal("AfterFirstSweep never ran")
	}
	time.Sleep(30 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("AfterFirstSweep ran %d times, want 1", n)
	}
}
