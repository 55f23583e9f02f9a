// Package load is `launchready load`: the login and sign-up flows under a bounded,
// deliberate load (vegeta as a library), figures per second while it runs, and a report
// at the end. It is app wiring: the flows come from the config (probes/perf reads
// performance.load), the network from netx, and the terminal is the caller's.
package load

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Flow is one request shape under load.
type Flow struct {
	Name   string
	Method string
	URL    string
	Header http.Header
	// Role is RoleLogin, RoleSignup or "": what the launch bar's "Login and signup
	// tested" reads from the record of the run.
	Role string
	// Body makes the body of the n-th request (a sign-up's fresh address); nil for none.
	Body func(n uint64) []byte
}

// Roles of a flow, for the record: the launch bar asks whether the sign-in and the
// sign-up held.
const (
	RoleLogin  = "login"
	RoleSignup = "signup"
)

// Plan is a load run, decided and checked before anything is sent.
type Plan struct {
	Flows []Flow
	// Rate is the target of all flows together, requests per second, reached by a linear
	// ramp from one a second per flow over Ramp, then held for Duration.
	Rate     float64
	Ramp     time.Duration
	Duration time.Duration
	// ErrorThreshold and P95Budget stop the run when a flow stays past them StopAfter
	// (default 10s) running; they also mark when it started failing and the knee.
	ErrorThreshold float64
	P95Budget      time.Duration
	StopAfter      time.Duration
	// Client sends the requests; its transport is wrapped so requests end with the run.
	Client *http.Client
	// MaxWorkers caps concurrent requests in flight (default 512).
	MaxWorkers uint64
	// Gauges are read before the load, every SampleEvery (default 5s) while it runs and
	// after it, each read bounded by GaugeTimeout (default 5s): what the background work
	// did under the load.
	Gauges       []Gauge
	SampleEvery  time.Duration
	GaugeTimeout time.Duration
	// Allowed says whether a host may receive load: the config's hosts, never anything
	// else. Check refuses a plan with any other.
	Allowed func(host string) bool
}

// Check refuses a plan that would send anything anywhere it should not, or without
// bounds. It is called by Run too, so a caller cannot skip it.
func (p Plan) Check() error {
	var errs []error
	if len(p.Flows) == 0 {
		errs = append(errs, errors.New("no flows to run: name flows from performance.load.flows"))
	}
	if p.Rate <= 0 || p.Duration <= 0 || p.Ramp < 0 {
		errs = append(errs, fmt.Errorf("rate %g/s, ramp %s, duration %s: a run needs a positive rate and duration", p.Rate, p.Ramp, p.Duration))
	}
	if p.Allowed == nil {
		errs = append(errs, errors.New("no list of allowed hosts: refusing to send load anywhere"))
	}
	for _, f := range p.Flows {
		u, err := url.Parse(f.URL)
		switch {
		case err != nil || u.Host == "":
			errs = append(errs, fmt.Errorf("flow %s: %q is not a URL", f.Name, f.URL))
		case p.Allowed != nil && !p.Allowed(u.Hostname()):
			errs = append(errs, fmt.Errorf("flow %s: %s is not one of the config's hosts; load goes only to the product's own names (hosts:)", f.Name, u.Hostname()))
		}
	}
	return errors.Join(errs...)
}

// SignupBody makes a sign-up body: {{email}} in tmpl becomes loadtest+RUN-N@domain, so
// every request signs up a fresh address at a test domain the app accepts, and the run's
// accounts can be found and deleted afterwards by their prefix.
func SignupBody(tmpl, domain, run string) func(uint64) []byte {
	return func(n uint64) []byte {
		return []byte(strings.ReplaceAll(tmpl, "{{email}}", fmt.Sprintf("loadtest+%s-%d@%s", run, n, domain)))
	}
}
