package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
	"github.com/launchready/launchready/probes/httpdiag"
	"github.com/launchready/launchready/probes/netx"
)

// apiLimit caps an API answer read for comparison.
const apiLimit = 1 << 20

// apiCheck fetches a public API route anonymously and as each configured session: an
// answer that is the same for everyone should be cached (the origin answers it once a
// minute, not once a visit); one that differs per session must never be cacheable, by the
// same rule as a member page.
type apiCheck struct {
	info     probes.CheckInfo
	url      string
	net      *netx.Net
	timeout  time.Duration
	sessions []*endpoint.Session
}

// APIDetail is an API check's Result.Data.
type APIDetail struct {
	URL          string       `json:"url"`
	CacheControl string       `json:"cache_control,omitempty"`
	Cacheable    bool         `json:"cacheable"`
	PerSession   bool         `json:"per_session"`
	Differs      []string     `json:"differs,omitempty"` // JSON fields that differ between sessions
	Compared     []string     `json:"compared"`          // "anonymous", session names
	TTFBMs       float64      `json:"ttfb_ms"`
	Tuning       []TuningItem `json:"tuning"`
}

func (v *validator) api(p string, ac apiConfig, env probes.Env, sessions map[string]*endpoint.Session) probes.Check {
	v.url(p, ac.URL)
	name := v.name(p, ac.Name, ac.URL)
	c := &apiCheck{url: ac.URL, net: env.Net, timeout: orDefault(ac.Timeout, env.Config.Checks.Timeout)}
	for i, s := range ac.Sessions {
		ss, ok := sessions[s]
		if !ok {
			v.add(fmt.Sprintf("%s.sessions[%d]", p, i), fmt.Sprintf("%q is not a session", s), "name one of endpoints.sessions, e.g. two test members")
			continue
		}
		c.sessions = append(c.sessions, ss)
	}
	timeout := time.Duration(1+len(c.sessions)) * c.timeout
	for _, s := range c.sessions {
		timeout += s.Timeout()
	}
	c.info = probes.CheckInfo{Name: "api " + name, Kind: "perf-api", Pane: probes.PanePerformance, Target: ac.URL,
		Interval: orDefault(ac.Interval, defaultPageInterval), Timeout: timeout}
	return c
}

func (c *apiCheck) Info() probes.CheckInfo { return c.info }

