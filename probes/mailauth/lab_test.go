package mailauth

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
)

func startLab(t testing.TB, sc lab.Scenario) *lab.Lab {
	t.Helper()
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func scenario(t testing.TB, name string) lab.Scenario {
	sc, ok := lab.ScenarioByName(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	return sc
}

func labNet(l *lab.Lab) netx.Config {
	return netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile}
}

// labEmail is the example config's email section.
const labEmail = `email:
  domains: [acme.example]
  approved_senders: [_spf.mailprovider.example]
  sending_ips: [192.0.2.10]
  dkim_selectors: [lr1]
`

// TestHealthyLabIsClean: the healthy world has nothing to report, MTA-STS included (its
// policy is fetched over HTTPS from the lab's mta-sts site).
func TestHealthyLabIsClean(t *testing.T) {
	t.Parallel()
	l := startLab(t, scenario(t, "healthy"))
	r := sweepEmail(t, testEnv(t, labEmail, labNet(l)))["acme.example"]
	if len(r.Findings) != 0 || r.Err != "" {
		for _, f := range r.Findings {
			t.Logf("%s %s: %s", f.ID, f.Severity, f.Detail)
		}
		t.Fatalf("healthy lab: findings %v, err %q", ids(r), r.Err)
	}
	rep := r.Data.(*Report)
	if rep.MTASTS.Policy == nil || rep.MTASTS.Policy.Mode != "enforce" || !rep.MTASTS.MXMatch["mx.acme.example"] {
		t.Errorf("MTA-STS: %+v", rep.MTASTS)
	}
	if r.Metrics["dkim_key_bits"] != 2048 || r.Metrics["dmarc_policy"] != 1 || r.Metrics["spf_lookups"] != 1 {
		t.Errorf("metrics %v", r.Metrics)
	}
	// Data feeds the console: it must marshal, with the walk and the policy in it.
	b, err := json.Marshal(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"root":{"domain":"acme.example"`, `"include:_spf.mailprovider.example"`, `"p":"quarantine"`, `"bits":2048`, `"mode":"enforce"`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("data lacks %s: %s", s, b)
		}
	}
}

// TestDemoLabFaults: the demo's planted email faults, as MOCKUPS.md shows them.
func TestDemoLabFaults(t *testing.T) {
	t.Parallel()
	l := startLab(t, scenario(t, "demo"))
	r := sweepEmail(t, testEnv(t, labEmail, labNet(l)))["acme.example"]
	want := []string{"email.dmarc-no-rua/medium", "email.dmarc-policy-none/medium", "email.spf-too-many-lookups/high",
		"email.spf-unapproved-include/medium", "email.spf-unapproved-include/medium"}
	if got := ids(r); !slices.Equal(got, want) {
		t.Fatalf("demo findings %v, want %v", got, want)
	}
	var spf, dmarc probes.Finding
	for _, f := range r.Findings {
		switch f.ID {
		case "email.spf-too-many-lookups":
			spf = f
		case "email.dmarc-policy-none":
			dmarc = f
		}
	}
	if spf.Title != "SPF needs 12 DNS lookups (limit 10): permerror" || spf.Target != "acme.example" || spf.Impact != probes.Onboarding {
		t.Errorf("SPF finding: %q at %s (%s)", spf.Title, spf.Target, spf.Impact)
	}
	ev := strings.Join(spf.Evidence, "\n")
	for _, s := range []string{"include:_spf.newsletter.example: 6 lookups", "include:_spf.helpdesk.example: 4 lookups", "total: 12 lookups"} {
		if !strings.Contains(ev, s) {
			t.Errorf("SPF evidence lacks %q:\n%s", s, ev)
		}
	}
	if dmarc.Target != "_dmarc.acme.example" || !strings.Contains(dmarc.Fix, "p=quarantine") || !strings.Contains(dmarc.Fix, "rua=mailto:") {
		t.Errorf("DMARC finding: %+v", dmarc)
	}
	if r.Metrics["spf_lookups"] != 12 || r.Metrics["dmarc_policy"] != 0 {
		t.Errorf("metrics %v", r.Metrics)
	}
	// The walk with the provider's IP stops at its include: its mail still passes.
	v := r.Data.(*Report).SPF.Verdicts
	if len(v) != 1 || v[0].Result != SPFPass {
		t.Errorf("verdict for the provider's IP: %+v", v)
	}
}

// TestMTASTSPolicyFaults serves broken policies from the lab's mta-sts site.
func TestMTASTSPolicyFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		route lab.Route
		want  string
	}{
		{"404", lab.Route{Path: "/.well-known/mta-sts.txt", Status: 404, Body: "not found"}, "email.mta-sts-policy-error/medium"},
		{"redirect", lab.Route{Path: "/.well-known/mta-sts.txt", Status: 301, Location: "https://acme.example/"}, "email.mta-sts-policy-error/medium"},
		{"html", lab.Route{Path: "/.well-known/mta-sts.txt", Body: "<html>", Headers: map[string]string{"Content-Type": "text/html"}}, "email.mta-sts-policy-error/medium"},
		{"no version", lab.Route{Path: "/.well-known/mta-sts.txt", Body: "mode: enforce\nmx: mx.acme.example\nmax_age: 86400\n", Headers: map[string]string{"Content-Type": "text/plain"}}, "email.mta-sts-policy-error/medium"},
		{"mx not covered, enforce", lab.Route{Path: "/.well-known/mta-sts.txt", Body: "version: STSv1\nmode: enforce\nmx: *.mailhost.example\nmax_age: 86400\n", Headers: map[string]string{"Content-Type": "text/plain"}}, "email.mta-sts-mx-mismatch/high"},
		{"mx not covered, testing", lab.Route{Path: "/.well-known/mta-sts.txt", Body: "version: STSv1\nmode: testing\nmx: mx2.acme.example\nmax_age: 86400\n", Headers: map[string]string{"Content-Type": "text/plain"}}, "email.mta-sts-mx-mismatch/low"},
		{"wildcard covers", lab.Route{Path: "/.well-known/mta-sts.txt", Body: "version: STSv1\nmode: enforce\nmx: *.acme.example\nmax_age: 86400\n", Headers: map[string]string{"Content-Type": "text/plain"}}, ""},
		{"hangs", lab.Route{Path: "/.well-known/mta-sts.txt", Delay: 30e9}, "email.mta-sts-policy-error/medium"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l := startLab(t, scenario(t, "healthy"))
			l.SetRoute("mta-sts.acme.example", true, c.route)
			e := testEnv(t, labEmail+"  timeout: 3s\n", labNet(l))
			r := sweepEmail(t, e)["acme.example"]
			got := strings.Join(ids(r), ",")
			if got != c.want {
				t.Errorf("findings %q, want %q (err %q)", got, c.want, r.Err)
			}
		})
	}
}
