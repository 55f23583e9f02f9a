package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/launchready/launchready/probes"
)

// tile is one figure of the overview's dashboard. With no data it says so ("—", not
// checked yet) rather than showing a zero that reads as good news.
type tile struct {
	title  string
	short  string // the label in the compact one-line form
	value  string
	note   string // basis of the value ("24h", "since 14:02") or why it is missing
	who    string // whose figure it is, shown where a box has room: "api"
	status probes.Status
	spark  []float64
	// quiet tiles are left out of the dashboard while unknown, and of the compact (narrow
	// terminal) form while ok too: a figure that changes once a year should not cost a risk
	// row at 80x24.
	quiet bool
	// boxed, when set, is the value in a box, where a shorter form must fit.
	boxed string
	// answered is the HTTP status of a non-2xx answer the value was read from (a
	// readiness endpoint's 503), said beside the value; 0 when there is none.
	answered int
}

// shown is the value with the answer's status beside it, "17 failed (HTTP 503)", or
// "17 failed (503)" when room (in cells) is short: the status must not be clipped away.
func (t tile) shown(room int) string {
	if t.answered == 0 {
		return t.value
	}
	full := fmt.Sprintf("%s (HTTP %d)", t.value, t.answered)
	if widthOf(full) <= room {
		return full
	}
	return fmt.Sprintf("%s (%d)", t.value, t.answered)
}

const notChecked = "not checked yet"

// tiles computes the dashboard from the board's results and history.
func tiles(b *board) []tile {
	res := b.results()
	var eps, email []*probes.Result
	for i := range res {
		switch res[i].Pane {
		case probes.PaneEndpoints:
			eps = append(eps, &res[i])
		case probes.PaneEmail:
			email = append(email, &res[i])
		}
	}
	ts := []tile{
		uptimeTile(b, eps),
		p95Tile(b, eps),
		sumTile("Errors/min", "errors/min", "errors_per_min", res, b, func(v float64) (string, probes.Status) {
			return num(v), levels(v, 1, 10)
		}),
		sumTile("Failed jobs", "failed jobs", "failed_jobs", res, b, func(v float64) (string, probes.Status) {
			if v == 0 {
				return "none", probes.StatusOK
			}
			return num(v) + " failed", probes.StatusFail
		}),
		webhookTile(res),
		certTile(res),
		domainTile(res),
		emailTile(email),
	}
	// A quiet tile with nothing to show (no registration the registry answered for: a
	// reserved test domain, a TLD without RDAP) gives its width to the others.
	return slices.DeleteFunc(ts, func(t tile) bool { return t.quiet && t.status == probes.StatusUnknown })
}

func levels(v, warn, fail float64) probes.Status {
	switch {
	case v >= fail:
		return probes.StatusFail
	case v >= warn:
		return probes.StatusWarn
	}
	return probes.StatusOK
}

func empty(title, short string) tile {
	return tile{title: title, short: short, value: "—", note: notChecked, status: probes.StatusUnknown}
}

// uptimeTile is the worst 24-hour uptime over the endpoint checks: from the history
// store when it keeps one (FigureSource), else the worst uptime_24h a check reports, else
// the share of endpoints results since the console started that were up, labelled
// "since HH:MM" so it is never mistaken for a day's figure.
func uptimeTile(b *board, eps []*probes.Result) tile {
	t := empty("Uptime 24h", "uptime")
	worst, found, worstCheck := math.Inf(1), false, ""
	if f := b.figures; f != nil && f.HasUptime {
		worst, found, worstCheck = f.Uptime24h, true, f.UptimeCheck
	} else {
		for _, r := range eps {
			if v, ok := r.Metrics["uptime_24h"]; ok && v < worst {
				worst, found, worstCheck = v, true, r.Check
			}
		}
	}
	switch {
	case found:
		t.value, t.note = pctText(worst), "last 24h"
		// It is the worst check's figure: name it, as the certificate tile names its
		// host, so "0.00%" reads as one endpoint down rather than the whole product.
		if r, ok := b.latest[worstCheck]; ok && worst < 100 {
			t.who = shortHost(r.Target)
		}
	case b.total > 0:
		worst = 100 * float64(b.up) / float64(b.total)
		t.value, t.note = pctText(worst), "since "+b.start.Format("15:04")
	default:
		return t
	}
	t.status = probes.StatusOK
	if worst < 99.9 {
		t.status = probes.StatusWarn
	}
	if worst < 99 {
		t.status = probes.StatusFail
	}
	return t
}

