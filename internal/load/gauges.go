package load

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// defaultSampleEvery is how often a run reads its gauges: often enough to see a queue
// grow over a one-minute hold, rarely enough to add nothing to the load.
const defaultSampleEvery = 5 * time.Second

// Gauge is a number from the app's own metrics (failed jobs, queue depth: the config's
// metric checks) read while the run goes. Requests that answer fast while the queue behind
// them grows are the roadmap's "heavy background tasks block request handling" in the
// making, and no latency figure shows it.
type Gauge struct {
	Name string // what people call it: the metric check's name ("failed jobs")
	// Read returns the value now, with what the metric check says about it (which way is
	// worse, where it starts to matter): the check knows that only once it has read.
	Read func(ctx context.Context) (Reading, error)
}

// Reading is one read of a gauge.
type Reading struct {
	Value float64
	// LowerIsWorse: a number that should stay up, such as workers alive.
	LowerIsWorse bool
	// Threshold is the metric check's own first threshold (its warn:, else its
	// critical:), nil when it has none: the app's owners said a value past it matters,
	// so a run that takes the gauge past it backed the work up however small the rise.
	Threshold *float64
}

// GaugeReport is what one gauge did over the run.
type GaugeReport struct {
	Name         string   `json:"name"`
	From         float64  `json:"from"` // before the load (the first sample)
	To           float64  `json:"to"`   // after it (the last sample)
	Worst        float64  `json:"worst"`
	LowerIsWorse bool     `json:"lower_is_worse,omitempty"`
	Threshold    *float64 `json:"threshold,omitempty"` // the metric check's warn (else critical)
	Samples      int      `json:"samples"`
	Failed       int      `json:"failed_reads,omitempty"`
	LastError    string   `json:"last_error,omitempty"`
}

// noiseShare is the share of the baseline a gauge may wander by without meaning anything:
// a counter of failed jobs going 17 → 18, a queue going 3 → 5 → 3, is the app at work.
const noiseShare = 0.2

// worse says whether the gauge moved the wrong way during the run by more than noise, and
// had not come back by the last sample: a rise past max(1, 20% of the baseline), or past
// the metric check's own threshold from below it. A queue that rose and drained again
// kept up; the report names the backlog only when one was left.
func (g GaugeReport) worse() bool {
	if g.Samples < 2 {
		return false
	}
	sign := 1.0 // the wrong way is up
	if g.LowerIsWorse {
		sign = -1
	}
	rise := sign * (g.Worst - g.From)
	if sign*(g.To-g.From) <= 0 { // back at (or better than) the baseline at the end
		return false
	}
	if rise > max(1, noiseShare*math.Abs(g.From)) {
		return true
	}
	if g.Threshold == nil {
		return false
	}
	t := sign * *g.Threshold // beyond as the metric check says it: at or past the threshold
	return sign*g.From < t && sign*g.Worst >= t
}

// Background is the gauges over the run and the load's p95 at their samples.
type Background struct {
	Gauges []GaugeReport `json:"gauges"`
	// P95From is the first sampled p95 with requests behind it; P95Peak the highest
	// sampled (the worst flow's p95 in the second before each sample).
	P95From  time.Duration `json:"p95_from_ns"`
	P95Peak  time.Duration `json:"p95_peak_ns"`
	BackedUp bool          `json:"backed_up"`
	Summary  string        `json:"summary"`
}

// sampler reads the gauges every SampleEvery and keeps what they did.
type sampler struct {
	gauges  []Gauge
	timeout time.Duration
	mu      sync.Mutex
	reps    []GaugeReport
	p95s    []time.Duration
}

func newSampler(gauges []Gauge, timeout time.Duration) *sampler {
	s := &sampler{gauges: gauges, timeout: timeout}
	for _, g := range gauges {
		s.reps = append(s.reps, GaugeReport{Name: g.Name})
	}
	return s
}

// sample reads every gauge once, at once, each bounded by the timeout; p95 is the load's
// at that moment (0 before any).
func (s *sampler) sample(ctx context.Context, p95 time.Duration) {
	var wg sync.WaitGroup
	for i, g := range s.gauges {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, s.timeout)
			defer cancel()
			rd, err := g.Read(ctx)
			v, lower := rd.Value, rd.LowerIsWorse
			s.mu.Lock()
			defer s.mu.Unlock()
			r := &s.reps[i]
			if err != nil {
				r.Failed++
				r.LastError = err.Error()
				return
			}
			if r.Samples == 0 {
				r.From, r.Worst = v, v
			}
			r.To, r.LowerIsWorse, r.Threshold = v, lower, rd.Threshold
			if (lower && v < r.Worst) || (!lower && v > r.Worst) {
				r.Worst = v
			}
			r.Samples++
		})
	}
	wg.Wait()
	s.mu.Lock()
	s.p95s = append(s.p95s, p95)
	s.mu.Unlock()
}

// every samples until ctx ends.
func (s *sampler) every(ctx context.Context, d time.Duration, p95 func() time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.sample(ctx, p95())
		}
	}
}

// report says what the gauges did: "background work backed up: failed_jobs 0 → 17,
// queue_depth 3 → 240 while p95 rose from 80ms to 900ms".
func (s *sampler) report() *Background {
	if s == nil || len(s.gauges) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &Background{}
	for _, p := range s.p95s {
		if b.P95From == 0 {
			b.P95From = p
		}
		b.P95Peak = max(b.P95Peak, p)
	}
	var moved, read []string
	for _, g := range s.reps {
		b.Gauges = append(b.Gauges, g)
		switch {
		case g.Samples == 0:
			read = append(read, fmt.Sprintf("%s could not be read (%s)", g.Name, g.LastError))
			continue
		case g.worse():
			b.BackedUp = true
			moved = append(moved, fmt.Sprintf("%s %s → %s", g.Name, num(g.From), num(g.Worst)))
		default:
			read = append(read, fmt.Sprintf("%s %s → %s", g.Name, num(g.From), num(g.To)))
		}
	}
	lat := ""
	if b.P95Peak > 0 {
		lat = fmt.Sprintf(" while p95 rose from %s to %s", ms(b.P95From), ms(b.P95Peak))
		if b.P95Peak == b.P95From {
			lat = fmt.Sprintf(" with p95 at %s", ms(b.P95Peak))
		}
	}
	switch {
	case b.BackedUp:
		b.Summary = "background work backed up: " + strings.Join(moved, ", ") + lat
		if len(read) > 0 {
			b.Summary += "; " + strings.Join(read, ", ")
		}
	default:
		b.Summary = "background work kept up: " + strings.Join(read, ", ") + lat
	}
	return b
}

// num is a gauge's value as people write it: 17, 0.5, 240.25.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }
