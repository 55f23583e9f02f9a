package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/launchready/launchready/internal/imaptest"
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/probes/lab"
)

// TestEmailRoundtrip runs `email roundtrip` end to end: the real binary sends through a
// go-smtp server on loopback, the test plays the provider (signs with the key the lab
// publishes, adds its Received line and Authentication-Results) and files the message into
// a real dovecot's INBOX, and the command finds it there over IMAP, judges it and deletes it.
// Both planted passwords must stay out of every output, the record and the log.
func TestEmailRoundtrip(t *testing.T) {
	t.Parallel()
	const smtpPassword = "planted-e2e-smtp-secret-5d0a"
	dv := imaptest.Start(t, "member")
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	l, err := lab.Start(lab.Scenario{Name: "roundtrip", Domain: "acme.example", Zones: []lab.Zone{{
		Origin: "acme.example",
		Records: []string{
			`@ 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
			`_dmarc 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@acme.example"`,
			`ed._domainkey 300 IN TXT "v=DKIM1; k=ed25519; p=` + pub + `"`,
		},
	}}}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })

	srv := &smtpStore{want: smtpPassword}
	addr, smtpCA := smtpServer(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go provide(ctx, t, srv, dv, key)

	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	var pems []byte
	for _, f := range []string{smtpCA, dv.CAFile} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pems = append(pems, b...)
	}
	if err := os.WriteFile(ca, pems, 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	cfg := filepath.Join(dir, "launchready.yaml")
	text := fmt.Sprintf(`domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - {name: app.acme.example, role: app}
network:
  connect_to: {"smtp.acme.example:587": %q, "imap.test.example:993": "127.0.0.1:%d"}
  ca_file: %s
email:
  smtp:
    host: smtp.acme.example
    username: launchready@acme.example
    password: env:LR_E2E_SMTP_PASSWORD
  inboxes:
    - name: test
      host: imap.test.example
      username: member@test.example
      password: env:LR_E2E_IMAP_PASSWORD
  roundtrip:
    wait: 20s
`, addr, dv.ImplicitPort, ca)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"LR_E2E_SMTP_PASSWORD=" + smtpPassword, "LR_E2E_IMAP_PASSWORD=" + imaptest.Password}
	base := []string{"email", "roundtrip", "--config", cfg, "--state", state, "--resolver", l.DNSAddr}

	out, stderr, code := launch(t, env, base...)
	if code != exitOK || !strings.Contains(out, "✔ test (member@test.example)") || !strings.Contains(out, "delivered to the inbox") ||
		!strings.Contains(out, "receiver mx.test.example: dkim=pass (acme.example)") || !strings.Contains(out, "deleted") {
		t.Fatalf("roundtrip: exit %d\n%s\n%s\n%s", code, out, stderr, dv.LogText())
	}
	if n := dv.Count(t, "member", "INBOX"); n != 0 {
		t.Errorf("%d messages left in the inbox", n)
	}
	last, err := roundtrip.Last(state)
	if err != nil || last == nil || len(last.Inboxes) != 1 || !last.Inboxes[0].OK() {
		t.Errorf("record %+v %v", last, err)
	}

	jout, jerr, code := launch(t, env, append(base, "--json", "--keep")...)
	var rep roundtrip.Report
	if code != exitOK || json.Unmarshal([]byte(jout), &rep) != nil || len(rep.Inboxes) != 1 || rep.Inboxes[0].Status != roundtrip.StatusInbox || rep.Inboxes[0].Deleted {
		t.Errorf("--json --keep: exit %d\n%s\n%s", code, jout, jerr)
	}
	if n := dv.Count(t, "member", "INBOX"); n != 1 {
		t.Errorf("--keep: %d messages in the inbox, want 1", n)
	}

	sent := srv.count()
	bad := []string{"LR_E2E_SMTP_PASSWORD=" + smtpPassword, "LR_E2E_IMAP_PASSWORD=wrong-" + imaptest.Password}
	wout, werr, code := launch(t, bad, base...)
	if code != exitUsage || !strings.Contains(wout, "refused the login for member@test.example") || !strings.Contains(wout, "env:LR_E2E_IMAP_PASSWORD") || srv.count() != sent {
		t.Errorf("wrong IMAP password: exit %d, %d sent\n%s\n%s", code, srv.count()-sent, wout, werr)
	}
	_, uerr, code := launch(t, env, append(base, "--inbox", "nope")...)
	if code != exitUsage || !strings.Contains(uerr, `--inbox "nope" is not in email.inboxes (test)`) {
		t.Errorf("unknown inbox: exit %d: %s", code, uerr)
	}

	all := out + stderr + jout + jerr + wout + werr + uerr + dv.LogText()
	filepath.Walk(state, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			all += string(b)
		}
		return nil
	})
	for _, secret := range []string{smtpPassword, imaptest.Password} {
		if strings.Contains(all, secret) {
			t.Errorf("a planted password leaked into output, the record or a log")
		}
	}
	if !strings.Contains(all, "email roundtrip") {
		t.Errorf("the tool's log does not record the round trip")
	}
}

// provide plays the two providers for every message the SMTP server takes: the sender's
// DKIM signature, then the receiver's headers, then delivery into the dovecot INBOX.
func provide(ctx context.Context, t *testing.T, srv *smtpStore, dv *imaptest.Dovecot, key ed25519.PrivateKey) {
	done := 0
	for ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		srv.mu.Lock()
		msgs := append([]string(nil), srv.msgs[done:]...)
		srv.mu.Unlock()
		for _, m := range msgs {
			done++
			var signed bytes.Buffer
			if err := dkim.Sign(&signed, strings.NewReader(m), &dkim.SignOptions{Domain: "acme.example", Selector: "ed", Signer: key}); err != nil {
				t.Errorf("signing: %v", err)
				return
			}
			recv := "Authentication-Results: mx.test.example; dkim=pass header.d=acme.example; spf=pass smtp.mailfrom=launchready@acme.example; dmarc=pass header.from=acme.example\r\n" +
				"Return-Path: <launchready@acme.example>\r\n" +
				"Received: from out.acme.example (out.acme.example [192.0.2.10])\r\n\tby mx.test.example; " + time.Now().Format(time.RFC1123Z) + "\r\n"
			if err := dv.Deliver("member", "INBOX", append([]byte(recv), signed.Bytes()...)); err != nil {
				t.Errorf("delivering: %v", err)
			}
		}
	}
}
