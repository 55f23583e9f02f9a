package lab

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// certNow is the frozen clock of the certificate tests: Scenario.Now makes
// validity windows exact.
var certNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func certScenario() Scenario {
	const day = 24 * time.Hour
	site := func(host string, spec CertSpec) Site {
		return Site{Host: host + ".certs.example", Cert: spec, HTTPS: []Route{{Path: "/*", Body: host}}}
	}
	return Scenario{
		Name:   "certs",
		Domain: "certs.example",
		Now:    certNow,
		Sites: []Site{
			site("good", CertSpec{}),
			site("expiring", CertSpec{NotAfter: 5 * day}),
			site("expired", CertSpec{NotBefore: -120 * day, NotAfter: -30 * day}),
			site("notyet", CertSpec{NotBefore: 2 * day, NotAfter: 92 * day}),
			site("wrongname", CertSpec{Names: []string{"other.certs.example", "127.0.0.1"}}),
			site("selfsigned", CertSpec{SelfSigned: true}),
			site("nointermediate", CertSpec{OmitIntermediate: true}),
			site("rsa", CertSpec{RSABits: 2048}),
			site("sha1", CertSpec{SHA1: true}),
			site("tls12", CertSpec{MaxTLS: tls.VersionTLS12}),
			site("tls13", CertSpec{MinTLS: tls.VersionTLS13}),
			site("reissued", CertSpec{NotBefore: -110 * day, NotAfter: -20 * day, ReissuedIntermediate: -10 * day}),
		},
	}
}

// handshake connects to a site as a verifying client at certNow.
func handshake(t *testing.T, l *Lab, host string, conf *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", l.ConnectTo[host+":443"], 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if conf == nil {
		conf = &tls.Config{}
	}
	conf.RootCAs = labRoots(t, l)
	conf.ServerName = host
	conf.Time = func() time.Time { return certNow }
	c := tls.Client(raw, conf)
	c.SetDeadline(time.Now().Add(2 * time.Second))
	err = c.Handshake()
	return c.ConnectionState(), err
}

// isExpired reports whether err is Go's verdict on a certificate outside its
// validity window (too early or too late).
func isExpired(err error) bool {
	var invalid x509.CertificateInvalidError
	return errors.As(err, &invalid) && invalid.Reason == x509.Expired
}

