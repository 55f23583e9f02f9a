package tlscheck

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/lab"
)

// everyKind is a page with one http:// reference of each kind the scanner knows, and
// look-alikes it must not report.
const everyKind = `<!doctype html>
<html><head>
<link rel="stylesheet" href="http://cdn.example/site.css">
<link rel="preload" as="font" href="http://cdn.example/font.woff2">
<link rel="canonical" href="http://shop.example/">
<link rel="icon" href="http://cdn.example/favicon.ico">
<script src="http://cdn.example/app.js"></script>
<script src="https://cdn.example/safe.js"></script>
<script src="//cdn.example/protocol-relative.js"></script>
</head><body>
<iframe src="http://video.example/embed/1"></iframe>
<object data="http://cdn.example/movie.swf"></object>
<embed src="http://cdn.example/clip.swf">
<form action="http://shop.example/subscribe" method="post"><input name="email"></form>
<form action="/login"><button formaction="http://shop.example/legacy-login">Old login</button></form>
<img src="http://images.example/a.png">
<img src="/relative.png" srcset="https://images.example/b.png 1x, http://images.example/b@2x.png 2x">
<picture><source srcset="http://images.example/c.webp"></picture>
<video src="https://media.example/v.mp4" poster="http://media.example/poster.jpg"></video>
<audio src="http://media.example/a.mp3"></audio>
<input type="image" src="http://images.example/go.png">
<input type="text" src="http://ignored.example/">
<a href="http://elsewhere.example/">a link is not mixed content</a>
</body></html>`

func TestScanMixed(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://shop.example/")
	items, upgrade := scanMixed([]byte(everyKind), page)
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprintf("%s %s.%s %s @%d", it.Class, it.Tag, it.Attr, it.URL, it.Line))
	}
	want := []string{
		"active link.href http://cdn.example/site.css @3",
		"passive link.href http://cdn.example/font.woff2 @4",
		"passive link.href http://cdn.example/favicon.ico @6",
		"active script.src http://cdn.example/app.js @7",
		"active iframe.src http://video.example/embed/1 @11",
		"active object.data http://cdn.example/movie.swf @12",
		"active embed.src http://cdn.example/clip.swf @13",
		"form form.action http://shop.example/subscribe @14",
		"form button.formaction http://shop.example/legacy-login @15",
		"passive img.src http://images.example/a.png @16",
		"passive img.srcset http://images.example/b@2x.png @17",
		"passive source.srcset http://images.example/c.webp @18",
		"passive video.poster http://media.example/poster.jpg @19",
		"passive audio.src http://media.example/a.mp3 @20",
		"passive input.src http://images.example/go.png @21",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if upgrade {
		t.Error("no upgrade-insecure-requests on this page")
	}
}

func TestScanMixedBaseAndUpgrade(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://shop.example/a/")
	body := `<meta http-equiv="Content-Security-Policy" content="default-src https:; upgrade-insecure-requests">
<script src="x.js"></script><base href="http://static.example/"><script src="y.js"></script><img src="//cdn.example/z.png">`
	items, upgrade := scanMixed([]byte(body), page)
	if !upgrade {
		t.Error("upgrade-insecure-requests in a meta CSP not seen")
	}
	// x.js resolves against the page (https); after an http <base>, y.js and the
	// protocol-relative image go over http.
	if len(items) != 2 || items[0].URL != "http://static.example/y.js" || items[1].URL != "http://cdn.example/z.png" {
		t.Errorf("items: %+v", items)
	}
}

