package discovery

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/netx"
	"github.com/launchready/launchready/probes/subdomains"
)

// startLab stands up a scenario and a netx pointed at it, as `--lab` does.
func startLab(t *testing.T, sc lab.Scenario) (*lab.Lab, *netx.Net) {
	t.Helper()
	l, err := lab.Start(sc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	n, err := netx.New(netx.Config{Resolvers: []string{l.DNSAddr}, ConnectTo: l.ConnectTo, CAFile: l.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	return l, n
}

func copyHosts(cs []Copy) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Host)
	}
	slices.Sort(out)
	return out
}

// TestLabDemoDiscovery runs discovery and Copies against the demo lab as `init` and
// `audit` will: the open transfer, the wildcard subzone, the undocumented names and the
// three copies of the app are found; the canonical name, the redirecting apex and www,
// and healthy's noindex staging copy are not copies. The names kept in the state folder
// read back.
func TestLabDemoDiscovery(t *testing.T) {
	t.Parallel()
	sc, _ := lab.ScenarioByName("demo")
	l, n := startLab(t, sc)
	rep, err := Run(bounded(t, 20*time.Second), n, l.Domain, Options{RateLimit: NoRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Transfers) != 1 || rep.Transfers[0].Outcome != TransferComplete {
		t.Errorf("transfers %v, want the zone handed out", rep.Transfers)
	}
	if !slices.ContainsFunc(rep.Wildcards, func(w Wildcard) bool { return w.Name == "*.preview.acme.example" }) {
		t.Errorf("wildcards %+v, want *.preview.acme.example", rep.Wildcards)
	}
	old, ok := findName(rep, "old.acme.example")
	if !ok || !strings.Contains(old.TargetProblem, "NXDOMAIN") {
		t.Errorf("old.acme.example: %+v, want a dangling CNAME", old)
	}

	cands := CopyCandidates(rep)
	for _, want := range []string{"members.acme.example", "acme-community.herokuapp.example", "staging.acme.example", "app.acme.example"} {
		if !slices.Contains(cands, want) {
			t.Errorf("candidates lack %s: %v", want, cands)
		}
	}
	copies, err := Copies(bounded(t, 20*time.Second), n, "https://app.acme.example/", cands)
	if err != nil {
		t.Fatal(err)
	}
	if got := copyHosts(copies); strings.Join(got, " ") != "acme-community.herokuapp.example members.acme.example staging.acme.example" {
		t.Errorf("copies %v", got)
	}
	for _, c := range copies {
		if c.Title != "Acme Community" || c.Similarity != 1 || !strings.HasPrefix(c.Why, `same title ("Acme Community") and 100% of the HTML`) {
			t.Errorf("copy %+v", c)
		}
	}

	dir := filepath.Join(t.TempDir(), "state")
	if err := SaveFound(dir, rep, time.Now()); err != nil {
		t.Fatal(err)
	}
	f, err := subdomains.LoadFound(dir)
	if err != nil || f.Domain != "acme.example" {
		t.Fatalf("read back: %+v %v", f, err)
	}
	if !slices.ContainsFunc(f.Names, func(n subdomains.Name) bool {
		return n.Name == "old.acme.example" && n.CNAME == "acme-old.netlify.app"
	}) {
		t.Errorf("kept names %+v lack old.acme.example with its CNAME", f.Names)
	}
}

// The healthy lab has no copy: its staging copy says noindex.
func TestLabHealthyNoCopies(t *testing.T) {
	t.Parallel()
	sc, _ := lab.ScenarioByName("healthy")
	_, n := startLab(t, sc)
	copies, err := Copies(bounded(t, 20*time.Second), n, "https://app.acme.example/",
		[]string{"acme.example", "www.acme.example", "app.acme.example", "staging.acme.example", "api.acme.example", "status.acme.example"})
	if err != nil || len(copies) > 0 {
		t.Errorf("copies %+v %v, want none", copies, err)
	}
}

// Each way a second name may serve the app rightly is not a copy; the same page without
// any of them is, and so is another page with the same favicon.
func TestCopiesExclusions(t *testing.T) {
	t.Parallel()
	const page = `<!doctype html><html><head><title>Acme Community</title>%s</head>
<body><h1>Acme Community</h1><p>The members' club for people who build things.</p>
<nav><a href="/login">Log in</a> <a href="/signup">Join</a></nav></body></html>`
	with := func(head string) string { return strings.Replace(page, "%s", head, 1) }
	html := func(body string, hdr ...string) lab.Route {
		r := lab.Route{Path: "/", Body: body, Headers: map[string]string{"Content-Type": "text/html"}}
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Headers[hdr[i]] = hdr[i+1]
		}
		return r
	}
	icon := lab.Route{Path: "/favicon.ico", Body: "\x00\x00\x01\x00acme-icon-bytes", Headers: map[string]string{"Content-Type": "image/x-icon"}}
	sites := map[string][]lab.Route{
		"app":       {html(with("")), icon},
		"copy":      {html(with(`<link rel="canonical" href="https://copy.acme.example/">`))}, // self-canonical: still a copy
		"canonical": {html(with(`<link rel="canonical" href="https://app.acme.example/">`))},
		"robots":    {html(with(`<meta name="robots" content="noindex, nofollow">`))},
		"header":    {html(with(""), "X-Robots-Tag", "googlebot: noindex")},
		"moved":     {{Path: "/*", Status: 301, Location: "https://app.acme.example/"}},
		"homepage":  {{Path: "/", Status: 302, Location: "/home"}, {Path: "/home", Body: with(""), Headers: map[string]string{"Content-Type": "text/html"}}},
		"other":     {html(`<html><head><title>Acme Community</title></head><body><p>Our docs, a different page altogether, about other things.</p></body></html>`)},
		"iconcopy":  {html(`<html><head><title>Welcome</title></head><body>Sign in</body></html>`), icon},
	}
	sc := lab.Scenario{Name: "copies", Domain: "acme.example"}
	zone := lab.Zone{Origin: "acme.example"}
	var hosts []string
	for label, routes := range sites {
		zone.Records = append(zone.Records, label+" 300 IN A 127.0.0.1")
		sc.Sites = append(sc.Sites, lab.Site{Host: label + ".acme.example", HTTPS: routes})
		hosts = append(hosts, label+".acme.example")
	}
	sc.Zones = []lab.Zone{zone}
	_, n := startLab(t, sc)
	copies, err := Copies(bounded(t, 20*time.Second), n, "https://app.acme.example/", append(hosts, "gone.acme.example"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(copyHosts(copies), " "); got != "copy.acme.example homepage.acme.example iconcopy.acme.example" {
		t.Errorf("copies %s, want copy (self-canonical), homepage (a redirect within the host) and iconcopy (same favicon)", got)
	}
	for _, c := range copies {
		if c.Host == "iconcopy.acme.example" && (!c.SameFavicon || !strings.HasPrefix(c.Why, "the same favicon")) {
			t.Errorf("iconcopy: %+v", c)
		}
	}
	if _, err := Copies(bounded(t, 5*time.Second), n, "https://gone.acme.example/", hosts); err == nil || !strings.Contains(err.Error(), "could not read the canonical page") {
		t.Errorf("unreadable canonical: %v", err)
	}
	if _, err := Copies(bounded(t, 5*time.Second), n, "app.acme.example", hosts); err == nil || !strings.Contains(err.Error(), "not an https:// URL") {
		t.Errorf("bare host as canonical: %v", err)
	}
}

func TestNoindex(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{"noindex": true, "NOINDEX, nofollow": true, "none": true, "googlebot: noindex": true, "nofollow": false, "index, follow": false, "": false} {
		if noindex([]string{v}) != want {
			t.Errorf("noindex(%q) = %v", v, !want)
		}
	}
}

// TestFaviconsAreComparedWhole: two different icons larger than the read limit that share
// their first 256 KiB are not "the same favicon"; a long page still compares on its start
// and says so.
func TestFaviconsAreComparedWhole(t *testing.T) {
	t.Parallel()
	head := strings.Repeat("\x00icon", (maxFaviconBytes/5)+1)
	iconA := lab.Route{Path: "/favicon.ico", Body: head + "A-tail", Headers: map[string]string{"Content-Type": "image/x-icon"}}
	iconB := lab.Route{Path: "/favicon.ico", Body: head + "B-tail", Headers: map[string]string{"Content-Type": "image/x-icon"}}
	long := `<html><head><title>Acme</title></head><body>` + strings.Repeat("<p>members only club news </p>", maxPageBytes/30+10) + `</body></html>`
	htmlRoute := func(b string) lab.Route {
		return lab.Route{Path: "/", Body: b, Headers: map[string]string{"Content-Type": "text/html"}}
	}
	sc := lab.Scenario{Name: "bigicons", Domain: "acme.example", Zones: []lab.Zone{{Origin: "acme.example", Records: []string{
		"app 300 IN A 127.0.0.1", "other 300 IN A 127.0.0.1", "mirror 300 IN A 127.0.0.1"}}},
		Sites: []lab.Site{
			{Host: "app.acme.example", HTTPS: []lab.Route{htmlRoute(long), iconA}},
			{Host: "other.acme.example", HTTPS: []lab.Route{htmlRoute(`<html><head><title>Docs</title></head><body>Docs</body></html>`), iconB}},
			{Host: "mirror.acme.example", HTTPS: []lab.Route{htmlRoute(long)}},
		}}
	_, n := startLab(t, sc)
	copies, err := Copies(bounded(t, 20*time.Second), n, "https://app.acme.example/", []string{"other.acme.example", "mirror.acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(copyHosts(copies), " "); got != "mirror.acme.example" {
		t.Fatalf("copies %q, want only mirror (other's icon differs after the first 256 KiB)", got)
	}
	if !strings.Contains(copies[0].Why, "only the first 512 KiB") {
		t.Errorf("a long page compared on its start must say so: %q", copies[0].Why)
	}
}
