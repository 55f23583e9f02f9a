package roundtrip

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/imaptest"
	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/probes/mailauth"
)

const passing = "dkim=pass header.d=acme.example; spf=pass smtp.mailfrom=launchready@acme.example; dmarc=pass header.from=acme.example"

// world is one dovecot, one provider and acme.example's DNS, shared by a test's cases; each
// case reads its own user's mailbox.
type world struct {
	dv   *imaptest.Dovecot
	prov *provider
	opts func(t *testing.T, wait time.Duration, inboxes ...mailauth.Inbox) Options
}

func newWorld(t *testing.T, fates map[string]fate) *world {
	t.Helper()
	var users []string
	for u := range fates {
		users = append(users, u)
	}
	dv := imaptest.Start(t, users...)
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	n := zone(t, pub)
	prov := startProvider(t, dv, key, fates)
	w := &world{dv: dv, prov: prov}
	w.opts = func(t *testing.T, wait time.Duration, inboxes ...mailauth.Inbox) Options {
		return Options{
			Inboxes:   inboxes,
			Password:  func(mailauth.Inbox) string { return imaptest.Password },
			Send:      prov.send(t, t.TempDir()),
			Resolver:  n,
			Dial:      (&net.Dialer{}).DialContext,
			TLSConfig: func(string) *tls.Config { return dv.TLS.Clone() },
			Wait:      wait, CommandTimeout: 5 * time.Second,
			Secrets: []string{imaptest.Password, plantedSMTP},
		}
	}
	return w
}

// inbox is the config of a user's test inbox at the dovecot.
func (w *world) inbox(local, mode string) mailauth.Inbox {
	port := w.dv.ImplicitPort
	if mode == "starttls" {
		port = w.dv.StartTLSPort
	}
	return mailauth.Inbox{Name: local, Host: "127.0.0.1", Port: port, TLS: mode, Username: local + "@test.example",
		Address: local + "@test.example", SpamFolders: []string{"Spam"}}
}

// outputs renders a report every way it leaves the program, for the secret checks.
func outputs(t *testing.T, rep *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return b.String() + "\n" + string(j)
}

func noSecrets(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{imaptest.Password, plantedSMTP} {
		if strings.Contains(text, s) {
			t.Errorf("a planted password is in the output:\n%s", text)
		}
	}
}

func TestRoundtrip(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]fate{
		"member":  {folder: "INBOX", authResults: passing},
		"spam":    {folder: "Junk", authResults: passing + "; x-spam=yes"},
		"changed": {folder: "INBOX", tamper: true, authResults: passing},
		"rotated": {folder: "INBOX", selector: "old1", authResults: "dkim=pass header.d=acme.example; spf=pass smtp.mailfrom=launchready@acme.example; dmarc=pass header.from=acme.example"},
		"lost":    {},
		"kept":    {folder: "INBOX", authResults: passing},
	})
	type want struct {
		status   string
		folder   string
		ok       bool
		deleted  bool
		disagree string // a disagreement containing this
		text     string // the text output contains this
	}
	cases := []struct {
		name  string
		inbox mailauth.Inbox
		wait  time.Duration
		keep  bool
		want  want
	}{
		{"delivered to the inbox and passing, over implicit TLS", w.inbox("member", "implicit"), 20 * time.Second, false,
			want{status: StatusInbox, folder: "INBOX", ok: true, deleted: true, text: "delivered to the inbox after"}},
		{"filed as spam, found through the \\Junk marker, over STARTTLS", w.inbox("spam", "starttls"), 20 * time.Second, false,
			want{status: StatusSpam, folder: "Junk", deleted: true, text: "delivered to SPAM (Junk)"}},
		{"body changed in transit: the receiver passed DKIM, we fail it", w.inbox("changed", "implicit"), 20 * time.Second, false,
			want{status: StatusInbox, folder: "INBOX", deleted: true, disagree: "DKIM for acme.example: the receiver says pass, we find fail", text: "▲ disagreement"}},
		{"signed with a rotated-out key: the receiver says pass, we find the key revoked", w.inbox("rotated", "implicit"), 20 * time.Second, false,
			want{status: StatusInbox, folder: "INBOX", deleted: true, disagree: "DKIM for acme.example: the receiver says pass, we find permerror"}},
		{"never delivered: the wait ends with a clear result", w.inbox("lost", "implicit"), 2 * time.Second, false,
			want{status: StatusMissing, text: "NOT DELIVERED within 2s (looked in INBOX, Junk)"}},
		{"kept when asked", w.inbox("kept", "implicit"), 20 * time.Second, true,
			want{status: StatusInbox, folder: "INBOX", ok: true, text: "left in the inbox"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := w.opts(t, c.wait, c.inbox)
			o.Keep = c.keep
			start := time.Now()
			rep := Run(context.Background(), o)
			took := time.Since(start)
			r := rep.Inboxes[0]
			out := outputs(t, rep)
			noSecrets(t, out)
			if r.Status != c.want.status || r.Folder != c.want.folder || r.OK() != c.want.ok || r.Deleted != c.want.deleted {
				t.Errorf("status %q folder %q ok %v deleted %v, want %+v\n%s", r.Status, r.Folder, r.OK(), r.Deleted, c.want, out)
			}
			if c.want.disagree != "" && !strings.Contains(strings.Join(r.Disagreements, "\n"), c.want.disagree) {
				t.Errorf("disagreements %q, want one with %q", r.Disagreements, c.want.disagree)
			}
			if c.want.disagree == "" && len(r.Disagreements) > 0 {
				t.Errorf("unexpected disagreements %q", r.Disagreements)
			}
			if c.want.text != "" && !strings.Contains(out, c.want.text) {
				t.Errorf("text lacks %q:\n%s", c.want.text, out)
			}
			if took > c.wait+10*time.Second {
				t.Errorf("took %s, beyond the %s wait", took, c.wait)
			}
			if r.Status == StatusInbox || r.Status == StatusSpam {
				if r.Token == "" || r.Receiver == nil || r.Receiver.Server != "mx.test.example" || len(r.Ours) == 0 || r.DelaySeconds > 10 {
					t.Errorf("judgement incomplete: %+v", r)
				}
				left := w.dv.Count(t, c.inbox.Name, r.Folder)
				if want := map[bool]uint32{true: 1, false: 0}[c.keep]; left != want {
					t.Errorf("%d messages left in %s, want %d", left, r.Folder, want)
				}
			}
		})
	}
}

