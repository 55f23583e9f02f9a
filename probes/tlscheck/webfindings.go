package tlscheck

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/launchready/launchready/probes"
)

// plainHTTP judges what port 80 answers: a member who types the bare name, or follows an
// old http:// link, lands here first. It must be a 301 or 308 to https on the same or the
// canonical host. reachable is false when the HTTPS side is down too: the host is simply
// down, which the Endpoints pane reports, so port 80 adds no finding of its own then.
func (j *judgement) plainHTTP(a httpsAnswer, reachable bool) {
	c := j.c
	p := &PlainHTTP{URL: a.url, Status: a.status}
	j.h.HTTP = p
	target := a.url
	if a.phase != phaseDone {
		p.Error = reason(a.err)
		if !reachable {
			return
		}
		j.add(finding("tls.http-closed", c.p.cap(probes.Low), impact(c.role), target,
			fmt.Sprintf("Nothing answers http://%s (%s)", c.host, p.Error),
			fmt.Sprintf("GET %s failed: %v. Browsers try http:// first for a typed address and for old links, and show an error instead of reaching the HTTPS site.", a.url, a.err),
			p.Error, "a 301 or 308 redirect to https://"+c.host+"/",
			fmt.Sprintf("Listen on port 80 and redirect: nginx `server { listen 80; server_name %s; return 301 https://$host$request_uri; }`; on Cloudflare turn on SSL/TLS > Edge Certificates > Always Use HTTPS.", c.host), nil))
		return
	}
	j.metrics["http_redirect_status"] = float64(a.status)
	p.Location = a.header.Get("Location")
	ev := []string{fmt.Sprintf("GET %s -> %s %d %s", a.url, a.proto, a.status, http.StatusText(a.status))}
	if p.Location != "" {
		ev = append(ev, "location: "+p.Location)
	}
	redirectFix := fmt.Sprintf("Answer every plain-HTTP request with a permanent redirect to HTTPS: nginx `server { listen 80; server_name %s; return 301 https://$host$request_uri; }`; Apache `Redirect permanent / https://%s/`; on Cloudflare turn on SSL/TLS > Edge Certificates > Always Use HTTPS.", c.host, c.host)
	observed := fmt.Sprintf("HTTP %d %s", a.status, http.StatusText(a.status))
	expected := "301 or 308 to https://" + c.host + "/ or the canonical host"
	switch {
	case a.status >= 300 && a.status < 400 && p.Location != "":
		next, err := url.Parse(a.url)
		if err == nil {
			next, err = next.Parse(p.Location)
		}
		if err != nil {
			j.add(finding("tls.http-bad-redirect", c.p.cap(probes.Medium), impact(c.role), target,
				fmt.Sprintf("http://%s redirects to an unreadable Location", c.host),
				fmt.Sprintf("GET %s answered %d with Location %q, which is not a URL (%v).", a.url, a.status, p.Location, err),
				"Location: "+p.Location, expected, redirectFix, ev))
			return
		}
		host := hostOf(next)
		okHost := host == c.host || host == c.p.canonicalHost()
		switch {
		case next.Scheme != "https":
			j.add(finding("tls.http-bad-redirect", c.p.cap(probes.Medium), probes.Trust, target,
				fmt.Sprintf("http://%s redirects but stays on plain http", c.host),
				fmt.Sprintf("GET %s answered %d to %s, still plain http: the next request also travels unencrypted and can be altered on the way.", a.url, a.status, next),
				"redirect to "+next.String(), expected, redirectFix, ev))
		case !okHost:
			j.add(finding("tls.http-bad-redirect", c.p.cap(probes.Medium), impact(c.role), target,
				fmt.Sprintf("http://%s redirects to %s, not to its own or the canonical host", c.host, host),
				fmt.Sprintf("GET %s answered %d to %s. An upgrade should stay on %s or go to the canonical host %s; another host is either a mistake or a hop more for every visitor.", a.url, a.status, next, c.host, c.p.canonicalHost()),
				"redirect to "+next.String(), expected, redirectFix, ev))
		case a.status == http.StatusMovedPermanently || a.status == http.StatusPermanentRedirect:
			p.Upgrades = true
		default:
			p.Upgrades = true
			j.add(finding("tls.http-temporary-redirect", c.p.cap(probes.Low), probes.Trust, target,
				fmt.Sprintf("http://%s upgrades with a temporary %d", c.host, a.status),
				fmt.Sprintf("GET %s answered %d (temporary) to %s. It works, but browsers and search engines do not remember a temporary redirect, so every visit pays the extra hop over plain http and search ranking stays split between the two addresses.", a.url, a.status, next),
				observed, expected, redirectFix, ev))
		}
	case a.status >= 200 && a.status < 300:
		sev, imp := probes.Medium, probes.Trust
		detail := "Visitors who type the address or follow an http:// link stay on an unencrypted page that anyone on their network can read and alter; browsers mark it \"Not secure\"."
		switch c.role {
		case "app", "admin", "api":
			sev, imp = probes.High, probes.DataExposure
			detail = "Members who type the address or follow an http:// link use the product unencrypted: logins, session cookies and personal data cross their network in the clear, readable and alterable by anyone on it."
		}
		j.add(finding("tls.http-not-redirected", c.p.cap(sev), imp, target,
			fmt.Sprintf("http://%s answers %d instead of redirecting to HTTPS", c.host, a.status),
			fmt.Sprintf("GET %s answered %s over plain http. %s", a.url, observed, detail),
			observed+" over http", expected, redirectFix, ev))
	default:
		j.add(finding("tls.http-error", c.p.cap(probes.Low), impact(c.role), target,
			fmt.Sprintf("http://%s answers %d instead of redirecting to HTTPS", c.host, a.status),
			fmt.Sprintf("GET %s answered %s: a visitor typing the address sees an error page instead of the site.", a.url, observed),
			observed, expected, redirectFix, ev))
	}
}