func TestCertSpecs(t *testing.T) {
	t.Parallel()
	l := startLab(t, certScenario())
	tests := []struct {
		host  string
		check func(t *testing.T, st tls.ConnectionState, err error)
	}{
		{"good", func(t *testing.T, st tls.ConnectionState, err error) {
			if err != nil {
				t.Fatal(err)
			}
			leaf := st.PeerCertificates[0]
			if len(st.PeerCertificates) != 2 || !st.PeerCertificates[1].IsCA {
				t.Errorf("chain of %d; want leaf and intermediate", len(st.PeerCertificates))
			}
			if _, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok {
				t.Errorf("key %T, want ECDSA", leaf.PublicKey)
			}
			if !leaf.NotBefore.Equal(certNow.Add(-24*time.Hour)) || !leaf.NotAfter.Equal(certNow.Add(90*24*time.Hour)) {
				t.Errorf("valid %v to %v; want a day ago to 90 days on", leaf.NotBefore, leaf.NotAfter)
			}
			if len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != "good.certs.example" {
				t.Errorf("names %v", leaf.DNSNames)
			}
			if st.Version != tls.VersionTLS13 {
				t.Errorf("TLS %s, want 1.3 by default", tls.VersionName(st.Version))
			}
			if leaf.Issuer.CommonName != "Lab R1" {
				t.Errorf("issuer %q", leaf.Issuer.CommonName)
			}
		}},
		{"expiring", func(t *testing.T, st tls.ConnectionState, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if got := st.PeerCertificates[0].NotAfter.Sub(certNow); got != 5*24*time.Hour {
				t.Errorf("expires in %v, want 5 days", got)
			}
		}},
		{"expired", func(t *testing.T, _ tls.ConnectionState, err error) {
			if !isExpired(err) {
				t.Errorf("%v; want an expired certificate", err)
			}
		}},
		{"notyet", func(t *testing.T, _ tls.ConnectionState, err error) {
			if !isExpired(err) {
				t.Errorf("%v; want a not-yet-valid certificate", err)
			}
		}},
		{"wrongname", func(t *testing.T, st tls.ConnectionState, err error) {
			if !errors.As(err, new(x509.HostnameError)) {
				t.Errorf("%v; want a name mismatch", err)
			}
		}},
		{"selfsigned", func(t *testing.T, _ tls.ConnectionState, err error) {
			if !errors.As(err, new(x509.UnknownAuthorityError)) {
				t.Errorf("%v; want an unknown authority", err)
			}
		}},
		{"nointermediate", func(t *testing.T, _ tls.ConnectionState, err error) {
			if !errors.As(err, new(x509.UnknownAuthorityError)) {
				t.Errorf("%v; want an unknown authority (missing intermediate)", err)
			}
		}},
		{"rsa", func(t *testing.T, st tls.ConnectionState, err error) {
			if err != nil {
				t.Fatal(err)
			}
			if k, ok := st.PeerCertificates[0].PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
				t.Errorf("key %T, want RSA 2048", st.PeerCertificates[0].PublicKey)
			}
		}},
		{"sha1", func(t *testing.T, _ tls.ConnectionState, err error) {
			// Go reports the SHA-1 signature as the reason the issuer
			// could not be used.
			if !errors.As(err, new(x509.UnknownAuthorityError)) || !strings.Contains(err.Error(), "insecure algorithm ECDSA-SHA1") {
				t.Errorf("%v; want SHA-1 rejected", err)
			}
		}},
		{"tls12", func(t *testing.T, st tls.ConnectionState, err error) {
			if err != nil || st.Version != tls.VersionTLS12 {
				t.Errorf("TLS %s (%v), want 1.2", tls.VersionName(st.Version), err)
			}
		}},
		{"tls13", func(t *testing.T, st tls.ConnectionState, err error) {
			if err != nil || st.Version != tls.VersionTLS13 {
				t.Errorf("TLS %s (%v), want 1.3", tls.VersionName(st.Version), err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			st, err := handshake(t, l, tt.host+".certs.example", nil)
			tt.check(t, st, err)
		})
	}

	t.Run("tls13 refuses a TLS 1.2 client", func(t *testing.T) {
		t.Parallel()
		if _, err := handshake(t, l, "tls13.certs.example", &tls.Config{MaxVersion: tls.VersionTLS12}); err == nil {
			t.Error("handshake succeeded")
		}
	})
	t.Run("sha1 is signed with SHA-1", func(t *testing.T) {
		t.Parallel()
		st, err := handshake(t, l, "sha1.certs.example", &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		if alg := st.PeerCertificates[0].SignatureAlgorithm; alg != x509.ECDSAWithSHA1 {
			t.Errorf("signature %v, want ECDSA-SHA1", alg)
		}
	})
	t.Run("reissued serves a younger intermediate that still signs the leaf", func(t *testing.T) {
		t.Parallel()
		st, err := handshake(t, l, "reissued.certs.example", &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		good, err := handshake(t, l, "good.certs.example", nil)
		if err != nil {
			t.Fatal(err)
		}
		leaf, inter, orig := st.PeerCertificates[0], st.PeerCertificates[1], good.PeerCertificates[1]
		if len(st.PeerCertificates) != 2 || inter.Subject.CommonName != "Lab R1" || !inter.NotBefore.Equal(certNow.Add(-10*24*time.Hour)) ||
			!inter.NotBefore.After(leaf.NotAfter) || inter.Equal(orig) {
			t.Errorf("want leaf + Lab R1 re-issued 10 days ago, after the leaf expired: leaf until %v, intermediate from %v", leaf.NotAfter, inter.NotBefore)
		}
		if err := leaf.CheckSignatureFrom(inter); err != nil {
			t.Errorf("the re-issued intermediate must carry the original's key: %v", err)
		}
		// Valid now, and chains to the root: only the leaf is at fault.
		if _, err := inter.Verify(x509.VerifyOptions{Roots: labRoots(t, l), CurrentTime: certNow}); err != nil {
			t.Errorf("re-issued intermediate: %v", err)
		}
	})
	t.Run("nointermediate verifies once the intermediate is known", func(t *testing.T) {
		t.Parallel()
		st, err := handshake(t, l, "nointermediate.certs.example", &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.PeerCertificates) != 1 {
			t.Fatalf("served %d certificates, want the leaf alone", len(st.PeerCertificates))
		}
		good, err := handshake(t, l, "good.certs.example", nil)
		if err != nil {
			t.Fatal(err)
		}
		inter := x509.NewCertPool()
		inter.AddCert(good.PeerCertificates[1])
		_, err = st.PeerCertificates[0].Verify(x509.VerifyOptions{
			DNSName: "nointermediate.certs.example", Roots: labRoots(t, l), Intermediates: inter, CurrentTime: certNow,
		})
		if err != nil {
			t.Errorf("with the intermediate supplied: %v", err)
		}
	})
}

func TestCertSpecErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		spec CertSpec
	}{
		{"RSA too small", CertSpec{RSABits: 512}},
		{"window reversed", CertSpec{NotBefore: time.Hour, NotAfter: time.Minute}},
		{"TLS min above max", CertSpec{MinTLS: tls.VersionTLS13, MaxTLS: tls.VersionTLS12}},
		{"TLS version unknown", CertSpec{MaxTLS: 0x0305}},
		{"re-issue in the future", CertSpec{ReissuedIntermediate: time.Hour}},
		{"re-issue of no intermediate", CertSpec{ReissuedIntermediate: -time.Hour, OmitIntermediate: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := Scenario{Name: "bad", Domain: "x.example", Sites: []Site{{Host: "x.example", Cert: tc.spec}}}
			if _, err := Start(sc, t.TempDir()); !errors.Is(err, ErrBadCert) {
				t.Errorf("Start: %v, want ErrBadCert", err)
			}
		})
	}
}
