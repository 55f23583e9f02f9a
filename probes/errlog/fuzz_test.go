package errlog

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/launchready/launchready/internal/redact"
)

// fuzzSecret is a known secret value the fuzzer's logs carry; it must never be stored.
const fuzzSecret = "fz-known-secret-4242"

// FuzzParse feeds arbitrary bytes, cut into two reads at an arbitrary point, through the
// whole line parser (splitting, joining, format detection, JSON/logfmt/plain parsing,
// fingerprinting, storing). Nothing may panic; every span stays inside its entry; every
// stored string is valid UTF-8 without control characters; a known secret written into
// an error line never reaches a stored value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"level":"error","msg":"x","err":{"message":"m","stack":"s"}}`,
		`{"level":50,"msg":"a\u0040b.com \ud83d\ude00 \"q\"","token":"t"}`,
		`{"level":"error","msg":"cut`,
		"time=1 level=error msg=\"unterminated err=\\\"x\n",
		"2026/11/28 01:59:31 http: panic serving 10.0.3.7:51234\ngoroutine 1 [running]:\nmain.main()\n\t/a.go:1 +0x1\n",
		"ERROR x\nTraceback (most recent call last):\n  File \"a.py\", line 1, in f\nValueError: v\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\nKeyError: k\n",
		"E1128 02:02:12.441 1 f.go:12] failed\n-----BEGIN PRIVATE KEY-----\nabc\n",
		"\x1b[31mERROR\x1b[0m coloured\x00binary\xff\xfe\n",
		"[error] <warn> |info| level=\"fatal\" Error: TypeError: x\n\tat f (a.js:1:2)\nCaused by: y\n",
		"app.rb:10:in `x': y (NoMethodError)\n\tfrom app.rb:2:in `z'\n",
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	red, err := redact.New(redact.Options{Values: []string{fuzzSecret}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		var e entry
		e.parse(data)
		for _, sp := range []span{e.msg, e.err, e.errType, e.stack, e.tail, e.ts, e.reqID} {
			if sp.s < 0 || sp.e < 0 || int(sp.e) > len(data) || (sp.e > 0 && sp.s > sp.e) {
				t.Fatalf("span %+v outside an entry of %d bytes", sp, len(data))
			}
		}

		p, st := testPipeline(t, red)
		planted := append(append([]byte{}, data...), "\nERROR carrying "+fuzzSecret+" along\n"...)
		cut := int(split) % (len(planted) + 1)
		p.feed(planted[:cut])
		p.feed(planted[cut:])
		p.flush(true)
		check := func(what, s string) {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", what, s)
			}
			if strings.ContainsAny(s, "\x00\x1b\r") {
				t.Fatalf("%s holds control characters: %q", what, s)
			}
			if strings.Contains(s, fuzzSecret) {
				t.Fatalf("%s holds the known secret: %q", what, s)
			}
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		for g := st.head; g != nil; g = g.next {
			sm := g.sample
			for _, s := range []string{g.title, sm.Time, sm.Message, sm.Error, sm.Stack, sm.RequestID} {
				check("a stored value", s)
			}
			for _, fl := range sm.Fields {
				check("a field", fl.Key+fl.Value)
			}
		}
		if st.errors.Load() == 0 {
			t.Fatalf("the planted error line was not kept")
		}
	})
}

// FuzzFingerprint feeds arbitrary messages through normalise, with and without an id of a
// fixed shape planted in them. Nothing may panic; the normal form holds no digit, no line
// break and stays within a token of its bound; and two ids of one shape (a uuid, an
// ObjectId, a prefixed id with a digit, a Firebase push id) planted in the same place
// give the same normal form, so they group together.
func FuzzFingerprint(f *testing.F) {
	for _, s := range []string{
		"payment webhook failed for customer cus_NffrFeUfNVaHib: signature mismatch",
		"NullPointerException in getUserById (ECONNREFUSED)",
		"order 550e8400-e29b-41d4-a716-446655440000 of user_2NNEqL2nrIRdJ194ndJqAHwEfxC",
		"x-request-id V1StGXR8_Z5jdHi6B-myT -MxYz3AbCdEfGhIjKlMn",
		"'quoted' \"double\" `back` [REDACTED] a@b.example \xff\xfe caf\xc3\xa9",
	} {
		f.Add(s, uint8(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, msg string, at uint8) {
		n := normalise(nil, msg, 240)
		if strings.ContainsAny(string(n), "0123456789\n\r") {
			t.Fatalf("normal form %q holds a digit or a line break", n)
		}
		if len(n) > 240+len(msg) {
			t.Fatalf("normal form of %d bytes for a bound of 240", len(n))
		}
		if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\n\r\"'`@[") {
			return // planting below assumes a plain line
		}
		cut := int(at) % (len(msg) + 1)
		for _, ids := range [][2]string{
			{"550e8400-e29b-41d4-a716-446655440000", "deadbeef-cafe-4bad-beef-facadefacade"},
			{"507f1f77bcf86cd799439011", "deadbeefcafebabefacedbad"},
			{"cus_9s8d7f6g5h4j3k", "pi_3MtwBwLkdIwHu7ix28a3tqPa"},
			{"-MxYz3AbCdEfGhIjKlMn", "-Nq9vTrBnMkLpHsDfGjY"},
		} {
			a := normalise(nil, msg[:cut]+" "+ids[0]+" "+msg[cut:], 1<<20)
			b := normalise(nil, msg[:cut]+" "+ids[1]+" "+msg[cut:], 1<<20)
			if string(a) != string(b) {
				t.Fatalf("%s and %s in %q normalise apart: %q, %q", ids[0], ids[1], msg, a, b)
			}
		}
	})
}
