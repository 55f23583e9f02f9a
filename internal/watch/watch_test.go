package watch

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/redact"
	"github.com/launchready/launchready/probes"
)

// fakeCheck reports what the test tells it to: a failing target (a finding), or a
// passing one with pane metrics.
type fakeCheck struct {
	info probes.CheckInfo
	fail atomic.Bool
	runs atomic.Int64
}

func (c *fakeCheck) Info() probes.CheckInfo { return c.info }
func (c *fakeCheck) Run(ctx context.Context) probes.Result {
	c.runs.Add(1)
	res := probes.Result{Summary: "200 OK", Metrics: map[string]float64{
		"status": 200, "latency_ms": 12.5, "tls_ms": 3, "days_left": 30, "uptime_24h": 99.5, "spf_lookups": 7, "queue_depth": 4}}
	if c.fail.Load() {
		res = probes.Result{Summary: "503", Metrics: map[string]float64{"status": 503},
			Findings: []probes.Finding{{ID: "http.server-error", Severity: probes.Critical, Impact: probes.Revenue, Title: "API answers 503"}}}
	}
	return res
}

type rx struct {
	mu   sync.Mutex
	body [][]byte
	got  chan struct{}
}

func newRx(t *testing.T) (*rx, *httptest.Server) {
	r := &rx{got: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.body = append(r.body, b)
		r.mu.Unlock()
		r.got <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	return r, srv
}

func alertsFor(t *testing.T, hookURL string) (*alert.Config, *redact.Redactor) {
	t.Helper()
	cfg, err := config.Parse([]byte(`domain: acme.example
canonical_url: https://app.acme.example/
hosts: [{name: app.acme.example}]
alerts:
  fire_after: 2
  group_wait: 0s
  channels:
    - name: hook
      webhook: {url: env:HOOK_URL}
  rules:
    - {owner: ops, channels: [hook]}
`), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ac, err := alert.Decode(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Resolve(func(string) (string, bool) { return hookURL, true }); len(errs) > 0 {
		t.Fatal(errs)
	}
	return ac, mustRedactor(t, cfg.SecretValues())
}

type running struct {
	addr string
	stop func() error
}

func start(t *testing.T, dir string, checks []probes.Check, ac *alert.Config, red *redact.Redactor) *running {
	t.Helper()
	runner := probes.NewRunner(checks, probes.RunnerOptions{Interval: 50 * time.Millisecond, Timeout: time.Second})
	var senders map[string]alert.Sender
	if ac != nil {
		var err error
		if senders, err = alert.NewSenders(ac, alert.SenderOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{StateDir: dir, Listen: "127.0.0.1:0", Runner: runner, Alerts: ac, Senders: senders,
			Product: "Acme", Domain: "acme.example", Version: "test", Redactor: red, Interval: 50 * time.Millisecond,
			Ready: func(a string) { ready <- a }})
	}()
	r := &running{}
	select {
	case r.addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("watch did not start: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not start in 5s")
	}
	var once sync.Once
	var err error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = errors.New("watch did not stop within 10s of cancellation")
			}
		})
		return err
	}
	t.Cleanup(func() { r.stop() })
	return r
}

func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics is not valid Prometheus text: %v", err)
	}
	return fams
}

