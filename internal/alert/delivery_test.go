package alert

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/probes"
)

// channelYAML is an alerts section with fast timings, one channel and a catch-all rule.
func channelYAML(channel string, extra string) string {
	return `alerts:
  group_wait: 0s
  retry: {initial: 20ms, max: 80ms}
` + extra + `  channels:
    - name: ch
      ` + channel + `
  rules:
    - {owner: sam, severity: high, channels: [ch]}
`
}

func TestSlackExactPayload(t *testing.T) {
	t.Parallel()
	rx := newReceiver(t, 0)
	cfg, red := loadAlerts(t, channelYAML("slack: {url: env:SLACK_URL}", ""), map[string]string{"SLACK_URL": rx.URL + "/services/T000/B000/XXXXXXXXXXXXXXXX"})
	r := newRig(t, t.TempDir(), cfg, red, newClock())
	r.observe(failing(api, probes.Critical), failing(api, probes.Critical))
	got := rx.waitAccepted(t, 1)
	want := `{"text":":red_circle: *FIRING* · CRITICAL · revenue · Acme Community\n*API answers 503*\n` +
		`check: http api.acme.example · target: https://api.acme.example/\nobserved: HTTP 503 · expected: HTTP 2xx or 3xx\n` +
		`GET answered 503\nfix: roll back the last deploy\nfailing since 2026-11-28 02:00 UTC (2 results in a row) · owner: sam"}`
	if string(got[0].Body) != want {
		t.Errorf("Slack body:\n got %s\nwant %s", got[0].Body, want)
	}
	if got[0].Path != "/services/T000/B000/XXXXXXXXXXXXXXXX" || got[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("request: %s %v", got[0].Path, got[0].Header)
	}
	r.clock.Add(5 * time.Minute)
	r.observe(passing(api))
	got = rx.waitAccepted(t, 2)
	want = `{"text":":large_green_circle: *RESOLVED* · CRITICAL · Acme Community\n*API answers 503*\n` +
		`check: http api.acme.example · target: https://api.acme.example/\nwas failing for 5m0s (since 2026-11-28 02:00 UTC) · owner: sam"}`
	if string(got[1].Body) != want {
		t.Errorf("Slack resolved body:\n got %s\nwant %s", got[1].Body, want)
	}
}

func TestWebhookPayloadAndSignature(t *testing.T) {
	t.Parallel()
	rx := newReceiver(t, 0)
	const key = "whsec_test_key_for_hmac"
	cfg, red := loadAlerts(t, channelYAML("webhook: {url: env:HOOK_URL, hmac_key: env:HOOK_KEY}", ""),
		map[string]string{"HOOK_URL": rx.URL + "/launchready", "HOOK_KEY": key})
	r := newRig(t, t.TempDir(), cfg, red, newClock())
	r.observe(failing(api, probes.Critical), failing(api, probes.Critical))
	got := rx.waitAccepted(t, 1)[0]

	sig := got.Header.Get("X-Launchready-Signature")
	ts, v1, ok := strings.Cut(strings.TrimPrefix(sig, "t="), ",v1=")
	if !ok {
		t.Fatalf("signature header %q", sig)
	}
	mac := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(mac, "%s.%s", ts, got.Body)
	if want := hex.EncodeToString(mac.Sum(nil)); v1 != want {
		t.Errorf("signature does not verify: %s, want %s", v1, want)
	}
	if sec, _ := strconv.ParseInt(ts, 10, 64); sec != newClock().Now().Unix() {
		t.Errorf("signature timestamp %s", ts)
	}
	p := decodeJSON[WebhookPayload](t, got.Body)
	if p.Schema != WebhookSchema || p.ID == "" || p.ID != got.Header.Get("X-Launchready-Delivery") || p.Summary || len(p.Alerts) != 1 {
		t.Fatalf("payload envelope: %+v", p)
	}
	a := p.Alerts[0]
	want := WebhookAlert{Kind: KindFiring, Key: KeyOf(api, "http.server-error", "https://api.acme.example/"), Check: api,
		Finding: "http.server-error", Target: "https://api.acme.example/", Pane: probes.PaneEndpoints, Severity: probes.Critical,
		Impact: probes.Revenue, Title: "API answers 503", Detail: "GET answered 503", Observed: "HTTP 503",
		Expected: "HTTP 2xx or 3xx", Fix: "roll back the last deploy", Owners: []string{"sam"},
		Since: newClock().Now(), FiredAt: newClock().Now()}
	if fmt.Sprint(a) != fmt.Sprint(want) {
		t.Errorf("alert:\n got %+v\nwant %+v", a, want)
	}
	if !strings.HasPrefix(p.Text, "FIRING · CRITICAL · revenue · Acme Community\nAPI answers 503\n") {
		t.Errorf("text: %q", p.Text)
	}
}

