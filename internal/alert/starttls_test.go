package alert

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestEmailSTARTTLS: the default mode upgrades with STARTTLS, verifies the relay's
// certificate against the roots given (system plus network.ca_file in watch), and refuses a
// relay it cannot verify before sending the password.
func TestEmailSTARTTLS(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)

	// newSMTP serves plain; start a second server with STARTTLS on.
	s := &smtpServer{user: "alerts@acme.example", pass: "tls-pass-321", got: make(chan struct{}, 10)}
	tsrv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }))
	tsrv.Domain, tsrv.TLSConfig = "relay.test", &tls.Config{Certificates: []tls.Certificate{cert}}
	tsrv.ReadTimeout, tsrv.WriteTimeout = 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go tsrv.Serve(l)
	t.Cleanup(func() { tsrv.Close() })

	cfg, red := loadAlerts(t, channelYAML(`email: {server: "`+l.Addr().String()+`", from: a@acme.example, to: [b@acme.example], username: alerts@acme.example, password: env:SMTP_PASS}`, ""),
		map[string]string{"SMTP_PASS": "tls-pass-321"})
	if cfg.Channels[0].Email.TLS != "starttls" {
		t.Fatalf("default tls mode %q", cfg.Channels[0].Email.TLS)
	}
	snd, err := NewSender(cfg.Channels[0], SenderOptions{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	if err := Test(context.Background(), cfg.Channels[0], snd, "Acme", "acme.example", time.Now(), red); err != nil {
		t.Fatalf("STARTTLS delivery: %v", err)
	}
	if m := s.messages(); len(m) != 1 || m[0].User != "alerts@acme.example" || !strings.Contains(string(m[0].Data), "Subject: [Acme] test alert: ch") {
		t.Fatalf("received %+v", m)
	}

	// Without the relay's CA: refused at STARTTLS, nothing sent, no password on the wire.
	untrusting, err := NewSender(cfg.Channels[0], SenderOptions{RootCAs: x509.NewCertPool()})
	if err != nil {
		t.Fatal(err)
	}
	err = Test(context.Background(), cfg.Channels[0], untrusting, "Acme", "acme.example", time.Now(), red)
	if err == nil || !strings.Contains(err.Error(), "TLS failed, nothing was sent") || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("untrusted relay: %v", err)
	}
	if len(s.messages()) != 1 {
		t.Errorf("a message went to an unverified relay")
	}
}
