package perf

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// A day is the least max-age that keeps a launch week's repeat visits off the origin.
const (
	minAssetMaxAge = 24 * 60 * 60
	// secondLooks caps the assets fetched twice to see whether the edge kept them.
	secondLooks = 5
	// assetConcurrency is how many assets are fetched at once, as a browser does per host.
	assetConcurrency = 4
	// minCompressBytes: smaller text is not worth a finding.
	minCompressBytes = 1024
)

// pageCheck fetches a key page and its same-site subresources as a first visit would.
type pageCheck struct {
	info    probes.CheckInfo
	url     string
	cfg     *config.Config
	net     *netx.Net
	timeout time.Duration
	ttfb    time.Duration
	weightK int
	reqs    int
	imageK  int
	// browser is the chromium to time the page in ("" for none, browserNote says why).
	browser, browserNote string
	// figures is the history's past of this check's figures (nil: judged without it).
	figures probes.Figures
	now     func() time.Time
}

// PageDetail is a page check's Result.Data.
type PageDetail struct {
	URL    string `json:"url"`
	Proto  string `json:"proto"`
	HTTP3  bool   `json:"http3_advertised"`
	AltSvc string `json:"alt_svc,omitempty"`
	// Protocol is the detail's protocol line (protocolNote).
	Protocol  string        `json:"protocol"`
	TTFBMs    float64       `json:"ttfb_ms"`
	PageBytes int64         `json:"page_bytes"`
	Requests  int           `json:"requests"` // the page and its same-site subresources
	Skipped   int           `json:"skipped"`  // subresources on other hosts, or past the cap
	Assets    []AssetDetail `json:"assets"`
	Tuning    []TuningItem  `json:"tuning"`
	// Week is each figure against its last 7 days in the history (empty without one).
	Week []Trend `json:"week,omitempty"`
	// Browser is chromium's own timings of the page; BrowserNote says why there are none.
	Browser     *BrowserTiming `json:"browser,omitempty"`
	BrowserNote string         `json:"browser_note,omitempty"`
	// plain is a page answered over plain http: no TLS, so no HTTP/2 for a browser.
	plain bool
}

// AssetDetail is one subresource as the check saw it.
type AssetDetail struct {
	URL          string  `json:"url"`
	Kind         string  `json:"kind"`
	Status       int     `json:"status"`
	Bytes        int64   `json:"bytes"`
	TTFBMs       float64 `json:"ttfb_ms"`
	CacheControl string  `json:"cache_control,omitempty"`
	Encoding     string  `json:"encoding,omitempty"`
	Edge         string  `json:"edge,omitempty"` // the cache status header seen, "" for none
	Blocking     bool    `json:"render_blocking,omitempty"`
	Error        string  `json:"error,omitempty"`
	// Validator is "etag", "last-modified" or "" (none); Conditional is the status a
	// conditional request for it got (0: not tried; one asset of each kind is).
	Validator        string `json:"validator,omitempty"`
	Conditional      int    `json:"conditional_status,omitempty"`
	ConditionalBytes int64  `json:"conditional_bytes,omitempty"`

	header http.Header
	second http.Header // the second look's headers, when taken
	spki   string
}

