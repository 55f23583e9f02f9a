package tlscheck

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
)

// faultSite is one host of the fault lab: what it serves and what the pane must say.
type faultSite struct {
	name     string
	cert     lab.CertSpec
	https    []lab.Route // nil: a page with healthy HSTS
	http     []lab.Route // nil: the lab's 301 to https
	noHTTP   bool
	want     string // findings, sorted "id/severity"
	state    string
	minTLS   float64 // tls_min_version; 0: not checked here
	daysLeft float64 // days_left; 0: not checked here
}

func page(hsts string) []lab.Route {
	h := map[string]string{"Content-Type": "text/html; charset=utf-8"}
	if hsts != "" {
		h["Strict-Transport-Security"] = hsts
	}
	return []lab.Route{{Path: "/", Body: "<!doctype html><title>shop</title><p>hello</p>", Headers: h}}
}

var faultSites = []faultSite{
	{name: "ok", state: StateOK, minTLS: 1.2, daysLeft: 90},
	{name: "soon", cert: lab.CertSpec{NotAfter: 5*24*time.Hour + time.Hour}, want: "tls.expiring/high", state: StateExpiring, daysLeft: 5},
	{name: "month", cert: lab.CertSpec{NotAfter: 15 * 24 * time.Hour}, want: "tls.expiring/medium", state: StateExpiring, daysLeft: 15},
	{name: "expired", cert: lab.CertSpec{NotBefore: -120 * 24 * time.Hour, NotAfter: -30 * 24 * time.Hour}, want: "tls.expired/critical", state: StateExpired, daysLeft: -30},
	{name: "future", cert: lab.CertSpec{NotBefore: 2 * 24 * time.Hour, NotAfter: 90 * 24 * time.Hour}, want: "tls.not-yet-valid/critical", state: StateNotYetValid},
	{name: "wrongname", cert: lab.CertSpec{Names: []string{"other.shop.example", "www.other.shop.example"}}, want: "tls.name-mismatch/critical", state: StateName},
	{name: "selfsigned", cert: lab.CertSpec{SelfSigned: true}, want: "tls.self-signed/critical", state: StateSelfSigned},
	{name: "nointer", cert: lab.CertSpec{OmitIntermediate: true}, want: "tls.incomplete-chain/critical", state: StateIncompleteChain},
	{name: "tls10", cert: lab.CertSpec{MinTLS: tls.VersionTLS10, MaxTLS: tls.VersionTLS10}, want: "tls.legacy-only/critical", state: StateLegacyOnly, minTLS: 1.0},
	{name: "tls11", cert: lab.CertSpec{MinTLS: tls.VersionTLS11}, want: "tls.old-protocol/medium", state: StateOK, minTLS: 1.1},
	{name: "tls13", cert: lab.CertSpec{MinTLS: tls.VersionTLS13}, state: StateOK, minTLS: 1.3},
	{name: "sha1", cert: lab.CertSpec{SHA1: true}, want: "tls.sha1-signature/critical", state: StateWeak},
	{name: "rsa1024", cert: lab.CertSpec{RSABits: 1024}, want: "tls.weak-key/high", state: StateWeak},
	{name: "plain200", http: []lab.Route{{Path: "/*", Body: "<!doctype html><p>hello over http</p>"}}, want: "tls.http-not-redirected/high", state: StateOK},
	{name: "nohsts", https: page(""), want: "tls.hsts-missing/medium", state: StateOK},
	{name: "hstszero", https: page("max-age=0"), want: "tls.hsts-missing/medium", state: StateOK},
	{name: "hstsbad", https: page("max-age=1y; includeSubDomains"), want: "tls.hsts-missing/medium", state: StateOK},
	{name: "shorthsts", https: page("max-age=86400"), want: "tls.hsts-short/low", state: StateOK},
	{name: "temp", http: []lab.Route{{Path: "/*", Status: 302, Location: "https://temp.shop.example/"}}, want: "tls.http-temporary-redirect/low", state: StateOK},
	{name: "elsewhere", http: []lab.Route{{Path: "/*", Status: 301, Location: "https://partner.example/"}}, want: "tls.http-bad-redirect/medium", state: StateOK},
	{name: "staysplain", http: []lab.Route{{Path: "/*", Status: 301, Location: "http://ok.shop.example/"}}, want: "tls.http-bad-redirect/medium", state: StateOK},
	{name: "http404", http: []lab.Route{{Path: "/nothing", Body: "x"}}, want: "tls.http-error/low", state: StateOK},
	{name: "nohttp", noHTTP: true, want: "tls.http-closed/low", state: StateOK},
}

