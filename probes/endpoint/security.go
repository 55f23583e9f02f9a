package endpoint

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/launchready/launchready/probes"
)

// securityHeader is one header a page should send, and the line that adds it.
type securityHeader struct {
	name string
	ok   func(http.Header) bool
	line string
}

var securityHeaders = []securityHeader{
	{"X-Content-Type-Options", func(h http.Header) bool {
		return strings.EqualFold(strings.TrimSpace(h.Get("X-Content-Type-Options")), "nosniff")
	}, "X-Content-Type-Options: nosniff"},
	{"frame protection (X-Frame-Options or CSP frame-ancestors)", func(h http.Header) bool {
		xfo := strings.ToUpper(strings.TrimSpace(h.Get("X-Frame-Options")))
		return xfo == "DENY" || xfo == "SAMEORIGIN" || strings.Contains(strings.ToLower(h.Get("Content-Security-Policy")), "frame-ancestors")
	}, "X-Frame-Options: DENY"},
	{"Referrer-Policy", func(h http.Header) bool { return h.Get("Referrer-Policy") != "" }, "Referrer-Policy: strict-origin-when-cross-origin"},
	{"Content-Security-Policy", func(h http.Header) bool { return h.Get("Content-Security-Policy") != "" },
		"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'  (start with Content-Security-Policy-Report-Only to find what it would block)"},
}

// securityFinding is the low finding for a page missing any of the baseline headers.
func (c *endpointCheck) securityFinding(ex *exchange) (probes.Finding, bool) {
	if ex.err != nil || ex.status < 200 || ex.status >= 300 {
		return probes.Finding{}, false
	}
	var missing, lines []string
	for _, sh := range securityHeaders {
		if !sh.ok(ex.header) {
			missing = append(missing, sh.name)
			lines = append(lines, sh.line)
		}
	}
	if len(missing) == 0 {
		return probes.Finding{}, false
	}
	short := make([]string, len(missing))
	for i, m := range missing {
		short[i], _, _ = strings.Cut(m, " (")
	}
	return c.finding("endpoint.security-headers", probes.Low, probes.Trust,
		fmt.Sprintf("%s lacks security headers: %s", c.title(), strings.Join(short, ", ")),
		fmt.Sprintf("%s %s answered without %s: browsers then allow MIME sniffing, framing (clickjacking) or leak full URLs in Referer, as the list says.", c.req.method, c.req.url, strings.Join(missing, ", ")),
		"missing: "+strings.Join(missing, ", "), "all of: "+strings.Join(namesOf(securityHeaders), ", "),
		"Send, from the app or the CDN (a Cloudflare transform rule): "+strings.Join(lines, "; "), ex.ev), true
}

func namesOf(hs []securityHeader) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i], _, _ = strings.Cut(h.name, " (")
	}
	return out
}
