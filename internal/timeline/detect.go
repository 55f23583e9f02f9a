package timeline

import (
	"fmt"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/errlog"
	"github.com/launchready/launchready/probes/tlscheck"
)

// Defaults of a Detector's thresholds.
const (
	// DefaultLatencyFactor: an endpoint's 5-minute p50 doubling (or halving) is a step.
	DefaultLatencyFactor = 2.0
	// DefaultSpikeFactor and DefaultSpikeMin: an error rate three times the calm rate,
	// and at least 5 a minute, is a spike.
	DefaultSpikeFactor = 3.0
	DefaultSpikeMin    = 5.0
	// latencyWindow is how far back the latency p50 looks.
	latencyWindow = 5 * time.Minute
	// latencyMin is how many samples a p50 needs before it is trusted.
	latencyMin = 3
	// ringSize bounds the samples kept per endpoint: ten minutes at the fastest
	// interval the runner allows is far fewer.
	ringSize = 32
)

// Detector finds changes in results as the history store writes them (it implements
// store.Detector). It keeps, per check, only what the next comparison needs: the last
// answer set, certificate, state, latency samples and error groups. Nothing is read
// back from the database, so its cost per result is a map lookup and a few compares.
type Detector struct {
	// LatencyFactor, SpikeFactor and SpikeMin tune what counts as a step; zero means the
	// default.
	LatencyFactor float64
	SpikeFactor   float64
	SpikeMin      float64

	mu   sync.Mutex
	last map[string]*checkState
}

// checkState is one check's previous result, as far as changes go.
type checkState struct {
	status probes.Status
	state  string // endpoints: up, degraded, down; "" when availability does not apply

	answer string // dns: the live answer set as the pane shows it

	serial, issuer string // tls: the leaf certificate
	notAfter       time.Time

	lat     [ringSize]sample // endpoints: latency samples, a ring
	latN    int              // samples written, ever
	latBase time.Duration    // the p50 the last step was measured from; 0 until known

	groups   map[string]struct{} // errors: fingerprints seen
	calm     float64             // errors: the rate while not spiking
	spiking  bool
	spikeMax float64

	// seeded: known from the stored history (Seed), and no result of this process
	// compared yet. The first result then learns what the history cannot tell (the DNS
	// answer, the certificate, the calm error rate) without calling it a change.
	seeded bool
}

type sample struct {
	at  time.Time
	lat time.Duration
}

// NewDetector makes a detector with the default thresholds.
func NewDetector() *Detector { return &Detector{} }

