package watch

import (
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/probes"
)

// Metric names and labels are documented in the README ("Watch and alerts"). They follow
// blackbox_exporter's probe_* where one exists (probe_success, probe_duration_seconds,
// probe_http_status_code, probe_ssl_earliest_cert_expiry, probe_http_duration_seconds by
// phase), prefixed launchready_ so both can live in one Prometheus, and labelled by check
// because one watch probes many targets.
var checkLabels = []string{"check", "kind", "pane", "target"}

// paneMetric maps a Result.Metrics key to a Prometheus family.
type paneMetric struct {
	name, help string
	label, val string // an extra label (phase="tls"), or ""
	scale      float64
}

var paneMetrics = map[string]paneMetric{
	"status":               {name: "probe_http_status_code", help: "HTTP status of the last response (0: none)."},
	"latency_ms":           {name: "probe_latency_seconds", help: "Latency the probe measured for its request.", scale: 1e-3},
	"dns_ms":               {name: "probe_http_duration_seconds", help: "Duration of each phase of the last HTTP request.", label: "phase", val: "resolve", scale: 1e-3},
	"connect_ms":           {name: "probe_http_duration_seconds", label: "phase", val: "connect", scale: 1e-3},
	"tls_ms":               {name: "probe_http_duration_seconds", label: "phase", val: "tls", scale: 1e-3},
	"ttfb_ms":              {name: "probe_http_duration_seconds", label: "phase", val: "first_byte", scale: 1e-3},
	"days_left":            {name: "probe_ssl_days_left", help: "Days until the certificate expires."},
	"tls_min_version":      {name: "probe_tls_min_version", help: "Lowest TLS version the server accepts (1.2, 1.3)."},
	"hsts_max_age_days":    {name: "probe_hsts_max_age_seconds", help: "HSTS max-age sent by the site.", scale: 86400},
	"http_redirect_status": {name: "probe_http_redirect_status_code", help: "Status of the plain-HTTP redirect to HTTPS."},
	"chain_len":            {name: "probe_ssl_chain_length", help: "Certificates in the served chain."},
	"key_bits":             {name: "probe_ssl_key_bits", help: "Size of the certificate's key."},
	"records":              {name: "probe_dns_records", help: "Records in the answer."},
	"ttl_s":                {name: "probe_dns_ttl_seconds", help: "TTL of the answer."},
	"cname_hops":           {name: "probe_dns_cname_hops", help: "CNAMEs followed to the answer."},
	"ns_agree":             {name: "probe_dns_ns_agree", help: "1 when every authoritative server gives the same answer."},
	"proxied":              {name: "probe_dns_proxied", help: "1 when the name is behind Cloudflare's proxy."},
	"spf_lookups":          {name: "probe_spf_dns_lookups", help: "DNS lookups the SPF record needs (the limit is 10)."},
	"spf_void_lookups":     {name: "probe_spf_void_lookups", help: "SPF lookups that return nothing (the limit is 2)."},
	"dkim_key_bits":        {name: "probe_dkim_key_bits", help: "Size of the DKIM key."},
	"dmarc_policy":         {name: "probe_dmarc_policy", help: "DMARC policy: 0 none, 1 quarantine, 2 reject."},
	"mx_count":             {name: "probe_mx_records", help: "MX records of the domain."},
	"uptime_24h":           {name: "probe_uptime_ratio", help: "Share of successful checks over the window.", label: "window", val: "24h", scale: 0.01},
	"uptime_7d":            {name: "probe_uptime_ratio", label: "window", val: "7d", scale: 0.01},
	"p50_ms_1h":            {name: "probe_latency_quantile_seconds", help: "Latency quantiles over the last hour.", label: "quantile", val: "0.5", scale: 1e-3},
	"p95_ms_1h":            {name: "probe_latency_quantile_seconds", label: "quantile", val: "0.95", scale: 1e-3},
	"p99_ms_1h":            {name: "probe_latency_quantile_seconds", label: "quantile", val: "0.99", scale: 1e-3},
	"failed_jobs":          {name: "probe_failed_jobs", help: "Background jobs failing now."},
	"webhook_failures":     {name: "probe_webhook_failures", help: "Webhook deliveries failing now."},
	"errors_per_min":       {name: "probe_errors_per_minute", help: "Application errors per minute."},
	"groups":               {name: "probe_error_groups", help: "Distinct error groups (by fingerprint)."},
	"new_groups":           {name: "probe_error_groups_new", help: "Error groups first seen recently."},
}

