package alert

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/internal/config"
)

// TestConfigErrors: every mistake is listed at once, positioned, with a fix, and never
// echoes a secret.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key and typo", `alerts:
  fire_afterr: 2
  channels:
    - name: ops
      slack: {url: env:SLACK}
      webhok: {url: env:X}
  rules:
    - {owner: ops, channels: [ops]}
`, []string{
			`launchready.yaml:6:3: alerts.fire_afterr: unknown key; did you mean "fire_after"?`,
			`launchready.yaml:10:7: alerts.channels[0].webhok: unknown key; did you mean "webhook"?`,
		}},
		{"literal secret", `alerts:
  channels:
    - name: ops
      slack: {url: "https://hooks.slack.com/services/T000/B000/SECRETSECRET"}
  rules:
    - {owner: ops, channels: [ops]}
`, []string{`launchready.yaml:8:20: alerts.channels[0].slack.url: this looks like a literal secret`}},
		{"semantics", `alerts:
  fire_after: 0
  repeat: 5s
  retry: {initial: 10m, max: 1m}
  channels:
    - name: ops
    - name: ops
      slack: {url: env:A}
      webhook: {url: env:B}
    - name: mail
      email: {server: smtp.example.com, tls: none, from: nobody, to: []}
    - name: am
      alertmanager: {url: "ftp://x", password: env:P}
  rules:
    - {channels: [ops, pager], severity: urgent, panes: [web], checks: ["[bad"]}
  maintenance:
    - {from: "tomorrow", until: "2026-11-28T03:00:00Z"}
`, []string{
			`alerts.fire_after: 0 is out of range; use 1 to 100`,
			`alerts.repeat: 5s would page someone every few seconds`,
			`alerts.retry.initial: 10m0s is longer than retry.max (1m0s)`,
			`alerts.channels[0]: says no way to deliver; add one of slack:, webhook:, email: or alertmanager:`,
			`alerts.channels[1].name: "ops" is used twice (also channels[0])`,
			`alerts.channels[1]: has more than one of slack, webhook, email, alertmanager`,
			`alerts.channels[2].email.server: "smtp.example.com" is not host:port`,
			`alerts.channels[2].email.from: "nobody" is not an email address`,
			`alerts.channels[2].email.to: lists no recipients`,
			`alerts.channels[3].alertmanager.url: "ftp://x" is not an http(s) URL`,
			`alerts.channels[3].alertmanager: has a password but no username`,
			`alerts.rules[0]: has no owner`,
			`alerts.rules[0].severity: "urgent" is not a severity`,
			`alerts.rules[0].panes[0]: "web" is not a pane`,
			`alerts.rules[0].checks[0]: "[bad" is not a pattern`,
			`alerts.rules[0].channels[1]: no channel is named "pager"; use one of: ops, ops, mail, am`,
			`alerts.maintenance[0].from: "tomorrow" is not an RFC 3339 time`,
		}},
		{"plain SMTP across the network", `alerts:
  channels:
    - name: mail
      email: {server: "smtp.example.com:25", tls: none, from: a@acme.example, to: [b@acme.example]}
  rules:
    - {owner: ops, channels: [mail]}
`, []string{`alerts.channels[0].email.tls: none would send mail (and any password) in the clear across the network`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse([]byte(baseYAML+c.yaml), "launchready.yaml")
			if err == nil {
				_, err = Decode(cfg)
			}
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("missing %q in:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, "SECRETSECRET") {
				t.Errorf("the literal secret is echoed:\n%s", msg)
			}
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, "launchready.yaml:") || !strings.Contains(line, ":") {
					t.Errorf("unpositioned: %s", line)
				}
			}
		})
	}
}

// TestExampleAlertsSection: the commented-out alerts: section of the example config is
// valid once uncommented, so the documentation cannot drift from the code.
func TestExampleAlertsSection(t *testing.T) {
	t.Parallel()
	text := string(examples.Config)
	i := strings.Index(text, "\n# alerts:\n")
	if i < 0 {
		t.Fatal("examples/launchready.yaml has no commented-out alerts: section")
	}
	var b strings.Builder
	b.WriteString(text[:i+1])
	for _, line := range strings.Split(text[i+1:], "\n") {
		if l, ok := strings.CutPrefix(line, "# "); ok {
			b.WriteString(l)
		} else {
			b.WriteString(strings.TrimPrefix(line, "#"))
		}
		b.WriteString("\n")
	}
	ac, _ := loadAlerts(t, "", nil) // sanity of the helper with no section
	if ac != nil {
		t.Fatal("no section decoded to a config")
	}
	cfg, err := config.Parse([]byte(b.String()), "examples/launchready.yaml")
	if err != nil {
		t.Fatalf("uncommented example: %v", err)
	}
	c, err := Decode(cfg)
	if err != nil {
		t.Fatalf("uncommented example alerts: %v", err)
	}
	if len(c.Channels) != 4 || len(c.Rules) != 2 || len(c.Maintenance) != 1 {
		t.Errorf("example: %d channels, %d rules, %d windows", len(c.Channels), len(c.Rules), len(c.Maintenance))
	}
	for _, k := range []string{"slack", "webhook", "email", "alertmanager"} {
		found := false
		for _, ch := range c.Channels {
			found = found || ch.Kind() == k
		}
		if !found {
			t.Errorf("the example documents no %s channel", k)
		}
	}
}