func (v *validator) page(p string, pc pageConfig, env probes.Env, browser, browserNote string) probes.Check {
	v.url(p, pc.URL)
	name := v.name(p, pc.Name, pc.URL)
	c := &pageCheck{
		url: pc.URL, cfg: env.Config, net: env.Net,
		timeout: orDefault(pc.Timeout, defaultPageTimeout),
		ttfb:    orDefault(pc.TTFBBudget, defaultTTFBBudget),
		weightK: orDefault(pc.WeightBudgetK, defaultWeightBudgetK),
		reqs:    orDefault(pc.RequestBudget, defaultRequestBudget),
		imageK:  orDefault(pc.ImageBudgetK, defaultImageBudgetK),
		figures: env.Figures, now: env.Now, browser: browser, browserNote: browserNote,
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.info = probes.CheckInfo{Name: "page " + name, Kind: "perf-page", Pane: probes.PanePerformance, Target: pc.URL,
		Interval: orDefault(pc.Interval, defaultPageInterval), Timeout: c.timeout}
	if browser != "" {
		c.info.Timeout += browserTimeout
	}
	return c
}

func (c *pageCheck) Info() probes.CheckInfo { return c.info }

func (c *pageCheck) Run(ctx context.Context) probes.Result {
	cl := client(c.net, c.timeout)
	page := get(ctx, cl, c.url, "text/html,*/*;q=0.8", "gzip", pageLimit, true, nil)
	if page.err != nil && page.status == 0 {
		return probes.Result{Err: fmt.Sprintf("cannot load %s: %s", c.url, httpdiag.Describe(page.err))}
	}
	if page.status != http.StatusOK {
		return probes.Result{Err: fmt.Sprintf("%s answered %d, not a page to measure: the Endpoints pane judges its status; point performance.pages at a page that answers 200", c.url, page.status)}
	}
	d := PageDetail{URL: c.url, Proto: page.proto, plain: !page.tls, AltSvc: page.header.Get("Alt-Svc"), HTTP3: strings.Contains(page.header.Get("Alt-Svc"), "h3"),
		TTFBMs: httpdiag.Ms(page.ttfb), PageBytes: page.bytes, Requests: 1}
	base, _ := url.Parse(c.url)
	refs := references(decoded(page), base)
	var mine []ref
	for _, r := range refs {
		u, _ := url.Parse(r.url)
		if len(mine) < maxAssets && ConfiguredHost(c.cfg, u.Hostname()) {
			mine = append(mine, r)
		} else {
			d.Skipped++
		}
	}
	d.Assets = c.fetchAssets(ctx, cl, mine)
	d.Requests += len(d.Assets)
	for _, a := range d.Assets {
		d.PageBytes += a.Bytes
	}
	pageAsset := AssetDetail{URL: c.url, Kind: "page", Status: page.status, Bytes: page.bytes, TTFBMs: d.TTFBMs,
		Encoding: page.header.Get("Content-Encoding"), header: page.header}
	metrics := map[string]float64{
		"ttfb_ms": d.TTFBMs, "page_kb": float64(d.PageBytes) / 1024, "requests": float64(d.Requests),
		"origin_requests": float64(originCount(d.Assets)) + 1, "uncompressed_kb": float64(uncompressedBytes(d.Assets)) / 1024,
	}
	d.Protocol = protocolNote(d)
	judged := append(c.judge(&d, pageAsset), c.http1Only(&d)...)
	week, regressed := c.week(metrics)
	d.Week = week
	fs, items := order(append(judged, regressed...))
	d.Tuning = items
	c.timeInBrowser(ctx, &d, page.spki, metrics)
	res := probes.Result{Data: d, Findings: fs, Latency: page.total, Metrics: metrics}
	res.Summary = fmt.Sprintf("%s · TTFB %s · %s in %d requests", d.Proto, httpdiag.Round(page.ttfb), kb(d.PageBytes), d.Requests)
	if len(fs) == 0 {
		res.Summary += " · assets cached at the edge"
	}
	return res
}

// decoded is the page's HTML for parsing: gunzipped when the server compressed it (what
// cannot be decoded is parsed as it came, which finds nothing: no false findings).
func decoded(f *fetched) []byte {
	if !strings.EqualFold(f.header.Get("Content-Encoding"), "gzip") {
		return f.body
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.body))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(zr, 4*pageLimit))
	return b
}

// fetchAssets fetches each asset once (a few at a time), the cacheable ones that did not
// come from a cache a second time, to see whether the edge kept them, and one of each kind
// conditionally, to see whether its validator earns a 304.
func (c *pageCheck) fetchAssets(ctx context.Context, cl *http.Client, refs []ref) []AssetDetail {
	out := make([]AssetDetail, len(refs))
	sem := make(chan struct{}, assetConcurrency)
	var wg sync.WaitGroup
	for i, r := range refs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			f := get(ctx, cl, r.url, "*/*", "br, gzip", assetLimit, false, nil)
			a := AssetDetail{URL: r.url, Kind: r.kind, Blocking: r.blocking, Status: f.status, Bytes: f.bytes,
				TTFBMs: httpdiag.Ms(f.ttfb), header: f.header, spki: f.spki}
			if f.err != nil {
				a.Error = httpdiag.Describe(f.err)
			}
			if f.header != nil {
				a.CacheControl = f.header.Get("Cache-Control")
				a.Encoding = f.header.Get("Content-Encoding")
				if a.Kind == "other" || a.Kind == "" {
					a.Kind = kindOf(f.header.Get("Content-Type"))
				}
				a.Edge = edgeWord(f.header)
				a.Validator = validatorOf(f.header)
			}
			out[i] = a
		})
	}
	wg.Wait()
	looks := 0
	for i := range out {
		a := &out[i]
		if looks >= secondLooks || a.Status != http.StatusOK || !edgeCacheable(a.header) || len(endpoint.CDNHit(a.header)) > 0 {
			continue
		}
		looks++
		f := get(ctx, cl, a.URL, "*/*", "br, gzip", assetLimit, false, nil)
		if f.header != nil {
			a.second = f.header
			if w := edgeWord(f.header); w != "" {
				a.Edge = w
			}
		}
	}
	revalidate(ctx, cl, out)
	return out
}

