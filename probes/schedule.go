package probes

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Run runs each check on its interval until ctx ends. Every check runs once at the start
// (the console should fill immediately); after that each runs on a fixed cadence of its
// own, its slots at start + phase + k × interval, so a check of a slow endpoint still
// runs every interval rather than every interval plus its latency, and a hundred checks
// every 10 s make exactly 18 runs each in 180 s.
//
// The phase spreads the checks over their interval in waves of Concurrency (the checks
// that can run at once): a hundred checks every 10 s at concurrency 16 start as seven
// waves of up to 16, one every 1.4 s, rather than all in the same instant. Waves, not
// one check every 100 ms: measured with scripts/bench-watch.sh's target, spreading each
// check on its own cost watch twice the CPU per check (2.1 ms against 1.1, every run
// paying a wake-up of its own), waves cost what the old clustered runs did (1.04 against
// 1.09), and all at once, a burst on the product's hosts every interval, 0.96. The phase
// is added after the first run, not before it: the first sweep stays immediate, and no
// check ever runs twice within one interval (the first gap is between one and two
// intervals, then exactly one). It is fixed by config order, once, so the same config
// gives the same timetable on every start.
//
// A slot that comes while the check's previous run is still going (the check takes
// longer than its interval) or still waiting for a worker (every worker busy, a long
// sweep) is skipped and counted (Skipped), never queued behind it: a check is in flight
// at most once, and the next slot stays on the cadence, so lateness never accumulates
// into drift. A trigger (Trigger, TriggerAll) runs a waiting check now, and a running one
// again as soon as it finishes; it is an extra run and leaves the cadence where it was
// (re-anchoring every check on "R" would bunch them all into one instant again).
//
// One scheduler goroutine keeps every clock and at most Concurrency workers run checks:
// a hundred checks cost a handful of goroutines rather than a hundred parked ones, each
// with a stack the garbage collector scans on every cycle (watch runs all week).
func (r *Runner) Run(ctx context.Context) {
	n := len(r.checks)
	if n == 0 {
		<-ctx.Done()
		return
	}
	every := make([]time.Duration, n)
	for i, c := range r.checks {
		every[i] = c.Info().Interval
		if every[i] <= 0 {
			every[i] = r.interval
		}
	}

	jobs := make(chan int)
	finished := make(chan int, n) // each check is in flight at most once
	var wg sync.WaitGroup
	for range min(r.concurrency, n) {
		wg.Go(func() {
			for i := range jobs {
				r.runScheduled(ctx, r.checks[i])
				finished <- i
			}
		})
	}
	defer wg.Wait()
	defer close(jobs)

	var (
		ready   = make([]int, 0, n) // due now, in order
		state   = make([]slot, n)
		warned  = make([]bool, n) // the log has said once that this check skips
		due     = make(dueHeap, n)
		timer   = time.NewTimer(time.Hour)
		nothing chan int
		start   = time.Now()
	)
	defer timer.Stop()
	for i := range n {
		ready = append(ready, i)
		state[i] = queued
		due[i] = dueAt{at: start.Add(every[i] + phase(i, n, r.concurrency, every[i])), i: i}
	}
	heap.Init(&due)
	for {
		send, next := nothing, -1
		if len(ready) > 0 {
			send, next = jobs, ready[0]
		}
		timer.Reset(max(time.Until(due[0].at), 0))
		select {
		case <-ctx.Done():
			return
		case send <- next:
			ready = ready[1:]
			state[next] = running
		case i := <-finished:
			if state[i] == runAgain {
				ready = append(ready, i)
				state[i] = queued
				continue
			}
			state[i] = waiting
		case <-timer.C:
			now := time.Now()
			for !due[0].at.After(now) {
				d := &due[0]
				if state[d.i] == waiting {
					ready = append(ready, d.i)
					state[d.i] = queued
				} else {
					r.skipped[d.i].Add(1)
					r.warnSkip(d.i, state[d.i], every[d.i], &warned[d.i])
				}
				// The next slot on the cadence. Slots already past as well (the machine
				// slept, the process was stopped) are skipped and counted, not run in a
				// burst to catch up.
				missed := now.Sub(d.at) / every[d.i]
				r.skipped[d.i].Add(uint64(missed))
				d.at = d.at.Add((missed + 1) * every[d.i])
				heap.Fix(&due, 0)
			}
		case <-r.poke:
			for name, ch := range r.wakeup {
				select {
				case <-ch:
				default:
					continue
				}
				i := r.index[name]
				switch state[i] {
				case waiting:
					ready = append(ready, i)
					state[i] = queued
				case running:
					state[i] = runAgain
				}
			}
		}
	}
}

// phase is check i's offset within its interval: the n checks, in waves of `wave`,
// the waves spread evenly over it.
func phase(i, n, wave int, every time.Duration) time.Duration {
	waves := (n + wave - 1) / wave
	return time.Duration(int64(every) / int64(waves) * int64(i/wave))
}

// warnSkip logs a check's first skipped slot, with what to change; the rest are counted
// only (Skipped, launchready_probe_skipped_total), or a slow check would log every
// interval all week.
func (r *Runner) warnSkip(i int, s slot, every time.Duration, warned *bool) {
	if *warned {
		return
	}
	*warned = true
	name := r.checks[i].Info().Name
	if s == queued {
		r.log.Warn("a check's run was due while its last one still waited for a worker: skipped it, the next keeps the interval; "+
			"every worker is busy, so raise checks.concurrency or lengthen the intervals", "check", name, "interval", every)
		return
	}
	r.log.Warn("a check was still running when its next run was due: skipped that run, the next keeps the interval; "+
		"the check takes longer than its interval, so lengthen its interval or shorten its timeout", "check", name, "interval", every)
}

// Skipped returns how many of the named check's scheduled runs Run has skipped because
// the previous run had not finished (or not started) when the next was due; 0 for a name
// the runner does not have. Watch exports it as launchready_probe_skipped_total.
func (r *Runner) Skipped(name string) uint64 {
	i, ok := r.index[name]
	if !ok {
		return 0
	}
	return r.skipped[i].Load()
}

// runScheduled is one scheduled run on a worker: a slot under the concurrency bound
// shared with Sweep, the run, and its result published unless Run is ending.
func (r *Runner) runScheduled(ctx context.Context, c Check) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return
	}
	res := r.runOne(ctx, c)
	<-r.sem
	if ctx.Err() == nil {
		r.publish(res)
	}
}

// slot is where a check is in Run's cycle.
type slot uint8

const (
	waiting  slot = iota // on the clock
	queued               // due, waiting for a worker
	running              // on a worker
	runAgain             // on a worker, and triggered meanwhile
)

// dueAt is one check's next slot on the cadence.
type dueAt struct {
	at time.Time
	i  int
}

// dueHeap orders the checks' next slots, soonest first; it holds exactly one per check.
type dueHeap []dueAt

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(a, b int) bool { return h[a].at.Before(h[b].at) }
func (h dueHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueAt)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
