package perf

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

const testPage = `<!doctype html><html><head><title>Acme</title>
<link rel="stylesheet" href="/assets/site.css">
<script src="/assets/app.3f9a1c2b.js"></script>
<script src="/assets/late.js" defer></script>
<script src="https://widgets.vendor.example/chat.js" async></script>
</head><body><h1>Acme</h1><img src="/img/hero.jpg" alt=""></body></html>`

// site serves testPage and its assets, well configured (good) or as a launch often finds
// them: no caching, no compression, a slow page, a large image. requests counts every hit.
func site(good bool, requests *atomic.Int64) http.Handler {
	text := strings.Repeat("body { margin: 0 } /* padding */\n", 200) // ~6.6 KB
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		h := w.Header()
		var body []byte
		switch r.URL.Path {
		case "/":
			h.Set("Content-Type", "text/html; charset=utf-8")
			body = []byte(testPage)
			if good {
				body = []byte(strings.Replace(testPage, `app.3f9a1c2b.js">`, `app.3f9a1c2b.js" defer>`, 1))
			}
			if !good {
				time.Sleep(150 * time.Millisecond)
			}
		case "/assets/site.css", "/assets/app.3f9a1c2b.js", "/assets/late.js":
			h.Set("Content-Type", "text/css")
			if strings.HasSuffix(r.URL.Path, ".js") {
				h.Set("Content-Type", "application/javascript")
			}
			body = []byte(text)
		case "/img/hero.jpg":
			h.Set("Content-Type", "image/jpeg")
			body = bytes.Repeat([]byte{0xff}, 50<<10)
			if !good {
				body = bytes.Repeat([]byte{0xff}, 300<<10)
			}
		default:
			http.NotFound(w, r)
			return
		}
		if good && r.URL.Path != "/" {
			etag := fmt.Sprintf(`"%x"`, len(body))
			h.Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag && !ignoreConditional(r) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		if good {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			h.Set("X-Cache", "HIT")
			h.Set("Age", "120")
			if r.URL.Path == "/" {
				h.Set("Cache-Control", "public, max-age=300")
				h.Set("Age", "3")
			}
			if strings.HasPrefix(h.Get("Content-Type"), "text/") || strings.Contains(h.Get("Content-Type"), "javascript") {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write(body)
				zw.Close()
				body = b.Bytes()
				h.Set("Content-Encoding", "gzip")
				h.Set("Vary", "Accept-Encoding")
			}
		}
		w.Write(body)
	})
}

func TestPageCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		good bool
		want string // finding IDs, sorted (their order is by measured figures: checked below)
	}{
		{"well configured stays quiet", true, ""},
		{"uncached uncompressed slow page", false,
			"perf.assets-uncacheable,perf.large-images,perf.no-validators,perf.render-blocking,perf.ttfb,perf.uncompressed,perf.weight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			nc := newServer(t, site(tc.good, &n))
			// The healthy twin gets a budget a loaded machine (-race, other packages' tests)
			// cannot blow on loopback; the slow page sleeps past its own tighter budget.
			budget := "100ms"
			if tc.good {
				budget = "2s"
			}
			cs := checks(t, cfgText("performance:\n  pages:\n    - {name: home, url: https://app.acme.example/, ttfb_budget: %s, weight_budget_kb: 200}\n", budget), nc, nil)
			res := run(t, cs["page home"])
			if res.Err != "" {
				t.Fatalf("err: %s", res.Err)
			}
			if got := sortedIDs(res); got != tc.want {
				for _, f := range res.Findings {
					t.Logf("%s: %s | %s", f.ID, f.Title, f.Detail)
				}
				t.Fatalf("findings %q, want %q", got, tc.want)
			}
			if len(res.Findings) > 0 && res.Findings[0].ID != "perf.assets-uncacheable" {
				t.Errorf("first in the tuning list %s, want perf.assets-uncacheable (80%% of the page's origin requests)", res.Findings[0].ID)
			}
			d := res.Data.(PageDetail)
			if d.Requests != 5 || d.Skipped != 1 {
				t.Errorf("requests %d skipped %d, want 5 (page + 4 same-site) and 1 (the vendor's widget)", d.Requests, d.Skipped)
			}
			// Bounded: the page, 4 assets, at most secondLooks second looks and one
			// conditional request per asset kind (style, script, image here).
			if got := n.Load(); got > 5+secondLooks+3 {
				t.Errorf("%d requests reached the server, want at most %d", got, 5+secondLooks+3)
			}
			if !tc.good {
				f := res.Findings[slices.IndexFunc(res.Findings, func(f probes.Finding) bool { return f.ID == "perf.no-validators" })]
				if !strings.HasPrefix(f.Title, "4 of 4 assets on / have no ETag or Last-Modified") {
					t.Errorf("validators finding %q does not count the assets", f.Title)
				}
			}
			if len(d.Tuning) != len(res.Findings) {
				t.Errorf("%d tuning items for %d findings", len(d.Tuning), len(res.Findings))
			}
			for i := 1; i < len(d.Tuning); i++ {
				if d.Tuning[i].score() > d.Tuning[i-1].score() {
					t.Errorf("tuning list out of order at %d: %+v before %+v", i, d.Tuning[i-1], d.Tuning[i])
				}
			}
		})
	}
}

