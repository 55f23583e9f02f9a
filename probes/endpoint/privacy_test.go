package endpoint

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
)

func TestMemberPrivacy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		fault func(*app)
		want  string
	}{
		{"private no-store", nil, ""},
		{"served public", func(a *app) { a.feedHeaders = map[string]string{"Cache-Control": "public, max-age=600"} }, "endpoint.private-cacheable/critical"},
		{"s-maxage", func(a *app) { a.feedHeaders = map[string]string{"Cache-Control": "s-maxage=60"} }, "endpoint.private-cacheable/critical"},
		{"max-age without private", func(a *app) { a.feedHeaders = map[string]string{"Cache-Control": "max-age=300"} }, "endpoint.private-cacheable/critical"},
		{"private max-age is fine", func(a *app) { a.feedHeaders = map[string]string{"Cache-Control": "private, max-age=300"} }, ""},
		{"no-cache only", func(a *app) { a.feedHeaders = map[string]string{"Cache-Control": "no-cache"} }, "endpoint.private-shared-cache/medium"},
		{"cloudflare hit", func(a *app) { a.feedHeaders = map[string]string{"Cf-Cache-Status": "HIT"} }, "endpoint.private-cdn-hit/critical"},
		{"age", func(a *app) { a.feedHeaders = map[string]string{"Age": "42"} }, "endpoint.private-cdn-hit/critical"},
		{"x-cache", func(a *app) { a.feedHeaders = map[string]string{"X-Cache": "Hit from cloudfront"} }, "endpoint.private-cdn-hit/critical"},
		{"cloudflare miss is fine", func(a *app) { a.feedHeaders = map[string]string{"Cf-Cache-Status": "DYNAMIC", "Age": "0"} }, ""},
		{"anonymous gets member content", func(a *app) { a.feedAnonymous = true }, "endpoint.private-anonymous/critical"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, c.fault)
			cs := setup(t, a.config("form"), a.net, secrets)
			res := run(t, cs["member feed"])
			if got := ids(res); got != c.want {
				t.Fatalf("findings %q, want %q (%s, err %q)", got, c.want, res.Summary, res.Err)
			}
			for _, f := range res.Findings {
				if f.Impact != probes.DataExposure || !strings.Contains(f.Detail, `session "member"`) && f.ID != "endpoint.private-anonymous" {
					t.Errorf("a privacy finding says who fetched and what it exposes: %+v", f)
				}
				if f.ID == "endpoint.private-cacheable" && (!strings.Contains(f.Fix, "private, no-store") || !strings.Contains(f.Fix, "/members/*")) {
					t.Errorf("fix names the header and the purge: %q", f.Fix)
				}
			}
		})
	}
}

func TestExpiredSessionIsNotPrivate(t *testing.T) {
	t.Parallel()
	// The member marker is how a check knows it saw member content: a page without it
	// (signed out, an error page) is down, not silently "private".
	a := newApp(t, nil)
	cs := setup(t, a.config("form"), a.net, secrets)
	feed := cs["member feed"].(*endpointCheck)
	feed.memberMarker = "Signed in as someone else"
	res := run(t, feed)
	if ids(res) != "endpoint.body/high" || !strings.Contains(res.Findings[0].Title, "member marker") {
		t.Errorf("%q %v", ids(res), res.Findings)
	}
}

func TestPublicPageWithoutCaching(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bare":
			w.Header().Set("Content-Type", "text/html")
		case "/etag":
			w.Header().Set("Content-Type", "text/css")
			w.Header().Set("ETag", `"v1"`)
		case "/api":
			w.Header().Set("Content-Type", "application/json")
		case "/redirect":
			w.Header().Set("Location", "/bare")
			w.WriteHeader(302)
		}
		fmt.Fprint(w, "<p>hello</p>")
	}))
	cs := setup(t, cfgText(`  checks:
    - {name: bare page, url: %[1]s/bare}
    - {name: etag asset, url: %[1]s/etag}
    - {name: api, url: %[1]s/api}
    - {name: redirect, url: %[1]s/redirect}
`, srv.URL), srv.net, nil)
	want := map[string]string{"bare page": "endpoint.no-caching/low", "etag asset": "", "api": "", "redirect": ""}
	for name, w := range want {
		if got := ids(run(t, cs[name])); got != w {
			t.Errorf("%s: %q, want %q", name, got, w)
		}
	}
}

func FuzzCacheControl(f *testing.F) {
	for _, s := range []string{"public, max-age=600", `private="Set-Cookie, X", max-age=0`, "s-maxage=abc", "no-store,,=,", `"unterminated`} {
		f.Add(s, "HIT")
	}
	f.Fuzz(func(t *testing.T, cc, xcache string) {
		h := http.Header{}
		h.Set("Cache-Control", cc)
		h.Set("X-Cache", xcache)
		h.Set("Age", xcache)
		p := parseCacheControl(h)
		if ok, why := p.sharedCacheable(); ok && why == "" {
			t.Fatalf("cacheable without a reason for %q", cc)
		}
		_ = cdnHit(h)
	})
}
