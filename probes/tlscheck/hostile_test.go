package tlscheck

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// rawServer accepts connections on 127.0.0.1 and hands each to serve, for servers no
// well-behaved library would be: the test closes the listener and every connection.
func rawServer(t testing.TB, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 64)
	t.Cleanup(func() {
		ln.Close()
		for {
			select {
			case c := <-conns:
				c.Close()
			default:
				return
			}
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case conns <- c:
			default:
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// silent never answers: it reads what the client sends and waits, so a handshake never
// finishes.
func silent(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

// garbage answers any connection with random bytes.
func garbage(c net.Conn) {
	buf := make([]byte, 4096)
	_, _ = rand.Read(buf)
	_, _ = c.Write(buf)
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 1<<20))
}

// overTLS wraps a raw HTTP/1.1 responder in TLS with cert (no HTTP/2, no net/http):
// the hostile part is what respond writes.
func overTLS(cert tls.Certificate, respond func(w *bufio.Writer)) func(net.Conn) {
	return func(c net.Conn) {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(io.LimitReader(tc, 64<<10))
		for { // the request head
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\r\n" {
				break
			}
		}
		w := bufio.NewWriterSize(tc, 32<<10)
		respond(w)
		_ = w.Flush()
	}
}

// manyHeaders sends 10,000 response headers.
func manyHeaders(w *bufio.Writer) {
	w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
	for i := range 10000 {
		fmt.Fprintf(w, "X-Junk-%d: %s\r\n", i, strings.Repeat("v", 20))
	}
	w.WriteString("Content-Length: 2\r\n\r\nok")
}

// endless streams an HTML body that never ends, until the client goes away.
func endless(w *bufio.Writer) {
	w.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nStrict-Transport-Security: max-age=31536000\r\n\r\n<!doctype html><p>")
	chunk := []byte(strings.Repeat("all work and no play ", 1600))
	for {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// hostileSweep points host h.corp.example's port 443 at addr, and port 80 at a polite
// upgrade, and runs the pane with a 1s timeout.
func hostileSweep(t *testing.T, addr string, p *pki) map[string]probes.Result {
	t.Helper()
	l := startLab(t, zoneOnly("corp.example"))
	nc := labNet(l)
	nc.ConnectTo["h.corp.example:443"] = addr
	nc.ConnectTo["h.corp.example:80"] = serveHTTP(t, http.HandlerFunc(upgrade))
	if p != nil {
		nc.CAFile = p.rootFile(t)
	}
	cfg := "domain: corp.example\ncanonical_url: https://h.corp.example/\nchecks: {timeout: 1s}\nhosts: [{name: h.corp.example}]\n"
	e := testEnv(t, cfg, nc, frozen, nil)
	start := time.Now()
	res := sweep(t, e, time.Second)
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("the sweep took %s: the 1s timeout did not hold", took)
	}
	for _, r := range res {
		if r.Err != "" {
			t.Errorf("%s could not run (a hostile server must end as findings, not a probe error): %s", r.Check, r.Err)
		}
	}
	return res
}

func TestHostileServers(t *testing.T) {
	t.Parallel()
	p := newPKI(t, frozen, caOpts{org: "Let's Encrypt"})
	cert := p.leaf(frozen, []string{"h.corp.example"}, "", false)
	cases := []struct {
		name      string
		serve     func(net.Conn)
		host      string // findings of "tls h.corp.example"
		page      string // findings of the canonical page's mixed-content check
		reasonHas string
	}{
		{"handshake never finishes", silent, "tls.handshake-failed/critical", "tls.page-unavailable/info", "timed out"},
		{"garbage instead of TLS", garbage, "tls.handshake-failed/critical", "tls.page-unavailable/info", "does not speak TLS"},
		{"10,000 headers", overTLS(cert, manyHeaders), "tls.bad-response/medium", "tls.bad-response/medium", "headers too large"},
		{"endless body", overTLS(cert, endless), "", "tls.page-too-large/low", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := hostileSweep(t, rawServer(t, c.serve), p)
			host := res["tls h.corp.example"]
			if got := ids(host); got != c.host {
				t.Errorf("host findings %q, want %q (summary %s)", got, c.host, host.Summary)
			}
			if pg := res["mixed-content https://h.corp.example/"]; ids(pg) != c.page {
				t.Errorf("page findings %q, want %q (summary %s)", ids(pg), c.page, pg.Summary)
			}
			if c.reasonHas != "" && !strings.Contains(host.Summary+" "+fmt.Sprint(host.Findings), c.reasonHas) {
				t.Errorf("the finding should say %q: %s", c.reasonHas, host.Summary)
			}
		})
	}
}

// TestEndlessBodyMemoryBounded: a page that never ends costs the scan limit, not what
// the server streams. Not parallel, so the allocation count is this test's alone.
func TestEndlessBodyMemoryBounded(t *testing.T) {
	p := newPKI(t, frozen, caOpts{org: "Let's Encrypt"})
	addr := rawServer(t, overTLS(p.leaf(frozen, []string{"h.corp.example"}, "", false), endless))
	l := startLab(t, zoneOnly("corp.example"))
	nc := labNet(l)
	nc.ConnectTo["h.corp.example:443"] = addr
	nc.CAFile = p.rootFile(t)
	e := testEnv(t, "domain: corp.example\ncanonical_url: https://h.corp.example/\nchecks: {timeout: 2s}\nhosts: [{name: h.corp.example}]\n", nc, frozen, nil)
	checks, err := Kind.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	var page probes.Check
	for _, c := range checks {
		if strings.HasPrefix(c.Info().Name, "mixed-content") {
			page = c
		}
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := probes.NewRunner([]probes.Check{page}, probes.RunnerOptions{Timeout: 2 * time.Second}).Sweep(t.Context())[0]
	runtime.ReadMemStats(&after)
	if ids(r) != "tls.page-too-large/low" || r.Data.(*Page).Bytes != PageLimit {
		t.Errorf("findings %q, data %+v", ids(r), r.Data)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("scanned %d bytes, allocated %.1f MiB in total", r.Data.(*Page).Bytes, float64(alloc)/(1<<20))
	if alloc > 24<<20 {
		t.Errorf("allocated %d MiB for a %d MiB scan limit: the read is not bounded", alloc>>20, PageLimit>>20)
	}
}
