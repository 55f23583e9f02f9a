package mailauth

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

const inner = "From: Acme <hello@acme.example>\r\n" +
	"To: member@example.net\r\n" +
	"Subject: Reset your password\r\n" +
	"Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n" +
	"Message-ID: <reset-1@acme.example>\r\n" +
	"\r\n" +
	"Follow this link to choose a new password.\r\n"

// sign signs inner with key as d=domain s=selector and prepends what a receiver adds.
func sign(t *testing.T, key crypto.Signer, domain, selector, msg, received string) []byte {
	t.Helper()
	var out bytes.Buffer
	err := dkim.Sign(&out, strings.NewReader(msg), &dkim.SignOptions{
		Domain: domain, Selector: selector, Signer: key,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(received), out.Bytes()...)
}

func pubRecord(t *testing.T, key crypto.Signer) string {
	switch k := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(k)
	}
	t.Fatalf("key type %T", key)
	return ""
}

const receivedGood = "Return-Path: <bounce@acme.example>\r\n" +
	"Received: from out.acme.example (out.acme.example. [192.0.2.10])\r\n" +
	"        by mx.receiver.example with ESMTPS; Sat, 28 Nov 2026 10:00:01 +0000\r\n" +
	"Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=acme.example;\r\n" +
	" dkim=pass header.d=acme.example; dmarc=pass header.from=acme.example\r\n"

