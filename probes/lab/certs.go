package lab

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// authority is the lab's own small PKI: a root CA (what Lab.CAFile holds and
// probes trust through network.ca_file) and an intermediate that signs the
// sites' certificates, so chains look like a public CA's: leaf, intermediate,
// root. Everything is generated per lab, in memory; nothing is cached on disk.
type authority struct {
	now       time.Time
	root      *x509.Certificate
	rootDER   []byte
	rootKey   crypto.Signer
	inter     *x509.Certificate
	interDER  []byte
	interKey  crypto.Signer
	reissued  map[time.Duration][]byte // the intermediate re-issued at an offset from now, by offset
	leafKey   crypto.Signer            // one P-256 key for every ECDSA leaf: keys are not what the lab tests
	rsaKeys   map[int]*rsa.PrivateKey  // RSA keys by size, generated on first use (they are slow)
	serialMax *big.Int
}

// newAuthority generates the root, the intermediate and the shared leaf key.
// All ECDSA P-256: a few hundred microseconds in all, so the demo starts at
// once.
func newAuthority(now time.Time) (*authority, error) {
	a := &authority{now: now, rsaKeys: map[int]*rsa.PrivateKey{}, reissued: map[time.Duration][]byte{}, serialMax: new(big.Int).Lsh(big.NewInt(1), 127)}
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	a.rootKey = rootKey
	a.interKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	a.leafKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	org := []string{"Launch Ready Lab"}
	rootTmpl := &x509.Certificate{
		Subject:               pkix.Name{Organization: org, CommonName: "Launch Ready Lab Root CA"},
		NotBefore:             now.Add(-365 * 24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if a.root, a.rootDER, err = a.sign(rootTmpl, rootTmpl, rootKey.Public(), rootKey); err != nil {
		return nil, fmt.Errorf("root CA: %w", err)
	}
	if a.inter, a.interDER, err = a.sign(interTemplate(now.Add(-365*24*time.Hour), now), a.root, a.interKey.Public(), rootKey); err != nil {
		return nil, fmt.Errorf("intermediate CA: %w", err)
	}
	return a, nil
}

// interTemplate is the lab intermediate, "Lab R1", valid from notBefore for five years
// from now.
func interTemplate(notBefore, now time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{Organization: []string{"Launch Ready Lab"}, CommonName: "Lab R1"},
		NotBefore:             notBefore,
		NotAfter:              now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
}

// reissuedInter is the intermediate as the root re-issued it at offset from now: the
// same name and key, so everything the first one signed chains to it too, but a younger
// certificate, as CAs renew their intermediates. A leaf that expired before the re-issue
// was never valid at the same time as the CA certificate it is served with.
func (a *authority) reissuedInter(offset time.Duration) ([]byte, error) {
	if der, ok := a.reissued[offset]; ok {
		return der, nil
	}
	_, der, err := a.sign(interTemplate(a.now.Add(offset), a.now), a.root, a.interKey.Public(), a.rootKey)
	if err != nil {
		return nil, fmt.Errorf("re-issued intermediate CA: %w", err)
	}
	a.reissued[offset] = der
	return der, nil
}

// rootPEM is the content of Lab.CAFile.
func (a *authority) rootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.rootDER})
}

// leaf issues the certificate a site serves, as its CertSpec says, with the
// chain the listener sends.
func (a *authority) leaf(host string, spec CertSpec) (tls.Certificate, error) {
	key := a.leafKey
	if spec.RSABits != 0 {
		k, ok := a.rsaKeys[spec.RSABits]
		if !ok {
			var err error
			if k, err = rsa.GenerateKey(rand.Reader, spec.RSABits); err != nil {
				return tls.Certificate{}, fmt.Errorf("RSA %d key: %w", spec.RSABits, err)
			}
			a.rsaKeys[spec.RSABits] = k
		}
		key = k
	}
	names := spec.Names
	if len(names) == 0 {
		names = []string{host}
	}
	notBefore, notAfter := spec.window()
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: names[0]},
		NotBefore:   a.now.Add(notBefore),
		NotAfter:    a.now.Add(notAfter),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if _, isRSA := key.(*rsa.PrivateKey); isRSA {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	parent, signer := a.inter, a.interKey
	if spec.SelfSigned {
		parent, signer = tmpl, key
	}
	if spec.SHA1 {
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA1
		if _, isRSA := signer.(*rsa.PrivateKey); isRSA {
			tmpl.SignatureAlgorithm = x509.SHA1WithRSA
		}
	}
	cert, der, err := a.sign(tmpl, parent, key.Public(), signer)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate for %s: %w", host, err)
	}
	chain := [][]byte{der}
	switch {
	case spec.ReissuedIntermediate != 0:
		inter, err := a.reissuedInter(spec.ReissuedIntermediate)
		if err != nil {
			return tls.Certificate{}, err
		}
		chain = append(chain, inter)
	case !spec.SelfSigned && !spec.OmitIntermediate:
		chain = append(chain, a.interDER)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: cert}, nil
}

// sign creates a certificate with a fresh random serial.
func (a *authority) sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, []byte, error) {
	serial, err := rand.Int(rand.Reader, a.serialMax)
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1))
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, der, err
}