// TestEdgeOrigin: assets that may be cached but never come from a cache are "every
// request goes to the origin", found on a second look.
func TestEdgeOrigin(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	inner := site(true, &n)
	nc := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(&noEdge{ResponseWriter: w}, r)
	}))
	cs := checks(t, cfgText("performance:\n  pages:\n    - {url: https://app.acme.example/}\n"), nc, nil)
	res := run(t, cs["page app.acme.example/"])
	if got := ids(res); got != "perf.edge-origin" {
		t.Fatalf("findings %q, want perf.edge-origin", got)
	}
	if f := res.Findings[0]; !strings.Contains(f.Title, "/assets/*") && !strings.Contains(f.Title, "/*") {
		t.Errorf("title %q does not name the folder", f.Title)
	}
	if !strings.Contains(res.Findings[0].Detail, "Expected effect: origin requests for the page -") {
		t.Errorf("detail lacks the expected effect: %s", res.Findings[0].Detail)
	}
}

// noEdge drops the cache status headers, as an origin without a CDN answers.
type noEdge struct{ http.ResponseWriter }

func (w *noEdge) WriteHeader(code int) {
	w.Header().Del("X-Cache")
	w.Header().Del("Age")
	w.ResponseWriter.WriteHeader(code)
}

func (w *noEdge) Write(b []byte) (int, error) {
	w.Header().Del("X-Cache")
	w.Header().Del("Age")
	return w.ResponseWriter.Write(b)
}

// ignoreConditional marks a request whose conditional headers the test site ignores, as
// an app serving its assets without static-file middleware does.
func ignoreConditional(r *http.Request) bool { return r.Header.Get("X-Test-Ignore-Conditional") != "" }

// TestValidators: one conditional request per asset kind; a validator the server ignores
// (200 in full) is a finding, one it honours (304) is not, and a site with validators
// everywhere has no "no validators" finding.
func TestValidators(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		ignore bool
		want   string
	}{
		{"honoured", false, ""},
		{"ignored", true, "perf.validators-ignored"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n, conditional atomic.Int64
			inner := site(true, &n)
			nc := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
					conditional.Add(1)
					if tc.ignore {
						r.Header.Set("X-Test-Ignore-Conditional", "1")
					}
				}
				inner.ServeHTTP(w, r)
			}))
			cs := checks(t, cfgText("performance:\n  pages:\n    - {url: https://app.acme.example/, ttfb_budget: 5s}\n"), nc, nil)
			res := run(t, cs["page app.acme.example/"])
			if got := ids(res); got != tc.want {
				t.Fatalf("findings %q, want %q", got, tc.want)
			}
			// style, script (two of them: one tried) and image.
			if got := conditional.Load(); got != 3 {
				t.Errorf("%d conditional requests, want 3 (one per asset kind)", got)
			}
			d := res.Data.(PageDetail)
			for _, a := range d.Assets {
				if a.Validator != "etag" {
					t.Errorf("%s: validator %q, want etag", a.URL, a.Validator)
				}
			}
		})
	}
}
