package tlscheck

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

// PageLimit caps how much of a page is read and scanned: pages worth scanning are far
// smaller, and an endless or huge body must cost bounded memory.
const PageLimit = 2 << 20

// maxEvidence is how many references a finding lists before "and N more".
const maxEvidence = 20

// pageCheck is "mixed-content URL": it fetches an https page (following redirects, up to
// MaxHops, as a browser would), and lists the http:// scripts, styles, frames, forms and
// images on it.
type pageCheck struct {
	p    *policy
	url  *url.URL
	info probes.CheckInfo
}

func (c *pageCheck) Info() probes.CheckInfo { return c.info }

func (c *pageCheck) Run(ctx context.Context) probes.Result {
	d := &Page{URL: c.url.String()}
	role := c.p.role(hostOf(c.url))
	res := probes.Result{Target: d.URL, Data: d, Metrics: map[string]float64{}}
	cur := c.url
	var resp *http.Response
	for hops := 0; ; hops++ {
		hd := c.p.header(hostOf(cur))
		hd.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
		var a httpsAnswer
		a, resp = do(ctx, c.p.client, cur.String(), hd)
		if resp == nil {
			return c.unavailable(res, cur, a, role)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" || hops >= MaxHops {
			break
		}
		next, err := cur.Parse(loc)
		if err != nil {
			break // scan the redirect's own body; the redirect checks judge the Location
		}
		resp.Body.Close()
		cur = next
	}
	defer resp.Body.Close()
	d.Final, d.Status = cur.String(), resp.StatusCode
	body, truncated, readErr := netx.ReadLimited(resp.Body, PageLimit)
	d.Bytes, d.Truncated = len(body), truncated
	res.Metrics["page_bytes"] = float64(len(body))
	if cur.Scheme != "https" {
		res.Findings = append(res.Findings, finding("tls.page-insecure", c.p.cap(probes.High), probes.DataExposure, d.URL,
			fmt.Sprintf("%s ends up on plain http (%s)", d.URL, cur),
			fmt.Sprintf("Fetching %s led to %s, served over plain http: the whole page, and whatever members type into it, travels unencrypted.", d.URL, cur),
			"served from "+cur.String(), "served over https",
			"Find the redirect that sends the page to http (the redirect checks show each hop) and make it point at https.", nil))
		res.Summary = "served over http"
		return res
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		res.Summary = fmt.Sprintf("%d · %s, not HTML: nothing to scan", resp.StatusCode, mt)
		return res
	}
	items, metaUpgrade := scanMixed(body, cur)
	d.Items = items
	d.Upgrades = metaUpgrade || cspUpgrades(resp.Header.Get("Content-Security-Policy"))
	if readErr != nil {
		why := reason(readErr)
		res.Findings = append(res.Findings, finding("tls.page-incomplete", probes.Info, impact(role), d.URL,
			fmt.Sprintf("%s stopped loading after %d bytes (%s); only that part was scanned", d.URL, len(body), why),
			fmt.Sprintf("Reading %s failed after %d bytes: %v. Mixed content further down the page was not checked.", cur, len(body), readErr),
			why, "the whole page", "Check why the page does not finish (the Errors pane, or curl -sv "+cur.String()+" -o /dev/null).", nil))
	} else if truncated {
		res.Findings = append(res.Findings, finding("tls.page-too-large", c.p.cap(probes.Low), probes.Support, d.URL,
			fmt.Sprintf("%s is larger than %d MiB; only the first %d MiB were scanned", d.URL, PageLimit>>20, PageLimit>>20),
			fmt.Sprintf("The body of %s goes on past %d bytes (or never ends). A page this large is slow for members on mobile networks, and mixed content past the limit was not checked.", cur, PageLimit),
			fmt.Sprintf("more than %d bytes", PageLimit), fmt.Sprintf("an HTML page under %d MiB", PageLimit>>20),
			"Find what makes the page so large (inlined data, an endless stream) and move it out of the HTML.", nil))
	}
	res.Findings = append(res.Findings, c.mixedFindings(d, role)...)
	count := map[string]int{}
	for _, it := range items {
		count[it.Class]++
	}
	res.Metrics["mixed_active"] = float64(count[classActive])
	res.Metrics["mixed_forms"] = float64(count[classForm])
	res.Metrics["mixed_passive"] = float64(count[classPassive])
	if len(items) == 0 {
		res.Summary = fmt.Sprintf("%d · %d KiB · no mixed content", d.Status, (d.Bytes+1023)/1024)
		if d.Truncated {
			res.Summary += " in the part read"
		}
	} else {
		res.Summary = fmt.Sprintf("%d · %d active, %d forms, %d passive over http", d.Status, count[classActive], count[classForm], count[classPassive])
	}
	return res
}

