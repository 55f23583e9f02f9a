package mailauth

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// DKIMKey is a parsed DKIM key record (RFC 6376 3.6.1, ed25519 per RFC 8463): what a
// receiver will use to check the signatures of every message signed with the selector.
type DKIMKey struct {
	Version  string   `json:"version,omitempty"`  // "DKIM1" or empty (v= is optional)
	KeyType  string   `json:"key_type"`           // "rsa" (the default) or "ed25519"
	Hashes   []string `json:"hashes,omitempty"`   // h=: acceptable hash algorithms; empty means all
	Services []string `json:"services,omitempty"` // s=: service types; empty means "*"
	Flags    []string `json:"flags,omitempty"`    // t=: "y" testing, "s" strict identity
	Notes    string   `json:"notes,omitempty"`    // n=
	// Revoked is an empty p=: the key was withdrawn and every signature made with it fails.
	Revoked bool `json:"revoked"`
	// Bits is the key size: the RSA modulus length, or 256 for ed25519.
	Bits int `json:"bits"`
	// Public is the parsed key; nil when revoked.
	Public crypto.PublicKey `json:"-"`
	// PKCS1 is true when p= holds a bare RSAPublicKey instead of SubjectPublicKeyInfo:
	// accepted by most verifiers (erratum 3017) but not all.
	PKCS1 bool `json:"pkcs1,omitempty"`
	// Unknown lists tags this parser does not know; the RFC says ignore them.
	Unknown []string `json:"unknown,omitempty"`
}

// Testing says t=y: the domain is testing DKIM, and receivers must treat signed mail as
// unsigned (RFC 6376 3.6.1), so DKIM gives no protection yet.
func (k *DKIMKey) Testing() bool { return slices.Contains(k.Flags, "y") }

// ForEmail says whether the key may be used for email (s= is absent, "*" or lists "email").
func (k *DKIMKey) ForEmail() bool {
	return len(k.Services) == 0 || slices.Contains(k.Services, "*") || slices.Contains(k.Services, "email")
}

// AllowsSHA256 says whether h= permits rsa-sha256 / ed25519-sha256 signatures.
func (k *DKIMKey) AllowsSHA256() bool {
	return len(k.Hashes) == 0 || slices.Contains(k.Hashes, "sha256")
}

// Describe is the key in a few words for a pane row: "rsa 2048", "ed25519", "revoked".
func (k *DKIMKey) Describe() string {
	switch {
	case k.Revoked:
		return "revoked (empty p=)"
	case k.KeyType == "ed25519":
		return "ed25519"
	}
	return fmt.Sprintf("%s %d", k.KeyType, k.Bits)
}

// Errors a key record can fail with, for errors.Is.
var (
	ErrDKIMVersion = errors.New("wrong DKIM version")
	ErrDKIMKeyType = errors.New("unknown key type")
	ErrDKIMNoKey   = errors.New("no p= tag")
	ErrDKIMKeyData = errors.New("p= is not a valid public key")
)

// ParseDKIMKey parses a DKIM key record as a receiver would: strictly on what makes the key
// unusable (a wrong version, an unknown key type, a p= that does not decode to a key of
// that type), tolerant of what the RFC says to ignore (unknown tags). A revoked key
// (empty p=) parses without error and reports Revoked: it is a valid record saying "this
// selector is dead".
func ParseDKIMKey(record string) (*DKIMKey, error) {
	tags, err := parseTags(record, false)
	if err != nil {
		return nil, err
	}
	k := &DKIMKey{KeyType: "rsa"}
	for i, t := range tags {
		switch t.Name {
		case "v":
			if i != 0 {
				return nil, fmt.Errorf("%w: v= must be the first tag when present", ErrDKIMVersion)
			}
			if t.Value != "DKIM1" {
				return nil, fmt.Errorf("%w: v=%s, want v=DKIM1", ErrDKIMVersion, clip(t.Value, 40))
			}
			k.Version = t.Value
		case "k":
			k.KeyType = strings.ToLower(t.Value)
		case "h":
			k.Hashes = splitList(t.Value)
		case "s":
			k.Services = splitList(t.Value)
		case "t":
			k.Flags = splitList(t.Value)
		case "n":
			k.Notes = t.Value
		case "p", "g":
			// p is handled below, g (granularity) was dropped by RFC 6376 and is ignored.
		default:
			k.Unknown = append(k.Unknown, t.Name)
		}
	}
	if k.KeyType != "rsa" && k.KeyType != "ed25519" {
		return nil, fmt.Errorf("%w k=%s: use k=rsa or k=ed25519", ErrDKIMKeyType, clip(k.KeyType, 40))
	}
	p, ok := tags.get("p")
	if !ok {
		return nil, ErrDKIMNoKey
	}
	p = stripSpace(p)
	if p == "" {
		k.Revoked = true
		return k, nil
	}
	raw, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return nil, fmt.Errorf("%w: the base64 does not decode (%v): the record was probably cut or mangled when pasted", ErrDKIMKeyData, err)
	}
	switch k.KeyType {
	case "rsa":
		pub, err := x509.ParsePKIXPublicKey(raw)
		if err != nil {
			rp, err1 := x509.ParsePKCS1PublicKey(raw)
			if err1 != nil {
				return nil, fmt.Errorf("%w: not an RSA public key (%v)", ErrDKIMKeyData, err)
			}
			pub, k.PKCS1 = rp, true
		}
		rp, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: k=rsa but p= holds a %T key", ErrDKIMKeyData, pub)
		}
		k.Public, k.Bits = rp, rp.N.BitLen()
	case "ed25519":
		if len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: an ed25519 key is %d bytes, p= holds %d", ErrDKIMKeyData, ed25519.PublicKeySize, len(raw))
		}
		k.Public, k.Bits = ed25519.PublicKey(raw), 256
	}
	return k, nil
}

// clip shortens a string for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
