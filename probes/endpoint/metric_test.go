package endpoint

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/launchready/launchready/probes"
)

func TestMetricThresholds(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer planted-metrics-token" {
			w.WriteHeader(401)
			return
		}
		switch r.URL.Path {
		case "/metrics":
			fmt.Fprint(w, `{"failed_jobs":17,"webhook_failures_1h":"3","queues":[{"name":"mail","workers":1}],"status":"ok"}`)
		case "/broken":
			w.WriteHeader(500)
		case "/html":
			fmt.Fprint(w, "<html>")
		}
	}))
	cases := []struct {
		name, yaml, want, summary string
		value                     float64
	}{
		{"critical", `path: failed_jobs, metric: failed_jobs, warn: 1, critical: 10`, "endpoint.metric-critical/high", "17 failed jobs", 17},
		{"warn", `path: failed_jobs, warn: 5, critical: 50`, "endpoint.metric-warn/medium", "", 17},
		{"fine", `path: failed_jobs, warn: 20, critical: 50`, "", "", 17},
		{"quoted number", `path: webhook_failures_1h, metric: webhook_failures, warn: 1, critical: 5, impact: revenue`, "endpoint.metric-warn/medium", "3 webhook failures", 3},
		{"lower is worse", `path: queues.0.workers, metric: mail_workers, below: true, warn: 2, critical: 0`, "endpoint.metric-warn/medium", "", 1},
		{"severity set", `path: failed_jobs, critical: 10, severity: critical`, "endpoint.metric-critical/critical", "", 17},
		{"missing", `path: failed_jobs_total, warn: 1`, "endpoint.metric-unavailable/medium", "", -1},
		{"not a number", `path: status, metric: st, warn: 1`, "endpoint.metric-unavailable/medium", "", -1},
		{"endpoint broken", `path: failed_jobs, warn: 1, url_path: /broken`, "endpoint.metric-unavailable/medium", "", -1},
		{"not json", `path: failed_jobs, warn: 1, url_path: /html`, "endpoint.metric-unavailable/medium", "", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			spec, path := c.yaml, "/metrics"
			if i := strings.Index(spec, ", url_path: "); i >= 0 {
				spec, path = spec[:i], spec[i+len(", url_path: "):]
			}
			cs := setup(t, cfgText("  metrics:\n    - {name: m, url: %s%s, secret_headers: {Authorization: env:LR_METRICS_TOKEN}, %s}\n", srv.URL, path, spec),
				srv.net, map[string]string{"LR_METRICS_TOKEN": "Bearer planted-metrics-token"})
			res := run(t, cs["m"])
			if got := ids(res); got != c.want {
				t.Fatalf("findings %q, want %q (%s %s)", got, c.want, res.Summary, res.Err)
			}
			d := res.Data.(MetricDetail)
			if c.value >= 0 {
				if d.Value == nil || *d.Value != c.value || res.Metrics[d.Metric] != c.value || res.Metrics["up"] != 1 {
					t.Errorf("value %v, metrics %v", d.Value, res.Metrics)
				}
			} else if d.Value != nil || res.Metrics["up"] != 0 {
				t.Errorf("an unreadable metric has no value: %v %v", d.Value, res.Metrics)
			}
			if c.summary != "" && res.Summary != c.summary {
				t.Errorf("summary %q, want %q", res.Summary, c.summary)
			}
			if c.name == "critical" {
				f := res.Findings[0]
				if f.Title != "M at 17 (critical at 10)" || f.Impact != probes.Support || !strings.Contains(f.Fix, "job") {
					t.Errorf("finding %+v", f)
				}
			}
			if strings.Contains(fmt.Sprintf("%+v", res), "planted-metrics-token") {
				t.Error("the token leaked")
			}
		})
	}
}

// TestMetricReadsTheBodyWhateverTheStatus: a readiness endpoint that answers 503 with its
// numbers in the JSON body still gives the number, with the status said beside it; only
// a body without the path is "unavailable", and then the status and a cut body are named.
func TestMetricReadsTheBodyWhateverTheStatus(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ready":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(503)
			fmt.Fprint(w, `{"status":"degraded","failed_jobs":17}`)
		case "/ready-ok":
			w.WriteHeader(503)
			fmt.Fprint(w, `{"status":"degraded","failed_jobs":0}`)
		case "/gone":
			w.WriteHeader(503)
			fmt.Fprint(w, `{"status":"down"}`)
		case "/huge":
			// A valid JSON document holding the path, but past the read cap: what was read is
			// cut mid-string, and the finding must say so.
			fmt.Fprintf(w, `{"padding":"%s","failed_jobs":3}`, strings.Repeat("x", bodyLimit))
		}
	}))
	cases := []struct {
		path, want, summary string
		value               float64 // -1: unavailable
		status              int
		says                []string // in the finding's title, detail and observed
	}{
		{"/ready", "endpoint.metric-critical/high", "17 failed jobs (HTTP 503)", 17, 503,
			[]string{"failed_jobs = 17 (HTTP 503)"}},
		{"/ready-ok", "", "0 failed jobs (HTTP 503)", 0, 503, nil},
		{"/gone", "endpoint.metric-unavailable/medium", "unavailable: it answered 503 Service Unavailable and failed_jobs is not in the body", -1, 503,
			[]string{"503 Service Unavailable", "failed_jobs is not in the body"}},
		{"/huge", "endpoint.metric-unavailable/medium", "", -1, 200,
			[]string{"the body is not JSON; only the first 1 MiB of the body was read"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			cs := setup(t, cfgText("  metrics:\n    - {name: failed jobs, url: %s%s, path: failed_jobs, metric: failed_jobs, warn: 1, critical: 10}\n", srv.URL, c.path), srv.net, nil)
			res := run(t, cs["failed jobs"])
			if got := ids(res); got != c.want {
				t.Fatalf("findings %q, want %q (%s)", got, c.want, res.Summary)
			}
			d := res.Data.(MetricDetail)
			if d.Status != c.status || res.Metrics["status"] != float64(c.status) {
				t.Errorf("status %d (metric %v), want %d", d.Status, res.Metrics["status"], c.status)
			}
			if c.value >= 0 && (d.Value == nil || *d.Value != c.value || res.Metrics["failed_jobs"] != c.value || res.Metrics["up"] != 1) {
				t.Errorf("value %v, metrics %v: the number in a %d body must be read", d.Value, res.Metrics, c.status)
			}
			if c.value < 0 && d.Value != nil {
				t.Errorf("value %v from a body without it", *d.Value)
			}
			if c.summary != "" && res.Summary != c.summary {
				t.Errorf("summary %q, want %q", res.Summary, c.summary)
			}
			for _, s := range c.says {
				f := res.Findings[0]
				if all := f.Title + "\n" + f.Detail + "\n" + f.Observed; !strings.Contains(all, s) {
					t.Errorf("the finding does not say %q:\n%s", s, all)
				}
			}
		})
	}
}
