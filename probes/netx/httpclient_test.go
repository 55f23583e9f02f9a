package netx

import (
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// hello answers "/" with 200 and "/old" with a redirect to "/".
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/old" {
		http.Redirect(w, r, "/", http.StatusFound)
		return
	}
	_, _ = w.Write([]byte("welcome to " + r.Host))
})

// newLabHTTPS starts an HTTPS server for app.acme.example signed by a fresh
// CA and a Net that trusts the CA and sends app.acme.example:443 to it.
func newLabHTTPS(t testing.TB, cfg Config) (*Net, *testCA, *httptest.Server) {
	t.Helper()
	ca := newCA(t)
	srv := tlsServer(t, ca, hello)
	cfg.ConnectTo = map[string]string{"app.acme.example:443": srv.Listener.Addr().String()}
	if cfg.CAFile == "" {
		cfg.CAFile = ca.pemPath
	}
	return newNet(t, cfg), ca, srv
}

func TestHTTPClientTrustsCAFile(t *testing.T) {
	t.Parallel()
	n, _, _ := newLabHTTPS(t, Config{})
	resp, err := n.HTTPClient(HTTPOptions{}).Get("https://app.acme.example/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _, _ := ReadLimited(resp.Body, 1<<10)
	if resp.StatusCode != 200 || string(body) != "welcome to app.acme.example" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
	if resp.ProtoMajor != 2 {
		t.Errorf("spoke %s, want HTTP/2 (ForceAttemptHTTP2)", resp.Proto)
	}
	if n.chains.verified.Load() != 1 {
		t.Errorf("the chain was verified %d times, want once", n.chains.verified.Load())
	}
}

func TestHTTPClientRejectsUnknownCA(t *testing.T) {
	t.Parallel()
	other := newCA(t) // trust a CA that did not sign the server's certificate
	n, _, _ := newLabHTTPS(t, Config{CAFile: other.pemPath})
	_, err := n.HTTPClient(HTTPOptions{}).Get("https://app.acme.example/")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("got %v, want x509.UnknownAuthorityError", err)
	}
	resp, err := n.HTTPClient(HTTPOptions{InsecureSkipVerify: true}).Get("https://app.acme.example/")
	if err != nil {
		t.Fatalf("InsecureSkipVerify: %v", err)
	}
	resp.Body.Close()
	if len(resp.TLS.PeerCertificates) == 0 {
		t.Error("InsecureSkipVerify hid the peer certificates a probe wants to inspect")
	}
}

func TestHTTPClientRedirects(t *testing.T) {
	t.Parallel()
	n, _, _ := newLabHTTPS(t, Config{})
	resp, err := n.HTTPClient(HTTPOptions{}).Get("https://app.acme.example/old")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/" {
		t.Errorf("default client: %d to %q, want the 302 itself", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = n.HTTPClient(HTTPOptions{FollowRedirects: true}).Get("https://app.acme.example/old")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("FollowRedirects: %d, want 200", resp.StatusCode)
	}
}

// By default every request is a first visit: its own TCP and TLS.
func TestHTTPClientFreshConnections(t *testing.T) {
	t.Parallel()
	for _, keepAlive := range []bool{false, true} {
		ca := newCA(t)
		var conns atomic.Int32
		srv := newUnstartedTLS(t, ca, hello)
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.StartTLS()
		n := newNet(t, Config{CAFile: ca.pemPath, ConnectTo: map[string]string{"app.acme.example:443": srv.Listener.Addr().String()}})
		for range 3 {
			resp, err := n.HTTPClient(HTTPOptions{KeepAlive: keepAlive}).Get("https://app.acme.example/")
			if err != nil {
				t.Fatal(err)
			}
			_, _, _ = ReadLimited(resp.Body, 1<<10)
			resp.Body.Close()
		}
		want := int32(3)
		if keepAlive {
			want = 1
		}
		if got := conns.Load(); got != want {
			t.Errorf("KeepAlive=%t: %d connections for 3 requests, want %d", keepAlive, got, want)
		}
	}
}

func TestHTTPClientSharesTransport(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{})
	a, b := n.HTTPClient(HTTPOptions{}), n.HTTPClient(HTTPOptions{})
	if a.Transport != b.Transport {
		t.Error("two clients with the same options built two transports")
	}
	if a.Transport == n.HTTPClient(HTTPOptions{KeepAlive: true}).Transport {
		t.Error("KeepAlive shares a transport with fresh connections")
	}
	tr := a.Transport.(*http.Transport)
	if tr.Proxy != nil || tr.MaxResponseHeaderBytes != 64<<10 || !tr.ForceAttemptHTTP2 || tr.TLSClientConfig.RootCAs != n.RootCAs() {
		t.Errorf("transport settings: proxy %v, max header %d, h2 %t, shared roots %t",
			tr.Proxy != nil, tr.MaxResponseHeaderBytes, tr.ForceAttemptHTTP2, tr.TLSClientConfig.RootCAs == n.RootCAs())
	}
	if a.Timeout != DefaultHTTPTimeout {
		t.Errorf("timeout %s, want %s", a.Timeout, DefaultHTTPTimeout)
	}
}

// BenchmarkHTTPSFresh is the "batch of 100 HTTPS checks" target: one op is
// 100 GETs, each on a fresh TCP+TLS connection, 16 at a time, against one
// loopback server. The server's handshakes run in-process and count too.
func BenchmarkHTTPSFresh(b *testing.B) {
	n, _, _ := newLabHTTPS(b, Config{})
	const batch, workers = 100, 16
	b.ReportAllocs()
	for b.Loop() {
		jobs := make(chan struct{}, batch)
		for range batch {
			jobs <- struct{}{}
		}
		close(jobs)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range jobs {
					resp, err := n.HTTPClient(HTTPOptions{}).Get("https://app.acme.example/")
					if err != nil {
						b.Error(err)
						return
					}
					_, _, _ = ReadLimited(resp.Body, 1<<20)
					resp.Body.Close()
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/GET")
}
