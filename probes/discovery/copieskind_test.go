package discovery

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/subdomains"
)

// copiesCheckFor builds the copies kind's one check for a config, as setup does.
func copiesCheckFor(t *testing.T, cfg *config.Config, n *netx.Net, stateDir string) probes.Check {
	t.Helper()
	checks, err := CopiesKind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now, StateDir: stateDir})
	if err != nil || len(checks) != 1 {
		t.Fatalf("build: %d checks, %v; want one", len(checks), err)
	}
	return checks[0]
}

func findingsByTarget(res probes.Result) map[string]probes.Finding {
	out := map[string]probes.Finding{}
	for _, f := range res.Findings {
		out[f.Target] = f
	}
	return out
}

// TestCopiesKindLab runs the copies check with the example config against both lab
// scenarios, with no discovered.json (as `launchready demo` does): in demo the
// dictionary's staging and members, and members' CNAME target (the platform's default
// domain), are copies, each a dns.duplicate-copy with its evidence and fix; in healthy
// nothing is (its staging copy says noindex).
func TestCopiesKindLab(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(examples.Config, examples.ConfigName)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		sc, _ := lab.ScenarioByName("demo")
		_, n := startLab(t, sc)
		c := copiesCheckFor(t, cfg, n, t.TempDir())
		if info := c.Info(); info.Name != "copies acme.example" || info.Pane != probes.PaneDNS || info.Interval != time.Hour {
			t.Errorf("info %+v, want copies acme.example in the DNS pane, hourly", info)
		}
		res := c.Run(bounded(t, 30*time.Second))
		if res.Err != "" {
			t.Fatal(res.Err)
		}
		got := findingsByTarget(res)
		for _, host := range []string{"staging.acme.example", "members.acme.example", "acme-community.herokuapp.example"} {
			f, ok := got[host]
			if !ok {
				t.Errorf("no copy finding for %s; summary %q", host, res.Summary)
				continue
			}
			if f.ID != CopyFindingID || f.Severity != probes.Medium || f.Impact != probes.Onboarding {
				t.Errorf("%s: %s %s %s, want dns.duplicate-copy medium onboarding", host, f.ID, f.Severity, f.Impact)
			}
			if !strings.Contains(f.Detail, "sessions and cookies split") || !strings.Contains(f.Fix, "301 to https://app.acme.example/") ||
				!strings.Contains(f.Fix, "noindex") || !strings.Contains(f.Fix, "delete its DNS record") {
				t.Errorf("%s: detail %q fix %q", host, f.Detail, f.Fix)
			}
			if len(f.Evidence) < 2 || !strings.Contains(f.Evidence[0], `title "Acme Community", 100%`) {
				t.Errorf("%s: evidence %q", host, f.Evidence)
			}
		}
		if len(got) != 3 {
			t.Errorf("%d copies (%s), want 3", len(got), res.Summary)
		}
		if f := got["acme-community.herokuapp.example"]; !slices.ContainsFunc(f.Evidence, func(e string) bool {
			return strings.Contains(e, "CNAME target of members.acme.example")
		}) {
			t.Errorf("the platform default's evidence %q does not say it was reached through members' CNAME", f.Evidence)
		}
		if res.Metrics["copies"] != 3 {
			t.Errorf("metrics %v", res.Metrics)
		}
	})
	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		sc, _ := lab.ScenarioByName("healthy")
		_, n := startLab(t, sc)
		res := copiesCheckFor(t, cfg, n, t.TempDir()).Run(bounded(t, 30*time.Second))
		if res.Err != "" || len(res.Findings) > 0 {
			t.Errorf("healthy: %v %+v, want no copy", res.Err, res.Findings)
		}
		if res.Metrics["names_read"] < 5 {
			t.Errorf("healthy read %v names, want the hosts and staging at least", res.Metrics["names_read"])
		}
	})
}

// TestCopiesKindSources: a name only discovery knows (kept in discovered.json) is read
// even with the dictionary off; a dictionary name that only echoes a wildcard is not,
// even when the wildcard's target serves the app; discovered.json of another domain is
// ignored.
func TestCopiesKindSources(t *testing.T) {
	t.Parallel()
	home := `<!doctype html><html><head><title>Acme Community</title></head>
<body><h1>Acme Community</h1><p>The members' club for people who build things.</p>
<nav><a href="/login">Log in</a> <a href="/signup">Join</a></nav></body></html>`
	route := lab.Route{Path: "/", Body: home, Headers: map[string]string{"Content-Type": "text/html"}}
	sc := lab.Scenario{Name: "sources", Domain: "acme.example", Zones: []lab.Zone{{Origin: "acme.example", Records: []string{
		"app 300 IN A 127.0.0.1",
		"legacy-portal-2019 300 IN A 127.0.0.1",
		"* 300 IN A 127.0.0.1",
	}}}}
	for _, h := range []string{"app", "legacy-portal-2019", "beta"} {
		sc.Sites = append(sc.Sites, lab.Site{Host: h + ".acme.example", HTTPS: []lab.Route{route}})
	}
	_, n := startLab(t, sc)
	cfgText := func(dictionary string) *config.Config {
		cfg, err := config.Parse([]byte(`product: Acme
domain: acme.example
canonical_url: https://app.acme.example/
environment: production
hosts:
  - name: app.acme.example
    role: app
    a: [127.0.0.1]
dns:
  discover:
    dictionary: `+dictionary+"\n"), "test.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	state := filepath.Join(t.TempDir(), "state")
	save := func(domain string) {
		t.Helper()
		f := subdomains.Found{Domain: domain, Taken: time.Now(), Names: []subdomains.Name{{Name: "legacy-portal-2019." + domain, Source: "transfer"}}}
		if err := subdomains.SaveFound(state, f); err != nil {
			t.Fatal(err)
		}
	}

	save("acme.example")
	res := copiesCheckFor(t, cfgText("false"), n, state).Run(bounded(t, 30*time.Second))
	got := findingsByTarget(res)
	if _, ok := got["legacy-portal-2019.acme.example"]; !ok || len(got) != 1 {
		t.Errorf("dictionary off, discovered.json names legacy-portal-2019: copies %v (%s), want that one", slices.Collect(maps.Keys(got)), res.Summary)
	}
	if f := got["legacy-portal-2019.acme.example"]; !slices.Contains(f.Evidence, "found through: discovered (transfer)") {
		t.Errorf("evidence %q, want how it was found", f.Evidence)
	}

	res = copiesCheckFor(t, cfgText("true"), n, state).Run(bounded(t, 30*time.Second))
	if _, ok := findingsByTarget(res)["beta.acme.example"]; ok {
		t.Errorf("beta.acme.example only echoes the zone's wildcard, yet was read as a copy: %s", res.Summary)
	}

	save("other.example")
	res = copiesCheckFor(t, cfgText("false"), n, state).Run(bounded(t, 30*time.Second))
	if len(res.Findings) > 0 || res.Err != "" {
		t.Errorf("discovered.json of another domain was read: %+v %s", res.Findings, res.Err)
	}
}
