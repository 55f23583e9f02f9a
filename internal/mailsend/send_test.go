package mailsend

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
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

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/mailauth"
	"github.com/launchready/launchready/probes/netx"
)

// planted is the password the tests give; it must appear nowhere but in the AUTH exchange.
const planted = "planted-smtp-password-9d2f"

// backend is a go-smtp server's store, with the misbehaviours the tests ask for.
type backend struct {
	mu            sync.Mutex
	msgs          []string
	passwords     []string // every password a client offered
	dropAtRcpt    bool
	dropAfterData bool
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{b: b, c: c}, nil }

func (b *backend) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.msgs)
}

type session struct {
	b *backend
	c *smtp.Conn
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.b.mu.Lock()
		s.b.passwords = append(s.b.passwords, pass)
		s.b.mu.Unlock()
		if user != "launchready@acme.example" || pass != planted {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(string, *smtp.RcptOptions) error {
	if s.b.dropAtRcpt {
		s.c.Conn().Close()
		return errors.New("dropped")
	}
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, string(b))
	s.b.mu.Unlock()
	if s.b.dropAfterData {
		s.c.Conn().Close() // accepted, but the client never hears so
	}
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

// tlsFiles makes a self-signed certificate for smtp.acme.example and writes it as a CA
// file for netx.
func tlsFiles(t *testing.T) (*tls.Config, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp.acme.example"},
		DNSNames: []string{"smtp.acme.example"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, ca
}

// serve starts a go-smtp server on 127.0.0.1: STARTTLS (tlsMode "starttls"), implicit TLS
// ("implicit") or no TLS at all ("plain").
func serve(t *testing.T, be *backend, tlsMode string) (addr, caFile string) {
	t.Helper()
	cfg, ca := tlsFiles(t)
	s := smtp.NewServer(be)
	s.Domain = "smtp.acme.example"
	s.ReadTimeout, s.WriteTimeout = 5*time.Second, 5*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch tlsMode {
	case "starttls":
		s.TLSConfig = cfg
	case "implicit":
		l = tls.NewListener(l, cfg)
	case "plain":
		s.AllowInsecureAuth = true
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { s.Close() })
	return l.Addr().String(), ca
}

// options points the sender at addr for smtp.acme.example, as network.connect_to would.
func options(t *testing.T, addr, ca, tlsMode, dir string) Options {
	t.Helper()
	port := "587"
	if tlsMode == "implicit" {
		port = "465"
	}
	n, err := netx.New(netx.Config{ConnectTo: map[string]string{"smtp.acme.example:" + port: addr}, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	p := 587
	if port == "465" {
		p = 465
	}
	mode := tlsMode
	if mode == "plain" {
		mode = "starttls"
	}
	return Options{
		SMTP: mailauth.SMTP{Host: "smtp.acme.example", Port: p, TLS: mode, Username: "launchready@acme.example",
			Password: &config.Secret{Ref: "env:LR_SMTP_PASSWORD"}, From: "launchready@acme.example"},
		Password: planted, To: "ops@acme.example", StateDir: dir,
		Dial: n.DialContext, TLSConfig: n.TLSConfig, Timeout: 3 * time.Second,
	}
}

// noLeak fails if the planted password shows up in any output or file.
func noLeak(t *testing.T, dir string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, planted) {
			t.Errorf("output contains the password: %s", s)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(b), planted) {
			t.Errorf("%s contains the password", e.Name())
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestSend(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"starttls", "implicit"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			be := &backend{}
			addr, ca := serve(t, be, mode)
			dir := t.TempDir()
			a, err := Send(context.Background(), options(t, addr, ca, mode, dir))
			if err != nil {
				t.Fatal(err)
			}
			if a.State != StateSent || be.count() != 1 || !strings.HasPrefix(a.Token, "lr-") {
				t.Fatalf("attempt %+v, %d messages", a, be.count())
			}
			msg := be.msgs[0]
			for _, want := range []string{"Subject: Launch Ready test email " + a.Token, "To: <ops@acme.example>", "From: Launch Ready <launchready@acme.example>", "X-Launchready-Token: " + a.Token, "Message-ID: " + a.MessageID} {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			last, err := Last(dir)
			if err != nil || last == nil || last.Token != a.Token || last.State != StateSent || last.Finished.IsZero() {
				t.Errorf("record: %+v %v", last, err)
			}
			if st, _ := os.Stat(filepath.Join(dir, RecordFile)); st == nil || st.Mode().Perm() != 0o600 {
				t.Errorf("record file mode: %v", st)
			}
			noLeak(t, dir, msg, errText(err))
		})
	}
}

func TestSendAuthFailure(t *testing.T) {
	t.Parallel()
	be := &backend{}
	addr, ca := serve(t, be, "starttls")
	dir := t.TempDir()
	o := options(t, addr, ca, "starttls", dir)
	o.Password = planted + "-wrong"
	a, err := Send(context.Background(), o)
	if !errors.Is(err, ErrNotSent) || !strings.Contains(err.Error(), "refused the login for launchready@acme.example") ||
		!strings.Contains(err.Error(), "535 5.7.8") || !strings.Contains(err.Error(), "env:LR_SMTP_PASSWORD") {
		t.Fatalf("error %v", err)
	}
	if a.State != StateFailed || be.count() != 0 {
		t.Errorf("state %s, %d messages", a.State, be.count())
	}
	if strings.Contains(err.Error(), planted) {
		t.Errorf("error holds the password: %v", err)
	}
	noLeak(t, dir, err.Error())
}

// TestSendDroppedAfterData: the server takes the message and drops the connection before
// answering. The attempt is recorded as unknown, and the next send refuses until forced:
// nothing is ever sent twice blind.
func TestSendDroppedAfterData(t *testing.T) {
	t.Parallel()
	be := &backend{dropAfterData: true}
	addr, ca := serve(t, be, "starttls")
	dir := t.TempDir()
	o := options(t, addr, ca, "starttls", dir)
	a, err := Send(context.Background(), o)
	if !errors.Is(err, ErrUnknown) || a.State != StateUnknown || !strings.Contains(err.Error(), a.Token) {
		t.Fatalf("first send: %+v, %v", a, err)
	}
	if be.count() != 1 {
		t.Fatalf("%d messages after the first send", be.count())
	}
	b, err2 := Send(context.Background(), o)
	if !errors.Is(err2, ErrMaybeSent) || b.Token != a.Token || !strings.Contains(err2.Error(), "--force") {
		t.Fatalf("second send: %+v, %v", b, err2)
	}
	if be.count() != 1 {
		t.Fatalf("%d messages: the second send went out", be.count())
	}
	be.mu.Lock()
	be.dropAfterData = false
	be.mu.Unlock()
	o.Force = true
	c, err3 := Send(context.Background(), o)
	if err3 != nil || c.State != StateSent || be.count() != 2 {
		t.Fatalf("forced send: %+v, %v, %d messages", c, err3, be.count())
	}
	noLeak(t, dir, err.Error(), err2.Error())
}

// TestSendDroppedBeforeData: a drop before the message was handed over delivers nothing,
// so the next send goes ahead.
func TestSendDroppedBeforeData(t *testing.T) {
	t.Parallel()
	be := &backend{dropAtRcpt: true}
	addr, ca := serve(t, be, "starttls")
	dir := t.TempDir()
	o := options(t, addr, ca, "starttls", dir)
	a, err := Send(context.Background(), o)
	if !errors.Is(err, ErrNotSent) || a.State != StateFailed || be.count() != 0 {
		t.Fatalf("first send: %+v, %v", a, err)
	}
	be.mu.Lock()
	be.dropAtRcpt = false
	be.mu.Unlock()
	if b, err := Send(context.Background(), o); err != nil || b.State != StateSent || be.count() != 1 {
		t.Fatalf("second send: %+v, %v", b, err)
	}
}

// TestSendRefusesCleartext: a server without STARTTLS never sees the login.
func TestSendRefusesCleartext(t *testing.T) {
	t.Parallel()
	be := &backend{}
	addr, ca := serve(t, be, "plain")
	dir := t.TempDir()
	_, err := Send(context.Background(), options(t, addr, ca, "plain", dir))
	if !errors.Is(err, ErrNotSent) || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("error %v", err)
	}
	if len(be.passwords) != 0 || be.count() != 0 {
		t.Errorf("the server saw %d passwords and %d messages", len(be.passwords), be.count())
	}
}

// TestSendHungServer: a server that accepts and never greets ends in an error within the
// timeout, not a hang.
func TestSendHungServer(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	_, ca := tlsFiles(t)
	o := options(t, l.Addr().String(), ca, "starttls", t.TempDir())
	o.Timeout = 500 * time.Millisecond
	start := time.Now()
	_, err = Send(context.Background(), o)
	if !errors.Is(err, ErrNotSent) || time.Since(start) > 3*time.Second {
		t.Fatalf("after %s: %v", time.Since(start), err)
	}
}

func TestSendChecksItsInputs(t *testing.T) {
	t.Parallel()
	o := Options{SMTP: mailauth.SMTP{Host: "smtp.acme.example", Port: 587}, To: "ops@acme.example"}
	for name, mod := range map[string]func(*Options){
		"no host":      func(o *Options) { o.SMTP.Host = "" },
		"no recipient": func(o *Options) { o.To = "" },
		"bad address":  func(o *Options) { o.To = "not an address" },
		"no state dir": func(o *Options) {},
	} {
		oo := o
		mod(&oo)
		if _, err := Send(context.Background(), oo); !errors.Is(err, ErrNotSent) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
