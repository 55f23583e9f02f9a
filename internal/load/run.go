package load

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Defaults of a plan.
const (
	defaultStopAfter  = 10 * time.Second
	defaultMaxWorkers = 512
)

// second is one flow's figures for one second of the run.
type second struct {
	rate      float64 // the target rate then
	count     int
	errors    int
	got429    bool
	latencies []time.Duration // dropped once p95 is computed (compact)
	p95       time.Duration
}

// P95 is the second's p95, from its latencies until they are compacted away.
func (s *second) P95() time.Duration {
	if s.latencies != nil {
		return quantile(s.latencies, 0.95)
	}
	return s.p95
}

// compact keeps a finished second's p95 and lets its latencies go, so a long run at a
// high rate holds a few numbers a second, not every latency.
func (s *second) compact() {
	if s.latencies != nil {
		s.p95, s.latencies = quantile(s.latencies, 0.95), nil
	}
}

// flowState gathers one flow's results as they arrive.
type flowState struct {
	name    string
	pacer   rampPacer
	metrics vegeta.Metrics
	seconds []*second
}

// runner is one run: the flows' states under one lock, read each second by the ticker.
type runner struct {
	plan  Plan
	began time.Time
	mu    sync.Mutex
	flows []*flowState
	stop  string // why the run stopped early, "" when it did not
}

// Run sends the plan's load and returns the report. progress, when not nil, is called
// about once a second with the figures so far. Cancelling ctx (Ctrl+C) stops at once:
// requests in flight are cut and the report still covers what was sent.
func Run(ctx context.Context, p Plan, progress func(Snapshot)) (Report, error) {
	if err := p.Check(); err != nil {
		return Report{}, err
	}
	if p.StopAfter <= 0 {
		p.StopAfter = defaultStopAfter
	}
	if p.MaxWorkers == 0 {
		p.MaxWorkers = defaultMaxWorkers
	}
	if p.SampleEvery <= 0 {
		p.SampleEvery = defaultSampleEvery
	}
	if p.GaugeTimeout <= 0 {
		p.GaugeTimeout = defaultSampleEvery
	}
	var gauges *sampler
	if len(p.Gauges) > 0 { // the baseline, before any load
		gauges = newSampler(p.Gauges, p.GaugeTimeout)
		gauges.sample(ctx, 0)
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cl := *p.Client
	next := cl.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cl.Transport = boundTransport{ctx: ctx, next: next}

	r := &runner{plan: p, began: time.Now()}
	per := p.Rate / float64(len(p.Flows))
	var attackers []*vegeta.Attacker
	var wg sync.WaitGroup
	for _, f := range p.Flows {
		fs := &flowState{name: f.Name, pacer: rampPacer{start: min(1, per), rate: per, ramp: p.Ramp}}
		r.flows = append(r.flows, fs)
		a := vegeta.NewAttacker(vegeta.Client(&cl), vegeta.MaxBody(0), vegeta.MaxWorkers(p.MaxWorkers), vegeta.Workers(min(p.MaxWorkers, 16)))
		attackers = append(attackers, a)
		results := a.Attack(f.targeter(), fs.pacer, p.Ramp+p.Duration, f.Name)
		wg.Go(func() {
			for res := range results {
				r.add(fs, res)
			}
		})
	}
	stopAll := func(why string) {
		r.mu.Lock()
		if r.stop == "" {
			r.stop = why
		}
		r.mu.Unlock()
		for _, a := range attackers {
			a.Stop()
		}
		cancel()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	sampling := make(chan struct{})
	if gauges != nil {
		go func() { defer close(sampling); gauges.every(ctx, p.SampleEvery, r.lastP95) }()
	} else {
		close(sampling)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	interrupted := false
loop:
	for {
		select {
		case <-done:
			break loop
		case <-ctx.Done():
			if r.reason() == "" {
				interrupted = true
				stopAll("interrupted (Ctrl+C)")
			}
			<-done
			break loop
		case <-tick.C:
			snap := r.snapshot()
			if why := r.shouldStop(); why != "" {
				stopAll(why)
			}
			if progress != nil {
				progress(snap)
			}
		}
	}
	cancel()
	<-sampling
	if gauges != nil && !interrupted { // after the load; Ctrl+C does not wait for it
		gauges.sample(parent, r.lastP95())
	}
	rep := r.report()
	rep.Background = gauges.report()
	rep.Interrupted = interrupted
	rep.judge()
	return rep, nil
}

// targeter makes the flow's requests; Body, when set, is numbered per request.
func (f Flow) targeter() vegeta.Targeter {
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = f.Method, f.URL, f.Header.Clone()
		if f.Body != nil {
			t.Body = f.Body(n.Add(1))
		}
		return nil
	}
}

func (r *runner) reason() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop
}

// add files one result under its second of the run.
func (r *runner) add(fs *flowState, res *vegeta.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fs.metrics.Add(res)
	el := res.Timestamp.Sub(r.began)
	i := max(0, int(el/time.Second))
	for len(fs.seconds) <= i {
		// The second's rate is the target at its middle: the rate its requests were sent at.
		fs.seconds = append(fs.seconds, &second{rate: fs.pacer.Rate(time.Duration(len(fs.seconds))*time.Second + time.Second/2)})
	}
	s := fs.seconds[i]
	s.count++
	s.latencies = append(s.latencies, res.Latency)
	if failed(res) {
		s.errors++
	}
	if res.Code == http.StatusTooManyRequests {
		s.got429 = true
	}
}

// failed: no answer, or a status that is not 2xx/3xx (vegeta's own rule).
func failed(res *vegeta.Result) bool { return res.Error != "" || res.Code < 200 || res.Code >= 400 }

// shouldStop says why to stop: a flow whose last StopAfter complete seconds were all past
// the error threshold, or all past the p95 budget.
func (r *runner) shouldStop() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := int(r.plan.StopAfter / time.Second)
	now := int(time.Since(r.began) / time.Second) // the second in progress is not complete
	for _, fs := range r.flows {
		if now < n || len(fs.seconds) < now {
			continue
		}
		for _, s := range fs.seconds[:max(0, now-n-1)] {
			s.compact()
		}
		errRun, slowRun := true, true
		for _, s := range fs.seconds[now-n : now] {
			if s.count == 0 {
				errRun, slowRun = false, false
				break
			}
			errRun = errRun && float64(s.errors)/float64(s.count) > r.plan.ErrorThreshold
			slowRun = slowRun && r.plan.P95Budget > 0 && s.P95() > r.plan.P95Budget
		}
		switch {
		case errRun:
			return fmt.Sprintf("%s: errors over %.0f%% for %s", fs.name, r.plan.ErrorThreshold*100, r.plan.StopAfter)
		case slowRun:
			return fmt.Sprintf("%s: p95 over %s for %s", fs.name, r.plan.P95Budget, r.plan.StopAfter)
		}
	}
	return ""
}

