package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/probes"
)

// TestCompactTilesNameTheWorstCheckWhenItFits: on a narrow terminal the uptime figure
// names its check ("api: 0.00%", one endpoint down, not the product) when the line still
// fits; when naming it would push the dashboard onto another line, the risk list's rows
// win and the figure stands alone.
func TestCompactTilesNameTheWorstCheckWhenItFits(t *testing.T) {
	st := newStyles(true)
	ts := []tile{
		{short: "uptime", value: "0.00%", note: "last 24h", who: "api", status: probes.StatusFail},
		{short: "p95", value: "30 ms", note: "last 1h", status: probes.StatusOK},
	}
	strip := func(lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = ansi.Strip(l)
		}
		return out
	}
	named := " uptime ✖ api: 0.00% · p95 ✔ 30 ms"
	if got := strip(compactTiles(ts, st, 80)); len(got) != 1 || got[0] != named {
		t.Errorf("80 columns: %q, want [%q]", got, named)
	}
	// Wide enough for the bare line only: naming would wrap p95 onto a second line.
	w := widthOf(" uptime ✖ 0.00% · p95 ✔ 30 ms")
	bare := " uptime ✖ 0.00% · p95 ✔ 30 ms"
	if got := strip(compactTiles(ts, st, w)); len(got) != 1 || got[0] != bare {
		t.Errorf("%d columns: %q, want [%q]", w, got, bare)
	}
}

// TestDomainTile: the registration nearest expiry, red in its last week, amber within 30
// days; absent from the dashboard when no registry answered (a reserved test domain), and
// from the narrow dashboard while all is well, so it costs a risk row only when it matters.
func TestDomainTile(t *testing.T) {
	reg := func(domain string, days float64) probes.Result {
		return probes.Result{Check: "registration " + domain, Kind: "registration", Pane: probes.PaneDNS, Target: domain,
			Metrics: map[string]float64{"registration_days_left": days}}
	}
	cert := probes.Result{Kind: "tls", Pane: probes.PaneTLS, Target: "app.acme.example:443", Metrics: map[string]float64{"days_left": 2}}
	for _, tc := range []struct {
		res    []probes.Result
		value  string
		status probes.Status
	}{
		{[]probes.Result{cert}, "—", probes.StatusUnknown},
		{[]probes.Result{cert, reg("acme.com", 400), reg("acme-links.io", 12)}, "acme-links: 12 days", probes.StatusWarn},
		{[]probes.Result{reg("acme.com", 5)}, "acme: 5 days", probes.StatusFail},
		{[]probes.Result{reg("acme.com", -2)}, "acme: lapsed", probes.StatusFail},
		{[]probes.Result{reg("acme.com", 31)}, "acme: 31 days", probes.StatusOK},
	} {
		d := domainTile(tc.res)
		got := d.value
		if d.who != "" {
			got = d.who + ": " + got
		}
		if got != tc.value || d.status != tc.status {
			t.Errorf("%v: %q %s, want %q %s", tc.res, got, d.status, tc.value, tc.status)
		}
	}
	// The certificate tile is not fooled by the registration's figure, nor the other way.
	if c := certTile([]probes.Result{reg("acme.com", 1)}); c.status != probes.StatusUnknown {
		t.Errorf("cert tile read a registration: %+v", c)
	}

	st := newStyles(true)
	line := func(ts []tile) string {
		var s string
		for _, l := range compactTiles(ts, st, 200) {
			s += ansi.Strip(l)
		}
		return s
	}
	ok := domainTile([]probes.Result{reg("acme.com", 300)})
	bad := domainTile([]probes.Result{reg("acme.com", 3)})
	if got := line([]tile{ok}); got != " " {
		t.Errorf("a healthy domain took room on the narrow dashboard: %q", got)
	}
	if got := line([]tile{bad}); got != " domain ✖ acme: 3 days" {
		t.Errorf("an expiring domain on the narrow dashboard: %q", got)
	}
}

// TestFailedJobsTileSaysTheAnswerStatus: a metric check that read failed_jobs from a 503
// (a readiness endpoint reporting itself degraded) puts the number on the tile with the
// status beside it; from a 200, the number alone.
func TestFailedJobsTileSaysTheAnswerStatus(t *testing.T) {
	for status, want := range map[float64]string{503: "17 failed (HTTP 503)", 200: "17 failed"} {
		b := newBoard(nil, time.Minute, time.Now, NewMemHistory(8), nil)
		b.apply(probes.Result{Check: "failed jobs", Kind: "metric", Pane: probes.PaneEndpoints, Status: probes.StatusFail,
			Summary: "17 failed jobs", Metrics: map[string]float64{"status": status, "up": 1, "failed_jobs": 17}})
		var got tile
		for _, tl := range tiles(b) {
			if tl.title == "Failed jobs" {
				got = tl
			}
		}
		if got.shown(80) != want || got.status != probes.StatusFail {
			t.Errorf("HTTP %v: tile %q (%s), want %q", status, got.shown(80), got.status, want)
		}
	}
	// In a boxed tile of a 160-column screen the status stays whole, in its short form.
	b := newBoard(nil, time.Minute, time.Now, NewMemHistory(8), nil)
	b.apply(probes.Result{Check: "failed jobs", Kind: "metric", Pane: probes.PaneEndpoints,
		Metrics: map[string]float64{"status": 503, "up": 1, "failed_jobs": 17}})
	ts := tiles(b)
	box := ansi.Strip(boxedTiles(ts, newStyles(true), 160)[1])
	if !strings.Contains(box, "│ ✖ 17 failed (503)") {
		t.Errorf("160 columns: %q", box)
	}
	line := ansi.Strip(strings.Join(compactTiles(ts, newStyles(true), 80), "\n"))
	if !strings.Contains(line, "failed jobs ✖ 17 failed (HTTP 503)") {
		t.Errorf("80 columns: %q", line)
	}
}
