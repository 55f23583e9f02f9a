package secretscan

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// randomCode strings together the pieces the generic rule and the decoder look for
// (keywords, operators, quotes, long values, encoded runs) with minified-code noise, so
// that a good share of the texts match.
func randomCode(r *rand.Rand) string {
	parts := []string{
		"key", "Key", "KEY", "api", "Api", "API", "token", "secret", "passwd", "password", "auth", "access", "credential", "creds",
		"_", ".", "-", " ", "\t", "\n", "'", `"`, "`", "=", ":", ":=", "::=", "=>", "?=", "||", ",", ">", ";", "(", "){", "}", "?",
		"e", "t.", "x", "abcdefghij", "Q7rZ2mTx9K", "a1b2c3d4e5f6a7b8", "+/", "==", "\\n", "%2F", "\\u0041", "U+0041 ",
		base64.StdEncoding.EncodeToString([]byte("printable text here")), hex.EncodeToString([]byte("printable hex text")),
		"application/json", "addEventListener", "\u212aey",
	}
	var b strings.Builder
	for range 1 + r.IntN(24) {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// TestMayMatchGenericNeverMissesAMatch: wherever gitleaks' generic rule matches, the
// cheap check lets the text through (it may let more through, never less).
func TestMayMatchGenericNeverMissesAMatch(t *testing.T) {
	t.Parallel()
	cfg, err := defaults()
	if err != nil {
		t.Fatal(err)
	}
	re := cfg.Rules[genericRule].Regex
	r := rand.New(rand.NewPCG(1, 2))
	matched, skipped := 0, 0
	for range 15000 {
		text := randomCode(r)
		switch {
		case re.MatchString(text):
			matched++
			if !mayMatchGeneric(text) {
				t.Fatalf("the generic rule matches %q but the check skips it", text)
			}
		case !mayMatchGeneric(text):
			skipped++
		}
	}
	if matched < 500 || skipped < 500 {
		t.Errorf("the random texts do not exercise the check: %d matched, %d skipped", matched, skipped)
	}
	for _, text := range []string{
		`x.apiKey="Q7rZ2mTx9KQ7rZ2mTx9K"`, `const API_TOKEN = 'abcdefghijkl';`, `{"client_secret" : "abc.def-ghi=jk"}`,
		`password:::=  "a1b2c3d4e5f6"`, `auth_header => ` + "`Q7rZ2mTx9Kxx`", `key||"q7rz2mtx9kq7"`,
	} {
		if !re.MatchString(text) || !mayMatchGeneric(text) {
			t.Errorf("%q: rule %v, check %v; want both true", text, re.MatchString(text), mayMatchGeneric(text))
		}
	}
	if mayMatchGeneric(minifiedBundle(64 << 10)) {
		t.Error("the benchmark's bundle assigns no long value to a key-ish name, yet the check lets it through")
	}
}

// TestMayDecodeNeverMissesASegment: wherever gitleaks' decoder finds a base64 or hex run
// to decode, the cheap check lets the text through (percent and Unicode escapes it leaves
// alone on purpose; texts holding them are not asked about).
func TestMayDecodeNeverMissesASegment(t *testing.T) {
	t.Parallel()
	// gitleaks' decoder logs through its global logger, which defaults() silences (and a
	// parallel test may be doing so now): as in the product, where every scan goes
	// through New first, the decoder runs only after that.
	if _, err := defaults(); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	decoded, skipped := 0, 0
	for range 15000 {
		text := randomCode(r)
		if strings.Contains(text, "%") || strings.Contains(text, "\\u") || strings.Contains(text, "U+") {
			continue
		}
		if _, segs := codec.NewDecoder().Decode(text, nil); len(segs) > 0 {
			decoded++
			if !mayDecode(text) {
				t.Fatalf("gitleaks decodes part of %q but the check skips it", text)
			}
		} else if !mayDecode(text) {
			skipped++
		}
	}
	if decoded < 500 || skipped < 500 {
		t.Errorf("the random texts do not exercise the check: %d decoded, %d skipped", decoded, skipped)
	}
	if mayDecode(minifiedBundle(64 << 10)) {
		t.Error("the benchmark's bundle has nothing to decode, yet the check lets it through")
	}
}