// TestVerifyMessage signs messages in the test (rsa-sha256 and ed25519) and verifies them
// against keys served by a loopback DNS server, including the ways verification fails.
func TestVerifyMessage(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := newTestDNS()
	srv.add(t,
		`acme.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"`,
		`_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d@acme.example"`,
		`provider.example. 300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"`,
		`lr1._domainkey.acme.example. 300 IN TXT "v=DKIM1; p="`, // revoked, for the revoked case
	)
	srv.txt("rsa._domainkey.acme.example.", pubRecord(t, rsaKey))
	srv.txt("ed._domainkey.acme.example.", pubRecord(t, edKey))
	srv.txt("pv._domainkey.provider.example.", pubRecord(t, edKey))
	srv.start(t)
	n := srv.net(t)
	ctx := context.Background()

	providerReceived := strings.ReplaceAll(strings.ReplaceAll(receivedGood, "192.0.2.10", "198.51.100.5"), "bounce@acme.example", "bounce@provider.example")
	cases := []struct {
		name   string
		msg    []byte
		ip     string
		dmarc  string
		dkim   string // result of the first signature
		reason string // in the first signature's reason
		spf    string
	}{
		{"rsa-sha256", sign(t, rsaKey, "acme.example", "rsa", inner, receivedGood), "", "pass", "pass", "", "pass"},
		{"ed25519", sign(t, edKey, "acme.example", "ed", inner, receivedGood), "", "pass", "pass", "", "pass"},
		{"tampered body, sent from elsewhere", bytes.Replace(sign(t, edKey, "acme.example", "ed", inner, strings.ReplaceAll(receivedGood, "192.0.2.10", "203.0.113.9")), []byte("new password"), []byte("new passw0rd"), 1),
			"", "fail", "fail", "body hash", "fail"},
		{"missing key", sign(t, edKey, "acme.example", "gone", inner, strings.ReplaceAll(receivedGood, "192.0.2.10", "203.0.113.9")), "", "fail", "permerror", "no key", "fail"},
		{"revoked key", sign(t, edKey, "acme.example", "lr1", inner, strings.ReplaceAll(receivedGood, "192.0.2.10", "203.0.113.9")), "", "fail", "permerror", "revoked", "fail"},
		{"unaligned signing domain", sign(t, edKey, "provider.example", "pv", inner, providerReceived), "", "fail", "pass", "", "pass"},
		{"unaligned DKIM, aligned SPF", sign(t, edKey, "provider.example", "pv", inner, receivedGood), "", "pass", "pass", "", "pass"},
		{"--ip overrides the headers", sign(t, rsaKey, "acme.example", "rsa", inner, strings.ReplaceAll(receivedGood, "192.0.2.10", "203.0.113.9")), "192.0.2.77", "pass", "pass", "", "pass"},
		{"LF line ends (a saved file)", bytes.ReplaceAll(sign(t, rsaKey, "acme.example", "rsa", inner, receivedGood), []byte("\r\n"), []byte("\n")), "", "pass", "pass", "", "pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var o VerifyOptions
			if c.ip != "" {
				o.IP = netip.MustParseAddr(c.ip)
			}
			v, err := VerifyMessage(ctx, n, c.msg, o)
			if err != nil {
				t.Fatal(err)
			}
			if v.DMARC.Result != c.dmarc || len(v.DKIM) != 1 || v.DKIM[0].Result != c.dkim || !strings.Contains(v.DKIM[0].Reason, c.reason) || v.SPF == nil || v.SPF.Result != c.spf {
				t.Errorf("verdict: dmarc %s (%s), dkim %+v, spf %+v", v.DMARC.Result, v.DMARC.Reason, v.DKIM, v.SPF)
			}
			if v.Pass() != (c.dmarc == "pass") {
				t.Errorf("Pass() = %v", v.Pass())
			}
			var text bytes.Buffer
			if err := v.WriteText(&text); err != nil || !strings.Contains(text.String(), "DMARC  "+resultIcon(c.dmarc)) {
				t.Errorf("text:\n%s", text.String())
			}
		})
	}

	// What the verdict says in detail for the unaligned case: the reason names both domains.
	v, _ := VerifyMessage(ctx, n, sign(t, edKey, "provider.example", "pv", inner, providerReceived), VerifyOptions{})
	if !strings.Contains(v.DMARC.Reason, "DKIM passes for provider.example, which is not aligned with From acme.example") || v.DMARC.Disposition != "reject" {
		t.Errorf("unaligned reason: %+v", v.DMARC)
	}
	if v.IPSource == "" || !strings.HasPrefix(v.IPSource, "Received: from out.acme.example") || v.HELO != "out.acme.example" || v.EnvelopeFrom != "bounce@provider.example" {
		t.Errorf("envelope: ip %s from %q helo %q envelope %q", v.IP, v.IPSource, v.HELO, v.EnvelopeFrom)
	}
	if len(v.AuthResult) != 1 || v.AuthResult[0].Server != "mx.receiver.example" || !strings.Contains(strings.Join(v.AuthResult[0].Results, " "), "dmarc=pass header.from=acme.example") {
		t.Errorf("Authentication-Results: %+v", v.AuthResult)
	}
	if v.DKIM[0].Key == nil || v.DKIM[0].Key.KeyType != "ed25519" || v.DKIM[0].Selector != "pv" || v.DKIM[0].Algorithm != "ed25519-sha256" {
		t.Errorf("signature details: %+v", v.DKIM[0])
	}

	for name, msg := range map[string]string{"no header end": "From: a@b.example", "no From": "To: x@y.example\r\n\r\nhi\r\n", "binary": "\x00\x01\x02\r\n\r\n"} {
		if _, err := VerifyMessage(ctx, n, []byte(msg), VerifyOptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestVerifyDKIMVectors verifies the third-party signed messages against their published
// keys, served over loopback DNS: RFC 6376 A.2, RFC 8463 A (ed25519 and rsa, simple and
// relaxed), Stalwart's PKCS#1 key, and Exim's ed25519 interop message.
func TestVerifyDKIMVectors(t *testing.T) {
	t.Parallel()
	dir := sharedTestdata(t, "dkim")
	srv := newTestDNS()
	for _, kr := range keyRecords(t, filepath.Join(dir, "go-msgauth-extracted", "key-records.txt")) {
		srv.txt(kr.name+".", kr.record)
	}
	srv.txt("test._domainkey.football.example.com.", readFile(t, filepath.Join(dir, "dkimpy", "test.txt")))
	srv.txt("sed._domainkey.test.ex.", readFile(t, filepath.Join(dir, "dkimpy", "eximtest.dns")))
	srv.start(t)
	n := srv.net(t)
	msgs := map[string]int{ // file -> signatures that must pass
		"go-msgauth-extracted/rfc6376-appendixA2-signed.eml": 1,
		"dkimpy/rfc6376.signed.msg":                          2,
		"dkimpy/ed25519test2.msg":                            1,
		"stalwart-mail-auth/001-rfc8463-appendixA.txt":       2,
		"stalwart-mail-auth/002-rawrsa-newengland.txt":       1,
	}
	passed := 0
	for file, want := range msgs {
		raw, err := os.ReadFile(filepath.Join(dir, file)) // byte-exact: simple canonicalisation counts every byte
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(file, "stalwart") { // key lines, a blank line, then the message
			_, msg, _ := strings.Cut(string(raw), "\n\n")
			raw = []byte(msg)
		}
		v, err := VerifyMessage(context.Background(), n, raw, VerifyOptions{IP: netip.MustParseAddr("192.0.2.1")})
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		ok := 0
		for _, s := range v.DKIM {
			if s.Result == "pass" {
				ok++
			} else {
				t.Errorf("%s: d=%s s=%s %s: %s", file, s.Domain, s.Selector, s.Result, s.Reason)
			}
		}
		if ok != want {
			t.Errorf("%s: %d signatures pass, want %d", file, ok, want)
		}
		passed += ok
	}
	t.Logf("DKIM vectors: %d signatures in %d messages verify", passed, len(msgs))
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimRight(string(b), "\n")
}
