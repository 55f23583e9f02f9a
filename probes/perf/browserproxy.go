package perf

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/launchready/launchready/probes/netx"
)

// browserProxy is an HTTP proxy on 127.0.0.1 for one browser run. Through it the browser
// reaches the config's hosts the way every check does (network.connect_to, the
// resolvers, so the lab and a staging override work) and nothing else: a third-party
// script or font is refused and counted, so a browser run never sends traffic the config
// did not name, and its timings are the product's own.
type browserProxy struct {
	net   *netx.Net
	allow func(host string) bool
	ln    net.Listener
	srv   *http.Server
	tr    *http.Transport

	mu     sync.Mutex
	conns  []net.Conn // hijacked tunnels, closed with the proxy
	closed bool
}

func startBrowserProxy(n *netx.Net, allow func(string) bool) (*browserProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &browserProxy{net: n, allow: allow, ln: ln,
		tr: &http.Transport{DialContext: n.DialContext, TLSHandshakeTimeout: 10 * time.Second}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln) //nolint:errcheck // ends with Close
	return p, nil
}

func (p *browserProxy) addr() string { return p.ln.Addr().String() }

// Close stops the proxy and every tunnel through it.
func (p *browserProxy) Close() {
	p.srv.Close()
	p.tr.CloseIdleConnections()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *browserProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.URL.Hostname()
	if r.Method == http.MethodConnect {
		host, _, _ = net.SplitHostPort(r.Host)
	}
	if !p.allow(host) {
		http.Error(w, "launchready: "+host+" is not one of the config's hosts", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodConnect {
		p.forward(w, r)
		return
	}
	up, err := p.net.DialContext(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	down, buf, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	if !p.track(up, down) {
		return
	}
	if _, err := io.WriteString(down, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	go splice(up, down, buf.Reader)
}

// track keeps a tunnel's two ends for Close; false (and both closed) when the proxy has
// closed already.
func (p *browserProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// splice copies both ways until either side ends, then closes both.
func splice(up, down net.Conn, pending *bufio.Reader) {
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, pending); done <- struct{}{} }() //nolint:errcheck // a closed tunnel ends the copy
	go func() { io.Copy(down, up); done <- struct{}{} }()    //nolint:errcheck
	<-done
	up.Close()
	down.Close()
}

// forward passes a plain-HTTP request on and its answer back.
func (p *browserProxy) forward(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Connection")
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body) //nolint:errcheck // the browser hung up
}