func kindOf(ct string) string {
	ct = strings.ToLower(ct)
	switch {
	case strings.Contains(ct, "javascript"):
		return "script"
	case strings.Contains(ct, "css"):
		return "style"
	case strings.HasPrefix(ct, "image/"):
		return "image"
	case strings.HasPrefix(ct, "font/"), strings.Contains(ct, "woff"):
		return "font"
	}
	return "other"
}

// edgeWord is the cache status a response carries (cf-cache-status: HIT, age: 120), ""
// when none: no CDN in front, or one that does not say.
func edgeWord(h http.Header) string {
	if hits := endpoint.CDNHit(h); len(hits) > 0 {
		return hits[0]
	}
	for _, k := range []string{"Cf-Cache-Status", "X-Cache", "X-Cache-Status", "X-Vercel-Cache"} {
		if v := h.Get(k); v != "" {
			return strings.ToLower(k) + ": " + v
		}
	}
	return ""
}

// edgeCacheable: a shared cache may keep the asset a day or more.
func edgeCacheable(h http.Header) bool {
	if h == nil {
		return false
	}
	for _, d := range []string{"private", "no-store", "no-cache"} {
		if endpoint.CacheDirective(h, d) {
			return false
		}
	}
	return maxAge(h) >= minAssetMaxAge
}

func maxAge(h http.Header) int64 {
	n, _ := endpoint.MaxAge(h)
	return n
}

// fromOrigin: the asset came from the origin on its last look (no cache hit seen).
func (a AssetDetail) fromOrigin() bool {
	if a.Status == 0 {
		return false
	}
	last := a.header
	if a.second != nil {
		last = a.second
	}
	return len(endpoint.CDNHit(last)) == 0
}

func originCount(as []AssetDetail) int {
	n := 0
	for _, a := range as {
		if a.fromOrigin() {
			n++
		}
	}
	return n
}

func (a AssetDetail) uncompressedText() bool {
	return a.Status == http.StatusOK && a.header != nil && textType(a.header.Get("Content-Type")) &&
		a.Bytes >= minCompressBytes && !slices.Contains([]string{"br", "gzip", "zstd", "deflate"}, strings.ToLower(a.Encoding))
}

func uncompressedBytes(as []AssetDetail) int64 {
	var n int64
	for _, a := range as {
		if a.uncompressedText() {
			n += a.Bytes
		}
	}
	return n
}

func kb(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.0f KB", float64(n)/1024)
}

// timeInBrowser adds chromium's timings of the page to the detail (and browser_load_ms to
// the figures) when a browser is set up, or the note saying why not. A browser that fails
// is a note, not a failed check: the page was measured without it.
func (c *pageCheck) timeInBrowser(ctx context.Context, d *PageDetail, pageSPKI string, metrics map[string]float64) {
	if c.browser == "" {
		d.BrowserNote = c.browserNote
		return
	}
	spki := []string{}
	for _, h := range append([]string{pageSPKI}, spkis(d.Assets)...) {
		if h != "" && !slices.Contains(spki, h) {
			spki = append(spki, h)
		}
	}
	t, err := browserRun(ctx, c.browser, c.net, func(h string) bool { return ConfiguredHost(c.cfg, h) }, spki, c.url)
	if err != nil {
		d.BrowserNote = "browser run failed: " + err.Error()
		return
	}
	d.Browser = &t
	metrics["browser_load_ms"] = t.LoadMs
}

func spkis(as []AssetDetail) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.spki)
	}
	return out
}
