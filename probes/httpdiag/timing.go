package httpdiag

import (
	"crypto/tls"
	"fmt"
	"net/http/httptrace"
	"sync"
	"time"
)

// Timing is the split of one request's latency (DNS, connect, TLS, first byte), filled by
// the httptrace hooks Trace returns. The hooks may fire from the transport's goroutines,
// hence the lock.
type Timing struct {
	mu                                     sync.Mutex
	start, dnsStart, dnsDone, connStart    time.Time
	connDone, tlsStart, tlsDone, firstByte time.Time
	end                                    time.Time
}

// Start marks the moment the request is sent.
func (t *Timing) Start() {
	t.mu.Lock()
	t.start = time.Now()
	t.mu.Unlock()
}

// Stop marks the end of the whole exchange (the body read) and returns its duration.
func (t *Timing) Stop() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.end = time.Now()
	return t.end.Sub(t.start)
}

func (t *Timing) mark(p *time.Time) {
	t.mu.Lock()
	*p = time.Now()
	t.mu.Unlock()
}

// Trace returns the hooks that fill t; put them on the request's context with
// httptrace.WithClientTrace.
func (t *Timing) Trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { t.mark(&t.dnsStart) },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.mark(&t.dnsDone) },
		ConnectStart:         func(string, string) { t.mark(&t.connStart) },
		ConnectDone:          func(string, string, error) { t.mark(&t.connDone) },
		TLSHandshakeStart:    func() { t.mark(&t.tlsStart) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.mark(&t.tlsDone) },
		GotFirstResponseByte: func() { t.mark(&t.firstByte) },
	}
}

// Split is the latency split in milliseconds; a part that did not happen (no DNS for an
// address, no TLS for http://) is 0.
type Split struct {
	DNS     float64 `json:"dns_ms"`
	Connect float64 `json:"connect_ms"`
	TLS     float64 `json:"tls_ms"`
	TTFB    float64 `json:"ttfb_ms"`
}

// Split reads the parts measured so far.
func (t *Timing) Split() Split {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Split{
		DNS:     ms(t.dnsStart, t.dnsDone),
		Connect: ms(t.connStart, t.connDone),
		TLS:     ms(t.tlsStart, t.tlsDone),
		TTFB:    ms(t.start, t.firstByte),
	}
}

// Metrics puts the split into a result's metrics under the names the console reads:
// dns_ms, connect_ms, tls_ms, ttfb_ms.
func (s Split) Metrics(m map[string]float64) {
	m["dns_ms"], m["connect_ms"], m["tls_ms"], m["ttfb_ms"] = s.DNS, s.Connect, s.TLS, s.TTFB
}

func ms(a, b time.Time) float64 {
	if a.IsZero() || b.IsZero() {
		return 0
	}
	return Ms(b.Sub(a))
}

// Ms is a duration in milliseconds with microsecond precision, the unit of every *_ms metric.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Round writes a latency as a person reads it: "183 ms", "2.4 s".
func Round(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
