package mailauth

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseDKIMKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, record string
		err          error // nil: parses
		check        func(*DKIMKey) bool
	}{
		{"rsa 2048", "v=DKIM1; k=rsa; p=" + rsa2048, nil, func(k *DKIMKey) bool { return k.Bits == 2048 && k.KeyType == "rsa" && k.ForEmail() && !k.Testing() }},
		{"k defaults to rsa", "v=DKIM1; p=" + rsa1024, nil, func(k *DKIMKey) bool { return k.KeyType == "rsa" && k.Bits == 1024 }},
		{"ed25519", "v=DKIM1; k=ed25519; p=" + ed25519Key, nil, func(k *DKIMKey) bool { return k.KeyType == "ed25519" && k.Bits == 256 }},
		{"no v= is fine", "k=ed25519; p=" + ed25519Key, nil, func(k *DKIMKey) bool { return k.Version == "" }},
		{"revoked", "v=DKIM1; k=rsa; p=", nil, func(k *DKIMKey) bool { return k.Revoked && k.Public == nil }},
		{"revoked with spaces", "v=DKIM1; p= ; t=y", nil, func(k *DKIMKey) bool { return k.Revoked && k.Testing() }},
		{"folded p= with whitespace", "v=DKIM1; p=" + rsa2048[:100] + " \t" + rsa2048[100:], nil, func(k *DKIMKey) bool { return k.Bits == 2048 }},
		{"flags, hashes, services, notes, unknown tags", "v=DKIM1; h=sha1:sha256; s=email:*; t=y:s; n=hello; x=1; p=" + rsa2048, nil,
			func(k *DKIMKey) bool {
				return k.Testing() && k.AllowsSHA256() && k.ForEmail() && k.Notes == "hello" && len(k.Unknown) == 1
			}},
		{"sha1 only", "v=DKIM1; h=sha1; p=" + rsa2048, nil, func(k *DKIMKey) bool { return !k.AllowsSHA256() }},
		{"not for email", "v=DKIM1; s=tlsrpt; p=" + rsa2048, nil, func(k *DKIMKey) bool { return !k.ForEmail() }},
		{"wrong version", "v=DKIM2; p=" + rsa2048, ErrDKIMVersion, nil},
		{"v not first", "k=rsa; v=DKIM1; p=" + rsa2048, ErrDKIMVersion, nil},
		{"unknown key type", "v=DKIM1; k=dsa; p=" + rsa2048, ErrDKIMKeyType, nil},
		{"no p", "v=DKIM1; k=rsa", ErrDKIMNoKey, nil},
		{"bad base64", "v=DKIM1; p=abc!", ErrDKIMKeyData, nil},
		{"ed25519 of the wrong size", "v=DKIM1; k=ed25519; p=" + rsa1024, ErrDKIMKeyData, nil},
		{"rsa holding ed25519 bytes", "v=DKIM1; k=rsa; p=" + ed25519Key, ErrDKIMKeyData, nil},
		{"duplicate tag", "v=DKIM1; p=" + rsa2048 + "; p=" + rsa1024, errTagSyntax, nil},
		{"not a tag list", "hello world", errTagSyntax, nil},
	}
	for _, c := range cases {
		k, err := ParseDKIMKey(c.record)
		switch {
		case c.err != nil && !errors.Is(err, c.err):
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
		case c.err == nil && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err == nil && !c.check(k):
			t.Errorf("%s: %+v", c.name, k)
		}
	}
}

