package perf

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// TestBrowserOffByDefault: without performance.browser the page detail says browser checks
// are off, and why, and no chromium is started (whether or not one is installed).
func TestBrowserOffByDefault(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	cs := checks(t, cfgText("performance:\n  pages:\n    - {name: home, url: https://app.acme.example/, ttfb_budget: 5s}\n"), newServer(t, site(true, &n)), nil)
	d := run(t, cs["page home"]).Data.(PageDetail)
	want := browserNotAsked
	if findChromium() == "" {
		want = browserNotFound
	}
	if d.Browser != nil || d.BrowserNote != want {
		t.Errorf("browser %+v, note %q; want none and %q", d.Browser, d.BrowserNote, want)
	}
	if !strings.HasPrefix(d.BrowserNote, "browser checks off: ") {
		t.Errorf("note %q does not start as the pane's other notes do", d.BrowserNote)
	}
}

// TestBrowserRun times a page in a real chromium, through the proxy that reaches only
// the config's hosts (a third-party script is refused and counted) and trusting only the
// certificate the check verified. Skipped where chromium is not installed: go test never
// needs it.
func TestBrowserRun(t *testing.T) {
	if findChromium() == "" {
		t.Skip("chromium is not installed: the browser run is tested where it is (apt install chromium)")
	}
	t.Parallel()
	var n atomic.Int64
	nc := newServer(t, site(true, &n))
	cs := checks(t, cfgText("performance:\n  browser: true\n  pages:\n    - {name: home, url: https://app.acme.example/, ttfb_budget: 5s}\n"), nc, nil)
	res := run(t, cs["page home"])
	d := res.Data.(PageDetail)
	if d.Browser == nil {
		t.Fatalf("no browser timings: %s", d.BrowserNote)
	}
	b := *d.Browser
	if b.TTFBMs <= 0 || b.DOMContentLoadedMs < b.TTFBMs || b.LoadMs < b.DOMContentLoadedMs {
		t.Errorf("timings out of order: %+v", b)
	}
	if res.Metrics["browser_load_ms"] != b.LoadMs {
		t.Errorf("figures lack browser_load_ms: %v", res.Metrics)
	}
}

// TestBrowserProxyReachesOnlyTheConfigsHosts: the proxy a browser run goes through
// tunnels to a configured host by the checks' network (connect_to here) and refuses any
// other, so a browser never sends traffic the config did not name.
func TestBrowserProxyReachesOnlyTheConfigsHosts(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	e := testEnv(t, cfgText(""), newServer(t, site(true, &n)))
	px, err := startBrowserProxy(e.Net, func(h string) bool { return ConfiguredHost(e.Config, h) })
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	proxyURL, _ := url.Parse("http://" + px.addr())
	cl := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: e.Net.TLSConfig("")}}
	resp, err := cl.Get("https://app.acme.example/assets/site.css")
	if err != nil {
		t.Fatalf("a configured host through the proxy: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("configured host: %d", resp.StatusCode)
	}
	before := n.Load()
	if _, err := cl.Get("https://widgets.vendor.example/chat.js"); err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("a third-party host was not refused: %v", err)
	}
	if n.Load() != before {
		t.Error("the refused request reached a server")
	}
}
