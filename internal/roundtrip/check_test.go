package roundtrip

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/mailauth"
)

// TestCheckFindings: the round trip as a pane check, against real servers: the inbox
// delivery passes with its figures, spam and a lost message are findings of their
// severity, and the summary says where each inbox's mail went.
func TestCheckFindings(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]fate{
		"member":  {folder: "INBOX", authResults: passing},
		"spam":    {folder: "Junk", authResults: passing},
		"changed": {folder: "INBOX", tamper: true, authResults: passing},
		"lost":    {},
	})
	o := w.opts(t, 3*time.Second, w.inbox("member", "implicit"), w.inbox("spam", "implicit"), w.inbox("changed", "implicit"), w.inbox("lost", "implicit"))
	dir := t.TempDir()
	c := &Check{stateDir: dir, run: func(ctx context.Context) *Report { return Run(ctx, o) }}
	res := c.Run(context.Background())
	got := map[string]probes.Severity{}
	for _, f := range res.Findings {
		got[f.ID+" "+strings.Fields(f.Target)[0]] = f.Severity
		if f.Fix == "" || f.Title == "" {
			t.Errorf("%s: no title or fix", f.ID)
		}
	}
	want := map[string]probes.Severity{
		FindingSpam + " spam":            probes.High,
		FindingMissing + " lost":         probes.Critical,
		FindingDisagreement + " changed": probes.Medium,
	}
	for k, sev := range want {
		if got[k] != sev {
			t.Errorf("%s: severity %v, want %v; all %v", k, got[k], sev, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	// The delay is whole seconds of the server's arrival time: 0s or 1s for a delivery the
	// test server files 300 ms after accepting it.
	if !regexp.MustCompile(`member: \ds to inbox, DKIM ✔ SPF ✔ DMARC ✔`).MatchString(res.Summary) {
		t.Errorf("summary %q lacks the member's delivery", res.Summary)
	}
	for _, s := range []string{"spam: ", "to spam", "lost: not delivered"} {
		if !strings.Contains(res.Summary, s) {
			t.Errorf("summary %q lacks %q", res.Summary, s)
		}
	}
	if res.Metrics["inboxes_ok"] != 2 || res.Metrics["inboxes"] != 4 || res.Metrics["delivery_delay_s"] > 10 {
		t.Errorf("metrics %v", res.Metrics)
	}
	noSecrets(t, res.Summary+fmtFindings(res.Findings))
	if last, err := Last(dir); err != nil || last == nil || len(last.Inboxes) != 4 {
		t.Errorf("not recorded: %v %v", last, err)
	}
}

func fmtFindings(fs []probes.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Title + f.Detail + f.Fix + strings.Join(f.Evidence, ""))
	}
	return b.String()
}

// TestKindOptIn: the check exists only when email.roundtrip.every is set, since each run
// sends a real message; it runs at that interval, and too often is refused.
func TestKindOptIn(t *testing.T) {
	t.Parallel()
	base := `domain: acme.example
canonical_url: https://app.acme.example/
hosts: [{name: app.acme.example}]
email:
  smtp: {host: smtp.acme.example, username: lr@acme.example, password: env:LR_SMTP}
  inboxes:
    - {name: gmail, provider: gmail, username: lr.test@gmail.com, password: env:GMAIL_APP}
`
	for _, c := range []struct {
		extra string
		n     int
		err   string
	}{
		{"", 0, ""},
		{"  roundtrip: {every: 1h}\n", 1, ""},
		{"  roundtrip: {every: 1m}\n", 0, "email.roundtrip.every: 1m0s is too often"},
	} {
		cfg, err := config.Parse([]byte(base+c.extra), "lr.yaml")
		if err != nil {
			t.Fatal(err)
		}
		checks, err := Kind.Build(probes.Env{Config: cfg})
		if err != nil || len(checks) != c.n {
			t.Errorf("%q: %d checks, %v; want %d", c.extra, len(checks), err, c.n)
		}
		if c.n == 1 && checks[0].Info().Interval != time.Hour {
			t.Errorf("interval %s", checks[0].Info().Interval)
		}
		_, err = mailauth.DecodeConfig(cfg)
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) || c.err == "" && err != nil {
			t.Errorf("%q: config error %v, want %q", c.extra, err, c.err)
		}
	}
}
