package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/launchready/launchready/internal/mailsend"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes/lab"
	"github.com/launchready/launchready/probes/mailauth"
)

// TestEmailVerify runs `email verify` on messages signed here, against a lab DNS holding
// the key, with no config (--resolver only), as an operator checking a saved message would.
func TestEmailVerify(t *testing.T) {
	t.Parallel()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	l, err := lab.Start(lab.Scenario{Name: "verify", Domain: "acme.example", Zones: []lab.Zone{{
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

	inner := "From: Acme <hello@acme.example>\r\nTo: member@example.net\r\nSubject: Welcome\r\n" +
		"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <w1@acme.example>\r\n\r\nWelcome aboard.\r\n"
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, strings.NewReader(inner), &dkim.SignOptions{Domain: "acme.example", Selector: "ed", Signer: key}); err != nil {
		t.Fatal(err)
	}
	received := "Return-Path: <bounce@acme.example>\r\nReceived: from out.acme.example (out.acme.example [192.0.2.10])\r\n by mx.example.net; Sat, 28 Nov 2026 10:00:01 +0000\r\n"
	dir := t.TempDir()
	good := filepath.Join(dir, "good.eml")
	bad := filepath.Join(dir, "tampered.eml")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(good, received+signed.String())
	write(bad, strings.Replace(received+signed.String(), "Welcome aboard.", "Welcome aboard!", 1))

	state := t.TempDir()
	out, stderr, code := launch(t, nil, "email", "verify", "--state", state, "--resolver", l.DNSAddr, "--json", good)
	if code != exitOK {
		t.Fatalf("good message: exit %d\n%s\n%s", code, out, stderr)
	}
	// The message's selector is recorded for the email pane, which checks it from then on:
	// the healthy lab publishes no key at ed._domainkey.acme.example, so the pane says so.
	seen, err := mailauth.ReadSelectors(state)
	if err != nil || len(seen) != 1 || seen[0].Domain != "acme.example" || seen[0].Selector != "ed" || seen[0].Message != "good.eml" {
		t.Errorf("recorded selectors %+v, %v", seen, err)
	}
	// The outcome is the last verify the handover pack shows: verdicts and the From
	// domain, never the message (its body, recipient or sender's local part).
	rec, err := mailauth.LastVerify(state)
	if err != nil || rec == nil || !rec.Pass || rec.FromDomain != "acme.example" || rec.DMARC != "pass" || rec.SPF != "pass" ||
		len(rec.DKIM) != 1 || rec.DKIM[0].Selector != "ed" || rec.DKIM[0].Result != "pass" || time.Since(rec.Time) > time.Minute {
		t.Errorf("recorded verify outcome %+v, %v", rec, err)
	}
	raw, err := os.ReadFile(filepath.Join(state, mailauth.VerifyFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Welcome", "member@", "hello@", "w1@"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("%s holds %q from the message:\n%s", mailauth.VerifyFile, leak, raw)
		}
	}
	// A lab run keeps its own state folder (STATE/lab/healthy): the selectors a real verify
	// recorded are the product's, so they are copied there for the lab's pane to read.
	sel, err := os.ReadFile(filepath.Join(state, mailauth.SelectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	labDir := setup.LabStateDir(state, "healthy")
	if err := os.MkdirAll(labDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(labDir, mailauth.SelectorsFile), sel, 0o600); err != nil {
		t.Fatal(err)
	}
	paneOut, paneErr, code := launch(t, nil, "check", "--lab=healthy", "--only", "email", "--state", state, "--fail-on", "medium", "--json")
	if code != exitFindings || !strings.Contains(paneOut, `"email.dkim-message-key-missing"`) || !strings.Contains(paneOut, "ed._domainkey.acme.example") {
		t.Errorf("the pane after verify: exit %d\n%s\n%s", code, paneOut, paneErr)
	}
	var v mailauth.MessageVerdict
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("--json is not JSON: %v\n%s", err, out)
	}
	if v.DMARC.Result != "pass" || len(v.DKIM) != 1 || v.DKIM[0].Result != "pass" || v.SPF == nil || v.SPF.Result != "pass" || v.IP != "192.0.2.10" {
		t.Errorf("verdict %+v", v)
	}

	// Tampered, but sent from an authorised IP: DKIM fails, SPF passes aligned, so DMARC
	// passes (exit 0) and the text says why.
	out, _, code = launch(t, nil, "email", "verify", "--resolver", l.DNSAddr, bad)
	if code != exitOK || !strings.Contains(out, "DKIM   ✖ fail") || !strings.Contains(out, "body hash did not verify") ||
		!strings.Contains(out, "SPF passes for acme.example, aligned with From acme.example") {
		t.Errorf("tampered message, SPF aligned: exit %d\n%s", code, out)
	}
	out, _, code = launch(t, nil, "email", "verify", "--resolver", l.DNSAddr, "--ip", "203.0.113.9", bad)
	if code != exitFindings || !strings.Contains(out, "DMARC  ✖ fail · policy reject") {
		t.Errorf("tampered message from another IP: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"email", "verify"}, {"email", "verify", filepath.Join(dir, "none.eml")}, {"email", "verify", "--ip", "nope", good}} {
		if _, stderr, code := launch(t, nil, args...); code != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// TestEmailSendTest runs `email send-test` against a go-smtp server on loopback, with the
// password in the environment, and checks it never appears in any output, the record or
// the tool's log.
func TestEmailSendTest(t *testing.T) {
	t.Parallel()
	const password = "planted-e2e-smtp-secret-71c3"
	srv := &smtpStore{want: password}
	addr, ca := smtpServer(t, srv)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	cfg := filepath.Join(dir, "launchready.yaml")
	text := fmt.Sprintf(`domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - {name: app.acme.example, role: app}
network:
  connect_to: {"smtp.acme.example:587": %q}
  ca_file: %s
email:
  test_recipient: ops@acme.example
  smtp:
    host: smtp.acme.example
    username: launchready@acme.example
    password: env:LR_E2E_SMTP_PASSWORD
`, addr, ca)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"LR_E2E_SMTP_PASSWORD=" + password}
	out, stderr, code := launch(t, env, "email", "send-test", "--config", cfg, "--state", state)
	if code != exitOK || !strings.Contains(out, "✔ sent lr-") || srv.count() != 1 {
		t.Fatalf("send-test: exit %d, %d messages\n%s\n%s", code, srv.count(), out, stderr)
	}
	last, err := mailsend.Last(state)
	if err != nil || last == nil || !strings.Contains(out, last.Token) || last.State != mailsend.StateSent {
		t.Errorf("record %+v %v", last, err)
	}

	out2, stderr2, code := launch(t, []string{"LR_E2E_SMTP_PASSWORD=wrong-" + password}, "email", "send-test", "--config", cfg, "--state", state, "--json")
	if code != exitFindings || !strings.Contains(stderr2, "refused the login") || srv.count() != 1 {
		t.Errorf("wrong password: exit %d\n%s\n%s", code, out2, stderr2)
	}
	_, stderr3, code := launch(t, nil, "email", "send-test", "--config", cfg, "--state", state)
	if code != exitUsage || !strings.Contains(stderr3, "LR_E2E_SMTP_PASSWORD is not set") {
		t.Errorf("unset password: exit %d: %s", code, stderr3)
	}

	all := out + stderr + out2 + stderr2 + stderr3
	filepath.Walk(state, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			all += string(b)
		}
		return nil
	})
	if strings.Contains(all, password) {
		t.Errorf("the password leaked into output, the record or the log")
	}
	if !strings.Contains(all, "email send-test") { // the tool's log got the attempt
		t.Errorf("the tool's log does not record the attempt")
	}
}

// smtpStore is a go-smtp backend that keeps messages and checks one password.
type smtpStore struct {
	want string
	mu   sync.Mutex
	msgs []string
}

func (s *smtpStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

func (s *smtpStore) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s}, nil }

type smtpSession struct{ s *smtpStore }

func (x *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, _, pass string) error {
		if pass != x.s.want {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}
func (x *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, string(b))
	x.s.mu.Unlock()
	return err
}
func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }

// smtpServer starts a STARTTLS go-smtp server on 127.0.0.1 with a self-signed
// certificate for smtp.acme.example, returning its address and the CA file.
func smtpServer(t *testing.T, be smtp.Backend) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp.acme.example"},
		DNSNames: []string{"smtp.acme.example"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "smtp-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(be)
	s.Domain = "smtp.acme.example"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.ReadTimeout, s.WriteTimeout = 5*time.Second, 5*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String(), ca
}

// TestCheckEmailPaneAgainstTheLab: the healthy lab is clean in the email pane, the demo
// shows its planted email faults.
func TestCheckEmailPaneAgainstTheLab(t *testing.T) {
	t.Parallel()
	out, stderr, code := launch(t, nil, "check", "--lab=healthy", "--only", "email", "--fail-on", "info")
	if code != exitOK || !strings.Contains(out, "No findings") {
		t.Fatalf("healthy: exit %d\n%s\n%s", code, out, stderr)
	}
	out, stderr, code = launch(t, nil, "check", "--lab", "--only", "email", "--json")
	if code != exitFindings {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			ID, Target, Title string
			Severity          string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.ID+" "+f.Target] = f.Severity
	}
	for k, sev := range map[string]string{
		"email.spf-too-many-lookups acme.example":     "high",
		"email.dmarc-policy-none _dmarc.acme.example": "medium",
		"email.dmarc-no-rua _dmarc.acme.example":      "medium",
	} {
		if got[k] != sev {
			t.Errorf("want %s at %s; got %v", k, sev, got)
		}
	}
}
