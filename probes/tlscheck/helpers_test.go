package tlscheck

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"maps"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// frozen is the clock every certificate test runs at, so "expires in 5 days" reads the
// same on every run.
var frozen = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// testEnv builds a probe Env for config text with the network pointed at nc and the
// clock at now.
func testEnv(t testing.TB, cfgText string, nc netx.Config, now time.Time, getenv map[string]string) probes.Env {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	n, err := netx.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	e := probes.Env{Config: cfg, Net: n, Now: func() time.Time { return now }}
	if _, err := Kind.Build(e); err != nil { // decode the section before resolving its secrets
		t.Fatalf("build: %v", err)
	}
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := getenv[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("secrets: %v", errs)
	}
	return e
}

// startLab stands a scenario up on loopback for the test.
func startLab(t testing.TB, sc lab.Scenario) *lab.Lab {
	t.Helper()
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func labNet(l *lab.Lab) netx.Config {
	return netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: maps.Clone(l.ConnectTo), CAFile: l.CAFile}
}

// sweep builds the kind's checks and runs them once, by check name.
func sweep(t testing.TB, e probes.Env, timeout time.Duration) map[string]probes.Result {
	t.Helper()
	checks, err := Kind.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]probes.Result{}
	for _, r := range probes.NewRunner(checks, probes.RunnerOptions{Timeout: timeout, Now: e.Now}).Sweep(context.Background()) {
		out[r.Check] = r
	}
	return out
}

// ids lists a result's findings as "id/severity", sorted, for comparing with a table.
func ids(r probes.Result) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.ID+"/"+f.Severity.String())
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

func findingByID(r probes.Result, id string) (probes.Finding, bool) {
	for _, f := range r.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return probes.Finding{}, false
}

// pki is a small CA for tests that need what the lab's CA does not make: AIA URLs,
// other issuer names, expired intermediates, untrusted roots.
type pki struct {
	t        testing.TB
	o        caOpts
	root     *x509.Certificate
	rootKey  crypto.Signer
	inter    *x509.Certificate
	interKey crypto.Signer
	leafKey  crypto.Signer
}

type caOpts struct {
	org          string // the intermediate's organisation (what issuer matching reads)
	interExpired bool
	// interFrom is the intermediate's NotBefore, from now; zero: a year ago. A recent one
	// is a CA certificate re-issued after the leaves it signed were issued.
	interFrom   time.Duration
	leafExpired bool // leaves expired 30 days ago (valid for 90 days before that)
	sendRoot    bool // the chain served ends with the root, as misconfigured servers send it
	rootExpired bool
}

func newPKI(t testing.TB, now time.Time, o caOpts) *pki {
	t.Helper()
	p := &pki{t: t, o: o, rootKey: genKey(t), interKey: genKey(t), leafKey: genKey(t)}
	if o.org == "" {
		o.org = "Test CA"
	}
	rootTmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: o.org + " Root", Organization: []string{o.org}},
		NotBefore: now.Add(-365 * 24 * time.Hour), NotAfter: now.Add(3650 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	if o.rootExpired {
		rootTmpl.NotAfter = now.Add(-24 * time.Hour)
	}
	p.root = p.sign(rootTmpl, rootTmpl, p.rootKey.Public(), p.rootKey)
	interTmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "T1", Organization: []string{o.org}},
		NotBefore: now.Add(-365 * 24 * time.Hour), NotAfter: now.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	if o.interExpired {
		interTmpl.NotAfter = now.Add(-24 * time.Hour)
	}
	if o.interFrom != 0 {
		interTmpl.NotBefore = now.Add(o.interFrom)
	}
	p.inter = p.sign(interTmpl, p.root, p.interKey.Public(), p.rootKey)
	return p
}

func genKey(t testing.TB) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (p *pki) sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) *x509.Certificate {
	p.t.Helper()
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		p.t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// leaf issues a certificate for names from the intermediate, valid around now (or expired,
// as caOpts says); aia sets the Authority Information Access URL. The chain holds the
// intermediate unless omit, and the root when caOpts.sendRoot.
func (p *pki) leaf(now time.Time, names []string, aia string, omitIntermediate bool) tls.Certificate {
	tmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: names[0]},
		DNSNames:  names,
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(60 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if p.o.leafExpired {
		tmpl.NotBefore, tmpl.NotAfter = now.Add(-120*24*time.Hour), now.Add(-30*24*time.Hour)
	}
	if aia != "" {
		tmpl.IssuingCertificateURL = []string{aia}
	}
	c := p.sign(tmpl, p.inter, p.leafKey.Public(), p.interKey)
	chain := [][]byte{c.Raw}
	if !omitIntermediate {
		chain = append(chain, p.inter.Raw)
	}
	if p.o.sendRoot {
		chain = append(chain, p.root.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: p.leafKey, Leaf: c}
}

// rootFile writes the root as a PEM file, for network.ca_file.
func (p *pki) rootFile(t testing.TB) string {
	path := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.root.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// serveTLS serves h over TLS with cert on 127.0.0.1 and returns the address.
func serveTLS(t testing.TB, cert tls.Certificate, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 5 * time.Second}
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// serveHTTP serves h in plain HTTP on 127.0.0.1 and returns the address.
func serveHTTP(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// hstsOK answers 200 with a healthy HSTS header.
func hstsOK(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	w.Header().Set("Content-Type", "text/html")
	io.WriteString(w, "<!doctype html><title>ok</title>")
}

// upgrade answers every plain-HTTP request with a 301 to https on the same host.
func upgrade(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "https://"+r.Host+r.URL.RequestURI(), http.StatusMovedPermanently)
}

// zoneOnly is a lab scenario with DNS for domain and no sites: for tests whose servers
// are their own, and whose CAA answers come from the lab.
func zoneOnly(domain string, records ...string) lab.Scenario {
	return lab.Scenario{Name: "zone", Domain: domain, Zones: []lab.Zone{{Origin: domain, Records: records}}}
}