// checkState is what /metrics needs of a check's last result; stored per result without
// copying findings, so a result costs a map write.
type checkState struct {
	labels   [4]string
	status   probes.Status
	duration time.Duration
	at       time.Time
	findings [5]int // by severity
	metrics  map[string]float64
	runs     map[probes.Status]uint64
}

// Metrics is the /metrics collector: it renders the latest result of every check, the
// alert channels' health and open alerts at scrape time.
type Metrics struct {
	mu     sync.RWMutex
	checks map[string]*checkState
	order  []string
	// channels and alerts are read at scrape time; nil when alerting is off.
	channels func() []alert.Health
	alerts   func() []alert.Alert
	// skipped is the runner's count of a check's skipped runs (probes.Runner.Skipped),
	// read at scrape time; nil reports none.
	skipped func(check string) uint64
	version string
	descs   map[string]*prometheus.Desc
}

// NewMetrics makes a collector for the given checks (in config order).
func NewMetrics(checks []probes.Check, version string) *Metrics {
	m := &Metrics{checks: map[string]*checkState{}, version: version, descs: map[string]*prometheus.Desc{}}
	for _, c := range checks {
		i := c.Info()
		m.checks[i.Name] = &checkState{labels: [4]string{i.Name, i.Kind, string(i.Pane), i.Target}, status: probes.StatusUnknown,
			runs: map[probes.Status]uint64{}}
		m.order = append(m.order, i.Name)
	}
	d := func(name, help string, extra ...string) {
		m.descs[name] = prometheus.NewDesc("launchready_"+name, help, append(append([]string{}, checkLabels...), extra...), nil)
	}
	d("probe_success", "1 when the check ran and found nothing high or critical (status ok or warn), else 0.")
	d("probe_duration_seconds", "How long the last run of the check took.")
	d("probe_status", "The check's status as a state set: 1 for the current one of ok, warn, fail, error, unknown.", "status")
	d("probe_findings", "Findings of the last run by severity.", "severity")
	d("probe_last_run_timestamp_seconds", "When the last run started (Unix time).")
	d("probe_runs_total", "Runs of the check since watch started, by status.", "status")
	d("probe_skipped_total", "Scheduled runs skipped since watch started because the check's previous run was still going (or still waiting for a worker) when the next was due.")
	d("probe_ssl_earliest_cert_expiry", "When the certificate expires (Unix time), as blackbox_exporter's probe_ssl_earliest_cert_expiry.")
	d("probe_metric", "A probe figure with no dedicated name (name is the Result.Metrics key).", "name")
	seen := map[string]bool{}
	for _, pm := range paneMetrics {
		if seen[pm.name] {
			continue
		}
		seen[pm.name] = true
		help := pm.help
		for _, o := range paneMetrics {
			if o.name == pm.name && o.help != "" {
				help = o.help
			}
		}
		if pm.label != "" {
			d(pm.name, help, pm.label)
		} else {
			d(pm.name, help)
		}
	}
	ch := func(name, help string) {
		m.descs[name] = prometheus.NewDesc("launchready_"+name, help, []string{"channel", "kind"}, nil)
	}
	ch("alert_channel_up", "1 while the channel delivers; 0 after alerts.down_after failed deliveries in a row.")
	ch("alert_channel_queued", "Notifications waiting for the channel.")
	ch("alert_channel_consecutive_failures", "Failed deliveries in a row.")
	ch("alert_channel_delivered_total", "Notifications the channel accepted.")
	ch("alert_channel_failures_total", "Failed delivery attempts.")
	ch("alert_channel_dropped_total", "Notifications given up on after alerts.retry.give_up.")
	ch("alert_channel_last_success_timestamp_seconds", "When the channel last accepted a delivery (Unix time; 0 never).")
	m.descs["alerts"] = prometheus.NewDesc("launchready_alerts", "Open alerts by state (pending: failing but not yet fired) and severity.", []string{"state", "severity"}, nil)
	m.descs["build_info"] = prometheus.NewDesc("launchready_build_info", "Always 1; the version label says which launchready runs.", []string{"version"}, nil)
	return m
}

// Observe records a result; it is the runner subscriber's fast path.
func (m *Metrics) Observe(res probes.Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cs := m.checks[res.Check]
	if cs == nil {
		cs = &checkState{labels: [4]string{res.Check, res.Kind, string(res.Pane), res.Target}, runs: map[probes.Status]uint64{}}
		m.checks[res.Check] = cs
		m.order = append(m.order, res.Check)
	}
	cs.status, cs.duration, cs.at, cs.metrics = res.Status, res.Latency, res.Started, res.Metrics
	cs.findings = [5]int{}
	for _, f := range res.Findings {
		if f.Severity >= probes.Info && f.Severity <= probes.Critical {
			cs.findings[f.Severity]++
		}
	}
	cs.runs[res.Status]++
}

