package dnscheck

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// exampleEnv is the embedded example config against a lab, as `check --lab` runs it.
func exampleEnv(t *testing.T, scenario string) probes.Env {
	t.Helper()
	l := startLab(t, scenario)
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Environment = config.Lab
	n, err := netx.New(labNet(l))
	if err != nil {
		t.Fatal(err)
	}
	return probes.Env{Config: cfg, Net: n, Now: time.Now}
}

// The healthy lab is clean: nothing above info from any DNS check.
func TestHealthyLab(t *testing.T) {
	t.Parallel()
	res := sweep(t, exampleEnv(t, "healthy"), 5*time.Second)
	if len(res) != 8 {
		t.Errorf("%d checks, want one per host, the zone and the undocumented names", len(res))
	}
	for name, r := range res {
		if r.Err != "" || probes.Worst(r.Findings) > probes.Info || len(r.Findings) > 0 {
			t.Errorf("%s: %s %q (error %q)", name, r.Status, ids(r), r.Err)
		}
	}
	z := res["dns zone acme.example"]
	if z.Metrics["ns_agree"] != 1 || z.Summary != "1 nameserver answers · serial 2026112801 · CAA letsencrypt.org · DNSSEC unsigned" {
		t.Errorf("zone: %v %q", z.Metrics, z.Summary)
	}
	// The healthy staging copy is seen, and quiet.
	if u := res["dns undocumented acme.example"]; !strings.HasPrefix(u.Summary, "4 names outside hosts: of ") || !strings.Contains(u.Summary, ": staging.acme.example, ns1.acme.example, mx.acme.example") {
		t.Errorf("undocumented: %q", u.Summary)
	}
}

// The demo lab shows the DNS faults planted for it, and nothing else.
func TestDemoLab(t *testing.T) {
	t.Parallel()
	res := sweep(t, exampleEnv(t, "demo"), 5*time.Second)
	var got []string
	for name, r := range res {
		if r.Err != "" {
			t.Errorf("%s could not run: %s", name, r.Err)
		}
		for _, f := range r.Findings {
			got = append(got, f.ID+"/"+f.Severity.String()+" "+f.Target)
		}
	}
	want := []string{
		"dns.caa-mismatch/high acme.example",
		"dns.dangling-cname/critical admin.acme.example",
		"dns.dangling-cname/critical old.acme.example", // not in hosts: (issue 16)
		"dns.dnssec-broken/critical acme.example",      // a DS the zone has no key for
		"dns.drift/high admin.acme.example",
		"dns.ttl-too-long/low api.acme.example",
	}
	if strings.Join(slices.Sorted(slices.Values(got)), "\n") != strings.Join(want, "\n") {
		t.Errorf("demo findings\n%s\nwant\n%s", strings.Join(slices.Sorted(slices.Values(got)), "\n"), strings.Join(want, "\n"))
	}
}
