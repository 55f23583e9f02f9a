package tlscheck

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/probes/lab"
)

// labSweep runs the pane with the embedded example config against a built-in scenario,
// as `launchready check --lab=NAME --only tls` does.
func labSweep(t *testing.T, scenario string) (map[string]string, map[string]*Host) {
	t.Helper()
	sc, ok := lab.ScenarioByName(scenario)
	if !ok {
		t.Fatalf("no scenario %q", scenario)
	}
	l := startLab(t, sc)
	res := sweep(t, testEnv(t, string(examples.Config), labNet(l), time.Now(), nil), 5*time.Second)
	got := map[string]string{}
	rows := map[string]*Host{}
	for name, r := range res {
		if r.Err != "" {
			t.Errorf("%s could not run: %s", name, r.Err)
		}
		got[name] = ids(r)
		if h, ok := r.Data.(*Host); ok {
			rows[h.Host] = h
		}
	}
	return got, rows
}

// TestHealthyLab: the healthy world has nothing to report, not even info.
func TestHealthyLab(t *testing.T) {
	t.Parallel()
	got, rows := labSweep(t, "healthy")
	if len(got) != 10 {
		t.Errorf("%d checks, want 10 (6 hosts, 2 redirects, 2 pages): %v", len(got), got)
	}
	for name, f := range got {
		if f != "" {
			t.Errorf("%s: %s", name, f)
		}
	}
	for host, h := range rows {
		if h.State != StateOK || !h.Trusted || h.CAA.Verdict != CAAAllowed || !h.HTTP.Upgrades || !h.HSTS.Valid {
			t.Errorf("%s: %+v", host, h)
		}
		// Leaf and intermediate, no root: a root sent would be tls.root-sent.
		if len(h.Chain) != 2 || h.Chain[1].SelfSigned {
			t.Errorf("%s serves %d certificates (root sent: %v), want leaf + intermediate", host, len(h.Chain), len(h.Chain) > 1 && h.Chain[len(h.Chain)-1].SelfSigned)
		}
	}
}

// TestDemoLab: the demo's planted Certificates faults are found, and nothing else. The
// demo's CAA record (a DNS pane fault) names pki.goog, so every certificate from the lab's
// stand-in for Let's Encrypt is also a CAA mismatch here: the cross-check the pane exists for.
// www's certificate expired before its CA certificate was re-issued: the leaf is expired,
// and the chain, valid now, is not called expired.
func TestDemoLab(t *testing.T) {
	t.Parallel()
	got, rows := labSweep(t, "demo")
	want := map[string]string{
		"tls acme.example":                             "tls.caa-mismatch/medium",
		"tls www.acme.example":                         "tls.caa-mismatch/medium,tls.expired/critical",
		"tls app.acme.example":                         "tls.caa-mismatch/medium,tls.expiring/high,tls.hsts-missing/medium,tls.http-not-redirected/high",
		"tls api.acme.example":                         "tls.caa-mismatch/medium",
		"tls admin.acme.example":                       "tls.unreachable/info",
		"tls status.acme.example":                      "tls.unreachable/info",
		"redirect https://acme.example/":               "",
		"redirect https://www.acme.example/":           "",
		"mixed-content https://app.acme.example/":      "tls.mixed-active/high,tls.mixed-passive/low",
		"mixed-content https://app.acme.example/login": "",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("checks: %v", got)
	}
	app := rows["app.acme.example"]
	if app.State != StateExpiring || app.Certificate.DaysLeft != 5 || app.HTTP.Status != 200 || app.HSTS.Header != "" {
		t.Errorf("app row: %+v", app)
	}
	www := rows["www.acme.example"]
	if www.State != StateExpired || www.Reason != "expired 20 days ago" || www.Trusted || len(www.Chain) != 2 ||
		www.Chain[1].Subject != "Lab R1" || !www.Chain[1].NotBefore.After(www.Certificate.NotAfter) {
		t.Errorf("www row: an expired leaf under a CA certificate re-issued after it expired: %+v", www)
	}
	if rows["status.acme.example"].State != StateUnreachable || !strings.Contains(rows["admin.acme.example"].Reason, "NXDOMAIN") {
		t.Errorf("unreachable rows: %+v %+v", rows["status.acme.example"], rows["admin.acme.example"])
	}
}
