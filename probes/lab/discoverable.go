package lab

import "strings"

// Names discovery must find that the example config does not list (issue 16): the lab's
// share of "a dangling or stale record on a name nobody wrote into hosts: is never looked
// at". Healthy keeps only what a well-run product has (a staging copy marked noindex);
// demo adds the faults. Both are single calls from the scenarios, so other engineers' lines
// merge beside them.

// Platform zones the demo's records point into. They exist only inside the lab's resolver:
// netlify.app carries a real platform's suffix so the takeover advice names Netlify (as
// herokudns.com does for admin), herokuapp.example is a platform default domain under a
// reserved name.
const (
	netlifyZone     = "netlify.app"
	platformZone    = "herokuapp.example"
	platformDefault = "acme-community." + platformZone
)

// undocumentedNames plants, in every scenario, a staging copy of the app that is set up
// right: it serves the app's home page with noindex (header and meta), so search engines
// and the copies check leave it alone. It is not in examples/launchready.yaml's hosts.
func (sc *Scenario) undocumentedNames() {
	sc.Description += " Besides the configured hosts, staging.acme.example serves a copy of the app marked noindex (header and meta), as a staging copy should."
	sc.setRecords(acmeDomain, "staging", "staging 300 IN A 127.0.0.1")
	page := strings.Replace(sc.homePage(), "<head>", `<head><meta name="robots" content="noindex, nofollow">`, 1)
	sc.Sites = append(sc.Sites, Site{Host: "staging." + acmeDomain, HTTPS: []Route{
		withHeaders(htmlRoute("/", page), map[string]string{"X-Robots-Tag": "noindex"}),
	}})
}

// undocumentedFaults plants what discovery and the hourly undocumented-names check must
// find in demo, none of it in the config's hosts: a CNAME into a platform that forgot the
// app, copies of the app under other names, a wildcard subzone, and a zone that hands
// itself out to anyone. Call it after the app's home page has its final demo content, so
// the copies serve the same page.
func (sc *Scenario) undocumentedFaults() {
	sc.Description += " Undocumented names (not in the example config's hosts): " +
		"(U1) old.acme.example is a CNAME to acme-old.netlify.app, which Netlify no longer knows (NXDOMAIN: a takeover risk on a name nobody documented); " +
		"(U2) staging.acme.example serves the app's home page without noindex, canonical link or redirect (a second indexable copy of production); " +
		"(U3) members.acme.example, an old link, is a CNAME to the platform's default domain acme-community.herokuapp.example, and both serve the app's pages without redirecting to app.acme.example; " +
		"(U4) *.preview.acme.example is a wildcard (preview deployments: any label answers); " +
		"(U5) the nameserver of acme.example hands the whole zone to anyone who asks (AXFR allowed), while the platform zones refuse."
	home := sc.homePage()

	// (U1) Dangling into a platform: the old site was a Netlify site, deleted since.
	sc.setRecords(acmeDomain, "old", "old 300 IN CNAME acme-old.netlify.app.")
	sc.Zones = append(sc.Zones, Zone{
		Origin:  netlifyZone,
		Serial:  2026080101,
		Records: []string{"someone-elses-site 300 IN A 127.0.0.1"}, // no acme-old
	})

	// (U2) The staging copy loses its noindex.
	for i := range sc.Sites {
		if sc.Sites[i].Host == "staging."+acmeDomain {
			sc.Sites[i].HTTPS = []Route{htmlRoute("/", home)}
		}
	}

	// (U3) An old link into the platform's default domain, both serving the app.
	sc.setRecords(acmeDomain, "members", "members 300 IN CNAME "+platformDefault+".")
	sc.Zones = append(sc.Zones, Zone{
		Origin:  platformZone,
		Serial:  2026070101,
		Records: []string{"acme-community 300 IN A 127.0.0.1"},
	})
	for _, h := range []string{"members." + acmeDomain, platformDefault} {
		sc.Sites = append(sc.Sites, Site{Host: h, HTTPS: []Route{htmlRoute("/", home), htmlRoute("/login", appLogin)}})
	}

	// (U4) A wildcard subzone for preview deployments.
	sc.setRecords(acmeDomain, "preview", "preview 300 IN A 127.0.0.1")
	sc.setRecords(acmeDomain, "*.preview", "*.preview 300 IN A 127.0.0.1")

	// (U5) The product's zone is open to transfer; the platforms' refuse (the default).
	for i := range sc.Zones {
		if sc.Zones[i].Origin == acmeDomain {
			sc.Zones[i].AllowTransfer = true
		}
	}
}

// homePage is the body the app's home page serves in this scenario (demo changes it).
func (sc *Scenario) homePage() string {
	for _, s := range sc.Sites {
		if s.Host != "app."+acmeDomain {
			continue
		}
		for _, r := range s.HTTPS {
			if r.Path == "/" {
				return r.Body
			}
		}
	}
	panic("lab: scenario " + sc.Name + " has no home page on app." + acmeDomain)
}
