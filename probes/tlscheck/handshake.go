package tlscheck

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"sync"
	"time"

	"github.com/launchready/launchready/probes/netx"
)

// phase is how far a connection got, so a failure is blamed on the right layer: a name
// that does not resolve is the DNS and Endpoints panes' business, a handshake that
// fails is this pane's.
type phase int

const (
	phaseDial      phase = iota // no TCP connection
	phaseHandshake              // connected, TLS did not complete
	phaseHTTP                   // TLS done, the HTTP exchange failed
	phaseDone                   // an HTTP answer (or, for handshake-only, a completed handshake)
)

// httpsAnswer is one HTTPS request as this pane needs it: the TLS state the handshake
// produced (captured even when the HTTP part then fails) and the answer's head.
type httpsAnswer struct {
	url    string
	phase  phase
	err    error
	state  *tls.ConnectionState
	status int
	proto  string
	header http.Header
	took   time.Duration
}

// tlsTrace records how far a request got. The transport dials in its own goroutine and
// may still be calling these after Do returned (a deadline), hence the lock.
type tlsTrace struct {
	mu        sync.Mutex
	connected bool
	started   bool
	done      bool
	state     *tls.ConnectionState
	tlsErr    error
}

func (t *tlsTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			t.mu.Lock()
			t.connected = t.connected || err == nil
			t.mu.Unlock()
		},
		TLSHandshakeStart: func() {
			t.mu.Lock()
			t.started = true
			t.mu.Unlock()
		},
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			t.mu.Lock()
			t.done, t.tlsErr = true, err
			if err == nil {
				t.state = &cs
			}
			t.mu.Unlock()
		},
	}
}

// fetch makes one GET without following redirects and without reading the body: the
// head carries everything the host check needs (status, Location, HSTS), and the
// connection state carries the chain as served.
func fetch(ctx context.Context, client *http.Client, url string, header http.Header) httpsAnswer {
	a, resp := do(ctx, client, url, header)
	if resp != nil {
		resp.Body.Close()
	}
	return a
}

// do is fetch leaving the body open for the caller (nil response on error).
func do(ctx context.Context, client *http.Client, url string, header http.Header) (httpsAnswer, *http.Response) {
	a := httpsAnswer{url: url}
	var tr tlsTrace
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, tr.hooks()), http.MethodGet, url, nil)
	if err != nil {
		a.err = err
		return a, nil
	}
	req.Header = header
	start := time.Now()
	resp, err := client.Do(req)
	a.took = time.Since(start)
	if err == nil {
		a.status, a.proto, a.header, a.phase = resp.StatusCode, resp.Proto, resp.Header, phaseDone
		if resp.TLS != nil {
			a.state = resp.TLS
		}
		return a, resp
	}
	a.err = err
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch {
	case tr.state != nil:
		a.state, a.phase = tr.state, phaseHTTP
	case tr.started || tr.connected:
		a.phase = phaseHandshake
		if tr.tlsErr != nil {
			a.err = tr.tlsErr
		}
	default:
		a.phase = phaseDial
	}
	return a, nil
}

// handshakeResult is one bare TLS handshake (no HTTP), for version probes and targets.
type handshakeResult struct {
	phase phase
	err   error
	state tls.ConnectionState
}

// handshake dials host:port through netx and completes a TLS handshake offering only
// versions min..max, without verifying (we verify ourselves, to say what is wrong). With
// legacy it also offers the old cipher suites a TLS 1.0 server may insist on, so a
// server that accepts TLS 1.0 is found out even if only with RSA key exchange. The
// handshake is completed and closed politely: an aborted one would fill the server's
// logs with alerts.
func handshake(ctx context.Context, n *netx.Net, host, port string, minV, maxV uint16, legacy bool) handshakeResult {
	conn, err := n.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return handshakeResult{phase: phaseDial, err: err}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cfg := &tls.Config{
		ServerName:         sniName(host),
		InsecureSkipVerify: true, // verified by inspect, against netx.RootCAs
		MinVersion:         minV,
		MaxVersion:         maxV,
	}
	if legacy {
		cfg.CipherSuites = legacySuites
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return handshakeResult{phase: phaseHandshake, err: err}
	}
	st := tc.ConnectionState()
	_ = tc.Close()
	return handshakeResult{phase: phaseDone, state: st}
}

// legacySuites is every suite crypto/tls implements, the insecure ones included, so a
// TLS 1.0 server that only does RSA key exchange or 3DES is still found out. Computed
// once and never changed.
var legacySuites = func() []uint16 {
	var ids []uint16
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		ids = append(ids, s.ID)
	}
	return ids
}()

// sniName is the server name to send: none for an IP address, as browsers do.
func sniName(host string) string {
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	return host
}

// versionName writes a TLS version the way the pane does: "1.2".
func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "1.0"
	case tls.VersionTLS11:
		return "1.1"
	case tls.VersionTLS12:
		return "1.2"
	case tls.VersionTLS13:
		return "1.3"
	}
	return tls.VersionName(v)
}

// versionNumber is the tls_min_version metric's value: 1.2 for TLS 1.2.
func versionNumber(v uint16) float64 {
	switch v {
	case tls.VersionTLS10:
		return 1.0
	case tls.VersionTLS11:
		return 1.1
	case tls.VersionTLS12:
		return 1.2
	case tls.VersionTLS13:
		return 1.3
	}
	return 0
}

// versions is what the version probes learnt: which versions were accepted, and the
// handshake state of the oldest accepted one (whose chain serves when a server speaks
// nothing newer).
type versions struct {
	accepted map[uint16]bool
	rejected map[uint16]bool
	legacy   *tls.ConnectionState
	err      error // why the probes could not tell (no connection)
}

// probeVersions finds the lowest TLS version the server accepts: a handshake capped at
// TLS 1.1 (then, if 1.1 was taken, one at 1.0 alone), and one at 1.2 alone. Modern servers
// refuse the first at once, so the cost is one extra full handshake.
func probeVersions(ctx context.Context, n *netx.Net, host, port string) versions {
	vs := versions{accepted: map[uint16]bool{}, rejected: map[uint16]bool{}}
	try := func(minV, maxV uint16) (uint16, bool) {
		r := handshake(ctx, n, host, port, minV, maxV, minV < tls.VersionTLS12)
		switch r.phase {
		case phaseDial:
			vs.err = r.err
			return 0, false
		case phaseHandshake:
			for v := minV; v <= maxV; v++ {
				vs.rejected[v] = true
			}
			return 0, false
		}
		vs.accepted[r.state.Version] = true
		if r.state.Version < tls.VersionTLS12 {
			st := r.state
			vs.legacy = &st
		}
		return r.state.Version, true
	}
	if v, ok := try(tls.VersionTLS10, tls.VersionTLS11); ok && v == tls.VersionTLS11 {
		try(tls.VersionTLS10, tls.VersionTLS10)
	} else if vs.err != nil {
		return vs
	}
	try(tls.VersionTLS12, tls.VersionTLS12)
	return vs
}