// p95Tile is the slowest endpoint check's p95 over the last hour: from the history store
// when it keeps one (FigureSource), with that check's latencies as the sparkline; else
// the worst p95_ms_1h a check reports; else the 95th percentile of the latencies the
// console has seen since it started, labelled "since HH:MM".
func p95Tile(b *board, eps []*probes.Result) tile {
	t := empty("p95 latency", "p95")
	worst, worstCheck := -1.0, ""
	if f := b.figures; f != nil && f.HasP95 {
		t.value, t.note = msText(f.P95ms), "last 1h"
		t.spark = b.history.Series(f.P95Check, "latency_ms", 16)
		t.status = levels(f.P95ms, 2000, 5000)
		return t
	}
	for _, r := range eps {
		if v, ok := r.Metrics["p95_ms_1h"]; ok && v > worst {
			worst, worstCheck = v, r.Check
		}
	}
	if worst >= 0 {
		t.value, t.note = msText(worst), "last 1h"
		t.spark = b.history.Series(worstCheck, "p95_ms_1h", 16)
	} else {
		var all []float64
		var slowest []float64
		for _, r := range eps {
			s := b.history.Series(r.Check, "latency_ms", DefaultHistoryDepth)
			all = append(all, s...)
			if len(s) > 0 && (slowest == nil || s[len(s)-1] > slowest[len(slowest)-1]) {
				slowest = s
			}
		}
		if len(all) == 0 {
			return t
		}
		slices.Sort(all)
		worst = all[min(len(all)-1, int(math.Ceil(0.95*float64(len(all))))-1)]
		t.value, t.note, t.spark = msText(worst), "since "+b.start.Format("15:04"), slowest
	}
	t.status = levels(worst, 2000, 5000)
	return t
}

// sumTile adds a metric over every result that reports it.
func sumTile(title, short, metric string, res []probes.Result, b *board, show func(float64) (string, probes.Status)) tile {
	t := empty(title, short)
	sum, found, first := 0.0, false, ""
	for _, r := range res {
		if v, ok := r.Metrics[metric]; ok {
			sum += v
			if !found {
				first = r.Check
			}
			found = true
		}
	}
	if !found {
		return t
	}
	t.value, t.status = show(sum)
	t.answered = answerStatus(res, metric)
	t.note = "now"
	t.spark = b.history.Series(first, metric, 16)
	return t
}

// answerStatus is the status (503) when a metric check read the tile's number from an answer
// that was not 2xx: a readiness endpoint answers 503 with failed_jobs in its body, and
// the operator must see both the number and that the app called itself unavailable. Only
// metric checks count: another check's status is that of what it judges, not the
// source of the number.
func answerStatus(res []probes.Result, metric string) int {
	for _, r := range res {
		if _, ok := r.Metrics[metric]; !ok || r.Kind != "metric" {
			continue
		}
		if st, ok := r.Metrics["status"]; ok && st != 0 && (st < 200 || st >= 300) {
			return int(st)
		}
	}
	return 0
}

func webhookTile(res []probes.Result) tile {
	t := empty("Webhooks", "webhooks")
	n, failing := 0, 0
	for _, r := range res {
		if v, ok := r.Metrics["webhook_failures"]; ok {
			n++
			if v > 0 {
				failing++
			}
		}
	}
	if n == 0 {
		return t
	}
	if failing == 0 {
		t.value, t.status = fmt.Sprintf("%d ok", n), probes.StatusOK
	} else {
		t.value, t.status = fmt.Sprintf("%d of %d failing", failing, n), probes.StatusFail
	}
	t.note = "now"
	return t
}

func certTile(res []probes.Result) tile {
	t := empty("Next cert expiry", "cert")
	days, host := math.Inf(1), ""
	for _, r := range res {
		if v, ok := r.Metrics["days_left"]; ok && v < days {
			days, host = v, r.Target
		}
	}
	if host == "" {
		return t
	}
	short := shortHost(host)
	switch {
	case days <= 0:
		t.value, t.status = short+": expired", probes.StatusFail
	case days < 21:
		t.value, t.status = fmt.Sprintf("%s: %d days", short, int(days)), probes.StatusWarn
	default:
		t.value, t.status = fmt.Sprintf("%s: %d days", short, int(days)), probes.StatusOK
	}
	t.note = "now"
	return t
}

