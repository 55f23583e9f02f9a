package roundtrip

import (
	"strings"
	"testing"
	"time"
)

// TestWriteMarkdown: one row per inbox and trigger, spam and missing marked, a pipe in an
// error kept inside its cell.
func TestWriteMarkdown(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	test := &Report{Started: at, Inboxes: []Result{
		{Inbox: "gmail", Status: StatusInbox, Folder: "INBOX", DelaySeconds: 12.4, DMARCPass: true,
			Receiver: &Receiver{Server: "mx.google.com", Results: []Auth{{"dkim", "pass", "acme.example"}, {"spf", "pass", "acme.example"}, {"dmarc", "pass", "acme.example"}}},
			Ours:     []Auth{{"dmarc", "pass", "acme.example"}}},
		{Inbox: "outlook", Status: StatusMissing},
	}}
	reset := &Report{Started: at, Trigger: "reset", Inboxes: []Result{
		{Inbox: "gmail", Trigger: "reset", Status: StatusSpam, Folder: "[Gmail]/Spam", DelaySeconds: 3, Ours: []Auth{{"dkim", "fail", "acme.example"}, {"dmarc", "fail", "acme.example"}},
			Disagreements: []string{"x"}, Links: []Link{{URL: "https://app/…"}, {URL: "http://app/…", Problem: "plain"}}},
		{Inbox: "icloud", Trigger: "reset", Status: StatusError, Error: "refused | login"},
	}}
	var b strings.Builder
	if err := WriteMarkdown(&b, test, nil, reset); err != nil {
		t.Fatal(err)
	}
	want := `| Inbox | Mail | When | Folder | Delay | Provider saw | Our verdict | Links |
|---|---|---|---|---|---|---|---|
| gmail | test message | 2026-12-07 09:30 UTC | inbox | 12s | dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example) | ✔ aligned | – |
| outlook | test message | 2026-12-07 09:30 UTC | **not delivered** | – | – | – | – |
| gmail | reset | 2026-12-07 09:30 UTC | **spam** ([Gmail]/Spam) | 3s | – | ✖ dkim=fail (acme.example) dmarc=fail (acme.example) (1 disagreement(s) with the provider) | ✖ 1 of 2 |
| icloud | reset | 2026-12-07 09:30 UTC | **error**: refused \| login | – | – | – | – |
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteMarkdown(&b); err != nil || !strings.Contains(b.String(), "No email round trip has been made yet") {
		t.Errorf("empty: %q %v", b.String(), err)
	}
}