// value finds the sample of a family whose labels include all of want.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	t.Helper()
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		ok := true
		for k, v := range want {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			ok = ok && found
		}
		if !ok {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestWatchMetricsHealthAndAlerts(t *testing.T) {
	t.Parallel()
	r, hook := newRx(t)
	ac, red := alertsFor(t, hook.URL+"/hook")
	dir := t.TempDir()
	app := &fakeCheck{info: probes.CheckInfo{Name: "http app.acme.example", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://app.acme.example/"}}
	api := &fakeCheck{info: probes.CheckInfo{Name: "http api.acme.example", Kind: "http", Pane: probes.PaneEndpoints, Target: "https://api.acme.example/health"}}
	api.fail.Store(true)
	w := start(t, dir, []probes.Check{app, api}, ac, red)

	select {
	case <-r.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no alert delivered for the failing check")
	}
	waitFor(t, "two runs of each check", func() bool { return app.runs.Load() >= 2 && api.runs.Load() >= 2 })
	// The receiver hears the request before watch hears the answer: wait for the record.
	waitFor(t, "the delivery recorded in /metrics", func() bool {
		v, _ := value(t, scrape(t, w.addr), "launchready_alert_channel_delivered_total", map[string]string{"channel": "hook"})
		return v == 1
	})

	fams := scrape(t, w.addr)
	appL := map[string]string{"check": "http app.acme.example", "kind": "http", "pane": "endpoints", "target": "https://app.acme.example/"}
	apiL := map[string]string{"check": "http api.acme.example"}
	for _, c := range []struct {
		name  string
		l     map[string]string
		extra map[string]string
		want  float64
	}{
		{"launchready_probe_success", appL, nil, 1},
		{"launchready_probe_success", apiL, nil, 0},
		{"launchready_probe_status", apiL, map[string]string{"status": "fail"}, 1},
		{"launchready_probe_status", apiL, map[string]string{"status": "ok"}, 0},
		{"launchready_probe_findings", apiL, map[string]string{"severity": "critical"}, 1},
		{"launchready_probe_findings", appL, map[string]string{"severity": "critical"}, 0},
		{"launchready_probe_http_status_code", apiL, nil, 503},
		{"launchready_probe_http_status_code", appL, nil, 200},
		{"launchready_probe_http_duration_seconds", appL, map[string]string{"phase": "tls"}, 0.003},
		{"launchready_probe_ssl_days_left", appL, nil, 30},
		{"launchready_probe_uptime_ratio", appL, map[string]string{"window": "24h"}, 0.995},
		{"launchready_probe_spf_dns_lookups", appL, nil, 7},
		{"launchready_probe_metric", appL, map[string]string{"name": "queue_depth"}, 4},
		{"launchready_alert_channel_up", map[string]string{"channel": "hook", "kind": "webhook"}, nil, 1},
		{"launchready_alert_channel_delivered_total", map[string]string{"channel": "hook"}, nil, 1},
		{"launchready_alerts", map[string]string{"state": "firing", "severity": "critical"}, nil, 1},
		{"launchready_build_info", map[string]string{"version": "test"}, nil, 1},
	} {
		l := map[string]string{}
		for k, v := range c.l {
			l[k] = v
		}
		for k, v := range c.extra {
			l[k] = v
		}
		got, ok := value(t, fams, c.name, l)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, l, got, ok, c.want)
		}
	}
	if v, ok := value(t, fams, "launchready_probe_ssl_earliest_cert_expiry", appL); !ok || v < float64(time.Now().Add(29*24*time.Hour).Unix()) {
		t.Errorf("cert expiry timestamp %v %v", v, ok)
	}
	if fams["launchready_probe_duration_seconds"].GetType() != dto.MetricType_GAUGE || fams["launchready_probe_runs_total"].GetType() != dto.MetricType_COUNTER {
		t.Errorf("metric types: %v %v", fams["launchready_probe_duration_seconds"].GetType(), fams["launchready_probe_runs_total"].GetType())
	}
	if fams["process_resident_memory_bytes"] == nil || fams["go_goroutines"] == nil {
		t.Error("process and Go runtime metrics are missing")
	}

	resp, err := http.Get("http://" + w.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var hr HealthReport
	json.NewDecoder(resp.Body).Decode(&hr)
	resp.Body.Close()
	if resp.StatusCode != 200 || hr.Status != "ok" || hr.Checks != 2 || hr.Results < 4 {
		t.Errorf("/healthz %d %+v", resp.StatusCode, hr)
	}

	// While it runs, the state folder is taken.
	if h, held := Held(dir); !held || h.PID != os.Getpid() {
		t.Errorf("Held = %+v %v", h, held)
	}
	if err := w.stop(); err != nil {
		t.Fatal(err)
	}
	if _, held := Held(dir); held {
		t.Error("lock still held after shutdown")
	}
	r.mu.Lock()
	n := len(r.body)
	r.mu.Unlock()
	if n != 1 {
		t.Errorf("%d deliveries, want exactly one firing", n)
	}
}

func TestSecondWatchRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := &fakeCheck{info: probes.CheckInfo{Name: "x", Kind: "http", Pane: probes.PaneEndpoints}}
	start(t, dir, []probes.Check{c}, nil, nil)
	runner := probes.NewRunner([]probes.Check{c}, probes.RunnerOptions{})
	err := Run(context.Background(), Options{StateDir: dir, Runner: runner})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second watch: %v, want a LockedError", err)
	}
	host, _ := os.Hostname()
	msg := err.Error()
	if le.Holder.PID != os.Getpid() || le.Holder.Host != host ||
		!strings.Contains(msg, "already owns the state folder "+dir) || !strings.Contains(msg, "pid ") || !strings.Contains(msg, "--state") {
		t.Errorf("message: %s", msg)
	}
}