// domainTile is the registration nearest its expiry (the registration kind's
// registration_days_left): a lapsed domain takes the site and its mail down together, so it
// sits beside the certificates. Red in the last week, amber within 30 days, as its findings.
func domainTile(res []probes.Result) tile {
	t := empty("Domain expiry", "domain")
	t.quiet = true
	days, domain := math.Inf(1), ""
	for _, r := range res {
		if v, ok := r.Metrics["registration_days_left"]; ok && v < days {
			days, domain = v, r.Target
		}
	}
	if domain == "" {
		return t
	}
	t.who, _, _ = strings.Cut(domain, ".") // "acme", as the cert tile says "app"
	t.value = fmt.Sprintf("%d days", int(days))
	switch {
	case days <= 0:
		t.value, t.status = "lapsed", probes.StatusFail
	case days < 7:
		t.status = probes.StatusFail
	case days < 30:
		t.status = probes.StatusWarn
	default:
		t.status = probes.StatusOK
	}
	t.note = "now"
	return t
}

func emailTile(res []*probes.Result) tile {
	t := empty("Email auth", "email")
	if len(res) == 0 {
		return t
	}
	n, errs, worst := 0, 0, probes.StatusOK
	for _, r := range res {
		n += len(r.Findings)
		if r.Status == probes.StatusError {
			errs++
		}
		if s := probes.StatusFor(r.Findings); s == probes.StatusFail || (s == probes.StatusWarn && worst == probes.StatusOK) {
			worst = s
		}
	}
	switch {
	case n == 0 && errs == 0:
		t.value, t.status = "SPF DKIM DMARC", probes.StatusOK
	case n == 0:
		t.value, t.status = fmt.Sprintf("%d could not run", errs), probes.StatusError
	default:
		t.value, t.status = plural(n, "problem"), worst
	}
	t.note = "now"
	if rt := roundTripTile(res); rt.status != probes.StatusUnknown {
		rt.status = graver(t.status, rt.status) // the DNS side's problems colour it too; the risk list names them
		return rt
	}
	return t
}

// graver is the graver of two tile statuses.
func graver(a, b probes.Status) probes.Status {
	rank := map[probes.Status]int{probes.StatusUnknown: 0, probes.StatusOK: 1, probes.StatusWarn: 2, probes.StatusError: 3, probes.StatusFail: 4}
	if rank[a] >= rank[b] {
		return a
	}
	return b
}

// roundTripTile is the mail tile once a round trip has run (the checks reporting
// delivery_folder): the worst delivery, "12 s to inbox, DKIM ✔ SPF ✔ DMARC ✔", as the
// member's provider saw it. A box has room for the delivery only.
func roundTripTile(res []*probes.Result) tile {
	t := empty("Mail", "mail")
	var pick *probes.Result
	for _, r := range res {
		f, ok := r.Metrics["delivery_folder"]
		if !ok {
			continue
		}
		if pick == nil || f > pick.Metrics["delivery_folder"] || (f == pick.Metrics["delivery_folder"] && r.Metrics["delivery_delay_s"] > pick.Metrics["delivery_delay_s"]) {
			pick = r
		}
	}
	if pick == nil {
		return t
	}
	m := pick.Metrics
	switch int(m["delivery_folder"]) {
	case 0:
		t.boxed, t.status = delayText(m["delivery_delay_s"])+" to inbox", probes.StatusOK
	case 1:
		t.boxed, t.status = delayText(m["delivery_delay_s"])+" to spam", probes.StatusFail
	default:
		t.value, t.boxed, t.status = "not delivered", "not delivered", probes.StatusFail
		t.note = "now"
		return t
	}
	var marks []string
	for _, a := range []struct{ name, metric string }{{"DKIM", "dkim_pass"}, {"SPF", "spf_pass"}, {"DMARC", "dmarc_pass"}} {
		mark := "✔"
		if m[a.metric] != 1 {
			mark = "✖"
			t.status = probes.StatusFail
		}
		marks = append(marks, a.name+" "+mark)
	}
	t.value = t.boxed + ", " + strings.Join(marks, " ")
	t.note = "now"
	return t
}

// shortHost is a target's first label: "https://app.acme.example/x" -> "app".
func shortHost(target string) string {
	h := target
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if i := strings.IndexAny(h, "/:"); i >= 0 {
		h = h[:i]
	}
	if i := strings.IndexByte(h, '.'); i > 0 && strings.Count(h, ".") > 1 {
		return h[:i]
	}
	return h
}

