package timeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/store"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/errlog"
	"github.com/launchready/launchready/probes/tlscheck"
)

func certResult(at time.Time, serial, issuer string, notAfter time.Time) probes.Result {
	return probes.Result{Check: "tls app.acme.example", Kind: "tls", Pane: probes.PaneTLS, Target: "app.acme.example:443",
		Status: probes.StatusOK, Started: at, Data: &tlscheck.Host{Host: "app.acme.example",
			Certificate: &tlscheck.Cert{Serial: serial, Issuer: issuer, NotAfter: notAfter}}}
}

// summaries runs results through a fresh detector and returns "kind: summary" per event.
func summaries(rs ...probes.Result) []string {
	d := NewDetector()
	var out []string
	for _, r := range rs {
		for _, e := range d.Detect(r, nil) {
			out = append(out, e.Kind+": "+e.Summary)
		}
	}
	return out
}

func TestDetect(t *testing.T) {
	exp := t0.Add(90 * 24 * time.Hour)
	lat := func(i int, ms int) probes.Result {
		return endpointResult(t0.Add(time.Duration(i)*30*time.Second), true, time.Duration(ms)*time.Millisecond)
	}
	warn := endpointResult(t0.Add(time.Minute), true, 40*time.Millisecond)
	warn.Status, warn.Summary = probes.StatusWarn, "200 OK · slow"
	couldNot := endpointResult(t0.Add(time.Minute), false, 0)
	couldNot.Err, couldNot.Status = "dial timeout", probes.StatusError
	grp := func(fp string, backfill bool) errlog.Group {
		return errlog.Group{Fingerprint: fp, Title: "boom " + fp, Backfill: backfill}
	}
	email := func(at time.Time, st probes.Status) probes.Result {
		return probes.Result{Check: "email acme.example", Pane: probes.PaneEmail, Target: "acme.example", Status: st, Started: at, Summary: "DMARC p=none"}
	}
	tests := []struct {
		name string
		in   []probes.Result
		want []string
	}{
		{"same answer twice", []probes.Result{dnsResult(t0, "A 1.2.3.4"), dnsResult(t0.Add(time.Minute), "A 1.2.3.4")}, nil},
		{"answer changed", []probes.Result{dnsResult(t0, "A 1.2.3.4"), dnsResult(t0.Add(time.Minute), "CNAME lb.example -> A 5.6.7.8")},
			[]string{"dns.answer: app.acme.example: A 1.2.3.4 → CNAME lb.example -> A 5.6.7.8"}},
		{"renewed certificate", []probes.Result{certResult(t0, "01:aa", "R11 Let's Encrypt", exp), certResult(t0.Add(time.Hour), "02:bb", "R11 Let's Encrypt", exp.Add(60*24*time.Hour))},
			[]string{"tls.certificate: app.acme.example:443: new certificate, expires 26 Feb 2027 → 27 Apr 2027, serial 01:aa → 02:bb"}},
		{"issuer changed", []probes.Result{certResult(t0, "01", "R11 Let's Encrypt", exp), certResult(t0.Add(time.Hour), "01", "Sectigo", exp)},
			[]string{"tls.certificate: app.acme.example:443: new certificate, issuer R11 Let's Encrypt → Sectigo, serial 01 → 01"}},
		{"up at start is no news", []probes.Result{lat(0, 40)}, nil},
		{"down at start is", []probes.Result{endpointResult(t0, false, 0)},
			[]string{"endpoints.state: https://app.acme.example/health down at start: 503 Service Unavailable"}},
		{"up, degraded, down, up", []probes.Result{lat(0, 40), warn, endpointResult(t0.Add(2*time.Minute), false, 0), lat(5, 40)},
			[]string{"endpoints.state: https://app.acme.example/health degraded (was up): 200 OK · slow",
				"endpoints.state: https://app.acme.example/health down (was degraded): 503 Service Unavailable",
				"endpoints.state: https://app.acme.example/health up (was down)"}},
		{"could not run changes nothing", []probes.Result{lat(0, 40), couldNot, lat(3, 40)}, nil},
		{"latency jitter is no step", []probes.Result{lat(0, 40), lat(1, 45), lat(2, 38), lat(3, 60), lat(4, 42), lat(5, 41)}, nil},
		{"latency step up", []probes.Result{lat(0, 40), lat(1, 40), lat(2, 40), lat(3, 400), lat(4, 400), lat(5, 400), lat(6, 400), lat(7, 400)},
			[]string{"endpoints.latency: https://app.acme.example/health p50 over 5 min 40ms → 400ms"}},
		{"errors: backlog said once at start, a later group is new", []probes.Result{errorsResult(t0, 0, grp("a", true)), errorsResult(t0.Add(time.Minute), 0, grp("a", true), grp("b", false), grp("c", true)), errorsResult(t0.Add(2*time.Minute), 0, grp("a", true), grp("b", false))},
			[]string{"errors.new-group: error in the log at start: boom a", "errors.new-group: new error: boom b"}},
		{"errors: spike once, calm, spike again", []probes.Result{errorsResult(t0, 1), errorsResult(t0.Add(time.Minute), 30), errorsResult(t0.Add(2*time.Minute), 40), errorsResult(t0.Add(3*time.Minute), 1), errorsResult(t0.Add(4*time.Minute), 20)},
			[]string{"errors.spike: error rate spiked: 30.0/min (was 1.0/min)", "errors.spike: error rate spiked: 20.0/min (was 1.0/min)"}},
		{"errors: a slow rise is no spike", []probes.Result{errorsResult(t0, 2), errorsResult(t0.Add(time.Minute), 4), errorsResult(t0.Add(2*time.Minute), 7), errorsResult(t0.Add(3*time.Minute), 12)}, nil},
		{"other panes: status edges", []probes.Result{email(t0, probes.StatusOK), email(t0.Add(time.Minute), probes.StatusWarn), email(t0.Add(2*time.Minute), probes.StatusWarn)},
			[]string{"email.status: email acme.example ok → warn: DMARC p=none"}},
		{"other panes: failing at start", []probes.Result{email(t0, probes.StatusFail)}, []string{"email.status: email acme.example fail at start: DMARC p=none"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summaries(tc.in...)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("events:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// BenchmarkDetectUnchanged is the cost the detector adds to every result written when
// nothing changed (the common case), for the three shapes it reads most: an endpoint
// (state and latency p50), a DNS host (answer set), and an errors snapshot of 50 groups.
// Target: under 5 µs and 0 allocations each.
func BenchmarkDetectUnchanged(b *testing.B) {
	groups := make([]errlog.Group, 50)
	for i := range groups {
		groups[i] = errlog.Group{Fingerprint: fmt.Sprintf("fp%02d", i), Title: "boom"}
	}
	cases := map[string]probes.Result{
		"endpoint": endpointResult(t0, true, 40*time.Millisecond),
		"dns":      dnsResult(t0, "CNAME lb.acme.example -> A 203.0.113.10, 203.0.113.11"),
		"errors":   errorsResult(t0, 0.4, groups...),
		"tls":      certResult(t0, "01:02:03", "R11 Let's Encrypt", t0.Add(90*24*time.Hour)),
	}
	for name, r := range cases {
		b.Run(name, func(b *testing.B) {
			d := NewDetector()
			out := make([]store.Event, 0, 8)
			for i := range ringSize {
				r.Started = t0.Add(time.Duration(i) * 10 * time.Second)
				d.Detect(r, out[:0])
			}
			b.ReportAllocs()
			for b.Loop() {
				r.Started = r.Started.Add(10 * time.Second)
				if out = d.Detect(r, out[:0]); len(out) != 0 {
					b.Fatalf("unchanged result reported %+v", out)
				}
			}
		})
	}
}