// faultLab is one lab with every fault site, at the frozen clock, and its config.
func faultLab(t *testing.T) (*lab.Lab, string) {
	sc := lab.Scenario{Name: "faults", Domain: "shop.example", Now: frozen}
	zone := lab.Zone{Origin: "shop.example", Records: []string{`@ 3600 IN CAA 0 issue "letsencrypt.org"`}}
	var hosts strings.Builder
	for _, f := range faultSites {
		host := f.name + ".shop.example"
		zone.Records = append(zone.Records, f.name+" 300 IN A 127.0.0.1")
		s := lab.Site{Host: host, Cert: f.cert, HTTPS: f.https, HTTP: f.http, NoHTTP: f.noHTTP}
		if s.HTTPS == nil {
			s.HTTPS = page("max-age=31536000; includeSubDomains")
		}
		sc.Sites = append(sc.Sites, s)
		fmt.Fprintf(&hosts, "  - {name: %s, role: app}\n", host)
	}
	sc.Zones = []lab.Zone{zone}
	cfg := "domain: shop.example\ncanonical_url: https://ok.shop.example/\nenvironment: lab\nhosts:\n" + hosts.String() +
		"tls:\n  ca_domains: {\"Launch Ready Lab\": [letsencrypt.org]}\n"
	return startLab(t, sc), cfg
}

// TestFaults runs the pane against one lab holding every certificate, protocol, port-80
// and HSTS fault the issue lists, and checks each host's findings, state and metrics.
func TestFaults(t *testing.T) {
	t.Parallel()
	l, cfg := faultLab(t)
	res := sweep(t, testEnv(t, cfg, labNet(l), frozen, nil), 5*time.Second)
	for _, f := range faultSites {
		t.Run(f.name, func(t *testing.T) {
			r := res["tls "+f.name+".shop.example"]
			if r.Err != "" {
				t.Fatalf("check could not run: %s", r.Err)
			}
			if got := ids(r); got != f.want {
				t.Errorf("findings %q, want %q\nsummary: %s", got, f.want, r.Summary)
				for _, x := range r.Findings {
					t.Logf("  %s: %s / %s", x.ID, x.Title, x.Detail)
				}
			}
			h, ok := r.Data.(*Host)
			if !ok {
				t.Fatalf("Data is %T, want *Host", r.Data)
			}
			if h.State != f.state {
				t.Errorf("state %q (%s), want %q", h.State, h.Reason, f.state)
			}
			if f.minTLS != 0 && r.Metrics["tls_min_version"] != f.minTLS {
				t.Errorf("tls_min_version %v, want %v (accepted %v)", r.Metrics["tls_min_version"], f.minTLS, h.TLS.Accepted)
			}
			if f.daysLeft != 0 && r.Metrics["days_left"] != f.daysLeft {
				t.Errorf("days_left %v, want %v", r.Metrics["days_left"], f.daysLeft)
			}
			for _, x := range r.Findings {
				if x.Title == "" || x.Detail == "" || x.Fix == "" || x.Observed == "" || x.Expected == "" || x.Impact == "" {
					t.Errorf("finding %s lacks what an operator needs: %+v", x.ID, x)
				}
				if x.Pane != probes.PaneTLS || x.Check != r.Check {
					t.Errorf("finding %s not filled by the runner: %+v", x.ID, x)
				}
			}
			if _, err := json.Marshal(r.Data); err != nil {
				t.Errorf("Data does not marshal: %v", err)
			}
		})
	}
}

