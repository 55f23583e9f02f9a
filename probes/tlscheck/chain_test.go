package tlscheck

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// chainCase is a host served by a test CA, for the faults the lab's CA cannot make.
type chainCase struct {
	name  string
	ca    caOpts
	names []string // certificate names; default the host
	aia   string
	omit  bool
	trust bool // put the test root in network.ca_file
	want  string
	state string
	check func(t *testing.T, r probes.Result)
}

func TestChainsAndCAA(t *testing.T) {
	t.Parallel()
	cases := []chainCase{
		{name: "aia", trust: true, omit: true, aia: "http://ca.test.example/t1.der",
			want: "tls.incomplete-chain/high", state: StateIncompleteChain,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.incomplete-chain")
				if f.Impact != probes.Revenue || !strings.Contains(f.Detail, "AIA URL (http://ca.test.example/t1.der)") || !strings.Contains(f.Fix, "fullchain.pem") {
					t.Errorf("a browser-repairable chain should say who breaks and how to fix: %+v", f)
				}
			}},
		{name: "interexpired", trust: true, ca: caOpts{interExpired: true}, want: "tls.chain-expired/critical", state: StateExpired},
		// The CA re-issued its intermediate (same name and key) after the leaf expired: the
		// chain is fine today, only the leaf is at fault. Every certificate is judged at now.
		{name: "youngerca", trust: true, ca: caOpts{org: "Let's Encrypt", leafExpired: true, interFrom: -10 * 24 * time.Hour},
			want: "tls.expired/critical", state: StateExpired,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.expired")
				if ev := strings.Join(f.Evidence, "\n"); strings.Contains(ev, "verify:") || strings.Contains(ev, "not yet valid") {
					t.Errorf("the younger CA is valid now; no evidence should say otherwise:\n%s", ev)
				}
				if h := r.Data.(*Host); h.Reason != "expired 30 days ago" {
					t.Errorf("reason %q: the leaf's expiry is the one fault", h.Reason)
				}
			}},
		// An expired leaf does not hide an intermediate that is expired now, even though
		// the two were valid together once.
		{name: "bothexpired", trust: true, ca: caOpts{org: "Let's Encrypt", leafExpired: true, interExpired: true},
			want: "tls.chain-expired/critical,tls.expired/critical", state: StateExpired,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.chain-expired")
				if !strings.HasPrefix(f.Title, `Intermediate certificate "T1"`) || !strings.Contains(f.Title, "is expired") {
					t.Errorf("title %q", f.Title)
				}
			}},
		// A root sent in the chain is named a root, and is a low finding of its own.
		{name: "rootsent", trust: true, ca: caOpts{org: "Let's Encrypt", sendRoot: true}, want: "tls.root-sent/low", state: StateOK,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.root-sent")
				root := r.Data.(*Host).Chain[2]
				ev := strings.Join(f.Evidence, "\n")
				if !strings.Contains(f.Title, `root certificate "Let's Encrypt Root"`) || f.Impact != probes.Onboarding ||
					!strings.Contains(f.Fix, "leaf") || !strings.Contains(f.Fix, "intermediate") ||
					!strings.Contains(ev, "root sent: CN=Let's Encrypt Root,O=Let's Encrypt") || !strings.Contains(ev, " bytes") ||
					!strings.Contains(f.Detail, "every new connection carries") || !root.SelfSigned || !root.IsCA {
					t.Errorf("root-sent finding: %+v", f)
				}
				if !strings.Contains(ev, "2 s:Let's Encrypt Root  i:Let's Encrypt Root") || !strings.Contains(ev, "· root (self-signed)") {
					t.Errorf("the chain evidence should name the root:\n%s", ev)
				}
			}},
		// An expired root sent in the chain is called a root, not an intermediate.
		{name: "rootexpired", trust: true, ca: caOpts{org: "Let's Encrypt", sendRoot: true, rootExpired: true},
			want: "tls.chain-expired/critical,tls.root-sent/low", state: StateExpired,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.chain-expired")
				if !strings.HasPrefix(f.Title, `Root certificate "Let's Encrypt Root"`) || strings.Contains(f.Title+f.Detail, "ntermediate") {
					t.Errorf("an expired root should be called a root: %q / %q", f.Title, f.Detail)
				}
				if h := r.Data.(*Host); h.Reason != "root Let's Encrypt Root expired" {
					t.Errorf("reason %q", h.Reason)
				}
			}},
		{name: "privateroot", trust: false, want: "tls.untrusted/critical", state: StateUntrusted,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.untrusted")
				if !strings.Contains(f.Detail, "T1") && !strings.Contains(f.Detail, "Test CA") {
					t.Errorf("untrusted should name where the chain ends: %s", f.Detail)
				}
			}},
		{name: "sectigo", trust: true, ca: caOpts{org: "Sectigo Limited"}, want: "tls.caa-mismatch/medium", state: StateOK,
			check: func(t *testing.T, r probes.Result) {
				f, _ := findingByID(r, "tls.caa-mismatch")
				if !strings.Contains(f.Fix, `corp.example. CAA 0 issue "sectigo.com"`) || !strings.Contains(f.Observed, `corp.example CAA 0 issue "letsencrypt.org;`) {
					t.Errorf("CAA finding should give the record to add: %+v", f)
				}
				if c := r.Data.(*Host).CAA; c.Verdict != CAARefused || c.Name != "corp.example" || c.IssuerDomains[0] != "sectigo.com" {
					t.Errorf("CAA data: %+v", c)
				}
			}},
		{name: "letsencrypt", trust: true, ca: caOpts{org: "Let's Encrypt"}, state: StateOK,
			check: func(t *testing.T, r probes.Result) {
				if c := r.Data.(*Host).CAA; c.Verdict != CAAAllowed {
					t.Errorf("CAA data: %+v", c)
				}
			}},
		// The host has its own CAA set, which wins over the apex's (RFC 8659 climbs only
		// when a name has none).
		{name: "own", trust: true, ca: caOpts{org: "Let's Encrypt"}, want: "tls.caa-mismatch/medium", state: StateOK},
		// A wildcard certificate is judged by issuewild, which the apex sets to ";".
		{name: "wild", trust: true, ca: caOpts{org: "Let's Encrypt"}, names: []string{"*.corp.example"}, want: "tls.caa-mismatch/medium", state: StateOK},
		{name: "unknownca", trust: true, ca: caOpts{org: "Obscure Trust Ltd"}, state: StateOK,
			check: func(t *testing.T, r probes.Result) {
				if c := r.Data.(*Host).CAA; c.Verdict != CAAUnknownIssuer {
					t.Errorf("CAA data: %+v", c)
				}
			}},
		{name: "mapped", trust: true, ca: caOpts{org: "Obscure Trust Ltd"}, state: StateOK,
			check: func(t *testing.T, r probes.Result) {
				if c := r.Data.(*Host).CAA; c.Verdict != CAAAllowed || c.IssuerDomains[0] != "letsencrypt.org" {
					t.Errorf("tls.ca_domains should map the issuer: %+v", c)
				}
			}},
	}
	// DNS: the apex allows Let's Encrypt (and no wildcards); "own" allows only DigiCert.
	l := startLab(t, zoneOnly("corp.example",
		`@ 3600 IN CAA 0 issue "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/1"`,
		`@ 3600 IN CAA 0 issuewild ";"`,
		`@ 3600 IN CAA 0 iodef "mailto:security@corp.example"`,
		`own 3600 IN CAA 0 issue "digicert.com"`,
	))
	plain := serveHTTP(t, http.HandlerFunc(upgrade))
	// One config and sweep per case: each has its own CA, and a trusted one goes in
	// network.ca_file.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			host := c.name + ".corp.example"
			p := newPKI(t, frozen, c.ca)
			names := c.names
			if names == nil {
				names = []string{host}
			}
			cnc := labNet(l)
			cnc.ConnectTo[host+":443"] = serveTLS(t, p.leaf(frozen, names, c.aia, c.omit), http.HandlerFunc(hstsOK))
			cnc.ConnectTo[host+":80"] = plain
			if c.trust {
				cnc.CAFile = p.rootFile(t)
			} else {
				cnc.CAFile = ""
			}
			cfg := fmt.Sprintf("domain: corp.example\ncanonical_url: https://%s/\nhosts:\n  - {name: %s}\ntls:\n  ca_domains: {\"Obscure Trust\": [letsencrypt.org]}\n", host, host)
			if c.name == "unknownca" {
				cfg = strings.Replace(cfg, "tls:\n  ca_domains: {\"Obscure Trust\": [letsencrypt.org]}\n", "", 1)
			}
			r := sweep(t, testEnv(t, cfg, cnc, frozen, nil), 5*time.Second)["tls "+host]
			if got := ids(r); got != c.want {
				t.Errorf("findings %q, want %q (summary %s)", got, c.want, r.Summary)
				for _, f := range r.Findings {
					t.Logf("  %s: %s", f.ID, f.Detail)
				}
			}
			if h := r.Data.(*Host); h.State != c.state {
				t.Errorf("state %q (%s), want %q", h.State, h.Reason, c.state)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

// TestCAALookupFailure: a zone the resolver refuses to answer for is a failed CAA lookup,
// which CAs treat as "do not issue".
func TestCAALookupFailure(t *testing.T) {
	t.Parallel()
	l := startLab(t, zoneOnly("corp.example"))
	p := newPKI(t, frozen, caOpts{org: "Let's Encrypt"})
	nc := labNet(l)
	nc.CAFile = p.rootFile(t)
	nc.ConnectTo["elsewhere.test:443"] = serveTLS(t, p.leaf(frozen, []string{"elsewhere.test"}, "", false), http.HandlerFunc(hstsOK))
	nc.ConnectTo["elsewhere.test:80"] = serveHTTP(t, http.HandlerFunc(upgrade))
	cfg := "domain: corp.example\ncanonical_url: https://elsewhere.test/\nhosts:\n  - {name: elsewhere.test}\n"
	r := sweep(t, testEnv(t, cfg, nc, frozen, nil), 5*time.Second)["tls elsewhere.test"]
	if got := ids(r); got != "tls.caa-lookup-failed/low" {
		t.Fatalf("findings %q (summary %s)", got, r.Summary)
	}
	if c := r.Data.(*Host).CAA; c.Verdict != CAALookupFailed || !strings.Contains(c.Error, "REFUSED") {
		t.Errorf("CAA data: %+v", c)
	}
}

// TestStagingCapsSeverity: on staging no member is affected, so nothing is critical.
func TestStagingCapsSeverity(t *testing.T) {
	t.Parallel()
	l, cfg := faultLab(t)
	cfg = strings.Replace(cfg, "environment: lab", "environment: staging", 1)
	res := sweep(t, testEnv(t, cfg, labNet(l), frozen, nil), 5*time.Second)
	if got := ids(res["tls expired.shop.example"]); got != "tls.expired/high" {
		t.Errorf("staging expired: %s", got)
	}
}

// TestTargetsAreHandshakeOnly: a tls.targets entry on another port gets certificate and
// version checks, and no HTTP (it may not speak HTTP at all).
func TestTargetsAreHandshakeOnly(t *testing.T) {
	t.Parallel()
	l := startLab(t, zoneOnly("corp.example", `@ 3600 IN CAA 0 issue "letsencrypt.org"`))
	p := newPKI(t, frozen, caOpts{org: "Let's Encrypt"})
	nc := labNet(l)
	nc.CAFile = p.rootFile(t)
	got := make(chan string, 10)
	nc.ConnectTo["mail.corp.example:993"] = serveTLS(t, p.leaf(frozen, []string{"imap.corp.example"}, "", false),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got <- r.URL.Path }))
	cfg := "domain: corp.example\ncanonical_url: https://app.corp.example/\nhosts:\n  - {name: app.corp.example, role: mail}\ntls:\n  targets: [\"mail.corp.example:993\"]\n  default_redirects: false\n"
	e := testEnv(t, cfg, nc, frozen, nil)
	checks, err := Kind.Build(e)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range checks {
		names = append(names, c.Info().Name)
	}
	if strings.Join(names, ",") != "tls mail.corp.example:993,mixed-content https://app.corp.example/" {
		t.Errorf("checks: %v (a mail host is skipped, the target is added)", names)
	}
	r := sweep(t, e, 5*time.Second)["tls mail.corp.example:993"]
	if ids(r) != "tls.name-mismatch/critical" || r.Target != "mail.corp.example:993" {
		t.Errorf("target: %q %s %s", ids(r), r.Target, r.Summary)
	}
	h := r.Data.(*Host)
	if h.Port != 993 || h.HSTS != nil || h.HTTP != nil || h.TLS.Negotiated != "1.3" || h.TLS.Min != "1.2" {
		t.Errorf("target row: %+v", h)
	}
	select {
	case p := <-got:
		t.Errorf("an HTTP request reached the target: %s", p)
	default:
	}
}
