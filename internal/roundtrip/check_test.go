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
	if !regexp.MustCompile(`member: (<1|\d) s to inbox, DKIM ✔ SPF ✔ DMARC ✔`).MatchString(res.Summary) {
		t.Errorf("summary %q lacks the member's delivery", res.Summary)
	}
	for _, s := range []string{"spam: ", "to spam", "lost: not delivered"} {
		if !strings.Contains(res.Summary, s) {
			t.Errorf("summary %q lacks %q", res.Summary, s)
		}
	}
	if res.Metrics["inboxes_ok"] != 2 || res.Metrics["inboxes"] != 4 || res.Metrics["delivery_delay_s"] > 10 || res.Metrics[MetricFolder] != FolderMissing {
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

// TestTriggerRowsInTheCheck: a trigger's round trip in the check names the mail, says
// what members miss when it lands in spam (in business terms), keeps its finding apart
// from the test message's to the same inbox, and reports the figures the history keeps
// under their stable names.
func TestTriggerRowsInTheCheck(t *testing.T) {
	t.Parallel()
	pass := []Auth{{Method: "dkim", Result: "pass"}, {Method: "spf", Result: "pass"}, {Method: "dmarc", Result: "pass"}}
	c := &Check{}
	spam := c.result(&Report{Trigger: "reset", Inboxes: []Result{{Inbox: "member", Address: "member@acme.example", Trigger: "reset",
		Status: StatusSpam, Folder: "Junk", DelaySeconds: 12, Ours: pass, DMARCPass: true}}})
	test := c.result(&Report{Inboxes: []Result{{Inbox: "member", Address: "member@acme.example",
		Status: StatusSpam, Folder: "Junk", DelaySeconds: 12, Ours: pass, DMARCPass: true}}})
	if len(spam.Findings) != 1 || len(test.Findings) != 1 {
		t.Fatalf("findings %+v %+v", spam.Findings, test.Findings)
	}
	f := spam.Findings[0]
	if f.Title != "Password-reset mail lands in spam (Junk): members cannot get back in" || !strings.Contains(f.Detail, "cannot get back in") || f.Target == test.Findings[0].Target {
		t.Errorf("reset finding %+v beside %+v", f, test.Findings[0])
	}
	if spam.Summary != "reset mail: 12 s to spam, DKIM ✔ SPF ✔ DMARC ✔" {
		t.Errorf("summary %q", spam.Summary)
	}
	want := map[string]float64{MetricDelay: 12, MetricFolder: FolderSpam, MetricDKIM: 1, MetricSPF: 1, MetricDMARC: 1}
	for k, v := range want {
		if got, ok := spam.Metrics[k]; !ok || got != v {
			t.Errorf("metric %s = %v (%v), want %v", k, got, ok, v)
		}
	}
	missing := c.result(&Report{Trigger: "reset", Inboxes: []Result{{Inbox: "member", Trigger: "reset", Status: StatusMissing}}})
	if _, ok := missing.Metrics[MetricDelay]; ok || missing.Metrics[MetricFolder] != FolderMissing {
		t.Errorf("a mail never delivered has no delay and folder missing: %v", missing.Metrics)
	}
}