func TestAlertmanagerPayload(t *testing.T) {
	t.Parallel()
	rx := newReceiver(t, 0)
	cfg, red := loadAlerts(t, channelYAML("alertmanager: {url: "+rxURL(rx)+", username: lr, password: env:AM_PASS, resend: 10s}", ""),
		map[string]string{"AM_PASS": "am-basic-pass"})
	r := newRig(t, t.TempDir(), cfg, red, newClock())
	r.observe(failing(api, probes.Critical), failing(api, probes.Critical))
	got := rx.waitAccepted(t, 1)[0]
	if got.Path != "/api/v2/alerts" {
		t.Errorf("path %s", got.Path)
	}
	if u, p, ok := (&http.Request{Header: got.Header}).BasicAuth(); !ok || u != "lr" || p != "am-basic-pass" {
		t.Errorf("basic auth %q %q %v", u, p, ok)
	}
	want := `[{"labels":{"alertname":"http.server-error","check":"http api.acme.example","impact":"revenue","owner":"sam","pane":"endpoints",` +
		`"product":"Acme Community","severity":"critical","target":"https://api.acme.example/"},` +
		`"annotations":{"description":"GET answered 503","expected":"HTTP 2xx or 3xx","fix":"roll back the last deploy","observed":"HTTP 503","summary":"API answers 503"},` +
		`"startsAt":"2026-11-28T02:00:00Z","endsAt":"2026-11-28T02:00:40Z"}]`
	if string(got.Body) != want {
		t.Errorf("Alertmanager body:\n got %s\nwant %s", got.Body, want)
	}
	r.clock.Add(3 * time.Minute)
	r.observe(passing(api))
	got = rx.waitAccepted(t, 2)[1]
	ams := decodeJSON[[]AMAlert](t, got.Body)
	if len(ams) != 1 || !ams[0].EndsAt.Equal(newClock().Now().Add(3*time.Minute)) || ams[0].Labels["alertname"] != "http.server-error" {
		t.Errorf("resolved: %s", got.Body)
	}
}

func rxURL(rx *receiver) string { return rx.URL }