// unavailable reports a page that gave no answer to scan. Unreachable is the Endpoints
// pane's business (info here); an answer broken after the handshake is this pane's.
func (c *pageCheck) unavailable(res probes.Result, cur *url.URL, a httpsAnswer, role string) probes.Result {
	if netx.IsResolverDown(a.err) {
		return probes.Result{Err: fmt.Sprint(a.err)}
	}
	why := reason(a.err)
	res.Summary = "not scanned: " + why
	if a.phase == phaseHTTP {
		res.Findings = append(res.Findings, finding("tls.bad-response", c.p.cap(probes.Medium), impact(role), res.Target,
			fmt.Sprintf("%s: HTTPS answer is broken (%s)", cur, why),
			fmt.Sprintf("The TLS handshake with %s completed, but GET %s did not produce a usable answer: %v. Mixed content could not be checked.", hostOf(cur), cur, a.err),
			why, "an HTTP response with a reasonable head",
			"Check the application or proxy behind "+hostOf(cur)+" (the Endpoints and Errors panes); try: curl -sv "+cur.String()+" -o /dev/null", nil))
		return res
	}
	res.Status = probes.StatusWarn
	res.Findings = append(res.Findings, finding("tls.page-unavailable", probes.Info, impact(role), res.Target,
		fmt.Sprintf("%s could not be fetched (%s); mixed content not checked", cur, why),
		fmt.Sprintf("GET %s failed: %v. The Endpoints pane reports the host itself; this page is scanned once it answers.", cur, a.err),
		why, "an HTML page", "See the Endpoints pane, or remove the page from tls.pages if it moved.", nil))
	return res
}

