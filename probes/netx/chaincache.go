package netx

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Chain cache bounds: a chain verified once is trusted again, for the same name and the
// very same certificate bytes, for at most chainTTL and only inside every certificate's
// validity window. It holds at most chainMax chains.
const (
	chainTTL = 10 * time.Minute
	chainMax = 4096
)

// chainCache remembers certificate chains already verified for a name, so a probe that
// opens a fresh TLS connection every check does not redo the same signature checks every
// time (about a fifth of a check's CPU). It changes nothing a member's first connection
// would see: the server still sends its whole chain and a full handshake happens; only a
// chain byte-for-byte identical to one that verified, for the same name, inside every
// certificate's validity, skips re-verification. Anything else is verified as crypto/tls
// would verify it, with the same roots and the same errors.
type chainCache struct {
	roots *x509.CertPool
	now   func() time.Time
	mu    sync.Mutex
	ok    map[[32]byte]chainOK
	// verified counts full verifications (cache misses), for tests and profiling.
	verified atomic.Int64
}

type chainOK struct {
	notBefore, notAfter, checked time.Time
	// certs holds the parsed certificates as served. crypto/tls keeps parsed certificates
	// in a cache of weak references keyed by their bytes; while this entry holds them, the
	// next connection to the same server gets them back instead of parsing the chain again
	// (a twentieth of a check's allocations).
	certs []*x509.Certificate
}

func newChainCache(roots *x509.CertPool, now func() time.Time) *chainCache {
	return &chainCache{roots: roots, now: now, ok: map[[32]byte]chainOK{}}
}

// key is a hash of the name and every certificate as served, in order.
func chainKey(name string, certs []*x509.Certificate) [32]byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(name)))
	h.Write(n[:])
	h.Write([]byte(name))
	for _, c := range certs {
		binary.BigEndian.PutUint64(n[:], uint64(len(c.Raw)))
		h.Write(n[:])
		h.Write(c.Raw)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// verify is a tls.Config.VerifyConnection for a config with InsecureSkipVerify set: it
// does what crypto/tls's own verification does (roots, intermediates as served, the
// server name), reusing an earlier success for an identical chain.
func (c *chainCache) verify(cs tls.ConnectionState) error {
	certs := cs.PeerCertificates
	if len(certs) == 0 {
		return errors.New("tls: the server sent no certificate")
	}
	now := c.now()
	key := chainKey(cs.ServerName, certs)
	c.mu.Lock()
	e, hit := c.ok[key]
	c.mu.Unlock()
	if hit && now.Sub(e.checked) < chainTTL && !now.Before(e.notBefore) && now.Before(e.notAfter) {
		return nil
	}
	c.verified.Add(1)
	inter := x509.NewCertPool()
	for _, ic := range certs[1:] {
		inter.AddCert(ic)
	}
	chains, err := certs[0].Verify(x509.VerifyOptions{Roots: c.roots, Intermediates: inter, DNSName: cs.ServerName, CurrentTime: now})
	if err != nil {
		return &tls.CertificateVerificationError{UnverifiedCertificates: certs, Err: err}
	}
	ok := chainOK{checked: now, notAfter: certs[0].NotAfter, notBefore: certs[0].NotBefore, certs: certs}
	for _, ch := range chains[:1] {
		for _, x := range ch {
			if x.NotBefore.After(ok.notBefore) {
				ok.notBefore = x.NotBefore
			}
			if x.NotAfter.Before(ok.notAfter) {
				ok.notAfter = x.NotAfter
			}
		}
	}
	c.mu.Lock()
	if len(c.ok) >= chainMax {
		clear(c.ok)
	}
	c.ok[key] = ok
	c.mu.Unlock()
	return nil
}