// quantile is the q-quantile of ds (nearest rank); it sorts ds.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(float64(len(ds))*q+0.999999) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

// lastP95 is the worst flow's p95 in its latest second with answers: the load's latency
// when a gauge is read. Results are filed under the second they were sent in, so a flow
// whose answers take 3 s has its latest figures 3 s back.
func (r *runner) lastP95() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var worst time.Duration
	for _, fs := range r.flows {
		for i := len(fs.seconds) - 1; i >= 0; i-- {
			if fs.seconds[i].count > 0 {
				worst = max(worst, fs.seconds[i].P95())
				break
			}
		}
	}
	return worst
}

// Snapshot is the live figures, about once a second.
type Snapshot struct {
	Elapsed, Total time.Duration
	Flows          []FlowSnapshot
}

// FlowSnapshot is one flow in the last complete second.
type FlowSnapshot struct {
	Name          string
	Requests      uint64  // so far
	Target        float64 // the target rate now
	Achieved      float64 // requests in the last complete second
	P50, P95, P99 time.Duration
	ErrorRate     float64
	Statuses      map[string]int // so far
}

func (r *runner) snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	el := time.Since(r.began)
	snap := Snapshot{Elapsed: el, Total: r.plan.Ramp + r.plan.Duration}
	last := int(el/time.Second) - 1
	for _, fs := range r.flows {
		f := FlowSnapshot{Name: fs.name, Requests: fs.metrics.Requests, Target: fs.pacer.Rate(el), Statuses: map[string]int{}}
		for k, v := range fs.metrics.StatusCodes {
			f.Statuses[k] = v
		}
		if last >= 0 && last < len(fs.seconds) {
			s := fs.seconds[last]
			ls := slices.Clone(s.latencies)
			f.Achieved = float64(len(ls))
			f.P50, f.P95, f.P99 = quantile(ls, 0.5), quantile(ls, 0.95), quantile(ls, 0.99)
			if len(ls) > 0 {
				f.ErrorRate = float64(s.errors) / float64(len(ls))
			}
		}
		snap.Flows = append(snap.Flows, f)
	}
	return snap
}