// hsts judges the Strict-Transport-Security header of the HTTPS answer: without it the
// first request of every visit may go over http, where it can be intercepted and
// downgraded (SSL stripping).
func (j *judgement) hsts(a httpsAnswer) {
	c := j.c
	raw := a.header.Values("Strict-Transport-Security")
	h := HSTS{URL: a.url, Status: a.status}
	if len(raw) > 0 {
		h = parseHSTS(raw[0])
		h.URL, h.Status = a.url, a.status
	}
	j.h.HSTS = &h
	j.metrics["hsts_max_age_days"] = float64(h.MaxAgeDays)
	minDays := c.p.set.HSTSMinDays
	header := fmt.Sprintf("Strict-Transport-Security: max-age=%d; includeSubDomains", max(31536000, minDays*86400))
	fix := fmt.Sprintf("Send `%s` on every HTTPS response: nginx `add_header Strict-Transport-Security \"max-age=%d; includeSubDomains\" always;`; Caddy `header Strict-Transport-Security \"max-age=%d; includeSubDomains\"`; on Cloudflare SSL/TLS > Edge Certificates > HSTS. Drop includeSubDomains if some subdomain still has no HTTPS.",
		header, max(31536000, minDays*86400), max(31536000, minDays*86400))
	ev := []string{fmt.Sprintf("GET %s -> %s %d", a.url, a.proto, a.status)}
	for _, v := range raw {
		ev = append(ev, "strict-transport-security: "+v)
	}
	expected := fmt.Sprintf("max-age of at least %d days (%d seconds)", minDays, minDays*86400)
	switch {
	case len(raw) == 0:
		j.add(finding("tls.hsts-missing", c.p.cap(probes.Medium), probes.Trust, c.target,
			fmt.Sprintf("%s sends no HSTS header", c.host),
			fmt.Sprintf("The HTTPS answer of %s has no Strict-Transport-Security header, so browsers keep trying http:// first on every visit, where the request can be intercepted and the visitor kept on an unencrypted copy of the site (SSL stripping).", a.url),
			"no Strict-Transport-Security header", expected, fix, ev))
	case !h.Valid:
		j.add(finding("tls.hsts-missing", c.p.cap(probes.Medium), probes.Trust, c.target,
			fmt.Sprintf("%s sends an HSTS header browsers ignore", c.host),
			fmt.Sprintf("The Strict-Transport-Security header of %s is invalid: %s.", a.url, h.Problem),
			"Strict-Transport-Security: "+raw[0], expected, fix, ev))
	case h.MaxAge == 0:
		j.add(finding("tls.hsts-missing", c.p.cap(probes.Medium), probes.Trust, c.target,
			fmt.Sprintf("%s turns HSTS off (max-age=0)", c.host),
			fmt.Sprintf("%s sends Strict-Transport-Security with max-age=0, which tells browsers to forget HSTS for the host.", a.url),
			"Strict-Transport-Security: "+raw[0], expected, fix, ev))
	case h.MaxAge < int64(minDays)*86400:
		j.add(finding("tls.hsts-short", c.p.cap(probes.Low), probes.Trust, c.target,
			fmt.Sprintf("%s's HSTS lasts only %s", c.host, ageText(h.MaxAge)),
			fmt.Sprintf("%s sends Strict-Transport-Security with max-age=%d (%s): browsers forget it between visits of members who come back less often, and HSTS preload lists require a year.", a.url, h.MaxAge, ageText(h.MaxAge)),
			"Strict-Transport-Security: "+raw[0], expected, fix, ev))
	}
}
