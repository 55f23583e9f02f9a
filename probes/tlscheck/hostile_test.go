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

// TestHostileMemoryBounded: whatever a hostile server streams, a sweep of its host costs
// bounded memory (the scan limit, the header limit), not what the server sends. Not
// parallel, so the allocation count is this test's alone (parallel tests wait until
// the sequential ones are done).
func TestHostileMemoryBounded(t *testing.T) {
	p := newPKI(t, frozen, caOpts{org: "Let's Encrypt"})
	cert := p.leaf(frozen, []string{"h.corp.example"}, "", false)
	for _, c := range []struct {
		name  string
		serve func(net.Conn)
	}{
		{"endless body", overTLS(cert, endless)},
		{"10,000 headers", overTLS(cert, manyHeaders)},
		{"garbage", garbage},
		{"silent", silent},
	} {
		addr := rawServer(t, c.serve)
		l := startLab(t, zoneOnly("corp.example"))
		nc := labNet(l)
		nc.ConnectTo["h.corp.example:443"] = addr
		nc.ConnectTo["h.corp.example:80"] = addr
		nc.CAFile = p.rootFile(t)
		e := testEnv(t, "domain: corp.example\ncanonical_url: https://h.corp.example/\nchecks: {timeout: 1s}\nhosts: [{name: h.corp.example}]\n", nc, frozen, nil)
		checks, err := Kind.Build(e)
		if err != nil {
			t.Fatal(err)
		}
		runner := probes.NewRunner(checks, probes.RunnerOptions{Timeout: time.Second})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res := runner.Sweep(t.Context())
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		var found []string
		for _, r := range res {
			found = append(found, ids(r))
			if r.Err != "" {
				t.Errorf("%s: %s could not run: %s", c.name, r.Check, r.Err)
			}
		}
		t.Logf("%s: allocated %.1f MiB in total; findings %v", c.name, float64(alloc)/(1<<20), found)
		if alloc > 32<<20 {
			t.Errorf("%s: allocated %d MiB: reads are not bounded (scan limit %d MiB, header limit 64 KiB)", c.name, alloc>>20, PageLimit>>20)
		}
	}
}
