package perf

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// userAgent says who is asking, so an operator reading access logs knows these requests.
const userAgent = "launchready (performance check; +https://github.com/launchready/launchready)"

// Read caps: a page's HTML is parsed from at most pageLimit bytes, an asset is counted up
// to assetLimit (a bigger one is reported as "at least").
const (
	pageLimit  = 2 << 20
	assetLimit = 8 << 20
)

// fetched is one GET and what came back: the bytes on the wire (compressed, as a browser
// downloads them), the headers, the protocol and the time to first byte.
type fetched struct {
	url      string
	err      error
	status   int
	header   http.Header
	proto    string
	body     []byte // only for the page; assets are counted, not kept
	bytes    int64
	cut      bool
	ttfb     time.Duration
	total    time.Duration
	evidence []string
	spki     string // the verified leaf certificate's key (spkiHash), "" over plain HTTP
	tls      bool   // the response came over TLS (https), where HTTP/2 can be negotiated
}

// get fetches u as a browser would ask (compressed encodings accepted), reading at most
// limit bytes. keep says whether to keep the body (the page) or only count it (assets).
// Setting Accept-Encoding ourselves keeps the transport from decompressing, so sizes are
// what crosses the wire.
func get(ctx context.Context, c *http.Client, u, accept, encodings string, limit int64, keep bool, extra func(*http.Request)) *fetched {
	f := &fetched{url: u}
	var t httpdiag.Timing
	ctx, cancel := httpdiag.Deadline(ctx, c)
	defer cancel()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, t.Trace()), http.MethodGet, u, nil)
	if err != nil {
		f.err = err
		return f
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Encoding", encodings)
	if extra != nil {
		extra(req)
	}
	t.Start()
	resp, err := c.Do(req)
	if err != nil {
		f.total, f.err = t.Stop(), err
		return f
	}
	defer resp.Body.Close()
	f.status, f.header, f.proto, f.tls = resp.StatusCode, resp.Header, resp.Proto, resp.TLS != nil
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		f.spki = spkiHash(resp.TLS.PeerCertificates[0])
	}
	if keep {
		f.body, f.cut, err = netx.ReadLimited(resp.Body, limit)
		f.bytes = int64(len(f.body))
	} else {
		var b []byte
		b, f.cut, err = netx.ReadLimited(resp.Body, limit)
		f.bytes = int64(len(b))
	}
	f.err = httpdiag.CutOff(ctx, err)
	f.total = t.Stop()
	f.ttfb = time.Duration(t.Split().TTFB * float64(time.Millisecond))
	f.evidence = httpdiag.Evidence(http.MethodGet, u, resp, f.total)
	return f
}

// client is a fresh-connection client as a first visit sees it; keep-alive so a page's
// assets share connections as a browser's do.
func client(n *netx.Net, timeout time.Duration) *http.Client {
	return n.HTTPClient(netx.HTTPOptions{Timeout: timeout, KeepAlive: true})
}
