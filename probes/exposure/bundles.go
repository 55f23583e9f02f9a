package exposure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/launchready/launchready/internal/secretscan"
	"github.com/launchready/launchready/probes"
)

// bundles is the "bundles HOST" check: what the site ships to every browser, scanned.
type bundles struct {
	info      probes.CheckInfo
	pages     []string
	scanner   *secretscan.Scanner
	client    *http.Client
	maxAssets int
	maxBytes  int
}

func (b *bundles) Info() probes.CheckInfo { return b.info }

// sourceMapComment is the pointer a bundler leaves at a script's end.
var sourceMapComment = regexp.MustCompile(`(?m)[#@]\s*sourceMappingURL=(\S+)\s*$`)

// serverPath marks a source-map entry as server code: a bundler that swept API routes or
// server modules into a client bundle's map publishes them.
var serverPath = regexp.MustCompile(`(?i)(^|/)(server|api|backend|pages/api|app/api|lib/server|db)/`)

// run is one run's state: what was fetched, what was found.
type run struct {
	b        *bundles
	ctx      context.Context
	seen     map[string]bool
	fetched  int
	bytes    int
	public   int
	findings []probes.Finding
	secrets  []secretscan.Finding
	notes    []string
}

func (b *bundles) Run(ctx context.Context) probes.Result {
	r := &run{b: b, ctx: ctx, seen: map[string]bool{}}
	pagesRead := 0
	var firstErr error
	for _, pu := range b.pages {
		resp, err := get(ctx, b.client, pu, maxPageBytes)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		if resp.status != http.StatusOK {
			r.notes = append(r.notes, fmt.Sprintf("%s answered %d, not scanned", pu, resp.status))
			continue
		}
		pagesRead++
		r.bytes += len(resp.body)
		base, _ := url.Parse(pu)
		pg := parsePage(resp.body)
		r.scan(pu, string(resp.body), func(line int) string {
			if in := pg.inlineAt(line); in != "" {
				return fmt.Sprintf("%s (%s), line %d", pu, in, line)
			}
			return fmt.Sprintf("%s, line %d", pu, line)
		})
		for _, s := range pg.scripts {
			r.asset(base, s, true)
		}
		for _, s := range pg.styles {
			r.asset(base, s, false)
		}
	}
	res := probes.Result{Findings: r.findings, Metrics: map[string]float64{
		"assets_scanned": float64(r.fetched), "bytes_scanned": float64(r.bytes),
		"secrets": float64(len(r.secrets)), "public_keys": float64(r.public)}}
	if pagesRead == 0 {
		if firstErr != nil {
			res.Err = fmt.Sprintf("could not fetch %s: %v", b.pages[0], firstErr)
		} else {
			res.Err = "no page answered 200: " + strings.Join(r.notes, "; ")
		}
		return res
	}
	res.Summary = fmt.Sprintf("%s, %s, %s scanned", count(pagesRead, "page"), count(r.fetched, "asset"), sizeText(r.bytes))
	switch {
	case len(r.secrets) > 0:
		res.Summary += fmt.Sprintf(": %d secrets shipped to browsers", len(r.secrets))
	default:
		res.Summary += ": no secrets"
	}
	if r.public > 0 {
		res.Summary += fmt.Sprintf(" (%d public-by-design keys)", r.public)
	}
	return res
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// asset fetches one same-site script or stylesheet and scans it, then its source map.
func (r *run) asset(base *url.URL, ref string, script bool) {
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !sameSite(base, u) {
		return // third-party assets are their vendor's to keep clean
	}
	u.Fragment = ""
	body, ok := r.fetch(u.String())
	if !ok {
		return
	}
	r.scan(u.String(), body, func(line int) string { return fmt.Sprintf("%s, line %d", u, line) })
	if !script {
		return
	}
	mapRef := ""
	if m := sourceMapComment.FindStringSubmatch(tail(body, 4096)); m != nil && !strings.HasPrefix(m[1], "data:") {
		mapRef = m[1]
	}
	if mapRef == "" {
		mapRef = path.Base(u.Path) + ".map" // maps uploaded beside the bundle, pointer stripped
	}
	mu, err := u.Parse(mapRef)
	if err != nil || !sameSite(base, mu) {
		return
	}
	r.sourceMap(mu.String())
}

// fetch is a bounded GET of one asset, counted against the run's budget; ok is false when
// the budget is spent, it was fetched already, or it did not answer 200.
func (r *run) fetch(u string) (string, bool) {
	if r.seen[u] || r.fetched >= r.b.maxAssets {
		return "", false
	}
	r.seen[u] = true
	resp, err := get(r.ctx, r.b.client, u, r.b.maxBytes)
	if err != nil || resp.status != http.StatusOK {
		return "", false
	}
	ct := resp.header.Get("Content-Type")
	if strings.Contains(ct, "text/html") {
		return "", false // an SPA's index page answering for a missing asset
	}
	r.fetched++
	r.bytes += len(resp.body)
	return string(resp.body), true
}

// sourceMap reads a public source map: its original sources are scanned one by one, so a
// finding names the original file and line, and the map itself is a finding.
func (r *run) sourceMap(u string) {
	body, ok := r.fetch(u)
	if !ok {
		return
	}
	var m struct {
		Sources        []string  `json:"sources"`
		SourcesContent []*string `json:"sourcesContent"`
	}
	if json.Unmarshal([]byte(body), &m) != nil || len(m.Sources) == 0 {
		return
	}
	var server []string
	for i, src := range m.Sources {
		if serverPath.MatchString(src) {
			server = append(server, src)
		}
		if i < len(m.SourcesContent) && m.SourcesContent[i] != nil {
			r.scan(u, *m.SourcesContent[i], func(line int) string { return fmt.Sprintf("%s (source %s), line %d", u, src, line) })
		}
	}
	f := probes.Finding{ID: "exposure.source-map", Pane: probes.PaneExposure, Check: r.b.info.Name, Target: u,
		Severity: probes.Low, Impact: probes.DataExposure,
		Title:    "Source map is public",
		Detail:   "Anyone can read the original, unminified source of this bundle, comments included: the map of every route and API call your frontend makes.",
		Observed: fmt.Sprintf("%s answers 200 with %d original sources", u, len(m.Sources)),
		Expected: "source maps uploaded to the error tracker only, not served",
		Fix:      "stop serving *.map (productionBrowserSourceMaps: false in Next.js, build.sourcemap: 'hidden' in Vite) and upload them to your error tracker instead",
	}
	if len(server) > 0 {
		f.Severity, f.Title = probes.Medium, "Source map is public and carries server code"
		f.Detail = "The map includes server-side modules: their logic, queries and anything hard-coded in them are public."
		f.Evidence = []string{"server sources: " + strings.Join(first(server, 5), ", ")}
	}
	r.findings = append(r.findings, f)
}

// scan runs the rules over one text and turns each secret into a finding; where names the
// place of a line for people.
func (r *run) scan(target, text string, where func(line int) string) {
	for _, s := range r.b.scanner.ScanText(r.ctx, target, text) {
		if s.Public {
			r.public++
			continue
		}
		dup := false
		for _, o := range r.secrets {
			if o.Same(s) {
				dup = true
			}
		}
		if dup {
			continue
		}
		r.secrets = append(r.secrets, s)
		at := where(s.Line)
		r.findings = append(r.findings, probes.Finding{
			ID: "exposure.secret-in-bundle", Pane: probes.PaneExposure, Check: r.b.info.Name,
			Target:   fmt.Sprintf("%s#L%d", target, s.Line),
			Severity: severity(s.Level), Impact: impact(s),
			Title:    s.What + " shipped to browsers",
			Detail:   "Every visitor's browser downloads this, and anyone can read it with view-source. A key that is meant to stay on the server is compromised from the moment it was deployed.",
			Observed: fmt.Sprintf("%s: %s", at, s.Preview),
			Expected: "only publishable keys in what browsers load; secret keys on the server, read from its environment",
			Fix:      s.Advice + "; then remove it from the frontend build (only NEXT_PUBLIC_/VITE_ variables belong there)",
			Evidence: []string{"rule " + s.Rule, "found at " + at},
		})
	}
}

// sameSite: the same registrable domain (app.acme.example and static.acme.example), the
// site's own assets rather than a vendor's.
func sameSite(a, b *url.URL) bool {
	ha, hb := a.Hostname(), b.Hostname()
	if ha == hb {
		return true
	}
	ra, err1 := publicsuffix.EffectiveTLDPlusOne(ha)
	rb, err2 := publicsuffix.EffectiveTLDPlusOne(hb)
	return err1 == nil && err2 == nil && ra == rb
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func first(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
