package tlscheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// hostCheck is "tls NAME": one host's certificate, chain, TLS versions, CAA, and for
// hosts from hosts: also HSTS and what port 80 answers. The network parts run at once,
// each bounded by the check's context, so a host costs its slowest part, not their sum.
type hostCheck struct {
	p      *policy
	host   string
	port   string
	role   string
	web    bool   // a host from hosts: (HTTPS GET, HSTS, port 80); false for tls.targets
	url    string // the https URL fetched for the head (web only)
	target string // what findings are about: the host, or host:port for a target
	info   probes.CheckInfo
}

func (c *hostCheck) Info() probes.CheckInfo { return c.info }

// observation is everything the network parts of one run saw.
type observation struct {
	main  httpsAnswer // the HTTPS GET (web) or a bare handshake (targets)
	vs    versions
	plain httpsAnswer // port 80 (web only)
	caa   caaSet
	caErr error
}

func (c *hostCheck) Run(ctx context.Context) probes.Result {
	var o observation
	var wg sync.WaitGroup
	if c.web {
		wg.Go(func() { o.main = fetch(ctx, c.p.client, c.url, c.p.header(c.host)) })
		wg.Go(func() { o.plain = fetch(ctx, c.p.client, c.plainURL(), c.p.header(c.host)) })
	} else {
		wg.Go(func() {
			r := handshake(ctx, c.p.net, c.host, c.port, 0, 0, false)
			o.main = httpsAnswer{url: c.target, phase: r.phase, err: r.err}
			if r.phase == phaseDone {
				o.main.state = &r.state
			}
		})
	}
	wg.Go(func() { o.vs = probeVersions(ctx, c.p.net, c.host, c.port) })
	wg.Go(func() { o.caa, o.caErr = lookupCAA(ctx, c.p.net, c.host, c.p.apex) })
	wg.Wait()
	return c.judge(o, c.p.now())
}

// plainURL is the host's URL on port 80: the same path a member would type.
func (c *hostCheck) plainURL() string {
	u, err := url.Parse(c.url)
	if err != nil {
		return "http://" + c.host + "/"
	}
	u.Scheme, u.Host = "http", c.host
	return u.String()
}

// judge turns what was seen into the pane's row (Data), metrics and findings. It touches
// no network: everything it needs is in the observation.
func (c *hostCheck) judge(o observation, now time.Time) probes.Result {
	port, _ := strconv.Atoi(c.port)
	h := &Host{Host: c.host, Port: port, Role: c.role, Checked: now.UTC(), State: StateOK}
	j := &judgement{c: c, h: h, now: now, metrics: map[string]float64{}}

	if c.web {
		j.plainHTTP(o.plain, o.main.phase != phaseDial)
	}
	state := o.main.state
	switch o.main.phase {
	case phaseDial:
		if netx.IsResolverDown(o.main.err) {
			return probes.Result{Err: fmt.Sprint(o.main.err)}
		}
		h.State, h.Reason = StateUnreachable, reason(o.main.err)
		j.add(finding("tls.unreachable", probes.Info, impact(c.role), c.target,
			fmt.Sprintf("%s unreachable: %s; certificate not checked", c.host, h.Reason),
			fmt.Sprintf("No connection to %s:%s: %v. The Endpoints and DNS panes say why; the certificate is checked once it answers.", c.host, c.port, o.main.err),
			h.Reason, "a TLS handshake on port "+c.port, "See the Endpoints pane's finding for this host.", nil))
		return j.result(fmt.Sprintf("unreachable: %s", h.Reason), probes.StatusWarn)
	case phaseHandshake:
		if o.vs.legacy == nil {
			h.State, h.Reason = StateHandshakeFailed, reason(o.main.err)
			j.add(finding("tls.handshake-failed", c.p.down(c.role), impact(c.role), c.target,
				fmt.Sprintf("TLS handshake with %s fails: %s", c.host, h.Reason),
				fmt.Sprintf("%s:%s accepts connections but no TLS handshake completes: %v. Browsers show a connection error; nothing on this host is reachable over HTTPS.", c.host, c.port, o.main.err),
				h.Reason, "a TLS 1.2 or 1.3 handshake",
				fmt.Sprintf("Check that the server on %s:%s is a TLS listener with a certificate configured for %s (nginx: `listen %s ssl;` with ssl_certificate and ssl_certificate_key), then try: openssl s_client -connect %s:%s -servername %s",
					c.host, c.port, c.host, c.port, c.host, c.port, c.host), nil))
			return j.result("handshake failed: "+h.Reason, "")
		}
		state = o.vs.legacy
		j.legacyOnly(o.vs, o.main.err)
	case phaseHTTP:
		j.badResponse(o.main)
	case phaseDone:
		if c.web {
			j.hsts(o.main)
		}
	}
	if state == nil || len(state.PeerCertificates) == 0 {
		h.State, h.Reason = StateHandshakeFailed, "the server sent no certificate"
		return j.result("handshake: no certificate", "")
	}
	if o.main.state != nil {
		h.TLS.Negotiated = versionName(o.main.state.Version)
		h.TLS.ALPN = o.main.state.NegotiatedProtocol
		h.TLS.Cipher = tls.CipherSuiteName(o.main.state.CipherSuite)
	}
	j.versions(o.vs, o.main.state)
	j.certificate(state.PeerCertificates)
	j.caa(o.caa, o.caErr, state.PeerCertificates[0])
	return j.result(j.summary(), "")
}