// mixedFindings makes one finding per class: what breaks (active), what leaks (forms),
// what only warns (passive). A page that asks browsers to upgrade insecure requests has
// defused the first and last for current browsers, so they drop to low.
func (c *pageCheck) mixedFindings(d *Page, role string) []probes.Finding {
	by := map[string][]MixedItem{}
	for _, it := range d.Items {
		by[it.Class] = append(by[it.Class], it)
	}
	note := ""
	if d.Upgrades {
		note = " The page sends Content-Security-Policy: upgrade-insecure-requests, so current browsers fetch these over https instead; older ones and other clients do not."
	}
	if d.Truncated {
		// The count is of the part read: a page cut at the cap may hold more further down.
		note += " Note: " + netx.CutNote(PageLimit) + ", so the page may hold more further down."
	}
	fix := func(what string) string {
		return fmt.Sprintf("Change each %s below to https:// (or a relative //host/ or /path URL) in the page's template; if the other host has no https, self-host the file. As a safety net, send Content-Security-Policy: upgrade-insecure-requests.", what)
	}
	var out []probes.Finding
	if items := by[classActive]; len(items) > 0 {
		sev := probes.High
		if d.Upgrades {
			sev = probes.Low
		}
		out = append(out, finding("tls.mixed-active", c.p.cap(sev), impact(role), d.URL,
			fmt.Sprintf("%s loads %s over http", d.URL, nouns(items)),
			fmt.Sprintf("%s is served over https but loads %s over plain http. Browsers block them, so whatever they do (the chat widget, the styling, the payment form) silently breaks, and where not blocked anyone on the network can replace them.%s", d.URL, countText(items, "script, stylesheet or frame", "scripts, stylesheets or frames"), note),
			fmt.Sprintf("%d http:// %s", len(items), tagList(items)), "every script, stylesheet and frame over https",
			fix("src or href"), itemEvidence(items)))
	}
	if items := by[classForm]; len(items) > 0 {
		sev := probes.High
		out = append(out, finding("tls.mixed-form", c.p.cap(sev), probes.DataExposure, d.URL,
			fmt.Sprintf("%s has %s posting over http", d.URL, countText(items, "form", "forms")),
			fmt.Sprintf("%s is served over https but %s to plain http: what members type (emails, passwords, card details) crosses the network readable by anyone on it, and browsers warn before sending.%s", d.URL, countText(items, "form submits", "forms submit"), note),
			fmt.Sprintf("%d form target(s) over http", len(items)), "every form action over https",
			fix("form action"), itemEvidence(items)))
	}
	if items := by[classPassive]; len(items) > 0 {
		out = append(out, finding("tls.mixed-passive", c.p.cap(probes.Low), probes.Trust, d.URL,
			fmt.Sprintf("%s loads %s over http", d.URL, nouns(items)),
			fmt.Sprintf("%s is served over https but loads %s over plain http: browsers upgrade or block them or mark the page \"Not secure\", and they can be swapped on the way.%s", d.URL, countText(items, "image or media file", "images or media files"), note),
			fmt.Sprintf("%d http:// %s", len(items), tagList(items)), "every image and media file over https",
			fix("src"), itemEvidence(items)))
	}
	return out
}

func countText(items []MixedItem, one, many string) string {
	if len(items) == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", len(items), many)
}

// nounOf is what an element loads, as a founder would say it.
var nounOf = map[string][2]string{
	"script": {"script", "scripts"}, "link": {"stylesheet", "stylesheets"}, "iframe": {"frame", "frames"},
	"frame": {"frame", "frames"}, "object": {"plugin object", "plugin objects"}, "embed": {"plugin object", "plugin objects"},
	"img": {"image", "images"}, "input": {"image", "images"}, "source": {"media file", "media files"},
	"video": {"media file", "media files"}, "audio": {"media file", "media files"}, "track": {"media file", "media files"},
}

// nouns counts items by what they are: "1 script", "2 images and 1 media file".
func nouns(items []MixedItem) string {
	var order []string
	count := map[string]int{}
	for _, it := range items {
		n := nounOf[it.Tag][0]
		if it.Tag == "link" && it.Class == classPassive {
			n = "icon or preload"
		}
		if n == "" {
			n = "resource"
		}
		if count[n] == 0 {
			order = append(order, n)
		}
		count[n]++
	}
	parts := make([]string, len(order))
	for i, n := range order {
		word := n
		if count[n] != 1 {
			word = pluralNoun(n)
		}
		parts[i] = fmt.Sprintf("%d %s", count[n], word)
	}
	if len(parts) > 2 {
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return strings.Join(parts, " and ")
}

func pluralNoun(n string) string {
	for _, p := range nounOf {
		if p[0] == n {
			return p[1]
		}
	}
	if n == "icon or preload" {
		return "icons or preloads"
	}
	return n + "s"
}

// tagList names the kinds of element involved: "script, link".
func tagList(items []MixedItem) string {
	var tags []string
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.Tag] {
			seen[it.Tag] = true
			tags = append(tags, "<"+it.Tag+">")
		}
	}
	return strings.Join(tags, ", ")
}

func itemEvidence(items []MixedItem) []string {
	ev := make([]string, 0, min(len(items), maxEvidence)+1)
	for i, it := range items {
		if i == maxEvidence {
			ev = append(ev, fmt.Sprintf("… and %d more", len(items)-maxEvidence))
			break
		}
		ev = append(ev, fmt.Sprintf("line %d: <%s %s=%q>", it.Line, it.Tag, it.Attr, it.URL))
	}
	return ev
}
