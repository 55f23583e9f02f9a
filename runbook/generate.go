package runbook

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
)

// generate makes a new secret: Prefix plus Length characters drawn uniformly from the
// format's alphabet with crypto/rand (rejection sampling, so no character is likelier than
// another).
func generate(g *Generate, random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	alpha := alphabets[g.format()]
	if alpha == "" {
		return "", fmt.Errorf("unknown format %q", g.Format)
	}
	n := g.length()
	out := make([]byte, 0, len(g.Prefix)+n)
	out = append(out, g.Prefix...)
	max := big.NewInt(int64(len(alpha)))
	for range n {
		i, err := rand.Int(random, max)
		if err != nil {
			return "", fmt.Errorf("the system's random source failed: %w", err)
		}
		out = append(out, alpha[i.Int64()])
	}
	return string(out), nil
}

// fingerprint identifies a generated secret in the transcript without revealing it: the
// first 12 hex digits of its SHA-256. A generated value has at least 128 random bits, so the
// fingerprint cannot be reversed; it lets a resume check a re-entered value is the same one.
// Operator-typed secrets get no fingerprint: they may be guessable, and a hash of a
// guessable value is the value.
func fingerprint(v string) string {
	h := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(h[:6])
}