// judgement accumulates one run's verdicts.
type judgement struct {
	c        *hostCheck
	h        *Host
	now      time.Time
	findings []probes.Finding
	metrics  map[string]float64
	leaf     *x509.Certificate
}

func (j *judgement) add(f probes.Finding) { j.findings = append(j.findings, f) }

// setState keeps the worst certificate state seen (the constants are ordered worst
// first).
func (j *judgement) setState(state, reason string) {
	if stateRank(state) < stateRank(j.h.State) {
		j.h.State, j.h.Reason = state, reason
	}
}

var stateOrder = []string{StateUnreachable, StateHandshakeFailed, StateLegacyOnly, StateExpired, StateNotYetValid,
	StateSelfSigned, StateUntrusted, StateWeak, StateName, StateIncompleteChain, StateExpiring, StateOK}

func stateRank(s string) int {
	if i := slices.Index(stateOrder, s); i >= 0 {
		return i
	}
	return len(stateOrder)
}

func (j *judgement) result(summary string, status probes.Status) probes.Result {
	return probes.Result{
		Target:   j.c.target,
		Summary:  summary,
		Status:   status,
		Findings: j.findings,
		Metrics:  j.metrics,
		Data:     j.h,
	}
}

// versions records which TLS versions the host accepts and reports the old ones.
func (j *judgement) versions(vs versions, main *tls.ConnectionState) {
	acc := map[uint16]bool{}
	for v := range vs.accepted {
		acc[v] = true
	}
	if main != nil {
		acc[main.Version] = true
	}
	all := []uint16{tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13}
	for _, v := range all {
		if acc[v] {
			j.h.TLS.Accepted = append(j.h.TLS.Accepted, versionName(v))
		}
	}
	// The lowest accepted version is known once every older one was refused.
	for _, v := range all {
		if acc[v] {
			j.h.TLS.Min = versionName(v)
			j.metrics["tls_min_version"] = versionNumber(v)
			break
		}
		if !vs.rejected[v] {
			break
		}
	}
	var old []string
	for _, v := range all[:2] {
		if acc[v] {
			old = append(old, "TLS "+versionName(v))
		}
	}
	if len(old) == 0 || j.h.State == StateLegacyOnly {
		return
	}
	list := strings.Join(old, " and ")
	j.add(finding("tls.old-protocol", j.c.p.cap(probes.Medium), probes.Trust, j.c.target,
		fmt.Sprintf("%s accepts %s", j.c.host, list),
		fmt.Sprintf("%s:%s completes handshakes with %s, deprecated since 2021 (RFC 8996): they lack modern ciphers, payment-card rules (PCI DSS) forbid them, and current browsers no longer speak them, so they only serve attackers trying to downgrade a connection.", j.c.host, j.c.port, list),
		"accepts "+list, "TLS 1.2 and 1.3 only",
		"Turn the old versions off: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`, Caddy and Go servers default to it; on Cloudflare set SSL/TLS > Edge Certificates > Minimum TLS Version to 1.2. Verify: openssl s_client -connect "+j.c.host+":"+j.c.port+" -tls1_1 must fail.",
		[]string{"accepted: " + strings.Join(j.h.TLS.Accepted, ", ")}))
}