// minTileWidth is the narrowest boxed tile; below it the tiles become a line of text.
const minTileWidth = 19

// renderTiles draws the dashboard: a row of boxes when the screen is wide enough for all
// of them, otherwise the same figures as flowing text lines.
func renderTiles(ts []tile, st *styles, w int) []string {
	if w/len(ts) >= minTileWidth {
		return boxedTiles(ts, st, w)
	}
	return compactTiles(ts, st, w)
}

func tileValue(t tile, st *styles) string {
	if t.status == probes.StatusUnknown {
		return st.dim.Render("— " + t.note)
	}
	return st.status[t.status].Render(statusIcon[t.status] + " " + t.value)
}

func boxedTiles(ts []tile, st *styles, w int) []string {
	n := len(ts)
	base, extra := w/n, w%n
	var top, mid, bot []string
	for i, t := range ts {
		tw := base
		if i < extra {
			tw++
		}
		inner := tw - 2
		name := clipLine(t.title, inner-2)
		fill := max(0, inner-2-widthOf(name))
		top = append(top, st.tileBorder.Render("┌ ")+st.tileTitle.Render(name)+st.tileBorder.Render(" "+strings.Repeat("─", fill)+"┐"))
		v := t
		if t.boxed != "" {
			v.value = t.boxed
		}
		v.value, v.answered = v.shown(inner-3), 0 // 3: " ✖ " before the value
		if t.who != "" && t.status != probes.StatusUnknown {
			v.value = t.who + ": " + v.value
			if widthOf(v.value)+widthOf(v.note)+4 > inner {
				v.note = strings.TrimPrefix(v.note, "last ") // "api: 97.92% 24h"
			}
			if widthOf(v.value)+widthOf(v.note)+4 > inner {
				v.note = "" // the name matters more than the window, which the title gives
			}
		}
		body := " " + tileValue(v, st)
		if v.status != probes.StatusUnknown && v.note != "" && v.note != "now" {
			body += st.dim.Render(" " + v.note)
		}
		if len(t.spark) > 1 {
			room := inner - 1 - widthOf(body)
			if room >= 4 {
				body += " " + st.spark.Render(sparkline(t.spark, room-1))
			}
		}
		mid = append(mid, st.tileBorder.Render("│")+fitCell(body, inner, false)+st.tileBorder.Render("│"))
		bot = append(bot, st.tileBorder.Render("└"+strings.Repeat("─", inner)+"┘"))
	}
	return []string{strings.Join(top, ""), strings.Join(mid, ""), strings.Join(bot, "")}
}

// compactTiles is the dashboard as one or two lines for narrow terminals. A tile's owner
// ("api" for the worst uptime) is named when that still fits in as many lines as
// without it: the risk list below keeps its rows.
//
// A tile with a short form (boxed: the mail tile's "12 s to inbox" without its DKIM SPF
// DMARC marks) shows its long form only when that too costs no line.
func compactTiles(ts []tile, st *styles, w int) []string {
	bare := compactLines(ts, st, w, false, true)
	for _, c := range []struct{ named, short bool }{{true, false}, {true, true}, {false, false}} {
		if lines := compactLines(ts, st, w, c.named, c.short); len(lines) <= len(bare) {
			return lines
		}
	}
	return bare
}

func compactLines(ts []tile, st *styles, w int, named, short bool) []string {
	var lines []string
	cur, curW := " ", 1
	for _, t := range ts {
		if t.quiet && (t.status == probes.StatusOK || t.status == probes.StatusUnknown) {
			continue
		}
		val := st.dim.Render("—")
		if t.status != probes.StatusUnknown {
			if short && t.boxed != "" {
				t.value = t.boxed
			}
			if named && t.who != "" {
				t.value = t.who + ": " + t.value
			}
			t.value, t.answered = t.shown(w), 0
			val = tileValue(t, st)
			if strings.HasPrefix(t.note, "since") {
				val += st.dim.Render(" " + t.note)
			}
		}
		cell := st.tileTitle.Render(t.short) + " " + val
		cw := widthOf(cell)
		if curW > 1 && curW+3+cw > w {
			lines = append(lines, cur)
			cur, curW = " ", 1
		}
		if curW > 1 {
			cur += st.dim.Render(" · ")
			curW += 3
		}
		cur += cell
		curW += cw
	}
	return append(lines, cur)
}
