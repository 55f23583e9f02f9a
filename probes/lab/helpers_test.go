package lab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// startLab stands sc up in a temporary directory and closes it when the test
// ends.
func startLab(t testing.TB, sc Scenario) *Lab {
	t.Helper()
	l, err := Start(sc, t.TempDir())
	if err != nil {
		t.Fatalf("Start(%q): %v", sc.Name, err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// builtin returns a built-in scenario or fails the test.
func builtin(t testing.TB, name string) Scenario {
	t.Helper()
	sc, ok := ScenarioByName(name)
	if !ok {
		t.Fatalf("no built-in scenario %q", name)
	}
	return sc
}

// labRoots is the trust a probe gets from network.ca_file.
func labRoots(t testing.TB, l *Lab) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(l.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no PEM certificate", l.CAFile)
	}
	return pool
}

// dialLab dials the way netx does with connect_to overrides: host:port is
// replaced by the lab's address. A host:port the lab does not know is an
// error, never a real dial: tests do not touch the internet.
func dialLab(l *Lab) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		to, ok := l.ConnectTo[addr]
		if !ok {
			return nil, fmt.Errorf("test dialer: %s is not in the lab's ConnectTo", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, to)
	}
}

// labClient is an HTTP client as a probe builds it: the lab CA trusted,
// connect_to applied, redirects reported rather than followed.
func labClient(t testing.TB, l *Lab) *http.Client {
	t.Helper()
	tr := &http.Transport{
		DialContext:       dialLab(l),
		TLSClientConfig:   &tls.Config{RootCAs: labRoots(t, l)},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// fetch does one request and returns the response with its body read.
func fetch(t testing.TB, c *http.Client, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return resp, string(body)
}

// ask sends one DNS question over "udp" or "tcp"; ednsSize 0 sends no OPT
// record.
func ask(t testing.TB, l *Lab, network, name string, qtype uint16, ednsSize uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	if ednsSize > 0 {
		m.SetEdns0(ednsSize, false)
	}
	c := &dns.Client{Net: network, Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, l.DNSAddr)
	if err != nil {
		t.Fatalf("%s %s %s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return r
}