// legacyOnly: the modern handshake failed but TLS 1.0/1.1 worked.
func (j *judgement) legacyOnly(vs versions, modernErr error) {
	v := versionName(vs.legacy.Version)
	j.setState(StateLegacyOnly, "only TLS "+v)
	j.add(finding("tls.legacy-only", j.c.p.down(j.c.role), impact(j.c.role), j.c.target,
		fmt.Sprintf("%s speaks only TLS %s: current browsers cannot connect", j.c.host, v),
		fmt.Sprintf("A TLS 1.2/1.3 handshake with %s:%s fails (%v), while one capped at TLS %s succeeds. Every current browser and HTTP library has dropped TLS 1.0 and 1.1, so members get a connection error.", j.c.host, j.c.port, reason(modernErr), v),
		"TLS "+v+" only", "TLS 1.2 and 1.3",
		"Enable TLS 1.2 and 1.3 on the server (nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`); a server this old likely needs an OpenSSL upgrade, or put a CDN or load balancer in front of it.",
		[]string{"modern handshake: " + modernErr.Error(), "legacy handshake: TLS " + v + " accepted"}))
}

// badResponse: TLS was fine, the HTTP exchange over it was not.
func (j *judgement) badResponse(a httpsAnswer) {
	why := reason(a.err)
	j.add(finding("tls.bad-response", j.c.p.cap(probes.Medium), impact(j.c.role), j.c.target,
		fmt.Sprintf("%s: HTTPS answer is broken (%s)", j.c.host, why),
		fmt.Sprintf("The TLS handshake with %s completed, but GET %s did not produce a usable answer: %v. HSTS could not be checked.", j.c.host, a.url, a.err),
		why, "an HTTP response with a reasonable head",
		"Check the application or proxy behind "+j.c.host+" (the Endpoints and Errors panes); try: curl -sv "+a.url+" -o /dev/null",
		nil))
}

// summary is the check's one line: days left, issuer, TLS, HSTS and port 80, as the
// pane's columns read.
func (j *judgement) summary() string {
	h := j.h
	var parts []string
	if h.Certificate != nil {
		first := expiryText(h.Certificate.NotAfter, j.now)
		if h.State != StateOK && h.State != StateExpiring && h.State != StateExpired {
			first = h.State + " · " + first
		}
		parts = append(parts, first, h.Certificate.Issuer)
	}
	if t := tlsColumn(h.TLS); t != "" {
		parts = append(parts, "TLS "+t)
	}
	switch {
	case h.HSTS == nil:
	case !h.HSTS.Valid || h.HSTS.MaxAge == 0:
		parts = append(parts, "no HSTS")
	default:
		parts = append(parts, "HSTS "+ageText(h.HSTS.MaxAge))
	}
	if h.HTTP != nil {
		switch {
		case h.HTTP.Status == 0:
			parts = append(parts, "http: "+h.HTTP.Error)
		case h.HTTP.Upgrades:
			parts = append(parts, fmt.Sprintf("http %d", h.HTTP.Status))
		default:
			parts = append(parts, fmt.Sprintf("http %d (no upgrade)", h.HTTP.Status))
		}
	}
	return strings.Join(parts, " · ")
}

// tlsColumn is the pane's TLS cell: "1.2+" when 1.2 is the lowest and 1.3 is spoken,
// "1.3" alone, "1.0+" for an old server.
func tlsColumn(t TLSVersions) string {
	switch {
	case t.Min == "" && t.Negotiated == "":
		return ""
	case t.Min == "":
		return t.Negotiated
	case len(t.Accepted) > 1:
		return t.Min + "+"
	}
	return t.Min
}
