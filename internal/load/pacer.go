package load

import (
	"math"
	"time"
)

// rampPacer ramps linearly from start to rate requests per second over ramp, then holds
// rate: the ramp is what finds the knee (the rate at which p95 leaves its budget), the
// hold is what shows the service stays up at the target.
type rampPacer struct {
	start, rate float64 // requests per second
	ramp        time.Duration
}

// expected is how many requests should have been sent by t.
func (p rampPacer) expected(t time.Duration) float64 {
	r := p.ramp.Seconds()
	s := t.Seconds()
	if r <= 0 {
		return p.rate * s
	}
	if s <= r {
		return p.start*s + (p.rate-p.start)*s*s/(2*r)
	}
	return p.start*r + (p.rate-p.start)*r/2 + p.rate*(s-r)
}

// Rate is the target rate at t.
func (p rampPacer) Rate(t time.Duration) float64 {
	if p.ramp <= 0 || t >= p.ramp {
		return p.rate
	}
	return p.start + (p.rate-p.start)*t.Seconds()/p.ramp.Seconds()
}

// Pace says how long to wait before the next request (vegeta.Pacer). Behind schedule, it
// sends at once; ahead, it waits until the next request is due.
func (p rampPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	next := float64(hits + 1)
	if p.expected(elapsed) >= next {
		return 0, false
	}
	var at float64 // seconds
	if r := p.ramp.Seconds(); r > 0 && next <= p.expected(p.ramp) {
		a := (p.rate - p.start) / (2 * r)
		if a <= 0 {
			at = next / p.start
		} else {
			at = (-p.start + math.Sqrt(p.start*p.start+4*a*next)) / (2 * a)
		}
	} else {
		at = p.ramp.Seconds() + (next-p.expected(p.ramp))/p.rate
	}
	wait := time.Duration(at*float64(time.Second)) - elapsed
	return max(wait, 0), false
}