// TestDKIMKeyVectors parses the third-party key records: dkimpy's good and deliberately
// broken records, go-msgauth's and Stalwart's (which include a bare PKCS#1 RSA key).
func TestDKIMKeyVectors(t *testing.T) {
	t.Parallel()
	dir := sharedTestdata(t, "dkim")
	read := func(p string) string {
		b, err := os.ReadFile(dir + "/" + p)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	files := []struct {
		file  string
		err   error
		check func(*DKIMKey) bool
	}{
		{"dkimpy/test.txt", nil, func(k *DKIMKey) bool { return k.KeyType == "rsa" && k.Bits == 1024 }},
		{"dkimpy/test2.txt", nil, func(k *DKIMKey) bool { return k.KeyType == "rsa" && k.Bits == 1024 }},
		{"dkimpy/test_bad.txt", ErrDKIMKeyData, nil},
		{"dkimpy/badk.txt", ErrDKIMKeyType, nil},
		{"dkimpy/badversion.txt", ErrDKIMVersion, nil},
		{"dkimpy/test_tlsrpt.txt", nil, func(k *DKIMKey) bool { return !k.ForEmail() }},
		{"dkimpy/ed25519test.dns", nil, func(k *DKIMKey) bool { return k.KeyType == "ed25519" && k.Version == "" }},
		{"dkimpy/eximtest.dns", nil, func(k *DKIMKey) bool { return k.KeyType == "ed25519" }},
	}
	n := 0
	for _, f := range files {
		k, err := ParseDKIMKey(read(f.file))
		n++
		switch {
		case f.err != nil && !errors.Is(err, f.err):
			t.Errorf("%s: err %v, want %v", f.file, err, f.err)
		case f.err == nil && err != nil:
			t.Errorf("%s: %v", f.file, err)
		case f.err == nil && !f.check(k):
			t.Errorf("%s: %+v", f.file, k)
		}
	}
	for _, file := range []string{"go-msgauth-extracted/key-records.txt", "stalwart-mail-auth/001-rfc8463-appendixA.txt", "stalwart-mail-auth/002-rawrsa-newengland.txt"} {
		for _, kr := range keyRecords(t, dir+"/"+file) {
			k, err := ParseDKIMKey(kr.record)
			n++
			if err != nil {
				t.Errorf("%s %s: %v", file, kr.name, err)
				continue
			}
			if strings.HasPrefix(kr.name, "newengland.") != k.PKCS1 {
				t.Errorf("%s %s: PKCS1 = %v", file, kr.name, k.PKCS1)
			}
		}
	}
	t.Logf("%d third-party DKIM key records parsed as expected", n)
}

type keyRecord struct{ name, record string }

// keyRecords reads "<selector>._domainkey.<domain> <record>" lines up to the first blank
// line after some were found (the Stalwart files continue with a message).
func keyRecords(t *testing.T, path string) []keyRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []keyRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			if len(out) > 0 && !strings.Contains(path, "key-records") {
				break
			}
			continue
		}
		name, rec, ok := strings.Cut(line, " ")
		if ok && strings.Contains(name, "._domainkey.") {
			out = append(out, keyRecord{name, rec})
		}
	}
	return out
}

// FuzzParseDKIMKey: any record parses or fails without panicking, and a parsed key is
// usable or explicitly revoked.
func FuzzParseDKIMKey(f *testing.F) {
	for _, s := range []string{
		"v=DKIM1; k=rsa; p=" + rsa2048, "v=DKIM1; k=ed25519; p=" + ed25519Key, "v=DKIM1; p=", "p=" + rsa1024,
		"v=DKIM1; h=sha1:sha256; s=email; t=y:s; n=x; p=" + rsa768, "v=DKIM1: g=*; k=rsa; p=abc", "k=ed25519-sha256; p=AAAA",
		"v=DKIM1; p=" + rsa2048 + "; p=", ";;;", "=", "v", "v=DKIM1; k=rsa; p=MIGJAoGBALVI635dLK4cJJAH3Lx6upo3X/Lm1tQz3mezcWTA3BUBnyIsdnRf57aD5BtNmhPrYYDlWlzw3UgnKisIxktkk5+iMQMlFtAS10JB8L3YadXNJY+JBcbeSi5TgJe4WFzNgW95FWDAuSTRXSWZfA/8xjflbTLDx0euFZOM7C4T0GwLAgMBAAE=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, record string) {
		k, err := ParseDKIMKey(record)
		if err != nil {
			if k != nil {
				t.Fatalf("error %v with a key", err)
			}
			return
		}
		if k.Revoked != (k.Public == nil) {
			t.Fatalf("revoked %v but public key %v", k.Revoked, k.Public)
		}
		if !k.Revoked && k.Bits <= 0 {
			t.Fatalf("usable key with %d bits", k.Bits)
		}
		if k.KeyType != "rsa" && k.KeyType != "ed25519" {
			t.Fatalf("key type %q", k.KeyType)
		}
		_ = k.Describe()
	})
}
