package tlscheck

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"
)

// verdict is what is wrong with a served chain, each fault separately, so the pane can
// say exactly what to fix instead of Go's first verification error. It is computed by
// verifying the chain ourselves (the handshake skipped verification on purpose) against
// netx's roots, with the intermediates exactly as served.
type verdict struct {
	expired, notYetValid bool
	selfSigned           bool
	// untrusted says why the chain does not reach a trusted root, when the cause is not
	// one of the specific faults below.
	untrusted string
	// incomplete: the last certificate served is not a root and its issuer was not sent.
	incomplete    bool
	missingIssuer string
	aia           []string
	// interExpired names an intermediate that is out of its validity window.
	interExpired string
	nameErr      string
	weakSig      []string // subjects of certificates signed with SHA-1 (or worse)
	weakKey      []string // "leaf: RSA 1024-bit key"
	verifyErr    string   // Go's own words, for evidence
}

func (v verdict) trusted() bool {
	return !v.expired && !v.notYetValid && !v.selfSigned && v.untrusted == "" && !v.incomplete &&
		v.interExpired == "" && v.nameErr == "" && len(v.weakSig) == 0
}

// inspect verifies certs (leaf first, as served) for host at now.
func inspect(host string, certs []*x509.Certificate, roots *x509.CertPool, now time.Time) verdict {
	var v verdict
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	// Verify at a moment inside the leaf's window, so an expired certificate's chain is
	// still judged on its own merits (an expired leaf AND a missing intermediate are two
	// fixes, and the operator should hear of both).
	at := now
	if now.Before(leaf.NotBefore) {
		v.notYetValid = true
		at = leaf.NotBefore.Add(time.Second)
	}
	if now.After(leaf.NotAfter) {
		v.expired = true
		at = leaf.NotAfter.Add(-time.Second)
	}
	for i, c := range certs {
		if weakSignature(c) && !(i > 0 && selfSigned(c)) { // a root's own signature is never checked
			v.weakSig = append(v.weakSig, nameOf(c.Subject.CommonName, c.Subject.String()))
		}
		if w := weakKey(c); w != "" {
			who := "the certificate"
			if i > 0 {
				who = "intermediate " + nameOf(c.Subject.CommonName, c.Subject.String())
			}
			v.weakKey = append(v.weakKey, who+": "+w)
		}
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	_, err := leaf.Verify(opts)
	if err != nil {
		v.verifyErr = err.Error()
		v.classify(err, certs)
	} else if !v.expired && !v.notYetValid {
		for _, c := range certs[1:] {
			if now.After(c.NotAfter) || now.Before(c.NotBefore) {
				v.interExpired = nameOf(c.Subject.CommonName, c.Subject.String())
			}
		}
	}
	if err := leaf.VerifyHostname(host); err != nil {
		v.nameErr = nameProblem(host, leaf)
	}
	return v
}

// classify turns a verification error into the fault it is. A SHA-1 signature makes Go
// report an unknown authority; the weak signature is the fault then, not the chain.
func (v *verdict) classify(err error, certs []*x509.Certificate) {
	var (
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		noRoots x509.SystemRootsError
	)
	switch {
	case selfSigned(certs[0]):
		// Said once, as self-signed; "unknown authority" adds nothing. (A self-signed
		// certificate in network.ca_file verifies, and is no fault.)
		v.selfSigned = true
	case errors.As(err, &unknown) && len(v.weakSig) > 0:
		// The SHA-1 finding explains it.
	case errors.As(err, &unknown):
		last := certs[len(certs)-1]
		lastName := nameOf(last.Subject.CommonName, last.Subject.String())
		switch {
		case selfSigned(last):
			v.untrusted = fmt.Sprintf("the chain ends at %q, a root that is not trusted here (not a public CA, and not in network.ca_file)", lastName)
			return
		case len(certs) > 1 && last.IsCA:
			// Public chains are leaf, intermediate(s), then a root the client already has;
			// an intermediate whose issuer is unknown most likely hangs off a private root.
			v.untrusted = fmt.Sprintf("the chain goes up to %q, issued by %q, which is not a trusted root here (a private CA, whose root would go in network.ca_file; or a second intermediate is missing)",
				lastName, nameOf(last.Issuer.CommonName, last.Issuer.String()))
			return
		}
		v.incomplete = true
		v.missingIssuer = nameOf(last.Issuer.CommonName, last.Issuer.String())
		v.aia = last.IssuingCertificateURL
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired && invalid.Cert != nil && invalid.Cert != certs[0]:
		v.interExpired = nameOf(invalid.Cert.Subject.CommonName, invalid.Cert.Subject.String())
	case errors.As(err, &invalid):
		v.untrusted = invalidReason(invalid)
	case errors.As(err, &noRoots):
		v.untrusted = "this machine has no trusted root certificates (install ca-certificates, or set network.ca_file)"
	default:
		v.untrusted = err.Error()
	}
}

func invalidReason(e x509.CertificateInvalidError) string {
	who := nameOf(e.Cert.Subject.CommonName, e.Cert.Subject.String())
	switch e.Reason {
	case x509.IncompatibleUsage:
		return fmt.Sprintf("%q is not allowed to be used for TLS servers (its extended key usage lacks serverAuth)", who)
	case x509.NotAuthorizedToSign:
		return fmt.Sprintf("%q signed another certificate but is not a CA", who)
	case x509.Expired:
		return fmt.Sprintf("%q in the chain is expired or not yet valid", who)
	case x509.TooManyIntermediates:
		return "the chain has more intermediates than a CA in it allows"
	case x509.CANotAuthorizedForThisName, x509.CANotAuthorizedForExtKeyUsage:
		return fmt.Sprintf("a CA in the chain may not issue this certificate (%v)", e.Error())
	}
	return e.Error()
}

// nameProblem says which names the certificate does cover, since "does not cover X" is
// only half of what an operator needs to reissue it.
func nameProblem(host string, leaf *x509.Certificate) string {
	var names []string
	names = append(names, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		cn := leaf.Subject.CommonName
		if cn != "" {
			return fmt.Sprintf("does not cover %s: it has no subject alternative names, and clients ignore its common name (%s)", host, cn)
		}
		return fmt.Sprintf("does not cover %s: it names no host at all", host)
	}
	shown := names
	if len(shown) > 8 {
		shown = append(shown[:8:8], fmt.Sprintf("and %d more", len(names)-8))
	}
	return fmt.Sprintf("does not cover %s; it covers %s", host, strings.Join(shown, ", "))
}
