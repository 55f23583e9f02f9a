package probes

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Runner runs checks: once as a sweep (the check command), or each on its own interval
// until the context ends (the console and watch). Whatever a probe does, the runner
// returns a Result for it: a probe that panics or ignores its deadline becomes an error
// Result for that check alone and never stalls the others.
type Runner struct {
	checks      []Check
	concurrency int
	interval    time.Duration
	timeout     time.Duration
	// grace is how long past its deadline a check may take to notice the cancellation
	// before the runner gives up on it and reports it as hung.
	grace  time.Duration
	now    func() time.Time
	log    *slog.Logger
	sem    chan struct{}
	mu     sync.Mutex
	subs   []func(Result)
	wakeup map[string]chan struct{}
	// poke tells a running Run's scheduler that some wakeup channel holds a trigger.
	poke chan struct{}
	// index is each check's position in checks, by name.
	index map[string]int
	// skipped counts, per check, the slots Run skipped because the check's previous run
	// was not over; written by Run's scheduler, read by Skipped (at a metrics scrape).
	skipped []atomic.Uint64
}

// RunnerOptions are the runner's defaults; zero values take the config defaults.
type RunnerOptions struct {
	Concurrency int
	Interval    time.Duration
	Timeout     time.Duration
	Grace       time.Duration
	Now         func() time.Time
	Logger      *slog.Logger
}

// NewRunner makes a runner for checks.
func NewRunner(checks []Check, o RunnerOptions) *Runner {
	r := &Runner{checks: checks, concurrency: o.Concurrency, interval: o.Interval, timeout: o.Timeout,
		grace: o.Grace, now: o.Now, log: o.Logger, wakeup: map[string]chan struct{}{}, poke: make(chan struct{}, 1),
		index: make(map[string]int, len(checks)), skipped: make([]atomic.Uint64, len(checks))}
	if r.concurrency <= 0 {
		r.concurrency = 16
	}
	if r.interval <= 0 {
		r.interval = time.Minute
	}
	if r.timeout <= 0 {
		r.timeout = 10 * time.Second
	}
	if r.grace <= 0 {
		r.grace = time.Second
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.sem = make(chan struct{}, r.concurrency)
	for i, c := range checks {
		name := c.Info().Name
		r.wakeup[name] = make(chan struct{}, 1)
		r.index[name] = i
	}
	return r
}

// Checks returns the checks the runner runs, in config order.
func (r *Runner) Checks() []Check { return r.checks }

// Subscribe adds a function called with every Result as it lands. It is called from the
// runner's goroutines, so it must be quick and safe for concurrent use (send on a
// buffered channel, hand to tea.Program.Send, append under a lock).
func (r *Runner) Subscribe(fn func(Result)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, fn)
}

func (r *Runner) publish(res Result) {
	r.mu.Lock()
	subs := r.subs
	r.mu.Unlock()
	for _, fn := range subs {
		fn(res)
	}
}

// Sweep runs every check once, at most Concurrency at a time, and returns the results in
// check order. Each result is also published to subscribers as it lands.
func (r *Runner) Sweep(ctx context.Context) []Result {
	out := make([]Result, len(r.checks))
	var wg sync.WaitGroup
	for i, c := range r.checks {
		select {
		case r.sem <- struct{}{}:
		case <-ctx.Done():
			out[i] = r.cancelled(c)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-r.sem }()
			out[i] = r.runOne(ctx, c)
			r.publish(out[i])
		}()
	}
	wg.Wait()
	return out
}

// Trigger asks a running Run to run the named check now ("r" in the console). It returns
// false when no check has that name.
func (r *Runner) Trigger(name string) bool {
	ch, ok := r.wakeup[name]
	if !ok {
		return false
	}
	select {
	case ch <- struct{}{}:
	default: // already pending
	}
	select {
	case r.poke <- struct{}{}:
	default: // the scheduler is already due to look
	}
	return true
}

// TriggerAll asks for a whole sweep now ("R" in the console).
func (r *Runner) TriggerAll() {
	for name := range r.wakeup {
		r.Trigger(name)
	}
}

// runOne runs a check under its deadline, recovering panics and abandoning a check that
// does not return after its deadline plus grace.
func (r *Runner) runOne(ctx context.Context, c Check) Result {
	info := c.Info()
	timeout := info.Timeout
	if timeout <= 0 {
		timeout = r.timeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := r.now()
	done := make(chan Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				r.log.Error("check panicked", "check", info.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				done <- Result{Status: StatusError, Err: fmt.Sprintf("the %s probe crashed (%v); this is a bug in launchready, the tool's log has the stack", info.Kind, p)}
			}
		}()
		done <- c.Run(cctx)
	}()
	var res Result
	hang := time.NewTimer(timeout + r.grace)
	select {
	case res = <-done:
		hang.Stop()
	case <-hang.C:
		r.log.Error("check hung past its deadline", "check", info.Name, "timeout", timeout)
		res = Result{Status: StatusError, Err: fmt.Sprintf("the %s probe did not return within its %s timeout and was abandoned", info.Kind, timeout)}
	}
	return r.finish(res, info, start)
}

// finish fills what every Result shares, so probes cannot get it wrong.
func (r *Runner) finish(res Result, info CheckInfo, start time.Time) Result {
	res.Check, res.Kind, res.Pane = info.Name, info.Kind, info.Pane
	if res.Target == "" {
		res.Target = info.Target
	}
	res.Started = start
	if res.Latency == 0 {
		res.Latency = r.now().Sub(start)
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Pane == "" {
			f.Pane = info.Pane
		}
		if f.Check == "" {
			f.Check = info.Name
		}
		if f.Target == "" {
			f.Target = res.Target
		}
	}
	switch {
	case res.Err != "":
		res.Status = StatusError
	case res.Status == StatusUnknown && len(res.Findings) == 0:
		// The probe ran and says it could not judge (nothing recorded yet to read): "not
		// checked" is the truth, where a derived status would claim a clean bill of health.
	case res.Status == "" || res.Status == StatusUnknown:
		res.Status = StatusFor(res.Findings)
	}
	return res
}

func (r *Runner) cancelled(c Check) Result {
	return r.finish(Result{Status: StatusError, Err: "not run: the sweep was cancelled"}, c.Info(), r.now())
}