// TestRoundtripPassingText: the passing case says so in full, the receiver's verdict and ours
// side by side with their domains.
func TestRoundtripPassingText(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]fate{"member": {folder: "INBOX", authResults: passing}})
	rep := Run(context.Background(), w.opts(t, 20*time.Second, w.inbox("member", "implicit")))
	out := outputs(t, rep)
	for _, s := range []string{
		"✔ member (member@test.example) · lr-",
		"receiver mx.test.example: dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example)",
		"our check:  dkim=pass (acme.example) spf=pass (acme.example) dmarc=pass (acme.example)",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	if rep.Failed() || rep.AllErrors() {
		t.Errorf("failed %v all errors %v", rep.Failed(), rep.AllErrors())
	}
	dir := t.TempDir()
	if last, err := Last(dir); last != nil || err != nil {
		t.Errorf("no record yet: %v %v", last, err)
	}
	if err := Save(dir, rep); err != nil {
		t.Fatal(err)
	}
	last, err := Last(dir)
	if err != nil || last == nil || len(last.Inboxes) != 1 || last.Inboxes[0].Token != rep.Inboxes[0].Token || !last.Inboxes[0].OK() {
		t.Errorf("recorded %+v %v", last, err)
	}
}

// TestRoundtripWrongPassword: the login is refused with advice naming the reference, the
// password itself nowhere, and nothing sent.
func TestRoundtripWrongPassword(t *testing.T) {
	t.Parallel()
	w := newWorld(t, map[string]fate{"member": {folder: "INBOX", authResults: passing}})
	in := w.inbox("member", "implicit")
	in.Password = nil
	o := w.opts(t, 5*time.Second, in)
	o.Password = func(mailauth.Inbox) string { return "wrong-" + imaptest.Password }
	rep := Run(context.Background(), o)
	r := rep.Inboxes[0]
	out := outputs(t, rep)
	noSecrets(t, out)
	if r.Status != StatusError || !strings.Contains(r.Error, "refused the login for member@test.example") || r.Token != "" {
		t.Errorf("result %+v", r)
	}
	if !rep.AllErrors() || !strings.Contains(out, "could not make the round trip") {
		t.Errorf("all errors %v:\n%s", rep.AllErrors(), out)
	}
	if n := len(w.prov.passwords); n != 0 {
		t.Errorf("%d SMTP logins: a message was sent though the inbox could not be read", n)
	}
	if strings.Contains(w.dv.LogText(), imaptest.Password) {
		t.Error("dovecot's log holds the password")
	}
}

// TestRoundtripHangingServer: an IMAP server that accepts and never speaks ends the round
// trip within the command timeout, with a clear error, instead of hanging it.
func TestRoundtripHangingServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	for _, mode := range []string{"implicit", "starttls"} {
		sent := false
		o := Options{
			Inboxes:  []mailauth.Inbox{{Name: "hung", Host: "127.0.0.1", Port: port, TLS: mode, Username: "u@test.example", Address: "u@test.example"}},
			Password: func(mailauth.Inbox) string { return imaptest.Password },
			Send: func(context.Context, string) (*mailsend.Attempt, error) {
				sent = true
				return nil, fmt.Errorf("not reached")
			},
			Dial:      (&net.Dialer{}).DialContext,
			TLSConfig: func(string) *tls.Config { return &tls.Config{} },
			Wait:      time.Minute, CommandTimeout: time.Second,
		}
		start := time.Now()
		rep := Run(context.Background(), o)
		r := rep.Inboxes[0]
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s: took %s with a 1s command timeout", mode, took)
		}
		if r.Status != StatusError || sent {
			t.Errorf("%s: %+v (sent %v)", mode, r, sent)
		}
		if mode == "implicit" && !strings.Contains(r.Error, "TLS with 127.0.0.1") || mode == "starttls" && !strings.Contains(r.Error, "did not greet as an IMAP server") {
			t.Errorf("%s: error %q", mode, r.Error)
		}
	}
}