// TestInventoryRow checks the healthy host's row in full: what the Certificates table
// draws and the handover report lists.
func TestInventoryRow(t *testing.T) {
	t.Parallel()
	l, cfg := faultLab(t)
	e := testEnv(t, cfg, labNet(l), frozen, nil)
	res := sweep(t, e, 5*time.Second)
	r := res["tls ok.shop.example"]
	h := r.Data.(*Host)
	c := h.Certificate
	switch {
	case c == nil:
		t.Fatal("no certificate in the row")
	case c.Subject != "ok.shop.example" || c.Issuer != "Lab R1 Launch Ready Lab" || c.IssuerOrg != "Launch Ready Lab":
		t.Errorf("names: %+v", c)
	case c.DaysLeft != 90 || !c.NotAfter.Equal(frozen.Add(90*24*time.Hour)):
		t.Errorf("expiry: %v, %d days", c.NotAfter, c.DaysLeft)
	case strings.Join(c.SANs, ",") != "ok.shop.example" || c.Key != "ECDSA P-256" || c.KeyBits != 256 || c.Signature != "ECDSA-SHA256":
		t.Errorf("key and names: %+v", c)
	case c.Serial == "" || len(c.SHA256) != 64:
		t.Errorf("serial and fingerprint: %+v", c)
	}
	if len(h.Chain) != 2 || h.Chain[1].Subject != "Lab R1" || !h.Chain[1].IsCA || !h.Trusted {
		t.Errorf("chain as served: %+v, trusted %v", h.Chain, h.Trusted)
	}
	if h.TLS.Negotiated != "1.3" || h.TLS.Min != "1.2" || strings.Join(h.TLS.Accepted, ",") != "1.2,1.3" || h.TLS.ALPN != "h2" {
		t.Errorf("TLS: %+v", h.TLS)
	}
	if h.HSTS == nil || !h.HSTS.Valid || h.HSTS.MaxAgeDays != 365 || !h.HSTS.IncludeSubDomains {
		t.Errorf("HSTS: %+v", h.HSTS)
	}
	if h.HTTP == nil || h.HTTP.Status != 301 || !h.HTTP.Upgrades || h.HTTP.Location != "https://ok.shop.example/" {
		t.Errorf("http: %+v", h.HTTP)
	}
	if h.CAA == nil || h.CAA.Verdict != CAAAllowed || h.CAA.Name != "shop.example" || len(h.CAA.Records) != 1 {
		t.Errorf("CAA: %+v", h.CAA)
	}
	want := map[string]float64{"days_left": 90, "tls_min_version": 1.2, "hsts_max_age_days": 365, "http_redirect_status": 301, "chain_len": 2, "key_bits": 256}
	for k, v := range want {
		if r.Metrics[k] != v {
			t.Errorf("metric %s = %v, want %v", k, r.Metrics[k], v)
		}
	}
	if r.Summary != "90 days left · Lab R1 Launch Ready Lab · TLS 1.2+ · HSTS 1y · http 301" {
		t.Errorf("summary %q", r.Summary)
	}
	inv := Inventory([]probes.Result{r, res["redirect https://ok.shop.example/"], res["tls soon.shop.example"]})
	if len(inv) != 2 || inv[0].Host != "ok.shop.example" || inv[1].State != StateExpiring {
		t.Errorf("Inventory: %+v", inv)
	}
}

// TestFindingText spot-checks the words an operator reads for the commonest faults.
func TestFindingText(t *testing.T) {
	t.Parallel()
	l, cfg := faultLab(t)
	res := sweep(t, testEnv(t, cfg, labNet(l), frozen, nil), 5*time.Second)
	cases := []struct{ check, id, in string }{
		{"tls soon.shop.example", "tls.expiring", "expires in 5 days (Nov 30)"},
		{"tls expired.shop.example", "tls.expired", "expired 30 days ago (Oct 26)"},
		{"tls wrongname.shop.example", "tls.name-mismatch", "it covers other.shop.example, www.other.shop.example"},
		{"tls nointer.shop.example", "tls.incomplete-chain", `"Lab R1"`},
		{"tls tls10.shop.example", "tls.legacy-only", "TLS 1.0"},
		{"tls plain200.shop.example", "tls.http-not-redirected", "answers 200"},
		{"tls rsa1024.shop.example", "tls.weak-key", "RSA 1024-bit key"},
	}
	for _, c := range cases {
		f, ok := findingByID(res[c.check], c.id)
		if !ok {
			t.Errorf("%s: no %s", c.check, c.id)
			continue
		}
		all := f.Title + "\n" + f.Detail + "\n" + f.Observed
		if !strings.Contains(all, c.in) {
			t.Errorf("%s %s does not say %q:\n%s", c.check, c.id, c.in, all)
		}
		if len(f.Evidence) == 0 {
			t.Errorf("%s %s has no evidence", c.check, c.id)
		}
	}
	if f, _ := findingByID(res["tls expired.shop.example"], "tls.expired"); !strings.Contains(strings.Join(f.Evidence, "\n"), "0 s:expired.shop.example") {
		t.Errorf("expired evidence lacks the chain: %q", f.Evidence)
	}
}
