package tlscheck

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"time"
)

// describeCert turns a certificate into the pane's terms. now fixes DaysLeft to the
// moment of the check.
func describeCert(c *x509.Certificate, now time.Time) Cert {
	key, bits := keyOf(c)
	out := Cert{
		Subject:    nameOf(c.Subject.CommonName, c.Subject.String()),
		Issuer:     issuerName(c),
		NotBefore:  c.NotBefore.UTC(),
		NotAfter:   c.NotAfter.UTC(),
		DaysLeft:   daysLeft(c.NotAfter, now),
		Key:        key,
		KeyBits:    bits,
		Signature:  c.SignatureAlgorithm.String(),
		Serial:     colonHex(c.SerialNumber.Bytes()),
		IsCA:       c.IsCA,
		SelfSigned: selfSigned(c),
		AIA:        c.IssuingCertificateURL,
	}
	if len(c.Issuer.Organization) > 0 {
		out.IssuerOrg = c.Issuer.Organization[0]
	}
	sum := sha256.Sum256(c.Raw)
	out.SHA256 = hex.EncodeToString(sum[:])
	out.SANs = append(out.SANs, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out.SANs = append(out.SANs, ip.String())
	}
	return out
}

// daysLeft is whole days to notAfter, rounded towards zero, so "5 days" never overstates
// what is left; expired certificates count negative ("expired 30 days ago" is -30).
func daysLeft(notAfter, now time.Time) int {
	return int(math.Trunc(notAfter.Sub(now).Hours() / 24))
}

func nameOf(cn, full string) string {
	if cn != "" {
		return cn
	}
	return full
}

// issuerName is how the pane names a CA: "R11 Let's Encrypt", the issuing certificate's
// common name then its organisation, each once.
func issuerName(c *x509.Certificate) string {
	cn := c.Issuer.CommonName
	org := ""
	if len(c.Issuer.Organization) > 0 {
		org = c.Issuer.Organization[0]
	}
	switch {
	case cn == "" && org == "":
		return c.Issuer.String()
	case org == "" || strings.Contains(cn, org):
		return cn
	case cn == "" || strings.Contains(org, cn):
		return org
	}
	return cn + " " + org
}

// keyOf names the public key the way an operator compares it with advice ("RSA 2048").
func keyOf(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen()), k.N.BitLen()
	case *ecdsa.PublicKey:
		bits := k.Curve.Params().BitSize
		return "ECDSA " + k.Curve.Params().Name, bits
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return c.PublicKeyAlgorithm.String(), 0
}

// weakKey says why a key is too small for a public certificate today, or "".
func weakKey(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return fmt.Sprintf("RSA %d-bit key", k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve.Params().BitSize < 256 {
			return fmt.Sprintf("ECDSA %d-bit key", k.Curve.Params().BitSize)
		}
	}
	return ""
}

// weakSignature says whether a certificate is signed with a hash clients refuse.
func weakSignature(c *x509.Certificate) bool {
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1, x509.MD5WithRSA, x509.MD2WithRSA:
		return true
	}
	return false
}

// selfSigned: the certificate names itself as issuer and its own key signs it.
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil ||
		weakSignature(c) // Go refuses to check SHA-1 signatures; name equality is then the best evidence
}

func colonHex(b []byte) string {
	if len(b) == 0 {
		return "00"
	}
	var s strings.Builder
	for i, x := range b {
		if i > 0 {
			s.WriteByte(':')
		}
		fmt.Fprintf(&s, "%02x", x)
	}
	return s.String()
}

// chainLine is one certificate of a served chain as evidence, openssl s_client style; a
// root sent after the leaf is marked, since s: and i: alike are easy to miss.
func chainLine(i int, c Cert, now time.Time) string {
	line := fmt.Sprintf("%d s:%s  i:%s  %s · %s · not after %s (%s) · serial %s",
		i, c.Subject, c.Issuer, c.Key, c.Signature, c.NotAfter.Format("2006-01-02 15:04 MST"), expiryText(c.NotAfter, now), c.Serial)
	if i > 0 && c.SelfSigned {
		line += " · root (self-signed)"
	}
	return line
}

// expiryText says how long is left, or how long ago it lapsed, without overstating
// either: "5 days left", "7 hours left", "expired 30 days ago".
func expiryText(notAfter, now time.Time) string {
	d := notAfter.Sub(now)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days left", int(d.Hours()/24))
	case d >= 24*time.Hour:
		return "1 day left"
	case d > 0:
		return fmt.Sprintf("%s left", hours(d))
	case -d < 24*time.Hour:
		return fmt.Sprintf("expired %s ago", hours(-d))
	case -d < 48*time.Hour:
		return "expired 1 day ago"
	}
	return fmt.Sprintf("expired %d days ago", int(-d.Hours()/24))
}

func hours(d time.Duration) string {
	h := int(d.Hours())
	switch {
	case h == 0:
		return "under an hour"
	case h == 1:
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", h)
}
