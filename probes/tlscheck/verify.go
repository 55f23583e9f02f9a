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
	// staleCA is a CA certificate of the chain (an intermediate, or a root) that is
	// outside its validity window now.
	staleCA *x509.Certificate
	// rootSent is a self-signed CA certificate the server sends after the leaf: clients
	// use the copy in their own store, so it only adds bytes to every handshake.
	rootSent  *x509.Certificate
	nameErr   string
	weakSig   []string // subjects of certificates signed with SHA-1 (or worse)
	weakKey   []string // "leaf: RSA 1024-bit key"
	verifyErr string   // Go's own words, for evidence
}

func (v verdict) trusted() bool {
	return !v.expired && !v.notYetValid && !v.selfSigned && v.untrusted == "" && !v.incomplete &&
		v.staleCA == nil && v.nameErr == "" && len(v.weakSig) == 0
}

// inspect verifies certs (leaf first, as served) for host at now. Every certificate is
// judged at now: the leaf's own window is the expired / not-yet-valid finding, and each
// CA certificate's is the chain's.
func inspect(host string, certs []*x509.Certificate, roots *x509.CertPool, now time.Time) verdict {
	var v verdict
	leaf := certs[0]
	v.notYetValid = now.Before(leaf.NotBefore)
	v.expired = now.After(leaf.NotAfter)
	for i, c := range certs {
		if weakSignature(c) && !(i > 0 && selfSigned(c)) { // a root's own signature is never checked
			v.weakSig = append(v.weakSig, nameOf(c.Subject.CommonName, c.Subject.String()))
		}
		if w := weakKey(c); w != "" {
			who := "the certificate"
			if i > 0 {
				who = caRole(c) + " " + nameOf(c.Subject.CommonName, c.Subject.String())
			}
			v.weakKey = append(v.weakKey, who+": "+w)
		}
		if i > 0 && selfSigned(c) && v.rootSent == nil {
			v.rootSent = c
		}
	}
	if err := verifyChain(certs, roots, now); err != nil {
		v.verifyErr = err.Error()
		v.classify(err, certs, now)
	}
	for _, c := range certs[1:] {
		if v.staleCA == nil && outside(c, now) {
			v.staleCA = c
		}
	}
	if err := leaf.VerifyHostname(host); err != nil {
		v.nameErr = nameProblem(host, leaf)
	}
	return v
}

// verifyChain checks that certs chain up to a trusted root at now. Go stops at a leaf
// outside its window, and no other single moment will do: a CA certificate re-issued
// after the leaf expired (same name and key, as CAs renew their intermediates) was never
// valid at the same time as the leaf. So for such a leaf the chain is verified from the
// leaf's issuer up, at now, once the issuer's signature on the leaf checks out; the
// leaf's expiry is its own finding, and an expired leaf and a broken chain are two fixes
// the operator should hear of both. Only when the issuer was not sent is the leaf
// verified inside its own window, which is where an incomplete chain shows.
func verifyChain(certs []*x509.Certificate, roots *x509.CertPool, now time.Time) error {
	leaf := certs[0]
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if !outside(leaf, now) {
		_, err := leaf.Verify(opts)
		return err
	}
	for _, c := range certs[1:] {
		if leaf.CheckSignatureFrom(c) == nil {
			_, err := c.Verify(opts)
			return err
		}
	}
	opts.CurrentTime = leaf.NotAfter.Add(-time.Second)
	if now.Before(leaf.NotBefore) {
		opts.CurrentTime = leaf.NotBefore.Add(time.Second)
	}
	_, err := leaf.Verify(opts)
	return err
}

// outside says whether c is outside its validity window at now.
func outside(c *x509.Certificate, now time.Time) bool {
	return now.Before(c.NotBefore) || now.After(c.NotAfter)
}

// caRole is what a CA certificate in a chain is called: a root signs itself, anything
// else is an intermediate.
func caRole(c *x509.Certificate) string {
	if selfSigned(c) {
		return "root"
	}
	return "intermediate"
}

// classify turns a verification error into the fault it is. A SHA-1 signature makes Go
// report an unknown authority; the weak signature is the fault then, not the chain.
func (v *verdict) classify(err error, certs []*x509.Certificate, now time.Time) {
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
		// A CA certificate out of its window now is the chain's fault. One that is valid
		// now failed only because a leaf outside its own window had to be verified at an
		// earlier moment; the leaf's finding says what there is to fix.
		if outside(invalid.Cert, now) {
			v.staleCA = invalid.Cert
		} else {
			v.verifyErr = "" // Go's words would call a valid CA certificate invalid
		}
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