// Describe sends nothing: the families depend on what probes report, so this is an
// unchecked collector (allowed by the client library, and exactly what a snapshot is).
func (m *Metrics) Describe(chan<- *prometheus.Desc) {}

var statuses = []probes.Status{probes.StatusOK, probes.StatusWarn, probes.StatusFail, probes.StatusError, probes.StatusUnknown}

// Collect renders the snapshot.
func (m *Metrics) Collect(out chan<- prometheus.Metric) {
	g := func(name string, v float64, labels ...string) {
		out <- prometheus.MustNewConstMetric(m.descs[name], prometheus.GaugeValue, v, labels...)
	}
	c := func(name string, v float64, labels ...string) {
		out <- prometheus.MustNewConstMetric(m.descs[name], prometheus.CounterValue, v, labels...)
	}
	g("build_info", 1, m.version)
	m.mu.RLock()
	for _, name := range m.order {
		cs := m.checks[name]
		l := cs.labels[:]
		with := func(extra string) []string { return append(append(make([]string, 0, 5), l...), extra) }
		for _, st := range statuses {
			v := 0.0
			if cs.status == st {
				v = 1
			}
			g("probe_status", v, with(string(st))...)
		}
		if m.skipped != nil {
			c("probe_skipped_total", float64(m.skipped(name)), l...)
		}
		if cs.status == probes.StatusUnknown {
			continue // not run yet: no success, duration or findings to speak of
		}
		success := 0.0
		if cs.status == probes.StatusOK || cs.status == probes.StatusWarn {
			success = 1
		}
		g("probe_success", success, l...)
		g("probe_duration_seconds", cs.duration.Seconds(), l...)
		g("probe_last_run_timestamp_seconds", float64(cs.at.UnixNano())/1e9, l...)
		for sev := probes.Info; sev <= probes.Critical; sev++ {
			g("probe_findings", float64(cs.findings[sev]), with(sev.String())...)
		}
		for _, st := range statuses[:4] {
			c("probe_runs_total", float64(cs.runs[st]), with(string(st))...)
		}
		for k, v := range cs.metrics {
			pm, ok := paneMetrics[k]
			switch {
			case !ok:
				g("probe_metric", v, with(k)...)
				continue
			case pm.scale != 0:
				v *= pm.scale
			}
			if pm.label != "" {
				g(pm.name, v, with(pm.val)...)
			} else {
				g(pm.name, v, l...)
			}
			if k == "days_left" {
				if _, exact := cs.metrics["not_after_unix"]; !exact {
					g("probe_ssl_earliest_cert_expiry", float64(cs.at.Unix())+v*86400, l...)
				}
			}
		}
		if na, ok := cs.metrics["not_after_unix"]; ok {
			g("probe_ssl_earliest_cert_expiry", na, l...)
		}
	}
	m.mu.RUnlock()
	if m.channels != nil {
		for _, h := range m.channels() {
			l := []string{h.Channel, h.Kind}
			up := 0.0
			if h.Up {
				up = 1
			}
			g("alert_channel_up", up, l...)
			g("alert_channel_queued", float64(h.Queued), l...)
			g("alert_channel_consecutive_failures", float64(h.ConsecutiveFailures), l...)
			c("alert_channel_delivered_total", float64(h.Delivered), l...)
			c("alert_channel_failures_total", float64(h.Failures), l...)
			c("alert_channel_dropped_total", float64(h.Dropped), l...)
			ls := 0.0
			if !h.LastSuccess.IsZero() {
				ls = float64(h.LastSuccess.Unix())
			}
			g("alert_channel_last_success_timestamp_seconds", ls, l...)
		}
	}
	if m.alerts != nil {
		counts := map[[2]string]int{}
		for _, a := range m.alerts() {
			st := "pending"
			if a.Firing {
				st = "firing"
			}
			counts[[2]string{st, a.Severity.String()}]++
		}
		for _, st := range []string{"pending", "firing"} {
			for sev := probes.Info; sev <= probes.Critical; sev++ {
				g("alerts", float64(counts[[2]string{st, sev.String()}]), st, sev.String())
			}
		}
	}
}

// metricName is the full name of a pane metric key, for the README's table and tests.
func metricName(key string) string {
	if pm, ok := paneMetrics[key]; ok {
		return "launchready_" + pm.name
	}
	return "launchready_probe_metric{name=\"" + strings.ToLower(key) + "\"}"
}
