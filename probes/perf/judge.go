package perf

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/launchready/launchready/probes"
)

// judge turns a measured page into findings, each with its tuning line. The page itself
// (its HTML) is judged for compression and TTFB; its assets for caching, compression and
// the edge; the whole for the budgets.
func (c *pageCheck) judge(d *PageDetail, page AssetDetail) []tuned {
	var out []tuned
	n := float64(d.Requests)
	var uncacheable, notImmutable, edgeMiss, uncompressed, blocking, bigImages []AssetDetail
	for _, a := range d.Assets {
		if a.Status != http.StatusOK {
			continue
		}
		switch {
		case !edgeCacheable(a.header):
			uncacheable = append(uncacheable, a)
		case a.fromOrigin():
			edgeMiss = append(edgeMiss, a)
		}
		if edgeCacheable(a.header) && fingerprinted(a.URL) && !strings.Contains(strings.ToLower(a.CacheControl), "immutable") {
			notImmutable = append(notImmutable, a)
		}
		if a.uncompressedText() {
			uncompressed = append(uncompressed, a)
		}
		if a.Blocking {
			blocking = append(blocking, a)
		}
		if a.Kind == "image" && a.Bytes > int64(c.imageK)*1024 {
			bigImages = append(bigImages, a)
		}
	}
	if page.uncompressedText() {
		uncompressed = append([]AssetDetail{page}, uncompressed...)
	}
	if len(uncacheable) > 0 {
		share := float64(len(uncacheable)) / n
		out = append(out, tuned{c.finding("perf.assets-uncacheable", probes.Medium, probes.Support,
			fmt.Sprintf("%d of %d assets on %s cannot be cached at the edge", len(uncacheable), len(d.Assets), pathOf(c.url)),
			fmt.Sprintf("%s: every visit fetches them from the origin, so a signup spike multiplies the origin's requests by %d per page view.", listAssets(uncacheable, cacheWords), len(uncacheable)+1),
			fmt.Sprintf("%d assets without a shared max-age of a day", len(uncacheable)),
			"Cache-Control: public, max-age=31536000, immutable on fingerprinted assets (a day or more on the rest)",
			fmt.Sprintf(`Serve %s with "Cache-Control: public, max-age=31536000, immutable" (fingerprint the file names in the build so a deploy changes the name), and let the CDN cache it. Verify: launchready check --only performance`, folderOf(uncacheable)),
			uncacheable),
			TuningItem{OriginSaved: share, P95SavedMs: maxTTFB(uncacheable),
				Effect: effect("the page", share, maxTTFB(uncacheable)) + " for returning members (cache " + folderOf(uncacheable) + " at the edge)"}})
	}
	if len(edgeMiss) > 0 {
		share := float64(len(edgeMiss)) / n
		p95 := max(0, maxTTFB(edgeMiss)-edgeTTFB)
		out = append(out, tuned{c.finding("perf.edge-origin", probes.Medium, probes.Support,
			fmt.Sprintf("Every request for %s goes to the origin (%d of %d assets)", folderOf(edgeMiss), len(edgeMiss), len(d.Assets)),
			fmt.Sprintf("%s may be cached but showed no cache hit (cf-cache-status, x-cache, age) even on a second request: no CDN is caching them.", listAssets(edgeMiss, edgeWords)),
			fmt.Sprintf("%d cacheable assets answered by the origin twice", len(edgeMiss)), "a cache hit (cf-cache-status: HIT, x-cache: HIT or age > 0) on the second request",
			fmt.Sprintf("Put the host behind the CDN (proxied) and add a cache rule for %s; Cloudflare caches by extension only when proxied.", folderOf(edgeMiss)),
			edgeMiss),
			TuningItem{OriginSaved: share, P95SavedMs: p95, Effect: effect("the page", share, p95)}})
	}
	if len(uncompressed) > 0 {
		var bytes int64
		for _, a := range uncompressed {
			bytes += a.Bytes
		}
		p95 := transferMs(float64(bytes) * compressRatio)
		out = append(out, tuned{c.finding("perf.uncompressed", probes.Medium, probes.Onboarding,
			fmt.Sprintf("%s of text served uncompressed on %s (%d files)", kb(bytes), pathOf(c.url), len(uncompressed)),
			fmt.Sprintf("%s: asked with Accept-Encoding: br, gzip, they came without Content-Encoding.", listAssets(uncompressed, sizeWords)),
			fmt.Sprintf("%d text files, %s, no Content-Encoding", len(uncompressed), kb(bytes)), "br or gzip for HTML, CSS, JavaScript, JSON and SVG, with Vary: Accept-Encoding",
			"Turn on compression at the edge (Cloudflare does br and gzip for text by default when proxied) or in the web server (nginx: gzip on; gzip_types text/css application/javascript ...).",
			uncompressed),
			TuningItem{P95SavedMs: p95, Effect: fmt.Sprintf("about %s less to download, p95 -%.0fms on a 10 Mbit/s connection", kb(int64(float64(bytes)*compressRatio)), p95)}})
	}
	var noVary []AssetDetail
	for _, a := range append([]AssetDetail{page}, d.Assets...) {
		if a.header != nil && a.Encoding != "" && !strings.Contains(strings.ToLower(strings.Join(a.header.Values("Vary"), ",")), "accept-encoding") {
			noVary = append(noVary, a)
		}
	}
	if len(noVary) > 0 {
		out = append(out, tuned{c.finding("perf.no-vary", probes.Low, probes.Support,
			fmt.Sprintf("Compressed answers without Vary: Accept-Encoding (%d)", len(noVary)),
			fmt.Sprintf("%s: a shared cache may hand the compressed copy to a client that cannot read it.", listAssets(noVary, nil)),
			"Content-Encoding without Vary: Accept-Encoding", "Vary: Accept-Encoding on every compressed answer",
			"Add Vary: Accept-Encoding where compression is done (most CDNs and nginx's gzip_vary on do).", noVary),
			TuningItem{Effect: "correctness for old clients; no speed change"}})
	}
	if len(notImmutable) > 0 {
		out = append(out, tuned{c.finding("perf.assets-not-immutable", probes.Low, probes.Support,
			fmt.Sprintf("%d fingerprinted assets without immutable", len(notImmutable)),
			fmt.Sprintf("%s: their names carry a content hash, so they never change; without immutable, browsers revalidate them on reload.", listAssets(notImmutable, cacheWords)),
			"max-age without immutable on fingerprinted names", "Cache-Control: public, max-age=31536000, immutable",
			"Add immutable to the Cache-Control of fingerprinted assets.", notImmutable),
			TuningItem{OriginSaved: 0.5 * float64(len(notImmutable)) / n, Effect: effect("reloads", 0.5*float64(len(notImmutable))/n, 0) + " (no revalidation requests)"}})
	}
	out = append(out, c.judgeValidators(d)...)
	budget := float64(c.ttfb.Milliseconds())
	if d.TTFBMs > budget {
		p95 := d.TTFBMs - edgeTTFB
		out = append(out, tuned{c.finding("perf.ttfb", probes.Medium, probes.Onboarding,
			fmt.Sprintf("%s takes %.0fms to its first byte (budget %.0fms)", pathOf(c.url), d.TTFBMs, budget),
			"The HTML itself is slow to start: every visitor waits this long before anything is drawn, and under a signup spike the origin gets slower still.",
			fmt.Sprintf("TTFB %.0fms", d.TTFBMs), fmt.Sprintf("TTFB under %.0fms", budget),
			"Cache the page at the edge if it is the same for every visitor (Cache-Control: public, s-maxage=60), or find the slow query behind it (the Errors pane's slow queries).",
			[]AssetDetail{page}),
			TuningItem{P95SavedMs: p95, OriginSaved: 1 / n, Effect: effect("the page", 1/n, p95) + " if cached at the edge (to about 20ms)"}})
	}
	if lim := int64(c.weightK) * 1024; d.PageBytes > lim {
		p95 := transferMs(float64(d.PageBytes - lim))
		out = append(out, tuned{c.finding("perf.weight", probes.Low, probes.Onboarding,
			fmt.Sprintf("%s weighs %s (budget %s)", pathOf(c.url), kb(d.PageBytes), kb(lim)),
			fmt.Sprintf("The page and its same-site assets come to %s on the wire. The largest: %s.", kb(d.PageBytes), listAssets(largest(d.Assets, 3), sizeWords)),
			kb(d.PageBytes), "at most "+kb(lim),
			"Compress text, resize and convert images (WebP/AVIF), and split scripts the first page does not need.", nil),
			TuningItem{P95SavedMs: p95, Effect: effect("", 0, p95) + " on a 10 Mbit/s connection at budget"}})
	}
	if d.Requests > c.reqs {
		out = append(out, tuned{c.finding("perf.requests", probes.Low, probes.Support,
			fmt.Sprintf("%s makes %d same-site requests (budget %d)", pathOf(c.url), d.Requests, c.reqs),
			"Each request the edge does not answer is one more for the origin under load.",
			fmt.Sprintf("%d requests", d.Requests), fmt.Sprintf("at most %d", c.reqs),
			"Bundle small scripts and styles, inline tiny icons, and lazy-load images below the fold.", nil),
			TuningItem{OriginSaved: float64(d.Requests-c.reqs) / n, Effect: effect("the page", float64(d.Requests-c.reqs)/n, 0)}})
	}
	if len(blocking) > 0 {
		p95 := maxTTFB(blocking)
		out = append(out, tuned{c.finding("perf.render-blocking", probes.Low, probes.Onboarding,
			fmt.Sprintf("%d render-blocking scripts in <head>", len(blocking)),
			fmt.Sprintf("%s: the browser draws nothing until each has loaded.", listAssets(blocking, nil)),
			fmt.Sprintf("%d blocking", len(blocking)), "scripts in <head> with defer or async",
			"Add defer to scripts in <head> (or move them to the end of <body>).", blocking),
			TuningItem{P95SavedMs: p95, Effect: effect("", 0, p95) + " to first paint"}})
	}
	if len(bigImages) > 0 {
		var over int64
		for _, a := range bigImages {
			over += a.Bytes - int64(c.imageK)*1024
		}
		p95 := transferMs(float64(over))
		out = append(out, tuned{c.finding("perf.large-images", probes.Low, probes.Onboarding,
			fmt.Sprintf("%d images over %d KB", len(bigImages), c.imageK),
			fmt.Sprintf("%s.", listAssets(bigImages, sizeWords)),
			fmt.Sprintf("%d images, %s over budget", len(bigImages), kb(over)), fmt.Sprintf("images under %d KB", c.imageK),
			"Resize to the displayed size and serve WebP or AVIF (an image CDN or the build can do both).", bigImages),
			TuningItem{P95SavedMs: p95, Effect: effect("", 0, p95) + " on a 10 Mbit/s connection"}})
	}
	return out
}

