package tui

import (
	"fmt"
	"slices"

	"github.com/launchready/launchready/probes"
)

// metricCol is a pane table column read from Result.Metrics. A pane's probes plug their
// figures in by using the metric names listed here (BRIEF.md, and each kind's package
// doc); a column appears only when some check in the pane reports its metric, so a pane
// shows what its probes measure and nothing else.
type metricCol struct {
	metric string
	title  string
	width  int
	drop   int // as column.drop: higher goes first on narrow screens
	format func(v float64) string
}

// paneColumns are the key figures of each pane, most important first.
var paneColumns = map[probes.Pane][]metricCol{
	probes.PaneDNS: {
		{"records", "records", 7, 20, num},
		{"ttl_s", "TTL", 6, 22, ttlText},
		{"cname_hops", "CNAME", 5, 23, num},
		{"ns_agree", "NS", 8, 21, yesNo("✔ agree", "✖ differ")},
		{"proxied", "proxy", 5, 24, yesNo("yes", "no")},
	},
	probes.PaneTLS: {
		{"days_left", "days", 5, 20, num},
		{"tls_min_version", "TLS", 5, 22, tlsText},
		{"hsts_max_age_days", "HSTS", 5, 23, hstsText},
		{"http_redirect_status", "http→https", 10, 21, redirectText},
		{"chain_len", "chain", 5, 25, num},
		{"key_bits", "key", 5, 26, num},
	},
	probes.PaneEmail: {
		{"spf_lookups", "SPF lookups", 11, 20, func(v float64) string { return num(v) + "/10" }},
		{"dmarc_policy", "DMARC", 10, 21, dmarcText},
		{"dkim_key_bits", "DKIM bits", 9, 22, num},
		{"mx_count", "MX", 3, 23, num},
		{"spf_void_lookups", "void", 4, 24, num},
		// The round trip's (internal/roundtrip): where the mail landed and how long it took.
		{"delivery_folder", "folder", 9, 20, folderText},
		{"delivery_delay_s", "delay", 5, 21, delayText},
	},
	probes.PaneEndpoints: {
		{"status", "HTTP", 4, 20, statusCode},
		{"latency_ms", "latency", 8, 21, msText},
		{"uptime_24h", "up 24h", 7, 22, pctText},
		{"p95_ms_1h", "p95 1h", 8, 23, msText},
		{"uptime_7d", "up 7d", 7, 27, pctText},
		{"failed_jobs", "jobs ✖", 6, 24, num},
		{"webhook_failures", "hooks ✖", 7, 25, num},
		{"p50_ms_1h", "p50 1h", 8, 28, msText},
		{"p99_ms_1h", "p99 1h", 8, 29, msText},
		{"dns_ms", "dns", 7, 30, msText},
		{"connect_ms", "connect", 7, 31, msText},
		{"tls_ms", "tls", 7, 32, msText},
		{"ttfb_ms", "ttfb", 7, 33, msText},
	},
	probes.PaneErrors: {
		{"errors_per_min", "errors/min", 10, 20, num},
		{"groups", "groups", 6, 21, num},
		{"new_groups", "new", 4, 22, num},
	},
	probes.PanePerformance: {
		{"ttfb_ms", "TTFB", 7, 20, msText},
		{"page_kb", "weight", 7, 21, func(v float64) string { return fmt.Sprintf("%.0f KB", v) }},
		{"origin_requests", "origin", 6, 22, num},
		{"requests", "reqs", 4, 23, num},
		{"cacheable", "cached", 6, 24, yesNo("yes", "no")},
	},
}

// sparkMetric is the metric each pane draws as a sparkline over its history.
var sparkMetric = map[probes.Pane]string{
	probes.PaneEndpoints:   "latency_ms",
	probes.PaneTLS:         "days_left",
	probes.PaneEmail:       "spf_lookups",
	probes.PaneErrors:      "errors_per_min",
	probes.PanePerformance: "ttfb_ms",
}

// columnsFor returns the metric columns a pane shows for its current results: the
// pane's own list where a result has the metric, or, for a pane this build knows no
// columns for, up to four metrics by name, so a new kind still shows figures.
func columnsFor(p probes.Pane, results []probes.Result) []metricCol {
	has := map[string]bool{}
	for _, r := range results {
		for k := range r.Metrics {
			has[k] = true
		}
	}
	var out []metricCol
	if spec, ok := paneColumns[p]; ok {
		for _, c := range spec {
			if has[c.metric] {
				out = append(out, c)
			}
		}
		return out
	}
	names := make([]string, 0, len(has))
	for k := range has {
		names = append(names, k)
	}
	slices.Sort(names)
	for i, k := range names {
		if i == 4 {
			break
		}
		out = append(out, metricCol{k, k, max(6, len(k)), 20 + i, num})
	}
	return out
}

func yesNo(yes, no string) func(float64) string {
	return func(v float64) string {
		if v != 0 {
			return yes
		}
		return no
	}
}

func ttlText(v float64) string {
	switch {
	case v >= 86400 && int(v)%86400 == 0:
		return fmt.Sprintf("%dd", int(v)/86400)
	case v >= 3600 && int(v)%3600 == 0:
		return fmt.Sprintf("%dh", int(v)/3600)
	case v >= 60 && int(v)%60 == 0:
		return fmt.Sprintf("%dm", int(v)/60)
	}
	return fmt.Sprintf("%ds", int(v))
}

func tlsText(v float64) string { return fmt.Sprintf("%.1f+", v) }

func hstsText(v float64) string {
	switch {
	case v <= 0:
		return "none"
	case v >= 365:
		return fmt.Sprintf("%dy", int(v)/365)
	}
	return fmt.Sprintf("%dd", int(v))
}

func redirectText(v float64) string {
	if v >= 300 && v < 400 {
		return fmt.Sprintf("✔ %d", int(v))
	}
	if v == 0 {
		return "✖ none"
	}
	return fmt.Sprintf("✖ %d", int(v))
}

// folderText is the round trip's delivery_folder: 0 inbox, 1 spam, 2 never delivered.
func folderText(v float64) string {
	switch int(v) {
	case 0:
		return "✔ inbox"
	case 1:
		return "✖ spam"
	case 2:
		return "✖ missing"
	}
	return num(v)
}

// delayText is a delivery delay in seconds, as the round trip reports it.
func delayText(v float64) string {
	switch {
	case v < 1:
		return "<1 s"
	case v < 100:
		return fmt.Sprintf("%.0f s", v)
	}
	return fmt.Sprintf("%.0fm", v/60)
}

func dmarcText(v float64) string {
	switch int(v) {
	case 0:
		return "▲ none"
	case 1:
		return "quarantine"
	case 2:
		return "reject"
	}
	return num(v)
}

func statusCode(v float64) string {
	if v == 0 {
		return "—"
	}
	return fmt.Sprintf("%d", int(v))
}

func pctText(v float64) string {
	if v >= 99.995 {
		return "100%"
	}
	return fmt.Sprintf("%.2f%%", v)
}
