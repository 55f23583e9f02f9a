package perf

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
	"github.com/launchready/launchready/probes/netx"
)

// hosts are the names the test server answers for, with a certificate covering them.
var testHosts = []string{"app.acme.example", "api.acme.example"}

// newServer starts an HTTPS server on 127.0.0.1 with a certificate for the test hosts and
// returns the netx config that reaches it under those names and trusts it.
func newServer(t testing.TB, h http.Handler) netx.Config {
	t.Helper()
	return newServerProto(t, h, true)
}

// newServerProto is newServer offering HTTP/2 over ALPN or, with h2 false, HTTP/1.1 only.
func newServerProto(t testing.TB, h http.Handler, h2 bool) netx.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "perf test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: testHosts,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.EnableHTTP2 = h2
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(srv.URL, "https://")
	ct := map[string]string{}
	for _, h := range testHosts {
		ct[h+":443"] = addr
	}
	return netx.Config{CAFile: ca, ConnectTo: ct}
}

// cfgText is a config with the test hosts and the given performance (and optional
// endpoints) sections, already indented.
func cfgText(sections string, args ...any) string {
	return "domain: acme.example\ncanonical_url: https://app.acme.example/\nenvironment: lab\nchecks: {timeout: 3s}\nhosts:\n" +
		"  - {name: app.acme.example}\n  - {name: api.acme.example}\n" + fmt.Sprintf(sections, args...)
}

// checks builds the perf checks (and resolves secrets from env) by name.
func checks(t testing.TB, text string, nc netx.Config, env map[string]string) map[string]probes.Check {
	t.Helper()
	e := testEnv(t, text, nc)
	cs, err := Kind.Build(e)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if _, err := endpoint.Kind.Build(e); err != nil {
		t.Fatalf("endpoints: %v", err)
	}
	if errs := e.Config.Resolve(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("secrets: %v", errs)
	}
	out := map[string]probes.Check{}
	for _, c := range cs {
		out[c.Info().Name] = c
	}
	return out
}

func testEnv(t testing.TB, text string, nc netx.Config) probes.Env {
	t.Helper()
	cfg, err := config.Parse([]byte(text), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	n, err := netx.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return probes.Env{Config: cfg, Net: n, Now: time.Now}
}

func run(t testing.TB, c probes.Check) probes.Result {
	t.Helper()
	return probes.NewRunner([]probes.Check{c}, probes.RunnerOptions{}).Sweep(context.Background())[0]
}

// ids lists a result's finding IDs in the result's order (the tuning order).
func ids(r probes.Result) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.ID)
	}
	return strings.Join(s, ",")
}

// newServerless is a network that reaches nothing (config tests never dial).
func newServerless() netx.Config { return netx.Config{Resolvers: []string{"127.0.0.1:1"}} }

// sortedIDs lists a result's finding IDs sorted.
func sortedIDs(r probes.Result) string {
	s := strings.Split(ids(r), ",")
	slices.Sort(s)
	return strings.Join(s, ",")
}