func (c *apiCheck) Run(ctx context.Context) probes.Result {
	anon := get(ctx, client(c.net, c.timeout), c.url, "application/json", "identity", apiLimit, true, nil)
	if anon.status == 0 {
		return probes.Result{Err: fmt.Sprintf("cannot load %s: %s", c.url, httpdiag.Describe(anon.err))}
	}
	if anon.status != http.StatusOK {
		return probes.Result{Err: fmt.Sprintf("%s answered %d: only a route that answers 200 can be judged for caching; the Endpoints pane judges its status", c.url, anon.status)}
	}
	d := APIDetail{URL: c.url, CacheControl: anon.header.Get("Cache-Control"), TTFBMs: httpdiag.Ms(anon.ttfb), Compared: []string{"anonymous"}}
	d.Cacheable, _ = endpoint.SharedCacheable(anon.header)
	answers := []*fetched{anon}
	var hits []string
	hits = append(hits, endpoint.CDNHit(anon.header)...)
	for _, s := range c.sessions {
		cl, apply, err := s.Client(ctx, c.timeout)
		if err != nil {
			return probes.Result{Err: err.Error(), Data: d}
		}
		f := get(ctx, cl, c.url, "application/json", "identity", apiLimit, true, apply)
		if f.status != http.StatusOK {
			return probes.Result{Err: fmt.Sprintf("%s answered %d as %s: cannot compare it", c.url, f.status, s.Describe()), Data: d}
		}
		d.Compared = append(d.Compared, s.Name())
		if ok, _ := endpoint.SharedCacheable(f.header); ok {
			d.Cacheable = true
		}
		hits = append(hits, endpoint.CDNHit(f.header)...)
		answers = append(answers, f)
	}
	for _, a := range answers[1:] {
		if !bytes.Equal(a.body, answers[0].body) {
			d.PerSession = true
			d.Differs = differingFields(answers[0].body, a.body, d.Differs)
		}
	}
	var ts []tuned
	switch {
	case d.PerSession && (d.Cacheable || len(hits) > 0):
		fields := "the body"
		if len(d.Differs) > 0 {
			fields = "fields " + strings.Join(d.Differs, ", ")
		}
		ts = append(ts, tuned{c.finding("perf.api-cacheable-per-session", probes.Critical, probes.DataExposure,
			fmt.Sprintf("Cacheable API answer differs per session (%s)", fields),
			fmt.Sprintf("GET %s is listed as public and cacheable (Cache-Control: %s%s), but fetched as %s its %s differ: a CDN may store one member's answer and serve it to the next visitor.",
				c.url, orNone(d.CacheControl), hitNote(hits), strings.Join(d.Compared, ", "), fields),
			"differs per session, Cache-Control: "+orNone(d.CacheControl), "the same answer for everyone, or Cache-Control: private, no-store",
			fmt.Sprintf(`Move the per-member %s out of %s (into a member-only route with "Cache-Control: private, no-store"), or send "Cache-Control: private, no-store" here and purge the CDN cache for %s.`, fields, pathOf(c.url), pathOf(c.url)),
			anon.evidence), TuningItem{Effect: "stops one member's data reaching another; no speed change"}})
	case !d.PerSession && !d.Cacheable:
		p95 := max(0, d.TTFBMs-edgeTTFB)
		ts = append(ts, tuned{c.finding("perf.api-uncached", probes.Medium, probes.Support,
			fmt.Sprintf("Public API %s is not cached (every call reaches the origin)", pathOf(c.url)),
			fmt.Sprintf("GET %s gives the same answer to %s but Cache-Control %s: under a signup spike every page view that calls it is a request to the app and its database.",
				c.url, strings.Join(d.Compared, ", "), quoteOrNone(d.CacheControl)),
			"Cache-Control: "+orNone(d.CacheControl), "Cache-Control: public, s-maxage=60 (or longer) on an answer the same for everyone",
			fmt.Sprintf(`Send "Cache-Control: public, max-age=60, s-maxage=300" from the handler for %s and let the CDN cache it; keep it free of per-member fields.`, pathOf(c.url)),
			anon.evidence), TuningItem{OriginSaved: 0.95, P95SavedMs: p95,
			Effect: effect("the route", 0.95, p95) + " (at s-maxage=60 and a request a second or more)"}})
	}
	fs, items := order(ts)
	d.Tuning = items
	res := probes.Result{Data: d, Findings: fs, Latency: anon.total, Metrics: map[string]float64{
		"ttfb_ms": d.TTFBMs, "cacheable": b2f(d.Cacheable), "per_session": b2f(d.PerSession)}}
	switch {
	case d.PerSession && d.Cacheable:
		res.Summary = "cacheable and differs per session"
	case d.PerSession:
		res.Summary = "per session, not cacheable (right)"
	case d.Cacheable:
		res.Summary = "cached: " + d.CacheControl
	default:
		res.Summary = "the same for everyone, not cached"
	}
	return res
}

func (c *apiCheck) finding(id string, sev probes.Severity, imp probes.Impact, title, detail, observed, expected, fix string, ev []string) probes.Finding {
	return probes.Finding{ID: id, Severity: sev, Impact: imp, Target: c.url, Title: title, Detail: detail,
		Observed: observed, Expected: expected, Fix: fix, Evidence: ev}
}

// differingFields names the top-level JSON fields whose values differ (never the values:
// they may be a member's data), adding to seen.
func differingFields(a, b []byte, seen []string) []string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return seen
	}
	keys := slices.Sorted(maps.Keys(ma))
	for k := range mb {
		if _, ok := ma[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if !bytes.Equal(ma[k], mb[k]) && !slices.Contains(seen, k) {
			seen = append(seen, k)
		}
	}
	slices.Sort(seen)
	return seen
}

func hitNote(hits []string) string {
	if len(hits) == 0 {
		return ""
	}
	return "; served from a cache: " + hits[0]
}

func quoteOrNone(s string) string {
	if s == "" {
		return "is absent"
	}
	return fmt.Sprintf("is %q", s)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
