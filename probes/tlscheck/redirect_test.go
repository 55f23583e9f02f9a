package tlscheck

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
)

func to(location string) []lab.Route {
	return []lab.Route{{Path: "/*", Status: 301, Location: location}}
}

// TestRedirectMap follows each chain hop by hop against lab sites and checks what the
// pane makes of it: loops, long chains, a hop through http, wrong landings, dead ends.
func TestRedirectMap(t *testing.T) {
	t.Parallel()
	const app = "https://app.redir.example/"
	sites := map[string][]lab.Route{
		"app":       {{Path: "/", Body: "<!doctype html><p>app</p>", Headers: map[string]string{"Content-Type": "text/html"}}},
		"good":      to(app),
		"loop":      {{Path: "/*", Status: 302, Location: "https://loop2.redir.example/"}},
		"loop2":     {{Path: "/*", Status: 302, Location: "https://loop.redir.example/"}},
		"three":     to("https://three2.redir.example/"),
		"three2":    to("https://three3.redir.example/"),
		"three3":    to(app),
		"down":      to("http://app.redir.example/"),
		"wrong":     to("https://partner.redir.example/"),
		"partner":   {{Path: "/*", Body: "partner"}},
		"same":      {{Path: "/*", Body: "a page of its own"}},
		"temp":      {{Path: "/*", Status: 307, Location: app}},
		"dead":      to("https://app.redir.example/gone"),
		"brk":       to("https://nolisten.redir.example/"),
		"pricing":   {{Path: "/pricing", Status: 308, Location: "https://app.redir.example/pricing"}},
		"pathwrong": to(app),
		"plainhop":  to(app),
	}
	app2 := sites["app"]
	app2 = append(app2, lab.Route{Path: "/pricing", Body: "prices"})
	sites["app"] = app2
	cases := []struct {
		from, to string
		want     string
		hops     float64
	}{
		{"https://good.redir.example/", app, "", 1},
		{"https://loop.redir.example/", app, "tls.redirect-loop/critical", 2},
		{"https://three.redir.example/", app, "tls.redirect-long/medium", 3},
		{"https://down.redir.example/", app, "tls.redirect-via-http/high", 2},
		{"https://wrong.redir.example/", app, "tls.redirect-wrong-landing/high", 1},
		{"https://same.redir.example/", app, "tls.redirect-missing/medium", 0},
		{"https://temp.redir.example/", app, "tls.redirect-temporary/low", 1},
		{"https://dead.redir.example/", app, "tls.redirect-broken/high", 1},
		{"https://brk.redir.example/", app, "tls.redirect-broken/high", 1},
		{"https://pricing.redir.example/pricing", "https://app.redir.example/pricing", "", 1},
		{"https://pathwrong.redir.example/pricing", "https://app.redir.example/pricing", "tls.redirect-wrong-landing/high", 1},
		{"http://plainhop.redir.example/", app, "", 2}, // starting on http is not a hop through http
		{"https://gone.redir.example/", app, "tls.unreachable/info", 0},
	}
	sc := lab.Scenario{Name: "redirects", Domain: "redir.example", Now: frozen,
		Sites: []lab.Site{{Host: "nolisten.redir.example", NoHTTPS: true}, {Host: "gone.redir.example", NoHTTPS: true, NoHTTP: true}}}
	zone := lab.Zone{Origin: "redir.example"}
	for name, routes := range sites {
		sc.Sites = append(sc.Sites, lab.Site{Host: name + ".redir.example", HTTPS: routes})
		zone.Records = append(zone.Records, name+" 300 IN A 127.0.0.1")
	}
	sc.Zones = []lab.Zone{zone}
	l := startLab(t, sc)
	var rules strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&rules, "    - {from: %q, to: %q}\n", c.from, c.to)
	}
	cfg := "domain: redir.example\ncanonical_url: " + app + "\nhosts:\n  - {name: app.redir.example}\ntls:\n  redirects:\n" + rules.String()
	res := sweep(t, testEnv(t, cfg, labNet(l), frozen, nil), 5*time.Second)
	for _, c := range cases {
		t.Run(c.from, func(t *testing.T) {
			r := res["redirect "+c.from]
			if got := ids(r); got != c.want {
				t.Errorf("findings %q, want %q (summary %s)", got, c.want, r.Summary)
				for _, f := range r.Findings {
					t.Logf("  %s: %s | %q", f.ID, f.Detail, f.Evidence)
				}
			}
			if r.Metrics["redirect_hops"] != c.hops {
				t.Errorf("redirect_hops %v, want %v", r.Metrics["redirect_hops"], c.hops)
			}
			d := r.Data.(*Redirect)
			if len(d.Hops) == 0 || d.Hops[0].URL != c.from || d.OK != (c.want == "") {
				t.Errorf("data: %+v", d)
			}
			for _, f := range r.Findings {
				if f.Severity > probes.Info && (len(f.Evidence) == 0 || !strings.HasPrefix(f.Evidence[0], "1 GET "+c.from)) {
					t.Errorf("%s evidence should list every hop: %q", f.ID, f.Evidence)
				}
			}
		})
	}
	loop := res["redirect https://loop.redir.example/"]
	f, _ := findingByID(loop, "tls.redirect-loop")
	if !strings.Contains(strings.Join(f.Evidence, "\n"), "2 GET https://loop2.redir.example/ -> 302, location: https://loop.redir.example/") {
		t.Errorf("loop evidence: %q", f.Evidence)
	}
	if got := res["redirect https://good.redir.example/"].Summary; got != "https://good.redir.example/ → https://app.redir.example/ in 1 hop (301)" {
		t.Errorf("summary %q", got)
	}
}

// TestDefaultRedirects: with no tls section the apex and www must land on canonical_url,
// when they are listed hosts and not the canonical host itself.
func TestDefaultRedirects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		hosts, canonical string
		want             []string
	}{
		{"[{name: acme.example}, {name: www.acme.example}, {name: app.acme.example}]", "https://app.acme.example/",
			[]string{"redirect https://acme.example/", "redirect https://www.acme.example/"}},
		{"[{name: acme.example}, {name: www.acme.example}]", "https://www.acme.example/", []string{"redirect https://acme.example/"}},
		{"[{name: app.acme.example}]", "https://app.acme.example/", nil},
	}
	for _, c := range cases {
		e := testEnv(t, "domain: acme.example\ncanonical_url: "+c.canonical+"\nhosts: "+c.hosts+"\n", labNet(startLab(t, zoneOnly("acme.example"))), frozen, nil)
		checks, err := Kind.Build(e)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ch := range checks {
			if strings.HasPrefix(ch.Info().Name, "redirect ") {
				got = append(got, ch.Info().Name)
			}
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s -> %s: redirect checks %v, want %v", c.hosts, c.canonical, got, c.want)
		}
	}
}
