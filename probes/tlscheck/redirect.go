package tlscheck

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// redirectCheck is "redirect FROM": it follows the chain from FROM hop by hop, itself,
// so every hop's status and Location is evidence, and judges where it lands. The client
// does not follow redirects and accepts any certificate: certificates are the host
// checks' business, and a bad one must not hide a bad redirect.
type redirectCheck struct {
	p    *policy
	rule redirectRule
	info probes.CheckInfo
}

func (c *redirectCheck) Info() probes.CheckInfo { return c.info }

func (c *redirectCheck) Run(ctx context.Context) probes.Result {
	from := c.rule.from
	d := &Redirect{From: from.String(), Expect: c.expectText()}
	role := c.p.role(hostOf(from))
	res := probes.Result{Target: from.String(), Data: d, Metrics: map[string]float64{}}
	seen := map[string]bool{}
	cur := from
	var viaHTTP, temporary []string
	for {
		key := cur.String()
		if seen[key] {
			res.Metrics["redirect_hops"] = float64(len(d.Hops))
			res.Findings = append(res.Findings, c.loop(d, key, role))
			res.Summary = fmt.Sprintf("loop after %d hops", len(d.Hops))
			return res
		}
		if len(d.Hops) > MaxHops {
			res.Metrics["redirect_hops"] = float64(len(d.Hops))
			res.Findings = append(res.Findings, c.loop(d, "", role))
			res.Summary = fmt.Sprintf("more than %d hops", MaxHops)
			return res
		}
		seen[key] = true
		a := fetch(ctx, c.p.client, key, c.p.header(hostOf(cur)))
		hop := Hop{URL: key, Status: a.status, Ms: float64(a.took.Microseconds()) / 1000}
		if a.phase != phaseDone {
			hop.Error = reason(a.err)
			d.Hops = append(d.Hops, hop)
			res.Metrics["redirect_hops"] = float64(len(d.Hops) - 1)
			if len(d.Hops) == 1 && a.phase == phaseDial && netx.IsResolverDown(a.err) {
				return probes.Result{Err: fmt.Sprint(a.err)}
			}
			if len(d.Hops) == 1 && a.phase == phaseDial {
				// The start does not answer at all: the host check and the Endpoints pane
				// report that; here it only means the map cannot be checked.
				res.Status = probes.StatusWarn
				res.Summary = "not checked: " + hop.Error
				res.Findings = append(res.Findings, finding("tls.unreachable", probes.Info, impact(role), d.From,
					fmt.Sprintf("%s unreachable: %s; redirect not checked", hostOf(from), hop.Error),
					fmt.Sprintf("GET %s failed: %v.", key, a.err), hop.Error, "an answer", "See the Endpoints pane's finding for this host.", nil))
				return res
			}
			res.Findings = append(res.Findings, c.broken(d, hop, a, role))
			res.Summary = "broken at hop " + fmt.Sprint(len(d.Hops)) + ": " + hop.Error
			return res
		}
		loc := a.header.Get("Location")
		hop.Location = loc
		d.Hops = append(d.Hops, hop)
		if a.status < 300 || a.status >= 400 || loc == "" {
			break
		}
		next, err := cur.Parse(loc)
		if err != nil {
			hop.Error = fmt.Sprintf("Location %q is not a URL", loc)
			d.Hops[len(d.Hops)-1] = hop
			res.Findings = append(res.Findings, c.broken(d, hop, a, role))
			res.Summary = "broken: bad Location"
			return res
		}
		if next.Scheme == "http" {
			viaHTTP = append(viaHTTP, next.String())
		}
		if a.status == http.StatusFound || a.status == http.StatusSeeOther || a.status == http.StatusTemporaryRedirect {
			temporary = append(temporary, fmt.Sprintf("%d at %s", a.status, key))
		}
		cur = next
	}
	last := d.Hops[len(d.Hops)-1]
	d.Landed = last.URL
	hops := len(d.Hops) - 1
	res.Metrics["redirect_hops"] = float64(hops)
	ev := c.evidence(d)
	landed := cur
	switch {
	case hops == 0 && !c.lands(landed):
		res.Findings = append(res.Findings, finding("tls.redirect-missing", c.p.cap(probes.Medium), impact(role), d.From,
			fmt.Sprintf("%s does not redirect to %s", d.From, c.expectText()),
			fmt.Sprintf("GET %s answered %d itself instead of redirecting to %s. Members end up on two addresses: logins, cookies and analytics split between them, and search engines see duplicate pages.", d.From, last.Status, c.expectText()),
			fmt.Sprintf("HTTP %d at %s", last.Status, d.From), "a 301 or 308 to "+c.expectText(), c.fix(), ev))
	case !c.lands(landed):
		res.Findings = append(res.Findings, finding("tls.redirect-wrong-landing", c.p.cap(probes.High), impact(role), d.From,
			fmt.Sprintf("%s lands on %s, not %s", d.From, landed, c.expectText()),
			fmt.Sprintf("Following %s hop by hop ends at %s (HTTP %d) instead of %s: members who type the address arrive somewhere unexpected.", d.From, landed, last.Status, c.expectText()),
			"lands on "+landed.String(), c.expectText(), c.fix(), ev))
	case last.Status >= 400:
		res.Findings = append(res.Findings, finding("tls.redirect-broken", c.p.cap(probes.High), impact(role), d.From,
			fmt.Sprintf("%s redirects to a page that answers %d", d.From, last.Status),
			fmt.Sprintf("Following %s ends at %s with HTTP %d: the redirect works, the page it leads to does not (often the path is kept but does not exist on the canonical host).", d.From, landed, last.Status),
			fmt.Sprintf("HTTP %d at %s", last.Status, landed), "HTTP 2xx at "+c.expectText(), c.fix(), ev))
	}
	if len(viaHTTP) > 0 {
		res.Findings = append(res.Findings, finding("tls.redirect-via-http", c.p.cap(probes.High), probes.DataExposure, d.From,
			fmt.Sprintf("Redirect from %s passes through plain http", d.From),
			fmt.Sprintf("A hop of the chain from %s goes to %s: that request travels unencrypted, with the member's cookies if any, and whoever can see it can send the member anywhere.", d.From, strings.Join(viaHTTP, ", ")),
			"hop to "+viaHTTP[0], "https on every hop", c.fix(), ev))
	}
	if hops > 2 {
		res.Findings = append(res.Findings, finding("tls.redirect-long", c.p.cap(probes.Medium), impact(role), d.From,
			fmt.Sprintf("%s takes %d redirects to land", d.From, hops),
			fmt.Sprintf("Following %s takes %d hops before %s answers. Each hop is a round trip (and often a new TLS handshake) before the page starts loading, slowest for members on mobile networks.", d.From, hops, landed),
			fmt.Sprintf("%d hops", hops), "at most 2 hops", c.fix(), ev))
	}
	if len(temporary) > 0 {
		res.Findings = append(res.Findings, finding("tls.redirect-temporary", c.p.cap(probes.Low), probes.Trust, d.From,
			fmt.Sprintf("Redirect from %s is temporary (%s)", d.From, temporary[0]),
			fmt.Sprintf("The chain from %s uses temporary redirects (%s): browsers and search engines do not remember them, so every visit pays the hop again and search ranking stays split.", d.From, strings.Join(temporary, ", ")),
			strings.Join(temporary, ", "), "301 or 308", c.fix(), ev))
	}
	d.OK = len(res.Findings) == 0
	res.Summary = c.summary(d)
	return res
}