func TestEmailThroughSMTP(t *testing.T) {
	t.Parallel()
	srv := newSMTP(t, "alerts@acme.example", "smtp-pass-123")
	cfg, red := loadAlerts(t, channelYAML(`email: {server: "`+srv.addr+`", tls: none, from: "Launch Ready <launchready@acme.example>", to: [ops@acme.example, sam@acme.example], username: alerts@acme.example, password: env:SMTP_PASS}`, ""),
		map[string]string{"SMTP_PASS": "smtp-pass-123"})
	r := newRig(t, t.TempDir(), cfg, red, newClock())
	r.observe(failing(api, probes.Critical), failing(api, probes.Critical))
	select {
	case <-srv.got:
	case <-time.After(10 * time.Second):
		t.Fatalf("no mail; log:\n%s", r.logs)
	}
	m := srv.messages()[0]
	if m.From != "launchready@acme.example" || strings.Join(m.To, ",") != "ops@acme.example,sam@acme.example" || m.User != "alerts@acme.example" {
		t.Errorf("envelope %+v", m)
	}
	data := string(m.Data)
	for _, want := range []string{
		"From: \"Launch Ready\" <launchready@acme.example>\r\n",
		"To: ops@acme.example, sam@acme.example\r\n",
		"Subject: [Acme Community] FIRING critical: API answers 503\r\n",
		"Content-Type: text/plain; charset=utf-8\r\n",
		"\r\n\r\nFIRING · CRITICAL · revenue · Acme Community\r\nAPI answers 503\r\n",
		"fix: roll back the last deploy\r\n",
	} {
		if !strings.Contains(data, want) {
			t.Errorf("mail lacks %q:\n%s", want, data)
		}
	}

	// A wrong password is a clear error that does not repeat the password.
	bad, red2 := loadAlerts(t, channelYAML(`email: {server: "`+srv.addr+`", tls: none, from: a@acme.example, to: [b@acme.example], username: alerts@acme.example, password: env:SMTP_PASS}`, ""),
		map[string]string{"SMTP_PASS": "wrong-pass-456"})
	s, err := NewSender(bad.Channels[0], SenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = Test(context.Background(), bad.Channels[0], s, "Acme", "acme.example", time.Now(), red2)
	if err == nil || !strings.Contains(err.Error(), "refused the login for ") || !strings.Contains(err.Error(), "check alerts email username and password") || strings.Contains(err.Error(), "wrong-pass-456") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestChannelFailsThenRecoversDeliveredOnce(t *testing.T) {
	t.Parallel()
	rx := newReceiver(t, 4)
	cfg, red := loadAlerts(t, channelYAML("webhook: {url: env:HOOK_URL}", ""), map[string]string{"HOOK_URL": rx.URL + "/hook"})
	r := newRig(t, t.TempDir(), cfg, red, nil)
	r.observe(failing(api, probes.Critical), failing(api, probes.Critical))
	rx.waitAccepted(t, 1)
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
	all, ok := rx.all(), rx.accepted()
	if len(all) != 5 || len(ok) != 1 {
		t.Fatalf("%d requests, %d accepted; want 4 failures then exactly one delivery", len(all), len(ok))
	}
	first := decodeJSON[WebhookPayload](t, all[0].Body).Alerts[0].Key
	for _, q := range all {
		if decodeJSON[WebhookPayload](t, q.Body).Alerts[0].Key != first {
			t.Errorf("a retry carried another alert")
		}
	}
	h := r.disp.Health()[0]
	if !h.Up || h.Failures != 4 || h.Delivered != 1 || h.ConsecutiveFailures != 0 || h.Queued != 0 {
		t.Errorf("health after recovery: %+v", h)
	}
	logs := r.logs.String()
	if !strings.Contains(logs, "alert channel is down") || !strings.Contains(logs, "alert channel is back") {
		t.Errorf("log does not tell the channel went down and came back:\n%s", logs)
	}
	// Backoff doubled between attempts (20, 40, 80, 80 ms).
	if b := backoff(cfg.Retry, 3); b != 80*time.Millisecond {
		t.Errorf("backoff(3) = %s", b)
	}
}

func TestChannelDownIsVisible(t *testing.T) {
	t.Parallel()
	rx := newReceiver(t, 1000)
	dir := t.TempDir()
	cfg, red := loadAlerts(t, channelYAML("webhook: {url: env:HOOK_URL}", ""), map[string]string{"HOOK_URL": rx.URL + "/hook"})
	r := newRig(t, dir, cfg, red, nil)
	r.observe(failing(api, probes.Critical), failing(api, probes.Critical))
	var h Health
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		hs, err := ReadHealth(dir) // what the console and `check` read
		if err == nil && len(hs.Channels) == 1 && !hs.Channels[0].Up {
			h = hs.Channels[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("channel never reported down in %s: %+v %v", HealthFile, hs, err)
		}
	}
	if h.Up || h.Channel != "ch" || h.Kind != "webhook" || h.Queued != 1 || h.DownSince.IsZero() ||
		!strings.Contains(h.LastError, "answered HTTP 500: internal error") {
		t.Errorf("health snapshot: %+v", h)
	}
}

func TestRestartMidIncident(t *testing.T) {
	t.Parallel()
	t.Run("delivered before the restart: never again", func(t *testing.T) {
		t.Parallel()
		rx := newReceiver(t, 0)
		dir := t.TempDir()
		cfg, red := loadAlerts(t, channelYAML("webhook: {url: env:HOOK_URL}", ""), map[string]string{"HOOK_URL": rx.URL + "/hook"})
		clk := newClock()
		r1 := newRig(t, dir, cfg, red, clk)
		r1.observe(failing(api, probes.Critical), failing(api, probes.Critical))
		rx.waitAccepted(t, 1)
		r1.shutdown()

		r2 := newRig(t, dir, cfg, red, clk)
		clk.Add(time.Minute)
		if ns := r2.observe(failing(api, probes.Critical), failing(api, probes.Critical)); len(ns) != 0 {
			t.Fatalf("after restart, still failing: %v (a duplicate)", kinds(ns))
		}
		ns := r2.observe(passing(api))
		if len(ns) != 1 || ns[0].Kind != KindResolved {
			t.Fatalf("after restart, recovered: %v", kinds(ns))
		}
		got := rx.waitAccepted(t, 2)
		time.Sleep(100 * time.Millisecond)
		if len(rx.all()) != 2 || decodeJSON[WebhookPayload](t, got[1].Body).Alerts[0].Kind != KindResolved {
			t.Fatalf("requests: %d, want firing then resolved", len(rx.all()))
		}
	})
	t.Run("queued before the restart: delivered after it", func(t *testing.T) {
		t.Parallel()
		rx := newReceiver(t, 1000)
		dir := t.TempDir()
		cfg, red := loadAlerts(t, channelYAML("webhook: {url: env:HOOK_URL}", ""), map[string]string{"HOOK_URL": rx.URL + "/hook"})
		clk := newClock()
		r1 := newRig(t, dir, cfg, red, clk)
		r1.observe(failing(api, probes.Critical), failing(api, probes.Critical))
		for start := time.Now(); len(rx.all()) == 0; time.Sleep(5 * time.Millisecond) {
			if time.Since(start) > 5*time.Second {
				t.Fatal("no delivery attempt before the restart")
			}
		}
		r1.shutdown()
		rx.mu.Lock()
		rx.fail = 0 // the channel comes back while we are down
		rx.mu.Unlock()

		r2 := newRig(t, dir, cfg, red, clk)
		got := rx.waitAccepted(t, 1)
		if p := decodeJSON[WebhookPayload](t, got[0].Body); p.Alerts[0].Kind != KindFiring || p.Alerts[0].Check != api {
			t.Fatalf("after restart delivered %+v", p.Alerts)
		}
		if ns := r2.observe(failing(api, probes.Critical)); len(ns) != 0 {
			t.Fatalf("the alert fired again after restart: %v", kinds(ns))
		}
		time.Sleep(100 * time.Millisecond)
		if n := len(rx.accepted()); n != 1 {
			t.Fatalf("%d deliveries, want 1", n)
		}
	})
}

func TestFiftyChecksFailingSendOneSummary(t *testing.T) {
	t.Parallel()
	slack, hook := newReceiver(t, 0), newReceiver(t, 0)
	// group_wait is long enough that observing the hundred results (slow under -race on a
	// loaded machine) fits inside it: the test is about grouping, not about the wait.
	cfg, red := loadAlerts(t, `alerts:
  group_wait: 2s
  channels:
    - name: slack
      slack: {url: env:SLACK_URL}
    - name: hook
      webhook: {url: env:HOOK_URL}
  rules:
    - {owner: ops, severity: high, channels: [slack, hook]}
`, map[string]string{"SLACK_URL": slack.URL + "/s", "HOOK_URL": hook.URL + "/h"})
	r := newRig(t, t.TempDir(), cfg, red, nil)
	for round := range 2 {
		for i := range 50 {
			r.observe(failing(fmt.Sprintf("http site%02d.acme.example", i), probes.Critical))
		}
		_ = round
	}
	s := slack.waitAccepted(t, 1)
	h := hook.waitAccepted(t, 1)
	time.Sleep(2200 * time.Millisecond) // a second message would have gone by now
	if len(slack.all()) != 1 || len(hook.all()) != 1 {
		t.Fatalf("slack got %d messages, webhook %d; want one summary each", len(slack.all()), len(hook.all()))
	}
	text := decodeJSON[SlackPayload](t, s[0].Body).Text
	lines := strings.Split(text, "\n")
	if lines[0] != "*[Acme Community] 50 alerts: 50 firing*" || len(lines) != 1+maxSummaryLines+1 ||
		!strings.HasPrefix(lines[1], ":red_circle: FIRING CRITICAL · API answers 503 · http site") ||
		lines[len(lines)-1] != "…and 25 more (run `launchready check` or open the console for all of them)" {
		t.Errorf("summary text:\n%s", text)
	}
	p := decodeJSON[WebhookPayload](t, h[0].Body)
	if !p.Summary || len(p.Alerts) != 50 {
		t.Errorf("webhook summary: summary=%v alerts=%d", p.Summary, len(p.Alerts))
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const (
		pathToken = "/hooks/T0SECRETPATHTOKEN123456"
		hmacKey   = "hmac-SECRET-k3y-987"
		smtpPass  = "smtp-SECRET-pw-654"
	)
	rx := newReceiver(t, 1000)
	rx.failBody = "no such hook: " + pathToken // a receiver that echoes the URL back
	srv := newSMTP(t, "alerts@acme.example", "the-right-password")
	dir := t.TempDir()
	cfg, red := loadAlerts(t, `alerts:
  group_wait: 0s
  fire_after: 1
  retry: {initial: 10ms, max: 20ms}
  channels:
    - name: hook
      webhook: {url: env:HOOK_URL, hmac_key: env:HOOK_KEY}
    - name: mail
      email: {server: "`+srv.addr+`", tls: none, from: a@acme.example, to: [b@acme.example], username: alerts@acme.example, password: env:SMTP_PASS}
  rules:
    - {owner: ops, channels: [hook, mail]}
`, map[string]string{"HOOK_URL": rx.URL + pathToken, "HOOK_KEY": hmacKey, "SMTP_PASS": smtpPass})
	r := newRig(t, dir, cfg, red, nil)
	// A finding whose text carries a secret (a probe quoting a header) is masked too.
	res := failing(api, probes.Critical)
	res.Findings[0].Detail = "upstream said: bad key " + hmacKey
	r.observe(res)
	deadline := time.Now().Add(5 * time.Second)
	for {
		h := r.disp.Health()
		if !h[0].Up && !h[1].Up {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("channels never went down: %+v", h)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var errs []string
	for _, ch := range cfg.Channels {
		s, _ := NewSender(ch, SenderOptions{})
		if err := Test(context.Background(), ch, s, "Acme", "acme.example", time.Now(), red); err != nil {
			errs = append(errs, err.Error())
		}
	}
	r.shutdown()
	journal, _ := os.ReadFile(filepath.Join(dir, JournalName))
	health, _ := os.ReadFile(filepath.Join(dir, HealthFile))
	for name, text := range map[string]string{"journal": string(journal), "health": string(health), "log": r.logs.String(), "errors": strings.Join(errs, "\n")} {
		for _, secret := range []string{pathToken, strings.TrimPrefix(pathToken, "/"), hmacKey, smtpPass} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains the secret %q:\n%s", name, secret, text)
			}
		}
		if text == "" {
			t.Errorf("%s is empty: the test proves nothing", name)
		}
	}
	if !strings.Contains(string(health), "answered HTTP 500: no such hook: [REDACTED:config-secret]") {
		t.Errorf("health does not show the (redacted) error:\n%s", health)
	}
	if len(errs) != 2 {
		t.Errorf("alert test errors: %q", errs)
	}
}