// Detect appends the changes r shows against the previous result of r.Check to out. The
// first result of a check in this process is a baseline: it reports only a state that is
// already bad (an endpoint down, a check failing), so a console opened mid-incident
// shows where things stand.
func (d *Detector) Detect(r probes.Result, out []store.Event) []store.Event {
	if r.Err != "" || r.Status == probes.StatusError {
		// Could not run: says nothing about the product, so nothing changed.
		return out
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.last == nil {
		d.last = map[string]*checkState{}
	}
	st, seen := d.last[r.Check]
	if !seen {
		st = &checkState{}
		d.last[r.Check] = st
	}
	status := r.Status
	if status == "" || status == probes.StatusUnknown {
		status = probes.StatusFor(r.Findings)
	}
	if up, applies := store.Up(r); applies {
		out = d.endpoint(r, st, seen, up, status, out)
	} else if status != st.status && (st.status != "" || status != probes.StatusOK) {
		e := d.event(r, string(r.Pane)+"."+KindStatus, statusText(st.status, status, r))
		e.Baseline = st.status == ""
		out = append(out, e)
	}
	st.status = status
	switch data := r.Data.(type) {
	case dnscheck.HostData:
		out = d.dns(r, st, seen, data, out)
	case *dnscheck.HostData:
		if data != nil {
			out = d.dns(r, st, seen, *data, out)
		}
	case *tlscheck.Host:
		if data != nil && data.Certificate != nil {
			out = d.cert(r, st, seen, data.Certificate, out)
		}
	case errlog.Snapshot:
		out = d.errors(r, st, seen, &data, out)
	case *errlog.Snapshot:
		if data != nil {
			out = d.errors(r, st, seen, data, out)
		}
	}
	st.seeded = false
	return out
}

func (d *Detector) event(r probes.Result, kind, summary string) store.Event {
	return store.Event{Time: r.Started, Kind: kind, Pane: string(r.Pane), Check: r.Check, Target: r.Target,
		Summary: summary, Link: "check:" + r.Check}
}

// statusText is "CHECK ok → fail: <summary>", or "CHECK fail at start: ..." for a
// baseline.
func statusText(from, to probes.Status, r probes.Result) string {
	s := r.Check + " " + string(to) + " at start"
	if from != "" {
		s = r.Check + " " + string(from) + " → " + string(to)
	}
	if r.Summary != "" {
		s += ": " + r.Summary
	}
	return s
}

// endpoint reports state changes (up, degraded, down) and latency steps.
func (d *Detector) endpoint(r probes.Result, st *checkState, seen, up bool, status probes.Status, out []store.Event) []store.Event {
	state := "up"
	switch {
	case !up:
		state = "down"
	case status == probes.StatusWarn || status == probes.StatusFail:
		state = "degraded"
	}
	if state != st.state && (st.state != "" || state != "up") {
		s := r.Target + " " + state + " (was " + st.state + ")"
		if st.state == "" {
			s = r.Target + " " + state + " at start"
		}
		if r.Summary != "" && state != "up" {
			s += ": " + r.Summary
		}
		e := d.event(r, KindEndpointState, s)
		e.Baseline = st.state == ""
		out = append(out, e)
	}
	st.state = state
	if !up || r.Latency <= 0 {
		return out
	}
	st.lat[st.latN%ringSize] = sample{at: r.Started, lat: r.Latency}
	st.latN++
	p50, n := st.p50(r.Started)
	if n < latencyMin {
		return out
	}
	if st.latBase == 0 {
		st.latBase = p50
		return out
	}
	f := d.LatencyFactor
	if f <= 1 {
		f = DefaultLatencyFactor
	}
	if float64(p50) > f*float64(st.latBase) || float64(p50)*f < float64(st.latBase) {
		out = append(out, d.event(r, KindEndpointLatency, fmt.Sprintf("%s p50 over 5 min %s → %s",
			r.Target, st.latBase.Round(time.Millisecond), p50.Round(time.Millisecond))))
		st.latBase = p50
	}
	return out
}

// p50 is the median latency of the samples within latencyWindow of now, and how many
// there were; sorted on the stack, so it allocates nothing.
func (st *checkState) p50(now time.Time) (time.Duration, int) {
	var buf [ringSize]time.Duration
	n := 0
	from := now.Add(-latencyWindow)
	for i := 0; i < min(st.latN, ringSize); i++ {
		if s := st.lat[i]; !s.at.Before(from) {
			// Insertion sort: at most ringSize items.
			j := n
			for j > 0 && buf[j-1] > s.lat {
				buf[j] = buf[j-1]
				j--
			}
			buf[j] = s.lat
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return buf[(n-1)/2], n
}

// dns reports a changed answer set, old and new.
func (d *Detector) dns(r probes.Result, st *checkState, seen bool, h dnscheck.HostData, out []store.Event) []store.Event {
	if seen && st.answer != "" && h.Live != st.answer {
		out = append(out, d.event(r, KindDNSAnswer, h.Name+": "+st.answer+" → "+h.Live))
	}
	if h.Live != "" {
		st.answer = h.Live
	}
	return out
}

// cert reports a different leaf: serial, issuer or expiry.
func (d *Detector) cert(r probes.Result, st *checkState, seen bool, c *tlscheck.Cert, out []store.Event) []store.Event {
	if seen && st.serial != "" && (c.Serial != st.serial || c.Issuer != st.issuer || !c.NotAfter.Equal(st.notAfter)) {
		s := r.Target + ": new certificate"
		if c.Issuer != st.issuer {
			s += ", issuer " + st.issuer + " → " + c.Issuer
		}
		if !c.NotAfter.Equal(st.notAfter) {
			s += ", expires " + st.notAfter.UTC().Format("2 Jan 2006") + " → " + c.NotAfter.UTC().Format("2 Jan 2006")
		}
		s += ", serial " + st.serial + " → " + c.Serial
		out = append(out, d.event(r, KindCertificate, s))
	}
	st.serial, st.issuer, st.notAfter = c.Serial, c.Issuer, c.NotAfter
	return out
}

// errors reports error groups first seen (those read from the backlog at start once, as
// "in the log at start", since their first occurrence is older than launchready's look)
// and the rate spiking.
func (d *Detector) errors(r probes.Result, st *checkState, seen bool, s *errlog.Snapshot, out []store.Event) []store.Event {
	for i := range s.Groups {
		g := &s.Groups[i]
		if _, ok := st.groups[g.Fingerprint]; ok {
			continue
		}
		if st.groups == nil {
			st.groups = map[string]struct{}{}
		}
		st.groups[g.Fingerprint] = struct{}{}
		what := "new error: "
		baseline := false
		if g.Backfill {
			if seen && !st.seeded {
				continue // evicted and read again from the backlog: not new
			}
			// In the log when launchready started and not in the stored history: said
			// once, as where things stood.
			what, baseline = "error in the log at start: ", true
		}
		e := d.event(r, KindNewErrorGroup, what+g.Title)
		e.Baseline = baseline
		if !g.FirstSeen.IsZero() {
			e.Time = g.FirstSeen
		}
		e.Link = "finding:errors.new-group " + g.Fingerprint
		out = append(out, e)
	}
	factor, floor := d.SpikeFactor, d.SpikeMin
	if factor <= 1 {
		factor = DefaultSpikeFactor
	}
	if floor <= 0 {
		floor = DefaultSpikeMin
	}
	rate := s.ErrorsPerMin
	switch {
	case st.seeded:
		// The first rate after a restart: the stored history has no rate to compare
		// with, and a spike under way was recorded before the restart. A high rate is
		// taken as that spike, over once it falls below half the floor.
		st.spiking, st.spikeMax, st.calm = rate >= floor, rate, rate
		if st.spiking {
			st.calm = 0
		}
	case !st.spiking && rate >= floor && rate >= factor*st.calm:
		st.spiking, st.spikeMax = true, rate
		out = append(out, d.event(r, KindErrorSpike, fmt.Sprintf("error rate spiked: %.1f/min (was %.1f/min)", rate, st.calm)))
	case st.spiking && rate < max(floor, factor*st.calm)/2:
		st.spiking = false
		st.calm = rate
	case !st.spiking:
		st.calm = rate
	}
	return out
}
