package perf

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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

// TestBrowserDeadlineSaysWhoseItWas: a browser run cut off by the check's own deadline
// says after how long and that the check's timeout did it, not the browser's 20s bound.
// A stand-in for chromium that never answers (a shell script that sleeps) is enough: the
// run waits for it to start until the deadline, so no chromium is needed.
func TestBrowserDeadlineSaysWhoseItWas(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in browser is a shell script")
	}
	t.Parallel()
	exe := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\nexec /bin/sleep 30\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	e := testEnv(t, cfgText(""), newServer(t, site(true, &n)))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := browserRun(ctx, exe, e.Net, func(string) bool { return true }, nil, "https://app.acme.example/")
	if err == nil {
		t.Fatal("a browser that never starts loaded the page")
	}
	msg := err.Error()
	if !regexp.MustCompile(`^chromium had not loaded the page after [0-9.]+m?s when the check's own timeout ran out .*performance\.pages`).MatchString(msg) {
		t.Errorf("error %q does not say how long chromium had and that the check's timeout stopped it", msg)
	}
	if strings.Contains(msg, "20s a browser run may take") || strings.Contains(msg, "within 20s") {
		t.Errorf("error %q blames the browser's 20s bound", msg)
	}
}

// TestBrowserErr: each way a browser run stops is worded for what stopped it.
func TestBrowserErr(t *testing.T) {
	t.Parallel()
	expired := func(parent context.Context) context.Context {
		ctx, cancel := context.WithDeadline(parent, time.Now().Add(-time.Second))
		t.Cleanup(cancel)
		return ctx
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	check := expired(context.Background())
	for _, tc := range []struct {
		name           string
		check, browser context.Context
		err            error
		want           string
	}{
		{"the check's deadline", check, expired(check), context.DeadlineExceeded, "chromium had not loaded the page after 3s when the check's own timeout ran out"},
		{"the browser's bound", context.Background(), expired(context.Background()), context.DeadlineExceeded, "chromium had not loaded the page after 20s, the 20s a browser run may take"},
		{"the check cancelled", cancelled, cancelled, context.Canceled, "chromium was stopped after 3s: the check was cancelled"},
		{"chromium failed", context.Background(), context.Background(), errors.New("exec: no such file"), "chromium: exec: no such file"},
	} {
		took := 3 * time.Second
		if strings.Contains(tc.want, "after 20s") {
			took = browserTimeout
		}
		if got := browserErr(tc.check, tc.browser, took+20*time.Millisecond, tc.err).Error(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want it to start %q", tc.name, got, tc.want)
		}
	}
}
