package initcfg

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// page is what init reads of an HTML page: its title, its links and its forms.
type page struct {
	title string
	links []string // absolute, in order, without duplicates
	forms []Form
}

// maxLinks bounds what a hostile page can make init remember.
const maxLinks = 200

// parsePage reads a page with the HTML tokenizer (no scripts run, nothing fetched).
// base resolves relative links and actions; nil keeps only the title.
func parsePage(body []byte, base *url.URL) page {
	var pg page
	z := html.NewTokenizer(bytes.NewReader(body))
	var inTitle bool
	var cur *Form
	seen := map[string]bool{}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return pg
		case html.TextToken:
			if inTitle && pg.title == "" {
				pg.title = strings.Join(strings.Fields(string(z.Text())), " ")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "title":
				inTitle = false
			case "form":
				if cur != nil {
					pg.forms = append(pg.forms, *cur)
					cur = nil
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch string(name) {
			case "title":
				inTitle = true
			case "a":
				if base == nil || len(pg.links) >= maxLinks {
					continue
				}
				if u := resolve(base, attrs["href"]); u != "" && !seen[u] {
					seen[u] = true
					pg.links = append(pg.links, u)
				}
			case "form":
				if base == nil {
					continue
				}
				if cur != nil {
					pg.forms = append(pg.forms, *cur)
				}
				action := resolve(base, attrs["action"])
				if action == "" {
					action = base.String()
				}
				m := strings.ToUpper(attrs["method"])
				if m == "" {
					m = "GET"
				}
				cur = &Form{Action: action, Method: m}
			case "input":
				if cur == nil || attrs["name"] == "" {
					continue
				}
				switch strings.ToLower(attrs["type"]) {
				case "password":
					if cur.Password == "" {
						cur.Password = attrs["name"]
					}
				case "hidden", "submit", "button", "checkbox", "radio", "file", "image", "reset":
				default:
					cur.Fields = append(cur.Fields, attrs["name"])
				}
			}
		}
	}
}

// resolve makes a link absolute against base; "" for anything that is not http(s)
// (mailto:, javascript:, fragments).
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	u.Fragment = ""
	return u.String()
}