// TestMixedContentPages scans lab pages: each kind of mixed content, a page that
// upgrades insecure requests, a page reached by redirect, a page that lands on http, a
// non-HTML answer and a clean page.
func TestMixedContentPages(t *testing.T) {
	t.Parallel()
	html := map[string]string{"Content-Type": "text/html; charset=utf-8"}
	cases := []struct {
		path   string
		routes []lab.Route
		want   string
	}{
		{"/every", []lab.Route{{Path: "/every", Body: everyKind, Headers: html}},
			"tls.mixed-active/high,tls.mixed-form/high,tls.mixed-passive/low"},
		{"/script", []lab.Route{{Path: "/script", Body: `<script src="http://cdn.example/a.js"></script>`, Headers: html}}, "tls.mixed-active/high"},
		{"/style", []lab.Route{{Path: "/style", Body: `<link rel=stylesheet href=http://cdn.example/a.css>`, Headers: html}}, "tls.mixed-active/high"},
		{"/frame", []lab.Route{{Path: "/frame", Body: `<iframe src="http://x.example/"></iframe>`, Headers: html}}, "tls.mixed-active/high"},
		{"/form", []lab.Route{{Path: "/form", Body: `<form action="http://app.mixed.example/login"></form>`, Headers: html}}, "tls.mixed-form/high"},
		{"/image", []lab.Route{{Path: "/image", Body: `<img src="http://x.example/a.png">`, Headers: html}}, "tls.mixed-passive/low"},
		{"/media", []lab.Route{{Path: "/media", Body: `<video poster="http://x.example/p.jpg"></video><audio src="http://x.example/a.mp3"></audio>`, Headers: html}}, "tls.mixed-passive/low"},
		{"/upgraded", []lab.Route{{Path: "/upgraded", Body: `<script src="http://cdn.example/a.js"></script><form action="http://app.mixed.example/x"></form>`,
			Headers: map[string]string{"Content-Type": "text/html", "Content-Security-Policy": "upgrade-insecure-requests"}}}, "tls.mixed-active/low,tls.mixed-form/high"},
		{"/moved", []lab.Route{{Path: "/moved", Status: 301, Location: "/script"}}, "tls.mixed-active/high"},
		{"/tohttp", []lab.Route{{Path: "/tohttp", Status: 301, Location: "http://app.mixed.example/plain"}}, "tls.page-insecure/high"},
		{"/json", []lab.Route{{Path: "/json", Body: `{"src":"http://x.example/a.js"}`}}, ""},
		{"/clean", []lab.Route{{Path: "/clean", Body: `<script src="/a.js"></script><a href="http://x.example/">x</a>`, Headers: html}}, ""},
		{"/huge", []lab.Route{{Path: "/huge", Body: `<script src="http://cdn.example/a.js"></script>` + strings.Repeat("<p>launch week</p>\n", PageLimit/19+1000) + `<img src="http://x.example/a.png">`, Headers: html}},
			"tls.mixed-active/high,tls.page-too-large/low"},
	}
	site := lab.Site{Host: "app.mixed.example", HTTP: []lab.Route{{Path: "/plain", Body: "<p>plain</p>", Headers: html}}}
	var pages strings.Builder
	for _, c := range cases {
		site.HTTPS = append(site.HTTPS, c.routes...)
		fmt.Fprintf(&pages, "    - https://app.mixed.example%s\n", c.path)
	}
	site.HTTPS = append(site.HTTPS, lab.Route{Path: "/", Body: "<p>home</p>", Headers: html})
	l := startLab(t, lab.Scenario{Name: "mixed", Domain: "mixed.example", Sites: []lab.Site{site},
		Zones: []lab.Zone{{Origin: "mixed.example", Records: []string{"app 300 IN A 127.0.0.1"}}}})
	cfg := "domain: mixed.example\ncanonical_url: https://app.mixed.example/\nhosts: [{name: app.mixed.example}]\ntls:\n  pages:\n" + pages.String()
	res := sweep(t, testEnv(t, cfg, labNet(l), frozen, nil), 5*time.Second)
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := res["mixed-content https://app.mixed.example"+c.path]
			if got := ids(r); got != c.want {
				t.Errorf("findings %q, want %q (summary %s, err %s)", got, c.want, r.Summary, r.Err)
			}
		})
	}
	every := res["mixed-content https://app.mixed.example/every"]
	if every.Metrics["mixed_active"] != 5 || every.Metrics["mixed_forms"] != 2 || every.Metrics["mixed_passive"] != 8 {
		t.Errorf("metrics: %v", every.Metrics)
	}
	form, _ := findingByID(every, "tls.mixed-form")
	if form.Impact != probes.DataExposure || !strings.Contains(strings.Join(form.Evidence, "\n"), `line 14: <form action="http://shop.example/subscribe">`) {
		t.Errorf("form finding: %s %q", form.Impact, form.Evidence)
	}
	// A page cut at the read cap: what was found is found, and the finding says the rest
	// was not read (the image past the cap is not counted, and the operator must know).
	huge, _ := findingByID(res["mixed-content https://app.mixed.example/huge"], "tls.mixed-active")
	if !strings.Contains(huge.Detail, "only the first 2 MiB of the body was read") {
		t.Errorf("mixed content on a cut page does not say it was cut: %q", huge.Detail)
	}
	moved := res["mixed-content https://app.mixed.example/moved"].Data.(*Page)
	if moved.Final != "https://app.mixed.example/script" || moved.Status != 200 {
		t.Errorf("redirected page: %+v", moved)
	}
}

// FuzzScanMixed feeds the HTML scanner arbitrary bytes: it must not panic, and every
// item it reports must be an http:// URL with a known class.
func FuzzScanMixed(f *testing.F) {
	f.Add([]byte(everyKind))
	f.Add([]byte(`<base href="http://x/"><img src=a srcset=", ,b 2x,">`))
	f.Add([]byte(`<script src="http://[::1`))
	f.Add([]byte(`<meta http-equiv=content-security-policy content=upgrade-insecure-requests><link rel="preload stylesheet" href="http:x">`))
	f.Add([]byte("<form action=\"http://a\nb\"><input type=IMAGE src=http://c>"))
	page, _ := url.Parse("https://shop.example/p/")
	f.Fuzz(func(t *testing.T, body []byte) {
		items, _ := scanMixed(body, page)
		for _, it := range items {
			if !strings.HasPrefix(strings.ToLower(it.URL), "http:") {
				t.Fatalf("reported a non-http URL: %+v", it)
			}
			if it.Class != classActive && it.Class != classForm && it.Class != classPassive {
				t.Fatalf("unknown class: %+v", it)
			}
			if it.Line < 1 {
				t.Fatalf("line %d", it.Line)
			}
		}
	})
}

func TestNouns(t *testing.T) {
	t.Parallel()
	it := func(tag, class string) MixedItem { return MixedItem{Tag: tag, Class: class} }
	cases := []struct {
		items []MixedItem
		want  string
	}{
		{[]MixedItem{it("script", classActive)}, "1 script"},
		{[]MixedItem{it("script", classActive), it("script", classActive), it("link", classActive)}, "2 scripts and 1 stylesheet"},
		{[]MixedItem{it("img", classPassive), it("video", classPassive), it("link", classPassive), it("img", classPassive)}, "2 images, 1 media file and 1 icon or preload"},
	}
	for _, c := range cases {
		if got := nouns(c.items); got != c.want {
			t.Errorf("nouns = %q, want %q", got, c.want)
		}
	}
}
