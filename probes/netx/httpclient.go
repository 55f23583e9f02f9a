package netx

import (
	"crypto/tls"
	"net/http"
	"time"
)

// HTTPOptions are the few ways HTTP probes differ. The zero value is what a
// user's first visit sees: a fresh connection, no redirects followed.
type HTTPOptions struct {
	// Timeout bounds the whole request, body included; default 10s.
	Timeout time.Duration
	// FollowRedirects follows up to 10 redirects. Off by default so a probe
	// sees, and can judge, every hop (http->https, canonical host, loops).
	FollowRedirects bool
	// KeepAlive reuses connections between requests. Off by default: each
	// check pays for its own TCP and TLS handshake, as a new visitor does,
	// so latency and certificate problems are not hidden by a warm pool.
	KeepAlive bool
	// InsecureSkipVerify accepts any certificate, for probes that inspect a
	// broken chain themselves (resp.TLS.PeerCertificates).
	InsecureSkipVerify bool
}

// DefaultHTTPTimeout is HTTPOptions.Timeout when left at zero.
const DefaultHTTPTimeout = 10 * time.Second

// maxHeaderBytes caps response headers: a probe needs a few, and a hostile
// server should not make us buffer megabytes of them.
const maxHeaderBytes = 64 << 10

// transportKey is what makes two transports differ. The timeout is in it
// because ResponseHeaderTimeout follows the request timeout.
type transportKey struct {
	keepAlive, insecure bool
	timeout             time.Duration
}

// HTTPClient returns a client that dials through n and trusts RootCAs. It
// is cheap to call per check: the transport behind it is shared with every
// client of the same options, and the CA pool with everything.
func (n *Net) HTTPClient(o HTTPOptions) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultHTTPTimeout
	}
	c := &http.Client{
		Transport: n.transport(transportKey{keepAlive: o.KeepAlive, insecure: o.InsecureSkipVerify, timeout: o.Timeout}),
		Timeout:   o.Timeout,
	}
	if !o.FollowRedirects {
		c.CheckRedirect = stopAtFirstResponse
	}
	return c
}

func stopAtFirstResponse(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (n *Net) transport(k transportKey) *http.Transport {
	n.mu.Lock()
	defer n.mu.Unlock()
	if t, ok := n.transports[k]; ok {
		return t
	}
	t := &http.Transport{
		Proxy:                  nil, // never the environment's proxy: probes must see the real route
		DialContext:            n.DialContext,
		TLSClientConfig:        n.clientTLS(k.insecure),
		TLSHandshakeTimeout:    n.dialTimeout,
		ResponseHeaderTimeout:  k.timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
		ForceAttemptHTTP2:      true,
		DisableKeepAlives:      !k.keepAlive,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConnsPerHost:    4,
	}
	n.transports[k] = t
	return t
}

// clientTLS is the HTTP clients' TLS config: verification by the chain cache (the same
// checks crypto/tls makes, without redoing them for a chain already verified), or none
// for probes that inspect a broken chain themselves.
func (n *Net) clientTLS(insecure bool) *tls.Config {
	if insecure {
		return &tls.Config{RootCAs: n.roots, InsecureSkipVerify: true}
	}
	return &tls.Config{RootCAs: n.roots, InsecureSkipVerify: true, VerifyConnection: n.chains.verify}
}