func (c *pageCheck) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []AssetDetail) probes.Finding {
	var evidence []string
	for i, a := range ev {
		if i == 5 {
			evidence = append(evidence, fmt.Sprintf("... and %d more", len(ev)-5))
			break
		}
		evidence = append(evidence, fmt.Sprintf("GET %s -> %d · %s · %s · cache-control: %s · encoding: %s%s",
			a.URL, a.Status, kb(a.Bytes), fmt.Sprintf("ttfb %.0fms", a.TTFBMs), orNone(a.CacheControl), orNone(a.Encoding), edgeNote(a)))
	}
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: c.url, Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: evidence}
}

func edgeNote(a AssetDetail) string {
	if a.Edge == "" {
		return ""
	}
	return " · " + a.Edge
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// listAssets names up to three assets with a word about each.
func listAssets(as []AssetDetail, words func(AssetDetail) string) string {
	var parts []string
	for i, a := range as {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(as)-3))
			break
		}
		s := pathOf(a.URL)
		if words != nil {
			s += " (" + words(a) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func cacheWords(a AssetDetail) string {
	if a.CacheControl == "" {
		return "no Cache-Control"
	}
	return "Cache-Control: " + a.CacheControl
}

func edgeWords(a AssetDetail) string {
	if a.Edge == "" {
		return "no cache status"
	}
	return a.Edge
}

func sizeWords(a AssetDetail) string { return kb(a.Bytes) }

func maxTTFB(as []AssetDetail) float64 {
	m := 0.0
	for _, a := range as {
		m = max(m, a.TTFBMs)
	}
	return m
}

func largest(as []AssetDetail, n int) []AssetDetail {
	s := append([]AssetDetail(nil), as...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j].Bytes > s[i].Bytes {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[:min(n, len(s))]
}

// folderOf is the assets' common folder as a pattern ("/assets/*"), or their first path.
func folderOf(as []AssetDetail) string {
	if len(as) == 0 {
		return ""
	}
	common := dirOf(as[0].URL)
	for _, a := range as[1:] {
		for !strings.HasPrefix(dirOf(a.URL), common) {
			common = common[:strings.LastIndex(strings.TrimSuffix(common, "/"), "/")+1]
		}
	}
	return common + "*"
}

func dirOf(raw string) string {
	p := pathOf(raw)
	return p[:strings.LastIndex(p, "/")+1]
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}
