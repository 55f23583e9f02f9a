package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestHealthySitesServeTheirRoutes(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	c := labClient(t, l)
	tests := []struct {
		url      string
		status   int
		location string
		body     string // substring
	}{
		{"https://acme.example/", 301, "https://app.acme.example/", ""},
		{"https://acme.example/pricing", 301, "https://app.acme.example/", ""},
		{"https://www.acme.example/", 301, "https://app.acme.example/", ""},
		{"https://app.acme.example/", 200, "", "<h1>Acme Community</h1>"},
		{"https://app.acme.example/login", 200, "", "<form"},
		{"https://app.acme.example/signup", 200, "", "Join"},
		{"https://app.acme.example/healthz", 200, "", `{"status":"ok"}`},
		{"https://app.acme.example/no-such-page", 404, "", ""},
		{"https://api.acme.example/", 200, "", `"service":"acme-api"`},
		{"https://api.acme.example/health", 200, "", `"status":"ok"`},
		{"https://admin.acme.example/", 200, "", "Acme Admin"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			resp, body := fetch(t, c, "GET", tt.url)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if !strings.Contains(body, tt.body) {
				t.Errorf("body %q does not contain %q", body, tt.body)
			}
			if resp.StatusCode != 404 && resp.Header.Get("Strict-Transport-Security") == "" {
				t.Error("no HSTS header on a healthy site")
			}
			if resp.ProtoMajor != 2 {
				t.Errorf("protocol %s; real sites negotiate HTTP/2", resp.Proto)
			}
			if strings.HasPrefix(tt.body, "{") && resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q for JSON", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestPlainHTTPRedirectsToHTTPS(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	c := labClient(t, l)
	for _, host := range []string{"acme.example", "www.acme.example", "app.acme.example", "api.acme.example", "admin.acme.example"} {
		t.Run(host, func(t *testing.T) {
			resp, _ := fetch(t, c, "GET", "http://"+host+"/members/feed?page=2")
			want := "https://" + host + "/members/feed?page=2"
			if resp.StatusCode != 301 || resp.Header.Get("Location") != want {
				t.Errorf("%d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
			}
		})
	}
}

func TestDemoFaults(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "demo"))
	c := labClient(t, l)

	t.Run("api health 503", func(t *testing.T) {
		resp, body := fetch(t, c, "GET", "https://api.acme.example/health")
		if resp.StatusCode != 503 || !strings.Contains(body, `"status":"error"`) || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%d %s %q, want 503 with a JSON error", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
	t.Run("status: HTTPS refused", func(t *testing.T) {
		addr, ok := l.ConnectTo["status.acme.example:443"]
		if !ok {
			t.Fatal("status.acme.example:443 missing from ConnectTo: a probe would dial the real network")
		}
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err == nil {
			conn.Close()
			t.Fatalf("dial %s succeeded; want connection refused", addr)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dial %s: %v; want connection refused", addr, err)
		}
		if _, err := c.Get("https://status.acme.example/"); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("GET: %v; want connection refused", err)
		}
	})
	t.Run("status: plain HTTP still redirects", func(t *testing.T) {
		resp, _ := fetch(t, c, "GET", "http://status.acme.example/")
		if resp.StatusCode != 301 || resp.Header.Get("Location") != "https://status.acme.example/" {
			t.Errorf("%d %q, want 301 to https", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("admin: no site behind the dangling CNAME", func(t *testing.T) {
		if addr, ok := l.ConnectTo["admin.acme.example:443"]; ok {
			t.Errorf("admin.acme.example:443 maps to %s; the app behind the CNAME was deleted", addr)
		}
	})
	t.Run("log has the error burst", func(t *testing.T) {
		sc := builtin(t, "demo")
		if n := len(sc.LogLines) - len(builtin(t, "healthy").LogLines); n < 3 {
			t.Errorf("demo log adds %d entries to healthy's", n)
		}
	})
}

func TestSetRouteChangesBehaviourLive(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	c := labClient(t, l)
	const url = "https://api.acme.example/health"

	l.SetRoute("api.acme.example", true, Route{Path: "/health", Status: 500, Body: `{"status":"down"}`})
	if resp, body := fetch(t, c, "GET", url); resp.StatusCode != 500 || body != `{"status":"down"}` {
		t.Errorf("after flip to failing: %d %q", resp.StatusCode, body)
	}
	l.SetRoute("API.acme.example.", true, Route{Path: "/health", Status: 200, Body: `{"status":"ok"}`})
	if resp, body := fetch(t, c, "GET", url); resp.StatusCode != 200 || body != `{"status":"ok"}` {
		t.Errorf("after flip back: %d %q", resp.StatusCode, body)
	}

	// A plain-HTTP route on a redirecting site: that path answers over
	// http, every other path still redirects.
	l.SetRoute("app.acme.example", false, Route{Path: "/members/*", Body: "served over http"})
	if resp, body := fetch(t, c, "GET", "http://app.acme.example/members/feed"); resp.StatusCode != 200 || body != "served over http" {
		t.Errorf("plain route: %d %q", resp.StatusCode, body)
	}
	if resp, _ := fetch(t, c, "GET", "http://app.acme.example/"); resp.StatusCode != 301 {
		t.Errorf("other plain path: %d, want the redirect still", resp.StatusCode)
	}

	// A method-specific route beside the GET page.
	l.SetRoute("app.acme.example", true, Route{Path: "/login", Method: "post", Status: 429, Headers: map[string]string{"Retry-After": "60"}})
	if resp, _ := fetch(t, c, "POST", "https://app.acme.example/login"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("POST /login: %d, want 429 with Retry-After", resp.StatusCode)
	}
	if resp, _ := fetch(t, c, "GET", "https://app.acme.example/login"); resp.StatusCode != 200 {
		t.Errorf("GET /login: %d, want the page still", resp.StatusCode)
	}
}

func TestSetRouteIsSafeUnderLoad(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	c := labClient(t, l)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 25 {
				status := 200 + (i+j)%2*300
				l.SetRoute("app.acme.example", true, Route{Path: "/healthz", Status: status})
			}
		})
		wg.Go(func() {
			for range 25 {
				resp, _ := fetch(t, c, "GET", "https://app.acme.example/healthz")
				if resp.StatusCode != 200 && resp.StatusCode != 500 {
					t.Errorf("status %d mid-flip", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
}

func TestSetRoutePanicsOnAMistake(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "demo"))
	for _, tc := range []struct {
		name  string
		host  string
		https bool
		route Route
		want  string
	}{
		{"unknown host", "nope.acme.example", true, Route{Path: "/"}, `no https listener for "nope.acme.example"`},
		{"closed port", "status.acme.example", true, Route{Path: "/"}, "no https listener"},
		{"bad path", "app.acme.example", true, Route{Path: "health"}, "must start with '/'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), tc.want) {
					t.Errorf("panic %v, want one mentioning %q", p, tc.want)
				}
			}()
			l.SetRoute(tc.host, tc.https, tc.route)
		})
	}
}

func TestRouteMatching(t *testing.T) {
	t.Parallel()
	table := newRouteTable([]Route{
		{Path: "/*", Body: "catch-all"},
		{Path: "/api/*", Body: "api"},
		{Path: "/api/v1/*", Body: "api v1"},
		{Path: "/api/v1/health", Body: "health"},
		{Path: "/api/v1/health", Method: "POST", Body: "health post"},
		{Path: "/login", Method: "GET", Body: "login page"},
	}, "", nil)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/", "catch-all"},
		{"GET", "/api", "catch-all"},
		{"GET", "/api/", "api"},
		{"GET", "/api/v1/x", "api v1"},
		{"GET", "/api/v1/health", "health"},
		{"POST", "/api/v1/health", "health post"},
		{"HEAD", "/login", "login page"},
		{"POST", "/login", "catch-all"},
	} {
		r, ok := table.match(tc.method, tc.path)
		if !ok || r.Body != tc.want {
			t.Errorf("%s %s: %q (matched %v), want %q", tc.method, tc.path, r.Body, ok, tc.want)
		}
	}
	if _, ok := newRouteTable([]Route{{Path: "/a"}}, "", nil).match("GET", "/b"); ok {
		t.Error("an exact route matched another path")
	}
}

func TestRouteDelay(t *testing.T) {
	t.Parallel()
	sc := builtin(t, "healthy")
	l := startLab(t, sc)
	c := labClient(t, l)
	l.SetRoute("api.acme.example", true, Route{Path: "/slow", Body: "late", Delay: 150 * time.Millisecond})
	start := time.Now()
	if resp, body := fetch(t, c, "GET", "https://api.acme.example/slow"); resp.StatusCode != 200 || body != "late" {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v, before the 150ms delay", d)
	}

	// A client giving up does not keep the handler waiting, and Close does
	// not wait out a long delay.
	l.SetRoute("api.acme.example", true, Route{Path: "/hang", Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.acme.example/hang", nil)
	if _, err := c.Do(req); err == nil {
		t.Error("a one-hour delay answered within 50ms")
	}
	go func() { _, _ = c.Get("https://api.acme.example/hang") }()
	time.Sleep(50 * time.Millisecond)
	start = time.Now()
	if err := l.Close(); err != nil {
		t.Error(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with a delayed request in flight", d)
	}
}
