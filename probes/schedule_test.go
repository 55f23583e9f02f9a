package probes

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
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

// timedCheck takes as long as took says (on the bubble's fake clock) and notes when each
// of its runs started.
type timedCheck struct {
	name   string
	every  time.Duration
	took   func(run int) time.Duration
	mu     sync.Mutex
	starts []time.Time
}

func (c *timedCheck) Info() CheckInfo {
	return CheckInfo{Name: c.name, Kind: "fake", Pane: PaneEndpoints, Interval: c.every, Timeout: time.Hour}
}

func (c *timedCheck) Run(ctx context.Context) Result {
	c.mu.Lock()
	c.starts = append(c.starts, time.Now())
	n := len(c.starts)
	c.mu.Unlock()
	select {
	case <-time.After(c.took(n)):
	case <-ctx.Done():
	}
	return Result{}
}

// at is when each run started, as an offset from t0.
func (c *timedCheck) at(t0 time.Time) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Duration, len(c.starts))
	for i, s := range c.starts {
		out[i] = s.Sub(t0)
	}
	return out
}

func takes(d time.Duration) func(int) time.Duration { return func(int) time.Duration { return d } }

// runInBubble runs r for d of fake time from t0 (returned), then stops it and waits for
// Run to return. Call it inside synctest.Test.
func runInBubble(r *Runner, d time.Duration) time.Time {
	t0 := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	time.Sleep(d)
	cancel()
	<-done
	return t0
}

func secs(s ...float64) []time.Duration {
	out := make([]time.Duration, len(s))
	for i, v := range s {
		out[i] = time.Duration(v * float64(time.Second))
	}
	return out
}

// TestRunHundredChecksKeepTheirCadence is the audit's case: 100 checks every 10 s, each
// taking 1 s, make exactly 1,800 runs in any 180 s once started (scheduled from when the
// last run ended they made 1,751-1,790), each exactly one interval after its previous
// one, the first sweep all at once and no second run sooner than one interval after it.
func TestRunHundredChecksKeepTheirCadence(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var checks []Check
		var all []*timedCheck
		for i := range 100 {
			c := &timedCheck{name: fmt.Sprintf("site%02d", i), every: 10 * time.Second, took: takes(time.Second)}
			checks, all = append(checks, c), append(all, c)
		}
		r := NewRunner(checks, RunnerOptions{Concurrency: 16})
		t0 := runInBubble(r, 220*time.Second)
		total := 0
		for _, c := range all {
			at := c.at(t0)
			if at[0] >= 7*time.Second {
				t.Errorf("%s: first run at %s, want it in the first sweep (7 s for 100 one-second checks on 16 workers)", c.name, at[0])
			}
			if gap := at[1] - at[0]; gap < 10*time.Second || gap >= 20*time.Second {
				t.Errorf("%s: second run %s after the first, want one to two intervals (the phase is spread after the first sweep)", c.name, gap)
			}
			if i, _ := strconv.Atoi(strings.TrimPrefix(c.name, "site")); at[1] != 10*time.Second+10*time.Second/7*time.Duration(i/16) {
				t.Errorf("%s: second run at %s, want its wave's (%d of 7 waves of 16)", c.name, at[1], i/16)
			}
			for k := 2; k < len(at); k++ {
				if gap := at[k] - at[k-1]; gap != 10*time.Second {
					t.Errorf("%s: run %d started %s after run %d, want exactly 10s (starts %v)", c.name, k+1, gap, k, at)
					break
				}
			}
			for _, a := range at {
				if a >= 30*time.Second && a < 210*time.Second {
					total++
				}
			}
			if n := r.Skipped(c.name); n != 0 {
				t.Errorf("%s: %d runs skipped, want none (each takes a tenth of its interval)", c.name, n)
			}
		}
		if total != 1800 {
			t.Errorf("%d runs between 30 s and 210 s, want exactly 1800 (100 checks every 10 s for 180 s)", total)
		}
	})
}

// TestRunSkipsTheSlotOfACheckStillRunning: a check that takes 1.5 intervals skips the slot
// that lands during each run, counted and logged once, and runs on the next slot of its
// cadence (every second interval, anchored at the start), never queued behind itself.
func TestRunSkipsTheSlotOfACheckStillRunning(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		slow := &timedCheck{name: "slow api", every: 10 * time.Second, took: takes(15 * time.Second)}
		var log bytes.Buffer
		r := NewRunner([]Check{slow}, RunnerOptions{Logger: slog.New(slog.NewTextHandler(&log, nil))})
		t0 := runInBubble(r, 95*time.Second)
		if got, want := slow.at(t0), secs(0, 20, 40, 60, 80); !slices.Equal(got, want) {
			t.Errorf("runs started at %v, want %v (every second slot of a 10 s cadence)", got, want)
		}
		if n := r.Skipped("slow api"); n != 5 {
			t.Errorf("Skipped = %d, want 5 (the slots at 10, 30, 50, 70 and 90 s)", n)
		}
		if n := strings.Count(log.String(), "still running when its next run was due"); n != 1 {
			t.Errorf("logged the skip %d times, want once:\n%s", n, log.String())
		}
		if r.Skipped("nope") != 0 {
			t.Error("Skipped counts a check that does not exist")
		}
	})
}

// TestRunLongSweepKeepsTheCadence: with one worker, a run that takes 22 s holds up the
// other check: its slot while it waits for the worker is skipped (counted, not queued
// twice), the late run goes when the worker frees, and the slots after it stay where the
// cadence put them (start + phase + k × interval), not one interval after the late run.
func TestRunLongSweepKeepsTheCadence(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		hog := &timedCheck{name: "hog", every: 10 * time.Second, took: func(run int) time.Duration {
			if run == 2 {
				return 22 * time.Second
			}
			return 0
		}}
		other := &timedCheck{name: "other", every: 10 * time.Second, took: takes(0)}
		var log bytes.Buffer
		r := NewRunner([]Check{hog, other}, RunnerOptions{Concurrency: 1, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		t0 := runInBubble(r, 58*time.Second)
		// hog's slots: 10, 20, 30, 40, 50; other's (phase 5 s): 15, 25, 35, 45, 55.
		if got, want := hog.at(t0), secs(0, 10, 40, 50); !slices.Equal(got, want) {
			t.Errorf("hog ran at %v, want %v", got, want)
		}
		if got, want := other.at(t0), secs(0, 32, 35, 45, 55); !slices.Equal(got, want) {
			t.Errorf("other ran at %v, want %v (late at 32 s, then back on its 5 s phase)", got, want)
		}
		if h, o := r.Skipped("hog"), r.Skipped("other"); h != 2 || o != 1 {
			t.Errorf("skipped hog %d, other %d; want 2 (20, 30 s: still running) and 1 (25 s: still waiting for the worker)", h, o)
		}
		if !strings.Contains(log.String(), "raise checks.concurrency") {
			t.Errorf("the log does not say the workers were all busy:\n%s", log.String())
		}
	})
}
