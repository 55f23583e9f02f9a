package exposure

import (
	"bytes"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// page is what a page loads and embeds, as found in its HTML.
type page struct {
	scripts, styles []string // src and href as written
	inline          []inline
}

// inline is an inline <script>: its first and last line in the page, and a name for people
// ("__NEXT_DATA__", "window.__ENV__", "inline script 3").
type inline struct {
	name       string
	first, end int
}

// parsePage tokenises HTML (never executing anything) for the assets and inline blocks a
// bundle check must read.
func parsePage(b []byte) page {
	var p page
	z := html.NewTokenizer(bytes.NewReader(b))
	line := 1
	var open *inline
	n := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return p
		}
		raw := z.Raw()
		start := line
		line += bytes.Count(raw, []byte{'\n'})
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch string(name) {
			case "script":
				if src := attrs["src"]; src != "" {
					p.scripts = append(p.scripts, src)
					continue
				}
				n++
				open = &inline{name: "inline script " + strconv.Itoa(n), first: line}
				if attrs["id"] != "" {
					open.name = attrs["id"]
				}
			case "link":
				if strings.Contains(strings.ToLower(attrs["rel"]), "stylesheet") && attrs["href"] != "" {
					p.styles = append(p.styles, attrs["href"])
				}
			}
		case html.TextToken:
			if open != nil && bytes.Contains(raw, []byte("window.__ENV__")) {
				open.name = "window.__ENV__"
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "script" && open != nil {
				open.end = start
				p.inline = append(p.inline, *open)
				open = nil
			}
		}
	}
}

// inlineAt names the inline block holding a line, "" when the line is in the markup.
func (p page) inlineAt(line int) string {
	for _, in := range p.inline {
		if line >= in.first && line <= in.end {
			return in.name
		}
	}
	return ""
}
