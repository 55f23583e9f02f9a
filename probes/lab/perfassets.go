package lab

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"hash/crc32"
	"strings"
	"time"
)

// The Performance pane's part of the built-in product: two marketing pages with their
// assets, and a public API route. In healthy, both pages' assets are fingerprinted,
// compressed and cached a year behind a CDN that says HIT, and /v1/plans is cached a
// minute. The demo breaks /pricing and its /assets/* and /v1/plans (perfFaults); /about
// and its /static/* are the healthy twin that stays quiet in both worlds.

// pricingSlowBy is how long the demo's /pricing holds its first byte: over the example
// config's 800ms budget.
const pricingSlowBy = 1200 * time.Millisecond

// perfRoutes are the app's pages and assets, well configured (healthy).
func perfRoutes() []Route {
	return []Route{
		htmlRoute("/pricing", perfPage("Pricing", "/assets")),
		htmlRoute("/about", perfPage("About", "/static")),
		edgeAsset("/assets/app.3f9a1c2b.js", "application/javascript", perfScript),
		edgeAsset("/assets/site.7d4e2a91.css", "text/css", perfStyle),
		edgeAsset("/static/app.3f9a1c2b.js", "application/javascript", perfScript),
		edgeAsset("/static/site.7d4e2a91.css", "text/css", perfStyle),
	}
}

// perfAPIRoutes are the API's public routes: the same plans for everyone, cached a minute.
func perfAPIRoutes() []Route {
	return []Route{withHeaders(jsonRoute("/v1/plans", 200, plansJSON), map[string]string{
		"Cache-Control": "public, max-age=60, s-maxage=300", "X-Cache": "HIT", "Age": "12"})}
}

// perfFaults plants what a launch usually finds: /pricing's assets with no caching and
// no compression, straight from the origin; /pricing slow to its first byte; /v1/plans
// sent no-store although it is the same for everyone.
func (sc *Scenario) perfFaults() {
	sc.setRoute("app.acme.example", originAsset("/assets/app.3f9a1c2b.js", "application/javascript", perfScript))
	sc.setRoute("app.acme.example", originAsset("/assets/site.7d4e2a91.css", "text/css", perfStyle))
	slow := htmlRoute("/pricing", perfPage("Pricing", "/assets"))
	slow.Delay = pricingSlowBy
	sc.setRoute("app.acme.example", slow)
	sc.setRoute("api.acme.example", jsonRoute("/v1/plans", 200, plansJSON))
	sc.Description += fmt.Sprintf(" Performance: app.acme.example/pricing takes %s to its first byte; its /assets/* "+
		"(a script and a stylesheet) are sent with no Cache-Control and no compression, straight from the origin; "+
		"api.acme.example/v1/plans is the same for everyone but sent Cache-Control: no-store. "+
		"/about and its /static/* are well configured and stay quiet.", pricingSlowBy)
}

// edgeAsset is an asset as a CDN in front of a good origin serves it: gzip, a year,
// immutable, a cache hit, and an ETag that a conditional request gets a 304 for.
func edgeAsset(path, ct, body string) Route {
	return Route{Path: path, Status: 200, Body: gzipped(body), Headers: map[string]string{
		"Content-Type": ct, "Content-Encoding": "gzip", "Vary": "Accept-Encoding",
		"ETag":          fmt.Sprintf(`"%08x"`, crc32.ChecksumIEEE([]byte(body))),
		"Cache-Control": "public, max-age=31536000, immutable", "X-Cache": "HIT", "Age": "3600",
		"Strict-Transport-Security": hstsValue,
	}}
}

// originAsset is the same asset straight from an origin with no caching set up.
func originAsset(path, ct, body string) Route {
	return Route{Path: path, Status: 200, Body: body, Headers: map[string]string{
		"Content-Type": ct, "Strict-Transport-Security": hstsValue,
	}}
}

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s)) // writes to a bytes.Buffer do not fail
	zw.Close()
	return b.String()
}

func perfPage(title, folder string) string {
	return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>` + title + ` · Acme Community</title>
<link rel="stylesheet" href="` + folder + `/site.7d4e2a91.css">
<script src="` + folder + `/app.3f9a1c2b.js" defer></script>
</head>
<body><h1>` + title + `</h1><p>The members' club for people who build things.</p></body>
</html>
`
}

const plansJSON = `{"plans":[{"id":"basic","price_eur":5},{"id":"pro","price_eur":15}],"currency":"EUR"}`

// perfScript and perfStyle are a bundle's worth of text (about 40 and 20 KB) that
// compresses as real bundles do.
var (
	perfScript = strings.Repeat("function acmeWidget(el){el.dataset.ready='1';return el.querySelectorAll('[data-member]').length}\n", 400)
	perfStyle  = strings.Repeat(".acme-card{display:flex;gap:1rem;padding:1rem;border-radius:.5rem}\n", 300)
)
