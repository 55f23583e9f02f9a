package httpcheck

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

// env builds a probe Env for config text, with the network pointed at the given overrides.
func env(t testing.TB, cfgText string, nc netx.Config, getenv map[string]string) probes.Env {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := getenv[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("secrets: %v", errs)
	}
	n, err := netx.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return probes.Env{Config: cfg, Net: n, Now: time.Now}
}

func startLab(t testing.TB, name string) *lab.Lab {
	t.Helper()
	sc, ok := lab.ScenarioByName(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func labNet(l *lab.Lab) netx.Config {
	return netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile}
}

func sweep(t testing.TB, e probes.Env) map[string]probes.Result {
	t.Helper()
	checks, err := Kind.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]probes.Result{}
	for _, r := range probes.NewRunner(checks, probes.RunnerOptions{Timeout: 4 * time.Second}).Sweep(context.Background()) {
		out[r.Check] = r
	}
	return out
}

func ids(r probes.Result) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.ID+"/"+f.Severity.String())
	}
	return strings.Join(s, ",")
}

const demoHosts = `domain: acme.example
canonical_url: https://app.acme.example/
environment: lab
hosts:
  - {name: acme.example, role: marketing, expect_status: [200]}
  - {name: app.acme.example, role: app}
  - {name: api.acme.example, role: api, url: "https://api.acme.example/health"}
  - {name: admin.acme.example, role: admin}
  - {name: status.acme.example, role: status}
  - {name: www.acme.example, role: www}
`

func TestDemoLab(t *testing.T) {
	t.Parallel()
	l := startLab(t, "demo")
	res := sweep(t, env(t, demoHosts, labNet(l), nil))
	cases := map[string]string{
		"http acme.example":        "http.unexpected-status/medium",
		"http app.acme.example":    "",
		"http api.acme.example":    "http.server-error/critical",
		"http admin.acme.example":  "http.unreachable/high",
		"http status.acme.example": "http.unreachable/high",
		"http www.acme.example":    "http.tls-error/critical", // the demo's expired certificate
	}
	for check, want := range cases {
		r := res[check]
		if got := ids(r); got != want {
			t.Errorf("%s: findings %q, want %q (summary %q)", check, got, want, r.Summary)
		}
		if r.Err != "" {
			t.Errorf("%s: a failing target must be findings, not a probe error: %s", check, r.Err)
		}
	}
	api := res["http api.acme.example"]
	if api.Metrics["status"] != 503 || api.Metrics["latency_ms"] <= 0 || api.Metrics["tls_ms"] <= 0 {
		t.Errorf("api metrics: %v", api.Metrics)
	}
	f := api.Findings[0]
	if f.Impact != probes.Revenue || !strings.Contains(f.Observed, "503") || f.Fix == "" ||
		!strings.Contains(strings.Join(f.Evidence, "\n"), "retry-after: 30") {
		t.Errorf("api finding lacks what an operator needs: %+v", f)
	}
	if !strings.Contains(res["http admin.acme.example"].Findings[0].Title, "dangling CNAME") {
		t.Errorf("admin title should say why: %q", res["http admin.acme.example"].Findings[0].Title)
	}
	if !strings.Contains(res["http status.acme.example"].Findings[0].Title, "connection refused") {
		t.Errorf("status title should say why: %q", res["http status.acme.example"].Findings[0].Title)
	}
}

func TestStagingCapsSeverity(t *testing.T) {
	t.Parallel()
	l := startLab(t, "demo")
	res := sweep(t, env(t, strings.Replace(demoHosts, "environment: lab", "environment: staging", 1), labNet(l), nil))
	if got := ids(res["http api.acme.example"]); got != "http.server-error/high" {
		t.Errorf("a staging outage is high at most, got %s", got)
	}
}

// hostile serves the test's handler over TLS on 127.0.0.1 and returns a config whose one
// host points at it, trusted through a CA file holding the server's certificate.
func hostile(t *testing.T, h http.Handler, extra string) (probes.Env, *httptest.Server) {
	t.Helper()
	srv := quietTLSServer(t, h)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`domain: acme.example
canonical_url: https://app.acme.example/
checks: {timeout: 2s}
hosts:
  - name: 127.0.0.1
    role: app
    url: %s/x
%s`, srv.URL, extra)
	return env(t, cfg, netx.Config{CAFile: ca}, map[string]string{"LR_TEST_TOKEN": "planted-secret-4242"}), srv
}

