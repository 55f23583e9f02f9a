package dnscheck

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/subdomains"
)

// undocumentedZones is acme.example with names outside the config's hosts: old is a CNAME
// into a platform that deleted the app when forgotten; vault, known only from a zone
// transfer kept in discovered.json, points at a private address when leaky.
func undocumentedZones(t testing.TB, forgotten, leaky, wildcard bool) string {
	acme := []string{
		"@ 3600 IN SOA ns1.acme.example. hostmaster.acme.example. 5 7200 3600 1209600 300",
		"@ 3600 IN NS ns1.acme.example.",
		"ns1 IN A 192.0.2.53",
		"app IN A 192.0.2.20",
		"staging IN A 192.0.2.80",
		"old IN CNAME acme-old.netlify.app.",
		"vault IN A 192.0.2.90",
		`_dmarc IN TXT "v=DMARC1; p=reject"`,
	}
	netlify := []string{"acme-old IN A 192.0.2.70"}
	if forgotten {
		netlify = []string{"someone-else IN A 192.0.2.71"}
	}
	if leaky {
		acme = slices.DeleteFunc(acme, func(s string) bool { return strings.HasPrefix(s, "vault ") })
		acme = append(acme, "vault IN A 10.0.4.12")
	}
	if wildcard {
		acme = append(acme, "* IN A 192.0.2.99")
	}
	return serveDNS(t, newZones(t, map[string][]string{"acme.example": acme, "netlify.app": netlify}))
}

const undocumentedHosts = `domain: acme.example
canonical_url: https://app.acme.example/
environment: production
hosts:
  - {name: app.acme.example, role: app, a: [192.0.2.20]}
`

func undocumentedRun(t *testing.T, addr, section string, found []subdomains.Name) probes.Result {
	t.Helper()
	e := testEnv(t, undocumentedHosts+section, netx.Config{Resolvers: []string{addr}, ConnectTo: map[string]string{"ns1.acme.example:53": addr}})
	e.StateDir = t.TempDir()
	if found != nil {
		if err := subdomains.SaveFound(e.StateDir, subdomains.Found{Domain: "acme.example", Taken: time.Now(), Names: found}); err != nil {
			t.Fatal(err)
		}
	}
	r, ok := sweep(t, e, 10*time.Second)["dns undocumented acme.example"]
	if !ok {
		t.Fatal("no undocumented-names check")
	}
	if r.Err != "" {
		t.Fatalf("could not run: %s", r.Err)
	}
	return r
}

// A dictionary name dangling into a platform and a name kept from discovery pointing at a
// private address are found though neither is in hosts:; the healthy twin is quiet.
func TestUndocumentedNames(t *testing.T) {
	t.Parallel()
	kept := []subdomains.Name{{Name: "vault.acme.example", Source: "transfer"}}
	r := undocumentedRun(t, undocumentedZones(t, true, true, false), "", kept)
	if got := ids(r); got != "dns.private-address/high,dns.dangling-cname/critical" {
		t.Fatalf("findings %s, want the dangling CNAME and the private address", got)
	}
	d := finding1(t, r, "dns.dangling-cname")
	complete(t, d)
	if d.Target != "old.acme.example" || !strings.Contains(d.Title, "(not in hosts:)") ||
		!strings.Contains(d.Detail, "old.acme.example is not in hosts: in launchready.yaml (found by dictionary)") || !strings.Contains(d.Detail, "Netlify") {
		t.Errorf("dangling: %+v", d)
	}
	p := finding1(t, r, "dns.private-address")
	complete(t, p)
	if p.Target != "vault.acme.example" || !strings.Contains(p.Detail, "found by discovered (transfer)") {
		t.Errorf("private: %+v", p)
	}
	data := r.Data.(*UndocumentedData)
	var names []string
	for _, n := range data.Answered {
		names = append(names, n.Name)
	}
	// app is a host, _dmarc holds no address: neither is listed.
	if strings.Join(names, " ") != "vault.acme.example staging.acme.example old.acme.example ns1.acme.example" {
		t.Errorf("answered %v", names)
	}
	if r.Metrics["asked"] < 150 || r.Metrics["answered"] != 4 {
		t.Errorf("metrics %v", r.Metrics)
	}

	healthy := undocumentedRun(t, undocumentedZones(t, false, false, false), "", kept)
	if len(healthy.Findings) > 0 || !strings.HasPrefix(healthy.Summary, "4 names outside hosts: of ") {
		t.Errorf("healthy twin: %s %q", ids(healthy), healthy.Summary)
	}
}

// Under an apex wildcard every dictionary name answers: only the names that answer
// otherwise are listed. dictionary: false asks only the listed and kept names.
func TestUndocumentedWildcardAndSettings(t *testing.T) {
	t.Parallel()
	addr := undocumentedZones(t, true, false, true)
	r := undocumentedRun(t, addr, "", nil)
	data := r.Data.(*UndocumentedData)
	if data.Wildcard != "A 192.0.2.99" || len(data.Answered) != 3 || ids(r) != "dns.dangling-cname/critical" {
		t.Errorf("wildcard %q, answered %+v, findings %s", data.Wildcard, data.Answered, ids(r))
	}
	only := undocumentedRun(t, addr, "dns:\n  discover: {dictionary: false, names: [Vault.acme.example.], every: 2h}\n", nil)
	if d := only.Data.(*UndocumentedData); d.Asked != 1 || len(only.Findings) != 0 {
		t.Errorf("dictionary off: asked %d, findings %s", d.Asked, ids(only))
	}
}

func TestDiscoverSettings(t *testing.T) {
	t.Parallel()
	base := "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - {name: app.acme.example}\n"
	e := testEnv(t, base, netx.Config{Resolvers: []string{"127.0.0.1:9"}})
	st, err := LoadSettings(e.Config)
	if err != nil || !st.Discover.Dictionary || st.Discover.Every != time.Hour || len(st.Discover.Names) != 0 {
		t.Errorf("defaults %+v %v", st.Discover, err)
	}
	checks, _ := Kind.Build(e)
	if info := checks[len(checks)-1].Info(); info.Interval != time.Hour || info.Pane != probes.PaneDNS {
		t.Errorf("undocumented check %+v: want hourly, in the DNS pane", info)
	}
	for _, c := range []struct{ section, want string }{
		{"dns:\n  discover: {every: 10s}\n", "launchready.yaml:6:21: dns.discover.every: 10s is too often"},
		{"dns:\n  discover:\n    names: [old.acme.example, old.other.example]\n", "launchready.yaml:7:31: dns.discover.names[1]: old.other.example is not under acme.example"},
		{"dns:\n  discover:\n    names: [\"old acme\"]\n", `dns.discover.names[0]: "old acme" is not a DNS name`},
		{"dns:\n  discover: {dictonary: false}\n", "dictonary: unknown key"},
	} {
		e := testEnv(t, base+c.section, netx.Config{Resolvers: []string{"127.0.0.1:9"}})
		if _, err := Kind.Build(e); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.section, err, c.want)
		}
	}
}