// lands says whether u is where the rule expects: same scheme and host, and the same path
// when the rule names one.
func (c *redirectCheck) lands(u *url.URL) bool {
	to := c.rule.to
	if u.Scheme != to.Scheme || hostOf(u) != hostOf(to) || u.Port() != to.Port() {
		return false
	}
	return c.rule.anyPath || strings.TrimSuffix(u.Path, "/") == strings.TrimSuffix(to.Path, "/")
}

func (c *redirectCheck) expectText() string {
	if c.rule.anyPath {
		return c.rule.to.Scheme + "://" + c.rule.to.Host + "/"
	}
	return c.rule.to.String()
}

func (c *redirectCheck) fix() string {
	from := c.rule.from
	return fmt.Sprintf("Make %s answer one permanent redirect straight to %s: nginx `server { server_name %s; return 301 https://%s$request_uri; }` (and the same in its port-80 server block), or a Page Rule / Redirect Rule on Cloudflare. Verify: curl -sI %s shows 301 with Location on %s.",
		hostOf(from), c.expectText(), hostOf(from), c.rule.to.Host, from, c.rule.to.Host)
}

// loop reports a chain that comes back on itself or never ends.
func (c *redirectCheck) loop(d *Redirect, again, role string) probes.Finding {
	detail := fmt.Sprintf("Following %s comes back to %s after %d hops: browsers stop with \"too many redirects\" and the site is unusable from this address.", d.From, again, len(d.Hops))
	observed := "loop back to " + again
	if again == "" {
		detail = fmt.Sprintf("Following %s did not land after %d hops: browsers stop with \"too many redirects\".", d.From, MaxHops)
		observed = fmt.Sprintf("more than %d hops", MaxHops)
	}
	return finding("tls.redirect-loop", c.p.down(role), impact(role), d.From,
		fmt.Sprintf("Redirect loop from %s", d.From), detail, observed, "one redirect to "+c.expectText(),
		c.fix()+" A loop usually means two layers each redirect to the other (CDN to origin over http, origin back to https): set the CDN's SSL mode to Full (strict) on Cloudflare.",
		c.evidence(d))
}

// broken reports a chain that stops with an error part way.
func (c *redirectCheck) broken(d *Redirect, hop Hop, a httpsAnswer, role string) probes.Finding {
	return finding("tls.redirect-broken", c.p.cap(probes.High), impact(role), d.From,
		fmt.Sprintf("Redirect from %s breaks at %s: %s", d.From, hop.URL, hop.Error),
		fmt.Sprintf("Following %s hop by hop, the request to %s failed: %v.", d.From, hop.URL, a.err),
		hop.Error, "every hop answering, ending on "+c.expectText(), c.fix(), c.evidence(d))
}

func (c *redirectCheck) evidence(d *Redirect) []string {
	ev := make([]string, 0, len(d.Hops))
	for i, h := range d.Hops {
		line := fmt.Sprintf("%d GET %s -> ", i+1, h.URL)
		switch {
		case h.Error != "":
			line += "error: " + h.Error
		case h.Location != "":
			line += fmt.Sprintf("%d, location: %s", h.Status, h.Location)
		default:
			line += fmt.Sprint(h.Status)
		}
		ev = append(ev, line)
	}
	return ev
}

func (c *redirectCheck) summary(d *Redirect) string {
	var parts []string
	for _, h := range d.Hops[:len(d.Hops)-1] {
		parts = append(parts, fmt.Sprint(h.Status))
	}
	hops := len(d.Hops) - 1
	if hops == 0 {
		return fmt.Sprintf("no redirect: %d at %s", d.Hops[0].Status, d.Landed)
	}
	return fmt.Sprintf("%s → %s in %s (%s)", d.From, d.Landed, plural(hops, "hop"), strings.Join(parts, ", "))
}
