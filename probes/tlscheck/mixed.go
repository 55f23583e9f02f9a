package tlscheck

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Mixed-content classes, by what a browser does with them.
const (
	classActive  = "active"  // blocked: the script, style or frame does not load and the page breaks
	classForm    = "form"    // submitted in the clear: passwords and card numbers readable on the way
	classPassive = "passive" // loaded with a "not secure" warning, or silently upgraded
)

// refAttrs says which attribute of which element loads what. Links (<a href>) are not
// mixed content: following one is a navigation, not a part of this page.
var refAttrs = map[string][]struct{ attr, class string }{
	"script": {{"src", classActive}},
	"iframe": {{"src", classActive}},
	"frame":  {{"src", classActive}},
	"object": {{"data", classActive}},
	"embed":  {{"src", classActive}},
	"form":   {{"action", classForm}},
	"button": {{"formaction", classForm}},
	"input":  {{"formaction", classForm}, {"src", classPassive}},
	"img":    {{"src", classPassive}, {"srcset", classPassive}},
	"source": {{"src", classPassive}, {"srcset", classPassive}},
	"video":  {{"src", classPassive}, {"poster", classPassive}},
	"audio":  {{"src", classPassive}},
	"track":  {{"src", classPassive}},
}

// scanMixed lists every http:// resource and form target in an HTML page fetched from
// page (an https URL). It tokenizes rather than builds a tree, so a large page costs
// little memory; a <base href> changes how later relative references resolve, as in a
// browser. upgrade reports a <meta> CSP with upgrade-insecure-requests.
func scanMixed(body []byte, page *url.URL) (items []MixedItem, upgrade bool) {
	z := html.NewTokenizer(bytes.NewReader(body))
	base := page
	line := 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return items, upgrade
		}
		raw := z.Raw()
		here := line
		line += bytes.Count(raw, []byte{'\n'})
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		tag := string(name)
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			key := string(k)
			if _, dup := attrs[key]; !dup { // the first of a repeated attribute wins, as in browsers
				attrs[key] = string(v)
			}
			if !more {
				break
			}
		}
		switch tag {
		case "base":
			if h, ok := attrs["href"]; ok {
				if u, err := page.Parse(strings.TrimSpace(h)); err == nil {
					base = u
				}
			}
			continue
		case "meta":
			if strings.EqualFold(attrs["http-equiv"], "content-security-policy") && cspUpgrades(attrs["content"]) {
				upgrade = true
			}
			continue
		case "link":
			if it, ok := linkRef(attrs, base, here); ok {
				items = append(items, it)
			}
			continue
		}
		for _, ra := range refAttrs[tag] {
			v, ok := attrs[ra.attr]
			if !ok {
				continue
			}
			if tag == "input" && ra.attr == "src" && !strings.EqualFold(attrs["type"], "image") {
				continue
			}
			if ra.attr == "srcset" {
				for _, cand := range srcsetURLs(v) {
					if u, ok := insecure(base, cand); ok {
						items = append(items, MixedItem{Class: ra.class, Tag: tag, Attr: ra.attr, URL: u, Line: here})
					}
				}
				continue
			}
			if u, ok := insecure(base, v); ok {
				items = append(items, MixedItem{Class: ra.class, Tag: tag, Attr: ra.attr, URL: u, Line: here})
			}
		}
	}
}

// linkRef judges a <link>: stylesheets and script preloads are active content, icons
// passive; other relations (canonical, alternate, preconnect) load nothing into the page.
func linkRef(attrs map[string]string, base *url.URL, line int) (MixedItem, bool) {
	class := ""
	for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
		switch rel {
		case "stylesheet", "modulepreload":
			class = classActive
		case "preload":
			if as := strings.ToLower(attrs["as"]); as == "script" || as == "style" || as == "" {
				class = classActive
			} else if class == "" {
				class = classPassive
			}
		case "icon", "apple-touch-icon":
			if class == "" {
				class = classPassive
			}
		}
	}
	if class == "" {
		return MixedItem{}, false
	}
	u, ok := insecure(base, attrs["href"])
	if !ok {
		return MixedItem{}, false
	}
	return MixedItem{Class: class, Tag: "link", Attr: "href", URL: u, Line: line}, true
}

// insecure resolves ref against base and reports it when it is fetched over plain http.
func insecure(base *url.URL, ref string) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false
	}
	u, err := base.Parse(ref)
	if err != nil || !strings.EqualFold(u.Scheme, "http") {
		return "", false
	}
	return u.String(), true
}

// srcsetURLs splits a srcset into its candidate URLs ("a.jpg 1x, b.jpg 2x").
func srcsetURLs(v string) []string {
	var out []string
	for _, cand := range strings.Split(v, ",") {
		if f := strings.Fields(cand); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

// cspUpgrades reports a Content-Security-Policy with upgrade-insecure-requests.
func cspUpgrades(policy string) bool {
	for _, d := range strings.Split(policy, ";") {
		if strings.EqualFold(strings.TrimSpace(d), "upgrade-insecure-requests") {
			return true
		}
	}
	return false
}
