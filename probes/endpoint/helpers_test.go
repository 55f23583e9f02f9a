package endpoint

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"log"
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
	"github.com/launchready/launchready/probes/netx"
)

// setup builds the checks for config text, as a session does: decode (Build), then
// resolve secrets from getenv. The network trusts nc.
func setup(t testing.TB, cfgText string, nc netx.Config, getenv map[string]string) map[string]probes.Check {
	t.Helper()
	cfg, err := config.Parse([]byte(cfgText), filepath.Join(t.TempDir(), "launchready.yaml"))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	e := probes.Env{Config: cfg, Now: time.Now}
	if e.Net, err = netx.New(nc); err != nil {
		t.Fatal(err)
	}
	// Decode sections (Build) before resolving secrets, as setup does.
	cs, err := Kind.Build(e)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if errs := cfg.Resolve(func(k string) (string, bool) { v, ok := getenv[k]; return v, ok }); len(errs) > 0 {
		t.Fatalf("secrets: %v", errs)
	}
	out := map[string]probes.Check{}
	for _, c := range cs {
		out[c.Info().Name] = c
	}
	return out
}

// server is a TLS test server on 127.0.0.1 and the netx config that trusts it.
type server struct {
	*httptest.Server
	net netx.Config
}

func newServer(t testing.TB, h http.Handler) *server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // tests provoke handshake and write errors
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &server{Server: srv, net: netx.Config{CAFile: ca}}
}

// cfgText is a minimal config with an endpoints section (indented by the caller).
func cfgText(endpoints string, args ...any) string {
	return "domain: acme.example\ncanonical_url: https://app.acme.example/\nchecks: {timeout: 2s}\nhosts:\n  - {name: app.acme.example}\nendpoints:\n" +
		fmt.Sprintf(endpoints, args...)
}

// run runs one check through a runner, as the console would.
func run(t testing.TB, c probes.Check) probes.Result {
	t.Helper()
	return probes.NewRunner([]probes.Check{c}, probes.RunnerOptions{}).Sweep(context.Background())[0]
}

// ids lists a result's findings as "id/severity", sorted.
func ids(r probes.Result) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.ID+"/"+f.Severity.String())
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

func detail(t testing.TB, r probes.Result) Detail {
	t.Helper()
	d, ok := r.Data.(Detail)
	if !ok {
		t.Fatalf("Data is %T, want Detail (err %q)", r.Data, r.Err)
	}
	return d
}

// buildErr builds config text that must fail and returns the error text.
func buildErr(t testing.TB, text string) string {
	t.Helper()
	cfg, err := config.Parse([]byte(text), "launchready.yaml")
	if err != nil {
		t.Fatalf("the top level must parse: %v", err)
	}
	n, _ := netx.New(netx.Config{Resolvers: []string{"127.0.0.1:1"}})
	_, err = Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now})
	if err == nil {
		t.Fatal("built without error")
	}
	return err.Error()
}
