package netx

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"
)

// TestChainCacheReusesOnlyIdenticalChains: a second fresh connection to the same server
// skips re-verification; another name, other bytes or a time outside the certificates'
// validity are verified again, with crypto/tls's errors.
func TestChainCacheReusesOnlyIdenticalChains(t *testing.T) {
	t.Parallel()
	n, ca, _ := newLabHTTPS(t, Config{})
	c := n.HTTPClient(HTTPOptions{})
	for range 3 {
		resp, err := c.Get("https://app.acme.example/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := n.chains.verified.Load(); got != 1 {
		t.Errorf("3 fresh connections verified the chain %d times, want 1", got)
	}
	// The cache holds the parsed chain, so crypto/tls hands the same certificate back to
	// the next connection, even after a collection, instead of parsing it again.
	first := func() weak.Pointer[x509.Certificate] {
		resp, err := c.Get("https://app.acme.example/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return weak.Make(resp.TLS.PeerCertificates[0])
	}()
	for range 10 { // the connection's goroutines wind down in the background
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := c.Get("https://app.acme.example/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if first.Value() != resp.TLS.PeerCertificates[0] {
		t.Error("a later connection parsed the same certificate again: the chain cache no longer holds it")
	}

	leaf := ca.leaf(t, "app.acme.example")
	cert, err := x509.ParseCertificate(leaf.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cc := newChainCache(n.roots, func() time.Time { return now })
	cs := tls.ConnectionState{ServerName: "app.acme.example", PeerCertificates: []*x509.Certificate{cert}}
	if err := cc.verify(cs); err != nil {
		t.Fatalf("a valid chain: %v", err)
	}
	// Same bytes, another name: verified again, and refused.
	other := cs
	other.ServerName = "admin.acme.example"
	var hn x509.HostnameError
	if err := cc.verify(other); !errors.As(err, &hn) {
		t.Errorf("another name must not ride on the cache: %v", err)
	}
	// Past the certificate's end: the cached success does not hold.
	now = cert.NotAfter.Add(time.Minute)
	var inv x509.CertificateInvalidError
	if err := cc.verify(cs); !errors.As(err, &inv) || inv.Reason != x509.Expired {
		t.Errorf("an expired chain must fail even though it verified before: %v", err)
	}
	// Untrusted roots: nothing cached helps.
	empty := newChainCache(x509.NewCertPool(), time.Now)
	var ua x509.UnknownAuthorityError
	if err := empty.verify(cs); !errors.As(err, &ua) {
		t.Errorf("unknown authority: %v", err)
	}
	if err := cc.verify(tls.ConnectionState{ServerName: "x"}); err == nil {
		t.Error("no certificate must fail")
	}
}
