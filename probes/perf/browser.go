package perf

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/launchready/launchready/probes/netx"
)

// A real browser's own timings of a key page (Navigation Timing: first byte,
// DOMContentLoaded, load), next to the check's own measurements: what a member's browser
// waits for, scripts run and styles applied. Optional twice over: the config must ask
// (performance.browser: true; a chromium per page every interval is not free, so watch
// never starts one unasked) and Debian's chromium must be installed. Everything else
// works without it, and the page detail says which of the two is missing.

// browserTimeout bounds one browser run, start to load event: a page that has not loaded
// by then is reported as not loaded, not waited for.
const browserTimeout = 20 * time.Second

// Browser notes, shown in the page detail when there are no timings.
const (
	browserNotFound = "browser checks off: chromium not found (install Debian's chromium to time pages in a real browser)"
	browserNotAsked = "browser checks off: set performance.browser: true to time pages in chromium"
)

// BrowserTiming is a page's load as chromium measured it, in milliseconds from the start
// of the navigation.
type BrowserTiming struct {
	TTFBMs             float64 `json:"ttfb_ms"`
	DOMContentLoadedMs float64 `json:"dom_content_loaded_ms"`
	LoadMs             float64 `json:"load_ms"`
}

// String is the detail's line. Hosts outside the config (third-party scripts and fonts,
// and chromium's own update and time checks) are refused by the proxy: the timings are
// the product's own.
func (b BrowserTiming) String() string {
	return fmt.Sprintf("first byte %.0fms · DOMContentLoaded %.0fms · load %.0fms (hosts outside the config blocked)",
		b.TTFBMs, b.DOMContentLoadedMs, b.LoadMs)
}

// findChromium is the chromium to run, "" when none is on PATH.
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// navTiming reads the navigation entry once the load event has finished (loadEventEnd
// is 0 until then).
const navTiming = `(() => { const n = performance.getEntriesByType("navigation")[0];
  return n ? [n.responseStart, n.domContentLoadedEventEnd, n.loadEventEnd] : [] })()`

// browserRun loads url in a fresh headless chromium whose traffic goes through a proxy
// that reaches only the config's hosts, and returns its Navigation Timing. spki are the
// certificates the check itself verified on those hosts (against the system roots and
// network.ca_file): chromium, which cannot read ca_file, is told to accept exactly
// those, so the lab and a staging CA work and nothing else is waved through.
func browserRun(ctx context.Context, exe string, n *netx.Net, allow func(string) bool, spki []string, url string) (BrowserTiming, error) {
	check, start := ctx, time.Now()
	ctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()
	fail := func(err error) (BrowserTiming, error) {
		return BrowserTiming{}, browserErr(check, ctx, time.Since(start), err)
	}
	px, err := startBrowserProxy(n, allow)
	if err != nil {
		return BrowserTiming{}, err
	}
	defer px.Close()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe),
		chromedp.ProxyServer("http://"+px.addr()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"), // nothing goes around the proxy
		chromedp.Flag("disable-gpu", true),
	)
	if len(spki) > 0 {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors-spki-list", strings.Join(spki, ",")))
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // chromium refuses to start its sandbox as root
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
		return fail(err)
	}
	for {
		v, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](navTiming))
		if err != nil {
			return fail(err)
		}
		if len(v) == 3 && v[2] > 0 {
			return BrowserTiming{TTFBMs: v[0], DOMContentLoadedMs: v[1], LoadMs: v[2]}, nil
		}
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// browserErr words a failed browser run. When a deadline stopped chromium it says how
// long chromium had and whose deadline it was: the browser's own bound (browserTimeout),
// or the check's timeout, which covers the page fetch too and so can cut chromium off
// well before its own bound. An operator then knows whether the page is slow in a browser
// or the check's timeout is too tight for one.
func browserErr(check, browser context.Context, elapsed time.Duration, err error) error {
	took := elapsed.Round(100 * time.Millisecond)
	switch {
	case errors.Is(check.Err(), context.DeadlineExceeded):
		return fmt.Errorf("chromium had not loaded the page after %s when the check's own timeout ran out (the page and its assets are fetched first, chromium gets what is left): raise timeout: on this page in performance.pages so chromium gets its full %s", took, browserTimeout)
	case check.Err() != nil:
		return fmt.Errorf("chromium was stopped after %s: the check was cancelled (launchready stopping)", took)
	case errors.Is(browser.Err(), context.DeadlineExceeded):
		return fmt.Errorf("chromium had not loaded the page after %s, the %s a browser run may take: the page is that slow in a real browser, or something it loads hangs", took, browserTimeout)
	}
	return fmt.Errorf("chromium: %w", err)
}

// spkiHash is a certificate's key as chromium's --ignore-certificate-errors-spki-list
// names it: base64 of the SHA-256 of its SubjectPublicKeyInfo.
func spkiHash(c *x509.Certificate) string {
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}