// quietTLSServer is httptest's TLS server without its handshake-error log lines: the
// tests provoke those on purpose.
func quietTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestHostileServers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		// Never answers: when the request ends, abort rather than let net/http send an
		// empty 200 on the way out (which, under load, could race the client's timeout).
		{"hangs before headers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done(); panic(http.ErrAbortHandler) }, "http.unreachable/critical"},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			chunk := []byte(strings.Repeat("x", 32<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, ""},
		{"hangs after headers", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, "http.body-timeout/high"},
		{"not found", http.NotFound, "http.client-error/high"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.String(), http.StatusFound) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e, _ := hostile(t, c.handler, "")
			start := time.Now()
			res := sweep(t, e)["http 127.0.0.1"]
			if took := time.Since(start); took > 6*time.Second {
				t.Errorf("took %s: the 2s timeout did not hold", took)
			}
			if got := ids(res); got != c.want {
				t.Errorf("findings %q, want %q (summary %q, err %q)", got, c.want, res.Summary, res.Err)
			}
		})
	}
}

func TestUntrustedCertificateIsTLSError(t *testing.T) {
	t.Parallel()
	srv := quietTLSServer(t, http.NotFoundHandler())
	e := env(t, fmt.Sprintf("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: 127.0.0.1, url: %q}\n", srv.URL), netx.Config{}, nil)
	res := sweep(t, e)["http 127.0.0.1"]
	if got := ids(res); got != "http.tls-error/critical" || !strings.Contains(res.Findings[0].Title, "unknown authority") {
		t.Errorf("self-signed server: %q %q", got, res.Findings)
	}
}

func TestSecretHeadersSentButNeverShown(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	e, _ := hostile(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
		w.Header().Set("Set-Cookie", "session=member-session-value")
		w.WriteHeader(500)
	}), "    secret_headers: {Authorization: env:LR_TEST_TOKEN}\n")
	res := sweep(t, e)["http 127.0.0.1"]
	if h := <-got; h != "planted-secret-4242" {
		t.Fatalf("secret header not sent: %q", h)
	}
	all := fmt.Sprintf("%+v", res)
	for _, leak := range []string{"planted-secret-4242", "member-session-value"} {
		if strings.Contains(all, leak) {
			t.Errorf("result contains %q: %s", leak, all)
		}
	}
}

// BenchmarkSweep100HTTPS is the spine's speed target: one sweep of 100 HTTPS checks, each
// on a fresh TCP+TLS connection, against loopback lab sites at the default concurrency
// (16). Target: under 70 ms per sweep on 2 cores (blackbox_exporter: about 100 ms).
func BenchmarkSweep100HTTPS(b *testing.B) {
	sc := lab.Scenario{Name: "bench", Domain: "bench.example"}
	var records []string
	var hosts strings.Builder
	for i := range 100 {
		h := fmt.Sprintf("h%d.bench.example", i)
		records = append(records, fmt.Sprintf("h%d 300 IN A 127.0.0.1", i))
		sc.Sites = append(sc.Sites, lab.Site{Host: h, HTTPS: []lab.Route{{Path: "/", Body: "ok"}}})
		fmt.Fprintf(&hosts, "  - {name: %s, role: app}\n", h)
	}
	sc.Zones = []lab.Zone{{Origin: "bench.example", Records: records}}
	l, err := lab.Start(sc, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	e := env(b, "domain: bench.example\ncanonical_url: https://h0.bench.example/\nenvironment: lab\nhosts:\n"+hosts.String(), labNet(l), nil)
	checks, err := Kind.Build(e)
	if err != nil {
		b.Fatal(err)
	}
	r := probes.NewRunner(checks, probes.RunnerOptions{Concurrency: 16})
	res := r.Sweep(context.Background())
	for _, x := range res {
		if x.Status != probes.StatusOK {
			b.Fatalf("%s: %s %s %s", x.Check, x.Status, x.Summary, x.Err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Sweep(context.Background())
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/sweep")
}

// TestBrokenResolverIsNotAnOutage: a resolver that is down or answers garbage makes the
// check unable to run (Result.Err, within the timeout), never a finding that the site is
// down.
func TestBrokenResolverIsNotAnOutage(t *testing.T) {
	t.Parallel()
	garbage, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { garbage.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := garbage.ReadFrom(buf)
			if err != nil {
				return
			}
			garbage.WriteTo(append([]byte{buf[0], buf[1]}, []byte("\xff\x00not dns at all")...), addr)
			_ = n
		}
	}()
	dead, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.LocalAddr().String()
	dead.Close()
	cfg := "domain: acme.example\ncanonical_url: https://app.acme.example/\nchecks: {timeout: 2s}\nhosts: [{name: app.acme.example}]\n"
	for name, resolver := range map[string]string{"garbage": garbage.LocalAddr().String(), "unreachable": deadAddr} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := env(t, cfg, netx.Config{Resolvers: []string{resolver}, DNSTimeout: 300 * time.Millisecond}, nil)
			start := time.Now()
			r := sweep(t, e)["http app.acme.example"]
			if took := time.Since(start); took > 2500*time.Millisecond {
				t.Errorf("took %s", took)
			}
			if r.Status != probes.StatusError || len(r.Findings) != 0 || !strings.Contains(r.Err, resolver) {
				t.Errorf("want a could-not-run naming %s, got status %s findings %v err %q", resolver, r.Status, r.Findings, r.Err)
			}
		})
	}
}
