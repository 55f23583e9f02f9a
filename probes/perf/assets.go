package perf

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// maxAssets caps the subresources fetched per page: a page with more is itself a finding
// (the request budget), and the check stays a handful of requests.
const maxAssets = 40

// ref is one subresource a page references.
type ref struct {
	url  string
	kind string // script, style, font, image, other
	// blocking: a script without async/defer/module in <head>: the browser stops
	// building the page until it has fetched and run it. (Stylesheets block too, but
	// every site has one; the weight and compression findings cover them.)
	blocking bool
}

// references lists the page's subresources (scripts, stylesheets, preloads, icons,
// images) resolved against base, each once, in document order. Parsing never fails: what
// the tokenizer cannot read it skips.
func references(body []byte, base *url.URL) []ref {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []ref
	seen := map[string]bool{}
	inHead := false
	add := func(raw, kind string, blocking bool) {
		raw = strings.TrimSpace(raw)
		if raw == "" || strings.HasPrefix(raw, "data:") || strings.HasPrefix(raw, "#") {
			return
		}
		u, err := base.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			return
		}
		u.Fragment = ""
		if seen[u.String()] {
			return
		}
		seen[u.String()] = true
		out = append(out, ref{url: u.String(), kind: kind, blocking: blocking})
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				inHead = false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			_, async := attrs["async"]
			_, deferred := attrs["defer"]
			switch string(name) {
			case "head":
				inHead = true
			case "body":
				inHead = false
			case "script":
				if src, ok := attrs["src"]; ok {
					add(src, "script", inHead && !async && !deferred && attrs["type"] != "module")
				}
			case "link":
				rel := strings.ToLower(attrs["rel"])
				switch {
				case hasWord(rel, "stylesheet"):
					add(attrs["href"], "style", false)
				case hasWord(rel, "preload") || hasWord(rel, "modulepreload"):
					add(attrs["href"], asKind(attrs["as"]), false)
				case hasWord(rel, "icon"):
					add(attrs["href"], "image", false)
				}
			case "img":
				add(attrs["src"], "image", false)
			}
		}
	}
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

func asKind(as string) string {
	switch strings.ToLower(as) {
	case "script", "style", "font", "image":
		return strings.ToLower(as)
	}
	return "other"
}

// fingerprint matches a content hash in a file name (app.3f9a1c2b.js, main-8d7e6f5a4b.css):
// such a name never changes content, so it can be cached for a year, immutable.
var fingerprint = regexp.MustCompile(`[.\-_][0-9a-fA-F]{8,}\.[a-z0-9]+$`)

func fingerprinted(u string) bool {
	p, err := url.Parse(u)
	return err == nil && fingerprint.MatchString(p.Path)
}

// textType says whether a content type compresses well (and so should be compressed).
func textType(ct string) bool {
	ct = strings.ToLower(ct)
	for _, p := range []string{"text/", "javascript", "json", "xml", "svg", "wasm"} {
		if strings.Contains(ct, p) {
			return true
		}
	}
	return false
}
