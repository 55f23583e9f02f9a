package probes

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// Run runs each check on its interval until ctx ends: all of them at once at the start
// (the console should fill immediately), then each on its own clock, due one interval
// after its last run finished. A trigger (Trigger, TriggerAll) runs a waiting check now,
// and a running one again as soon as it finishes.
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
	index := make(map[string]int, n)
	for i, c := range r.checks {
		info := c.Info()
		every[i] = info.Interval
		if every[i] <= 0 {
			every[i] = r.interval
		}
		index[info.Name] = i
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
		due     = &dueHeap{}
		timer   = time.NewTimer(time.Hour)
		nothing chan int
	)
	defer timer.Stop()
	for i := range n {
		ready = append(ready, i)
		state[i] = queued
	}
	for {
		send, next := nothing, -1
		if len(ready) > 0 {
			send, next = jobs, ready[0]
		}
		wait := time.Hour
		if at, ok := due.earliest(); ok {
			wait = max(time.Until(at), 0)
		}
		timer.Reset(wait)
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
			heap.Push(due, dueAt{at: time.Now().Add(every[i]), i: i})
		case <-timer.C:
			now := time.Now()
			for due.Len() > 0 && !(*due)[0].at.After(now) {
				d := heap.Pop(due).(dueAt)
				if state[d.i] == waiting && !d.cancelled {
					ready = append(ready, d.i)
					state[d.i] = queued
				}
			}
		case <-r.poke:
			for name, ch := range r.wakeup {
				select {
				case <-ch:
				default:
					continue
				}
				i := index[name]
				switch state[i] {
				case waiting:
					due.cancel(i)
					ready = append(ready, i)
					state[i] = queued
				case running:
					state[i] = runAgain
				}
			}
		}
	}
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

// dueAt is one check's next run on the clock.
type dueAt struct {
	at        time.Time
	i         int
	cancelled bool // a trigger ran it early; the entry is skipped when it comes up
}

// dueHeap orders the clock's entries, soonest first.
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

// earliest is the soonest entry still standing, dropping cancelled ones from the top.
func (h *dueHeap) earliest() (time.Time, bool) {
	for h.Len() > 0 {
		if !(*h)[0].cancelled {
			return (*h)[0].at, true
		}
		heap.Pop(h)
	}
	return time.Time{}, false
}

// cancel marks check i's entry as run early; at most one entry per check is standing.
func (h dueHeap) cancel(i int) {
	for k := range h {
		if h[k].i == i && !h[k].cancelled {
			h[k].cancelled = true
		}
	}
}
