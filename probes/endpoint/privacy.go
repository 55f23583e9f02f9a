package endpoint

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/launchready/launchready/probes"
)

// privacy judges a page marked private, fetched as a member (ex): caching headers that
// let a CDN keep it, a CDN that already did, and the same URL fetched anonymously giving
// the member's content.
func (c *endpointCheck) privacy(ctx context.Context, ex *exchange) []probes.Finding {
	if ex.err != nil || ex.readErr != nil || ex.status < 200 || ex.status >= 300 {
		return nil // no member page to judge; the status finding says why
	}
	var out []probes.Finding
	as := c.session.describe()
	cc := parseCacheControl(ex.header)
	raw := strings.Join(ex.header.Values("Cache-Control"), ", ")
	expected := "Cache-Control: private or no-store on pages marked private"
	fix := fmt.Sprintf(`Send "Cache-Control: private, no-store" from the handler for %s, then purge the CDN cache for %s. Verify: launchready check --only endpoints`,
		pathOf(c.req.url), purgePattern(c.req.url))
	if ok, why := cc.sharedCacheable(); ok {
		out = append(out, c.finding("endpoint.private-cacheable", probes.Critical, probes.DataExposure,
			fmt.Sprintf("Member page cacheable by CDNs (%s)", raw),
			fmt.Sprintf("Fetched as %s. The answer's Cache-Control (%s) lets a CDN or shared proxy store this member's page and serve it to the next visitor.", as, why),
			"Cache-Control: "+raw, expected, fix, ex.ev))
	} else if raw == "" {
		out = append(out, c.finding("endpoint.private-no-cache-control", probes.Medium, probes.DataExposure,
			"Member page sets no Cache-Control",
			fmt.Sprintf("Fetched as %s. Without Cache-Control a CDN rule such as \"cache everything\" or a heuristic cache may store this member's page.", as),
			"no Cache-Control header", expected, fix, ex.ev))
	} else if !cc.has("private") && !cc.has("no-store") {
		out = append(out, c.finding("endpoint.private-shared-cache", probes.Medium, probes.DataExposure,
			fmt.Sprintf("Member page may be stored by shared caches (%s)", raw),
			fmt.Sprintf("Fetched as %s. Cache-Control %q neither says private nor no-store, so a shared cache may keep a copy.", as, raw),
			"Cache-Control: "+raw, expected, fix, ex.ev))
	}
	if hits := cdnHit(ex.header); len(hits) > 0 {
		out = append(out, c.finding("endpoint.private-cdn-hit", probes.Critical, probes.DataExposure,
			fmt.Sprintf("Member page served from a CDN cache (%s)", hits[0]),
			fmt.Sprintf("Fetched as %s, the answer came from a cache (%s): the copy may be another member's.", as, strings.Join(hits, ", ")),
			strings.Join(hits, ", "), "no cache hit on a private page (cf-cache-status: MISS/BYPASS/DYNAMIC, age: 0)",
			fmt.Sprintf("Add a CDN rule to bypass the cache for %s (and for any request with a session cookie), send \"Cache-Control: private, no-store\", then purge %s.",
				purgePattern(c.req.url), purgePattern(c.req.url)), ex.ev))
	}
	if f, ok := c.anonymousLeak(ctx, ex); ok {
		out = append(out, f)
	}
	return out
}

// anonymousLeak fetches the private URL without the session: the answer must not be the
// member's content (the member marker, when configured, or the member's very page).
func (c *endpointCheck) anonymousLeak(ctx context.Context, member *exchange) (probes.Finding, bool) {
	anon := do(ctx, client(c.net, c.timeout, nil), c.req, nil)
	if anon.err != nil || anon.readErr != nil || anon.status < 200 || anon.status >= 300 {
		return probes.Finding{}, false // refused, redirected to sign in, or unreachable: nothing leaked
	}
	var why string
	switch {
	case c.memberMarker != "" && bytes.Contains(anon.body, []byte(c.memberMarker)):
		why = fmt.Sprintf("contains the member marker %q", c.memberMarker)
	case c.memberMarker == "" && len(member.body) > 0 && bytes.Equal(anon.body, member.body):
		why = "is byte for byte the page the member got" + anon.cutNote() // the same first MiB, when cut
	default:
		return probes.Finding{}, false
	}
	return c.finding("endpoint.private-anonymous", probes.Critical, probes.DataExposure,
		"Member page shows member content without signing in",
		fmt.Sprintf("Fetched without any session, %s %s answered %s and the body %s: anyone with the link sees it.", c.req.method, c.req.url, anon.statusLine(), why),
		fmt.Sprintf("anonymous: HTTP %d, body %s", anon.status, why),
		"anonymous: a redirect to sign in, 401 or 403",
		fmt.Sprintf("Require a signed-in member in the handler for %s (and check the route is not served from a cache keyed without the session cookie).", pathOf(c.req.url)),
		append([]string{"anonymous fetch:"}, anon.ev...)), true
}

// publicCaching is the low finding for a public page or asset that caches cannot keep.
func (c *endpointCheck) publicCaching(ex *exchange) (probes.Finding, bool) {
	if ex.err != nil || ex.status != http.StatusOK || c.req.method != http.MethodGet || !uncached(ex.header) ||
		!cacheableType(ex.header.Get("Content-Type")) {
		return probes.Finding{}, false
	}
	return c.finding("endpoint.no-caching", probes.Low, probes.Support,
		fmt.Sprintf("%s has no caching headers (every visit reaches the origin)", c.title()),
		fmt.Sprintf("GET %s answered %s with no Cache-Control, Expires, ETag or Last-Modified: neither browsers nor a CDN can reuse it, so launch-day traffic all lands on the app.", c.req.url, ex.header.Get("Content-Type")),
		"no Cache-Control, Expires, ETag or Last-Modified", "Cache-Control with a max-age (public pages, assets), or an ETag",
		`Send "Cache-Control: public, max-age=300" on public pages (and long max-age with hashed file names for assets), or an ETag so revisits are cheap.`, ex.ev), true
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// purgePattern is the URL prefix to purge: the private page's folder ("/members/*").
func purgePattern(raw string) string {
	p := pathOf(raw)
	if i := strings.LastIndex(p, "/"); i > 0 {
		return p[:i+1] + "*"
	}
	return p
}
