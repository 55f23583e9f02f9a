package endpoint

import (
	"net/http"
	"strconv"
	"strings"
)

// cacheControl is a parsed Cache-Control header: directive names lower-cased, values
// unquoted. Servers send it however they like, so parsing never fails; what it cannot
// read it ignores.
type cacheControl map[string]string

func parseCacheControl(h http.Header) cacheControl {
	cc := cacheControl{}
	for _, line := range h.Values("Cache-Control") {
		for _, part := range splitDirectives(line) {
			name, val, _ := strings.Cut(part, "=")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			cc[name] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return cc
}

// splitDirectives splits on commas outside quoted strings (private="Set-Cookie, X").
func splitDirectives(s string) []string {
	var out []string
	inQuote, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func (cc cacheControl) has(d string) bool { _, ok := cc[d]; return ok }

// seconds reads a delta-seconds directive (max-age, s-maxage); ok is false when absent
// or unreadable.
func (cc cacheControl) seconds(d string) (int64, bool) {
	v, ok := cc[d]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// sharedCacheable says whether a shared cache (a CDN, a proxy) may store the response,
// and why, for a page that must stay private to one member. RFC 9111: public, or
// s-maxage, or a max-age without private, lets a shared cache keep it.
func (cc cacheControl) sharedCacheable() (bool, string) {
	if cc.has("no-store") || cc.has("private") {
		return false, ""
	}
	if cc.has("public") {
		return true, "public"
	}
	if n, ok := cc.seconds("s-maxage"); ok && n > 0 {
		return true, "s-maxage"
	}
	if n, ok := cc.seconds("max-age"); ok && n > 0 {
		return true, "max-age without private"
	}
	return false, ""
}

// cdnHit finds the headers by which a CDN or proxy says it answered from its cache. On a
// page only one member should see, any of them means another member's copy may be served.
func cdnHit(h http.Header) []string {
	var hits []string
	if v := h.Get("Cf-Cache-Status"); hitWord(v) {
		hits = append(hits, "cf-cache-status: "+v)
	}
	if v := h.Get("Age"); v != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
			hits = append(hits, "age: "+v)
		}
	}
	for _, name := range []string{"X-Cache", "X-Cache-Status", "X-Proxy-Cache", "X-Vercel-Cache", "X-Nf-Cache-Status"} {
		if v := h.Get(name); hitWord(v) {
			hits = append(hits, strings.ToLower(name)+": "+v)
		}
	}
	return hits
}

// hitWord reads cache status values: HIT, "Hit from cloudfront", STALE, "HIT, HIT".
func hitWord(v string) bool {
	v = strings.ToUpper(v)
	return strings.Contains(v, "HIT") || strings.HasPrefix(strings.TrimSpace(v), "STALE") ||
		strings.HasPrefix(strings.TrimSpace(v), "UPDATING") || strings.HasPrefix(strings.TrimSpace(v), "REVALIDATED")
}

// uncached says whether a response gives caches nothing to go on: no Cache-Control,
// Expires, ETag or Last-Modified. For public pages and assets that means every visit
// reaches the origin.
func uncached(h http.Header) bool {
	for _, k := range []string{"Cache-Control", "Expires", "Etag", "Last-Modified"} {
		if h.Get(k) != "" {
			return false
		}
	}
	return true
}

// cacheableType says whether a content type is a page or asset worth caching (not an API
// answer, which is often deliberately uncached).
func cacheableType(ct string) bool {
	ct = strings.ToLower(ct)
	for _, p := range []string{"text/html", "text/css", "javascript", "image/", "font/", "application/wasm"} {
		if strings.Contains(ct, p) {
			return true
		}
	}
	return false
}
