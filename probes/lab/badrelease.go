package lab

import (
	"slices"
	"strings"
)

// badReleaseDescription is the demo's line about the deploy that goes wrong.
const badReleaseDescription = "(deploy) a runbook that writes a release other than v41 into the lab's release file " +
	"(the demo's deploy does) moves app.acme.example to A 127.0.0.2, a load balancer that was never set up, and its " +
	"home page answers 502; writing v41 back (the rollback) restores both. "

// plantBadRelease arms the demo's bad deploy: the story the Timeline pane tells (deploy
// started, DNS answer changed, endpoint down) and "before this" explains. It records
// what the app has now, so a rollback puts exactly that back; call it after the other
// faults have shaped the app's page.
func plantBadRelease(sc *Scenario) {
	r := &Release{Live: "v41", Origin: acmeDomain, Owner: "app", Records: []string{"app 300 IN A 127.0.0.2"},
		Host: "app.acme.example", Route: Route{Path: "/", Status: 502, Body: "502 Bad Gateway: no healthy upstream for release v42\n",
			Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8", "Strict-Transport-Security": hstsValue}}}
	for _, z := range sc.Zones {
		if z.Origin == acmeDomain {
			for _, rec := range z.Records {
				if f := strings.Fields(rec); len(f) > 0 && f[0] == r.Owner {
					r.wasRecords = append(r.wasRecords, rec)
				}
			}
		}
	}
	i := slices.IndexFunc(sc.Sites, func(s Site) bool { return s.Host == r.Host })
	if i < 0 {
		panic("lab: scenario " + sc.Name + " has no site " + r.Host)
	}
	j := slices.IndexFunc(sc.Sites[i].HTTPS, func(rt Route) bool { return rt.Path == "/" && rt.Method == "" })
	if j < 0 {
		panic("lab: scenario " + sc.Name + ": " + r.Host + " has no / route to break")
	}
	r.wasRoute = sc.Sites[i].HTTPS[j]
	sc.Release = r
	sc.Description += badReleaseDescription
}
