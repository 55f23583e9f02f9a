package mailauth

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// TestInboxDefaults: a provider name (or its IMAP host) fills host, port, TLS and the
// spam folders; the username is the address when it is one; the wait defaults to 2m.
func TestInboxDefaults(t *testing.T) {
	t.Parallel()
	checks, err := build(t, `email:
  inboxes:
    - {name: gmail, provider: gmail, username: lr.test@gmail.com, password: env:GMAIL_APP}
    - {name: work, provider: Microsoft365, username: lr@acme.example, password: file:/run/m365}
    - {name: yahoo, host: imap.mail.yahoo.com, username: lr@yahoo.com, password: env:Y}
    - {name: bridge, provider: proton-bridge, username: lr@proton.me, password: env:P}
    - {name: own, host: imap.acme.example, tls: starttls, username: tester, address: tester@acme.example, password: env:O}
  roundtrip: {keep: true}
`)
	if err != nil {
		t.Fatal(err)
	}
	c := ConfigOf(checks)
	want := []struct {
		name, host string
		port       int
		tls        string
		spam       []string
		address    string
	}{
		{"gmail", "imap.gmail.com", 993, "implicit", []string{"[Gmail]/Spam", "[Google Mail]/Spam"}, "lr.test@gmail.com"},
		{"work", "outlook.office365.com", 993, "implicit", []string{"Junk Email", "Junk"}, "lr@acme.example"},
		{"yahoo", "imap.mail.yahoo.com", 993, "implicit", []string{"Bulk", "Bulk Mail"}, "lr@yahoo.com"},
		{"bridge", "127.0.0.1", 1143, "starttls", []string{"Spam"}, "lr@proton.me"},
		{"own", "imap.acme.example", 143, "starttls", []string{"Junk", "Spam"}, "tester@acme.example"},
	}
	if len(c.Inboxes) != len(want) {
		t.Fatalf("%d inboxes", len(c.Inboxes))
	}
	for i, w := range want {
		in := c.Inboxes[i]
		if in.Name != w.name || in.Host != w.host || in.Port != w.port || in.TLS != w.tls || !slices.Equal(in.SpamFolders, w.spam) || in.Address != w.address {
			t.Errorf("inbox %d: %+v, want %+v", i, in, w)
		}
	}
	if c.Roundtrip.Wait != 2*time.Minute || !c.Roundtrip.Keep {
		t.Errorf("roundtrip %+v", c.Roundtrip)
	}
}

// TestInboxErrors: every problem in the inboxes at its line with a fix, and a literal
// password refused without being repeated.
func TestInboxErrors(t *testing.T) {
	t.Parallel()
	_, err := build(t, `email:
  inboxes:
    - name: a
      provider: hotmale
      username: x@acme.example
      password: env:A
    - name: a
      host: "imaps://imap.acme.example"
      tls: none
      port: 70000
      username: tester
      spam_folders: [INBOX]
  roundtrip:
    wait: 2h
`)
	ce, ok := err.(config.Errors)
	if !ok {
		t.Fatalf("error %T %v, want config.Errors", err, err)
	}
	want := map[string]int{ // the top-level keys take 4 lines
		"email.inboxes[0].provider":        8,
		"email.inboxes[1].name":            11,
		"email.inboxes[1].host":            12,
		"email.inboxes[1].tls":             13,
		"email.inboxes[1].port":            14,
		"email.inboxes[1].password":        11,
		"email.inboxes[1].address":         11,
		"email.inboxes[1].spam_folders[0]": 16,
		"email.roundtrip.wait":             18,
	}
	got := map[string]int{}
	for _, e := range ce {
		got[e.Path] = e.Line
		if e.Fix == "" {
			t.Errorf("%s: no fix: %s", e.Path, e.Msg)
		}
	}
	for p, line := range want {
		l, ok := got[p]
		if !ok || (line != 0 && l != line) {
			t.Errorf("%s: line %d (present %v), want %d; all: %v", p, l, ok, line, ce)
		}
	}
	if len(ce) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(ce), len(want), ce)
	}
	_, err = build(t, "email:\n  inboxes:\n    - {name: g, provider: gmail, username: a@gmail.com, password: planted-imap-literal}\n")
	if err == nil || strings.Contains(err.Error(), "planted-imap-literal") || !strings.Contains(err.Error(), "email.inboxes[0].password") {
		t.Errorf("literal password: %v", err)
	}
}