func TestHealthzStalled(t *testing.T) {
	t.Parallel()
	now := time.Now()
	h := &health{started: now.Add(-10 * time.Minute), now: func() time.Time { return now }, checks: 3, stale: 3 * time.Minute}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"status":"stalled"`) {
		t.Errorf("no results for 10 minutes: %d %s", rec.Code, rec.Body)
	}
	h.observe(now.Add(-time.Minute))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("a result a minute ago: %d %s", rec.Code, rec.Body)
	}
}

func mustRedactor(t testing.TB, values []string) *redact.Redactor {
	t.Helper()
	r, err := redact.New(redact.Options{Values: redact.WithURLParts(values)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// slowCheck takes longer than its interval, so the runner skips slots.
type slowCheck struct{ info probes.CheckInfo }

func (c slowCheck) Info() probes.CheckInfo { return c.info }
func (c slowCheck) Run(ctx context.Context) probes.Result {
	select {
	case <-time.After(3 * c.info.Interval):
	case <-ctx.Done():
	}
	return probes.Result{Summary: "slow but fine"}
}

// TestMetricsCountSkippedRuns: a check slower than its interval shows its skipped runs as
// launchready_probe_skipped_total, a counter; a quick one shows 0.
func TestMetricsCountSkippedRuns(t *testing.T) {
	t.Parallel()
	slowL := map[string]string{"check": "http slow", "kind": "http", "pane": "endpoints", "target": "https://slow.acme.example/"}
	quickL := map[string]string{"check": "http quick", "kind": "http", "pane": "endpoints", "target": "https://quick.acme.example/"}
	slow := slowCheck{probes.CheckInfo{Name: slowL["check"], Kind: "http", Pane: probes.PaneEndpoints, Target: slowL["target"], Interval: 20 * time.Millisecond}}
	quick := &fakeCheck{info: probes.CheckInfo{Name: quickL["check"], Kind: "http", Pane: probes.PaneEndpoints, Target: quickL["target"], Interval: time.Hour}}
	w := start(t, t.TempDir(), []probes.Check{slow, quick}, nil, nil)
	waitFor(t, "a skipped run in /metrics", func() bool {
		v, _ := value(t, scrape(t, w.addr), "launchready_probe_skipped_total", slowL)
		return v >= 2
	})
	fams := scrape(t, w.addr)
	if f := fams["launchready_probe_skipped_total"]; f.GetType() != dto.MetricType_COUNTER {
		t.Errorf("launchready_probe_skipped_total is a %v, want a counter", f.GetType())
	}
	if v, ok := value(t, fams, "launchready_probe_skipped_total", quickL); !ok || v != 0 {
		t.Errorf("quick check: skipped %v (present %v), want 0", v, ok)
	}
}
