package probes

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeCheck is a check whose behaviour the test chooses.
type fakeCheck struct {
	name string
	run  func(ctx context.Context) Result
	n    atomic.Int32
}

func (f *fakeCheck) Info() CheckInfo {
	return CheckInfo{Name: f.name, Kind: "fake", Pane: PaneEndpoints, Target: f.name, Timeout: 100 * time.Millisecond}
}
func (f *fakeCheck) Run(ctx context.Context) Result { f.n.Add(1); return f.run(ctx) }

func ok(context.Context) Result { return Result{Summary: "fine"} }

func failing(context.Context) Result {
	return Result{Findings: []Finding{{ID: "fake.down", Severity: Critical, Impact: Revenue, Title: "down"}}}
}

func TestSweepSurvivesHungAndPanickingProbes(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	checks := []Check{
		&fakeCheck{name: "good", run: ok},
		&fakeCheck{name: "panics", run: func(context.Context) Result { panic("boom") }},
		// Ignores its context entirely: the runner must give up on it.
		&fakeCheck{name: "hangs", run: func(context.Context) Result { <-release; return Result{} }},
		&fakeCheck{name: "slow-but-polite", run: func(ctx context.Context) Result { <-ctx.Done(); return Result{Err: "timed out"} }},
		&fakeCheck{name: "failing", run: failing},
	}
	r := NewRunner(checks, RunnerOptions{Concurrency: 2, Grace: 50 * time.Millisecond})
	start := time.Now()
	res := r.Sweep(context.Background())
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("sweep took %s: a hung probe stalled it", took)
	}
	want := map[string]Status{"good": StatusOK, "panics": StatusError, "hangs": StatusError, "slow-but-polite": StatusError, "failing": StatusFail}
	for i, r := range res {
		if r.Check != checks[i].Info().Name {
			t.Errorf("result %d is for %q, want check order", i, r.Check)
		}
		if r.Status != want[r.Check] {
			t.Errorf("%s: status %s, want %s (err %q)", r.Check, r.Status, want[r.Check], r.Err)
		}
		if r.Kind != "fake" || r.Pane != PaneEndpoints || r.Started.IsZero() {
			t.Errorf("%s: runner did not fill the shared fields: %+v", r.Check, r)
		}
	}
	if res[1].Err == "" || res[2].Err == "" {
		t.Errorf("panic and hang must explain themselves: %q / %q", res[1].Err, res[2].Err)
	}
	if f := res[4].Findings[0]; f.Check != "failing" || f.Pane != PaneEndpoints || f.Target != "failing" {
		t.Errorf("finding not stamped with its check: %+v", f)
	}
}

// inFlight counts the checks running at once and keeps the most it saw.
type inFlight struct{ now, peak atomic.Int32 }

// run is a check body that holds its place for d.
func (f *inFlight) run(d time.Duration) func(context.Context) Result {
	return func(context.Context) Result {
		n := f.now.Add(1)
		for {
			p := f.peak.Load()
			if n <= p || f.peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(d)
		f.now.Add(-1)
		return Result{}
	}
}

func TestSweepRespectsConcurrency(t *testing.T) {
	t.Parallel()
	var f inFlight
	var checks []Check
	for i := range 20 {
		checks = append(checks, &fakeCheck{name: string(rune('a' + i)), run: f.run(5 * time.Millisecond)})
	}
	NewRunner(checks, RunnerOptions{Concurrency: 3}).Sweep(context.Background())
	if p := f.peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrency %d, want at most 3 (and some parallelism)", p)
	}
}

func TestSweepPublishesEveryResult(t *testing.T) {
	t.Parallel()
	r := NewRunner([]Check{&fakeCheck{name: "a", run: ok}, &fakeCheck{name: "b", run: failing}}, RunnerOptions{})
	var mu sync.Mutex
	got := map[string]Status{}
	r.Subscribe(func(res Result) { mu.Lock(); got[res.Check] = res.Status; mu.Unlock() })
	r.Sweep(context.Background())
	if got["a"] != StatusOK || got["b"] != StatusFail {
		t.Errorf("subscribers saw %v", got)
	}
}

func TestRunSchedulesTriggersAndStops(t *testing.T) {
	t.Parallel()
	a := &fakeCheck{name: "a", run: ok}
	r := NewRunner([]Check{a}, RunnerOptions{Interval: time.Hour})
	results := make(chan Result, 10)
	r.Subscribe(func(res Result) { results <- res })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	<-results // first run happens at once
	if !r.Trigger("a") {
		t.Fatal("Trigger did not find check a")
	}
	select {
	case <-results:
	case <-time.After(2 * time.Second):
		t.Fatal("Trigger did not run the check again")
	}
	if r.Trigger("nope") {
		t.Error("Trigger found a check that does not exist")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	if n := a.n.Load(); n != 2 {
		t.Errorf("check ran %d times, want 2 (start + trigger; interval is an hour)", n)
	}
}

func TestSweepCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := NewRunner([]Check{&fakeCheck{name: "a", run: ok}}, RunnerOptions{Concurrency: 1}).Sweep(ctx)
	if len(res) != 1 {
		t.Fatalf("got %d results", len(res))
	}
}

// nopCheck costs nothing, so the benchmark measures the runner alone.
type nopCheck struct{ info CheckInfo }

func (c nopCheck) Info() CheckInfo            { return c.info }
func (c nopCheck) Run(context.Context) Result { return Result{} }

// BenchmarkRunnerOverhead measures what the runner adds per check (scheduling, timeout,
// panic guard, result stamping): target under 20 µs per check.
func BenchmarkRunnerOverhead(b *testing.B) {
	checks := make([]Check, 100)
	for i := range checks {
		checks[i] = nopCheck{CheckInfo{Name: string(rune(i)), Kind: "nop"}}
	}
	r := NewRunner(checks, RunnerOptions{})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Sweep(context.Background())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100/1000, "µs/check")
}

// TestRunKeepsNotChecked: a probe that ran but had nothing to judge says StatusUnknown and
// keeps it (the pane must not show a pass); with findings, or with no status at all, the
// status is derived from the findings as always.
func TestRunKeepsNotChecked(t *testing.T) {
	t.Parallel()
	r := NewRunner(nil, RunnerOptions{})
	cases := []struct {
		res  Result
		want Status
	}{
		{Result{Status: StatusUnknown, Summary: "nothing recorded yet"}, StatusUnknown},
		{Result{Status: StatusUnknown, Findings: []Finding{{ID: "x", Severity: High}}}, StatusFail},
		{Result{Summary: "fine"}, StatusOK},
		{Result{Status: StatusUnknown, Err: "boom"}, StatusError},
	}
	for i, c := range cases {
		got := r.finish(c.res, CheckInfo{Name: "c", Kind: "fake", Pane: PaneExposure}, time.Now())
		if got.Status != c.want {
			t.Errorf("case %d: status %s, want %s", i, got.Status, c.want)
		}
	}
}
