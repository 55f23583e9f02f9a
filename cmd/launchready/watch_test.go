package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/watch"
)

// hookServer is a loopback webhook receiver for the end-to-end tests.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	status int
}

func newHook(t *testing.T, status int) *hookServer {
	h := &hookServer{status: status}
	h.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		st := h.status
		h.mu.Unlock()
		if st != 200 {
			// A receiver that echoes the path back, as some do: the token must not leak.
			http.Error(w, "no hook at "+r.URL.Path, st)
		}
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.Server.Listener = l
	h.Start()
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) received() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([][]byte(nil), h.bodies...)
}

// labConfig is the example config with an alerts section, written to a temp folder.
func labConfig(t *testing.T, alerts string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "launchready.yaml")
	if err := os.WriteFile(p, append(append([]byte{}, examples.Config...), []byte("\n"+alerts)...), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWatchAlertsAndShutsDownOnSIGTERM(t *testing.T) {
	t.Parallel()
	hook := newHook(t, 200)
	const token = "/T0WATCHSECRET/B0000000/abcdefabcdef"
	cfg := labConfig(t, `alerts:
  fire_after: 1
  group_wait: 0s
  channels:
    - name: ops-hook
      webhook: {url: env:HOOK_URL, hmac_key: env:HOOK_KEY}
  rules:
    - {owner: ops@acme.example, severity: critical, checks: ["http api.*"], channels: [ops-hook]}
`)
	state := t.TempDir()
	env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "HOOK_URL=" + hook.URL + token, "HOOK_KEY=watch-hmac-secret-key"}
	cmd := exec.Command(binary, "watch", "--lab", "--config", cfg, "--state", state, "--listen", "127.0.0.1:0")
	cmd.Env = env
	var stderr bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(&stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The first line says where metrics are.
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil || !strings.Contains(line, "metrics on http://127.0.0.1:") {
		t.Fatalf("first line %q (%v)", line, err)
	}
	addr := strings.Fields(strings.SplitAfter(line, "metrics on http://")[1])[0]
	addr = strings.TrimSuffix(strings.TrimSuffix(addr, ";"), "/metrics")

	deadline := time.Now().Add(20 * time.Second)
	for len(hook.received()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no alert delivered; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The hook has the message; "told" waits for watch to journal that it was accepted.
	for told := false; !told; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the delivery was never journaled; stderr:\n%s", stderr.String())
		}
		if st, err := alert.ReadState(labState(state)); err == nil {
			for _, ds := range st.Delivery {
				told, _ = alert.Told(ds)
			}
		}
	}
	var p alert.WebhookPayload
	if err := json.Unmarshal(hook.received()[0], &p); err != nil || len(p.Alerts) != 1 ||
		p.Alerts[0].Finding != "http.server-error" || p.Alerts[0].Check != "http api.acme.example" || p.Product != "Acme Community" {
		t.Fatalf("delivered %s (%v)", hook.received()[0], err)
	}

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `launchready_probe_success{check="http api.acme.example",kind="http",pane="endpoints",target="https://api.acme.example/health"} 0`) ||
		!strings.Contains(string(metrics), `launchready_alert_channel_up{channel="ops-hook",kind="webhook"} 1`) {
		t.Errorf("metrics lack the api check or the channel:\n%s", metrics)
	}

	// alert status reads the same state while watch runs: the firing alert, the channel,
	// a runbook's maintenance window; exit 1 because something fires; no secret.
	if _, err := alert.StartMaintenance(labState(state), "runbook-deploy", alert.Span{Panes: []string{"endpoints"},
		Until: time.Now().Add(30 * time.Minute), Reason: "runbook deploy (run 1)", By: "sam@ops-1"}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := launch(t, env[1:], "alert", "status", "--config", cfg, "--state", labState(state))
	t.Logf("alert status:\n%s", out)
	for _, want := range []string{"watch: running, pid", "firing (", "http api.acme.example", "told ops@acme.example", "ops-hook", "up · ", "maintenance windows open now (1)", "the endpoints pane until", "sam@ops-1"} {
		if !strings.Contains(out, want) {
			t.Errorf("alert status lacks %q (exit %d):\n%s%s", want, code, out, errOut)
		}
	}
	if code != exitFindings || strings.Contains(out+errOut, token) || strings.Contains(out+errOut, "watch-hmac-secret-key") {
		t.Errorf("alert status: exit %d (want 1: firing), or a secret printed:\n%s%s", code, out, errOut)
	}
	jsonOut, _, _ := launch(t, env[1:], "alert", "status", "--json", "--config", cfg, "--state", labState(state))
	var st struct {
		Schema string             `json:"schema"`
		Firing []alert.Alert      `json:"firing"`
		Watch  *struct{ PID int } `json:"watch"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &st); err != nil || st.Schema != alertStatusSchema || len(st.Firing) == 0 || st.Watch == nil || st.Watch.PID != cmd.Process.Pid {
		t.Errorf("alert status --json: %v\n%s", err, jsonOut)
	}

	// A second watch on the same state folder refuses and names the first.
	_, errOut, code = launch(t, env[1:], "watch", "--lab", "--config", cfg, "--state", state, "--listen", "")
	if code != exitUsage || !strings.Contains(errOut, "already owns the state folder") || !strings.Contains(errOut, "pid ") {
		t.Errorf("second watch: exit %d, %s", code, errOut)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("exit %d after SIGTERM; stderr:\n%s", ee.ExitCode(), stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("watch did not stop within 15s of SIGTERM")
	}
	if !strings.Contains(stderr.String(), "launchready watch: stopped") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	// The lock is free again and nothing carries the secrets.
	if h, held := watch.Held(state); held {
		t.Errorf("state folder still held by %v after shutdown", h)
	}
	var leaks []string
	filepath.Walk(state, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, s := range []string{token, strings.TrimPrefix(token, "/"), "watch-hmac-secret-key"} {
			if bytes.Contains(b, []byte(s)) {
				leaks = append(leaks, p)
			}
		}
		return nil
	})
	if len(leaks) > 0 || strings.Contains(stderr.String(), "T0WATCHSECRET") {
		t.Errorf("secrets in %v or stderr", leaks)
	}
	log, _ := os.ReadFile(filepath.Join(labState(state), "launchready.log"))
	// gomaxprocs=1: the environment above sets no GOMAXPROCS, so watch runs on one core.
	if !strings.Contains(string(log), "alert delivered") || !strings.Contains(string(log), "watch stopped") || !strings.Contains(string(log), "gomaxprocs=1") {
		t.Errorf("tool log:\n%s", log)
	}
}

// TestAlertStatusToldMeansDelivered is the audit's case: the only channel down, two
// messages queued. alert status must not say anyone was told (v1 printed "notified":
// true and last_sent); it says what is queued where and why it failed, and once the hook
// takes the messages, who was told and when.
func TestAlertStatusToldMeansDelivered(t *testing.T) {
	t.Parallel()
	hook := newHook(t, 500)
	cfg := labConfig(t, `alerts:
  fire_after: 1
  group_wait: 0s
  down_after: 1
  retry: {initial: 200ms, max: 400ms}
  channels:
    - name: ops-hook
      webhook: {url: env:HOOK_URL}
  rules:
    - {owner: ops@acme.example, severity: critical, checks: ["http api.*", "dns admin.*"], channels: [ops-hook]}
`)
	state := t.TempDir()
	env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "HOOK_URL=" + hook.URL + "/hook"}
	cmd := exec.Command(binary, "watch", "--lab", "--config", cfg, "--state", state, "--listen", "")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	type delivery struct {
		Channel     string
		Delivered   *time.Time
		Queued      int
		QueuedSince *time.Time `json:"queued_since"`
		Failed      string
	}
	type firing struct {
		Check    string
		Notified *bool
		LastSent *time.Time `json:"last_sent"`
		Delivery []delivery
	}
	var st struct {
		Schema string
		Firing []firing
		Queued map[string]int
	}
	status := func() (string, int) {
		out, errOut, code := launch(t, env[1:], "alert", "status", "--json", "--config", cfg, "--state", labState(state))
		st.Firing, st.Queued = nil, nil
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("alert status --json: %v\n%s%s", err, out, errOut)
		}
		return out, code
	}
	wait := func(what string, cond func() bool) string {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			out, _ := status()
			if cond() {
				return out
			}
			if time.Now().After(deadline) {
				t.Fatalf("alert status never showed %s:\n%s\nwatch stderr:\n%s", what, out, stderr.String())
			}
		}
	}

	out := wait("two messages queued on the down channel", func() bool {
		if len(st.Firing) != 2 || st.Queued["ops-hook"] != 2 {
			return false
		}
		for _, a := range st.Firing {
			if len(a.Delivery) != 1 || a.Delivery[0].Failed == "" {
				return false
			}
		}
		return true
	})
	if _, code := status(); code != exitFindings || st.Schema != "launchready.alertstatus/v2" {
		t.Errorf("exit %d, schema %q; want 1 and v2", code, st.Schema)
	}
	for _, a := range st.Firing {
		if a.Notified == nil || *a.Notified || a.LastSent != nil {
			t.Errorf("%s: notified %v, last_sent %v with its only channel down; want false and absent:\n%s", a.Check, a.Notified, a.LastSent, out)
		}
		if len(a.Delivery) != 1 {
			t.Errorf("%s: delivery %+v, want one entry, for ops-hook", a.Check, a.Delivery)
			continue
		}
		if d := a.Delivery[0]; d.Channel != "ops-hook" || d.Queued != 1 || d.QueuedSince == nil || d.Delivered != nil || !strings.Contains(d.Failed, "HTTP 500") {
			t.Errorf("%s: delivery %+v, want 1 queued on ops-hook, the 500, nothing delivered", a.Check, d)
		}
	}
	text, _, _ := launch(t, env[1:], "alert", "status", "--config", cfg, "--state", labState(state))
	t.Logf("alert status, the channel down:\n%s", text)
	if strings.Contains(text, "told ops@acme.example") || strings.Count(text, "not told yet") != 2 ||
		strings.Count(text, "→ ops-hook: 1 queued since") != 2 || !strings.Contains(text, "last attempt failed") {
		t.Errorf("alert status with the channel down:\n%s", text)
	}

	hook.mu.Lock()
	hook.status = 200
	hook.mu.Unlock()
	wait("both delivered", func() bool {
		if len(st.Firing) != 2 || st.Queued["ops-hook"] != 0 {
			return false
		}
		for _, a := range st.Firing {
			if len(a.Delivery) != 1 || a.Delivery[0].Delivered == nil {
				return false
			}
		}
		return true
	})
	for _, a := range st.Firing {
		d := a.Delivery[0]
		if a.Notified == nil || !*a.Notified || a.LastSent == nil || !a.LastSent.Equal(*d.Delivered) || d.Queued != 0 || d.Failed != "" {
			t.Errorf("%s after the hook came back: notified %v, last_sent %v, delivery %+v", a.Check, a.Notified, a.LastSent, d)
		}
	}
	text, _, _ = launch(t, env[1:], "alert", "status", "--config", cfg, "--state", labState(state))
	if strings.Count(text, "told ops@acme.example") != 2 || strings.Count(text, "→ ops-hook: delivered") != 2 || strings.Contains(text, "not told") {
		t.Errorf("alert status after delivery:\n%s", text)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
}

func TestAlertTest(t *testing.T) {
	t.Parallel()
	good, bad := newHook(t, 200), newHook(t, 404)
	const slackToken = "/services/T0ALERTTEST/B0SECRET/zzzzzzzzzzzz"
	cfg := labConfig(t, `alerts:
  channels:
    - name: ops-hook
      webhook: {url: env:GOOD_URL}
    - name: ops-slack
      slack: {url: env:SLACK_URL}
  rules:
    - {owner: ops, channels: [ops-hook, ops-slack]}
`)
	// The example config's endpoints section references the lab's test secrets; outside
	// --lab they come from the environment like any real secret.
	labSecrets := []string{"LAUNCHREADY_LAB_MEMBER_PASSWORD=m", "LAUNCHREADY_LAB_ADMIN_PASSWORD=a",
		"LAUNCHREADY_LAB_STRIPE_WEBHOOK_SECRET=s", "LAUNCHREADY_LAB_GITHUB_WEBHOOK_SECRET=g",
		"LAUNCHREADY_LAB_SMTP_PASSWORD=p", "LAUNCHREADY_LAB_INBOX_PASSWORD=i"}
	env := append([]string{"GOOD_URL=" + good.URL + "/hook", "SLACK_URL=" + bad.URL + slackToken}, labSecrets...)

	out, errOut, code := launch(t, env, "alert", "test", "--config", cfg)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (one channel fails); out:\n%s\nerr:\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "✔ ops-hook (webhook)") || !strings.Contains(lines[0], "delivered in") ||
		!strings.HasPrefix(lines[1], "✖ ops-slack (slack)") || !strings.Contains(lines[1], "answered HTTP 404: no hook at [REDACTED:config-secret]") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(errOut, "1 of 2 channel(s) failed") {
		t.Errorf("stderr: %s", errOut)
	}
	for _, s := range []string{slackToken, strings.TrimPrefix(slackToken, "/"), "T0ALERTTEST"} {
		if strings.Contains(out+errOut, s) {
			t.Errorf("output leaks %q:\n%s%s", s, out, errOut)
		}
	}
	var p alert.WebhookPayload
	if b := good.received(); len(b) != 1 || json.Unmarshal(b[0], &p) != nil || p.Alerts[0].Kind != alert.KindTest {
		t.Errorf("test webhook got %q", b)
	}

	out, _, code = launch(t, env, "alert", "test", "ops-hook", "--config", cfg)
	if code != exitOK || !strings.HasPrefix(out, "✔ ops-hook (webhook)") || strings.Contains(out, "ops-slack") {
		t.Errorf("one channel: exit %d\n%s", code, out)
	}
	_, errOut, code = launch(t, env, "alert", "test", "nope", "--config", cfg)
	if code != exitUsage || !strings.Contains(errOut, `no channel is named "nope"; the config has: ops-hook, ops-slack`) {
		t.Errorf("unknown channel: exit %d %s", code, errOut)
	}
	_, errOut, code = launch(t, append(env[:1:1], labSecrets...), "alert", "test", "--config", cfg)
	if code != exitUsage || !strings.Contains(errOut, "SLACK_URL is not set") {
		t.Errorf("unset secret: exit %d %s", code, errOut)
	}
	_, errOut, code = launch(t, labSecrets, "alert", "test", "--config", labConfig(t, ""))
	if code != exitUsage || !strings.Contains(errOut, "has no alerts.channels to test") {
		t.Errorf("no alerts section: exit %d %s", code, errOut)
	}
}
