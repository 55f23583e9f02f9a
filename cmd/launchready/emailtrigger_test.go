package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/launchready/launchready/internal/imaptest"
	"github.com/launchready/launchready/internal/roundtrip"
	"github.com/launchready/launchready/probes/lab"
)

// TestEmailRoundtripTrigger runs `email roundtrip --trigger reset` end to end: the
// command makes the config's "password reset" endpoint check (POST /forgot-password at an
// app on loopback, reached through network.connect_to), the app mails the test user
// through a go-smtp server, the test plays the providers into a real dovecot, and the
// command finds the reset mail by its subject, judges it, opens its reset link once and
// deletes it. The reset token and both planted passwords stay out of every output.
func TestEmailRoundtripTrigger(t *testing.T) {
	t.Parallel()
	const smtpPassword = "planted-trigger-smtp-secret-81c2"
	const token = "tok9Vb3Qm7Lx2Rw8Zp4Ns6Kd"
	dv := imaptest.Start(t, "member")
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	l, err := lab.Start(lab.Scenario{Name: "trigger", Domain: "acme.example", Zones: []lab.Zone{{
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
	smtpAddr, smtpCA := smtpServer(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go provide(ctx, t, srv, dv, key)

	// The app: the reset request mails the link; the link opens the reset page.
	smtpPool := x509.NewCertPool()
	caPEM, err := os.ReadFile(smtpCA)
	if err != nil {
		t.Fatal(err)
	}
	smtpPool.AppendCertsFromPEM(caPEM)
	var opened atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /forgot-password", func(w http.ResponseWriter, r *http.Request) {
		c, err := smtp.DialStartTLS(smtpAddr, &tls.Config{ServerName: "smtp.acme.example", RootCAs: smtpPool})
		if err == nil {
			defer c.Close()
			err = c.Auth(sasl.NewPlainClient("", "app@acme.example", smtpPassword))
		}
		if err == nil {
			msg := "From: Acme <no-reply@acme.example>\r\nTo: member@test.example\r\nSubject: Reset your Acme password\r\nDate: " + time.Now().Format(time.RFC1123Z) +
				"\r\nMessage-ID: <reset-1@acme.example>\r\n\r\nChoose a new password: https://app.acme.example/reset/" + token + "\r\n"
			err = c.SendMail("no-reply@acme.example", []string{"member@test.example"}, strings.NewReader(msg))
		}
		if err != nil {
			http.Error(w, "mailer down", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("GET /reset/{token}", func(w http.ResponseWriter, r *http.Request) {
		opened.Add(1)
		fmt.Fprint(w, "choose a new password")
	})
	appAddr, appCA := httpsApp(t, mux)

	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	var pems []byte
	for _, f := range []string{smtpCA, dv.CAFile, appCA} {
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
  connect_to: {"app.acme.example:443": %q, "imap.test.example:993": "127.0.0.1:%d"}
  ca_file: %s
endpoints:
  checks:
    - name: password reset
      url: https://app.acme.example/forgot-password
      method: POST
      body: '{"email":"member@test.example"}'
      expect:
        status: [2xx]
email:
  inboxes:
    - name: test
      host: imap.test.example
      username: member@test.example
      password: env:LR_E2E_IMAP_PASSWORD
  triggers:
    - name: reset
      check: password reset
      from: no-reply@acme.example
      subject: Reset your Acme password
      wait: 20s
`, appAddr, dv.ImplicitPort, ca)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"LR_E2E_IMAP_PASSWORD=" + imaptest.Password}
	base := []string{"email", "roundtrip", "--config", cfg, "--state", state, "--resolver", l.DNSAddr}

	out, stderr, code := launch(t, env, append(base, "--trigger", "reset")...)
	for _, s := range []string{"Email round trip of the app's reset mail", "✔ test (member@test.example)", "subject: Reset your Acme password",
		"✔ link https://app.acme.example/reset/… answers 200", "the reset mail was deleted"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if code != exitOK || opened.Load() != 1 {
		t.Errorf("exit %d, the link opened %d times (want once)\n%s\n%s", code, opened.Load(), out, stderr)
	}
	last, err := roundtrip.Last(state)
	if err != nil || last == nil || last.Trigger != "reset" || len(last.Inboxes) != 1 || !last.Inboxes[0].OK() {
		t.Errorf("record %+v %v", last, err)
	}
	md, mderr, code := launch(t, env, append(base, "--trigger", "reset", "--format", "md")...)
	if code != exitOK || !strings.Contains(md, "| test | reset | ") || !strings.Contains(md, "| inbox | ") || !strings.Contains(md, "| ✔ aligned | ✔ 1 |") {
		t.Errorf("--format md: exit %d\n%s\n%s", code, md, mderr)
	}
	_, ferr, code := launch(t, env, append(base, "--format", "html")...)
	if code != exitUsage || !strings.Contains(ferr, `--format "html" is not a format`) {
		t.Errorf("--format html: exit %d: %s", code, ferr)
	}
	_, uerr, code := launch(t, env, append(base, "--trigger", "invite")...)
	if code != exitUsage || !strings.Contains(uerr, "--trigger invite is not in email.triggers (reset)") {
		t.Errorf("unknown trigger: exit %d: %s", code, uerr)
	}
	all := out + stderr + uerr + md + mderr
	filepath.Walk(state, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			all += string(b)
		}
		return nil
	})
	for _, secret := range []string{smtpPassword, imaptest.Password, token} {
		if strings.Contains(all, secret) {
			t.Errorf("a planted secret leaked into output, the record or a log")
		}
	}
}

// httpsApp serves h over TLS on 127.0.0.1 with a certificate for app.acme.example,
// returning its address and the CA file that trusts it.
func httpsApp(t *testing.T, h http.Handler) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "app.acme.example"},
		DNSNames: []string{"app.acme.example"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "app-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { s.Close() })
	return ln.Addr().String(), ca
}
