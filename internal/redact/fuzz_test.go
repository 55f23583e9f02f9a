package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// planted are secrets the fuzzer hides at random places in random text; each must be gone
// from the output whatever surrounds it. The first field is planted, the second is what
// must not survive.
var planted = [][2]string{
	{stripeLive, stripeLive},
	{whsec, whsec},
	{awsID, awsID},
	{awsSecret, awsSecret},
	{ghp, ghp},
	{slackBot, slackBot},
	{jwt, "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
	{"Bearer " + sessionValue, sessionValue},
	{"password=" + password, password},
	{`"api_key":"` + sessionValue + `"`, sessionValue},
	{"https://u:" + dbPassword + "@db.example:5432/x", dbPassword},
	{emailLocal + "@example.com", emailLocal + "@"},
	{cardVisa, cardVisa},
	{pemBlock, privateBody},
}

// FuzzRedact: no input makes the redactor panic, a planted secret of any kind never
// survives whatever text surrounds it, a known value never survives, valid UTF-8 stays
// valid, and redacting twice changes nothing more.
func FuzzRedact(f *testing.F) {
	f.Add("plain log line with nothing secret", "lr-known-config-secret-77c1", uint8(0), uint16(5))
	f.Add(`{"level":"error","msg":"x","token":"abc"}`, "value-1234", uint8(9), uint16(0))
	f.Add("GET /login?password=", "pw-value-xyz", uint8(8), uint16(20))
	f.Add("a@b.co@c.com 4111 1111", "zzzz", uint8(11), uint16(3))
	f.Add("-----BEGIN PRIVATE KEY----- eyJ.eyJ. AKIA", "AKIAabcd", uint8(13), uint16(12))
	f.Add("\x00\xff\xfe bearer bearer: =: :// @@ ", "héllo wörld", uint8(7), uint16(9))
	f.Fuzz(func(t *testing.T, text, value string, which uint8, at uint16) {
		var values []string
		if usableValue(value) {
			values = []string{value}
		}
		r, err := New(Options{Values: values})
		if err != nil {
			t.Fatal(err)
		}
		p := planted[int(which)%len(planted)]
		pos := int(at) % (len(text) + 1)
		for pos > 0 && pos < len(text) && !utf8.RuneStart(text[pos]) {
			pos--
		}
		in := text[:pos] + " " + p[0] + " " + text[pos:]
		if values != nil {
			in += " " + value
		}
		out := r.String(in)
		if strings.Contains(out, p[1]) {
			t.Fatalf("planted %q survived:\n in: %q\nout: %q", p[1], in, out)
		}
		if values != nil && strings.Contains(out, value) {
			t.Fatalf("known value %q survived:\n in: %q\nout: %q", value, in, out)
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("redaction broke UTF-8:\n in: %q\nout: %q", in, out)
		}
		if again := r.String(out); again != out {
			t.Fatalf("not idempotent:\n once: %q\ntwice: %q", out, again)
		}
		_ = r.String(text) // raw fuzz input, no plant: must not panic
	})
}

// usableValue: values too short to redact, or that occur inside the markers themselves,
// cannot be promised absent.
func usableValue(v string) bool {
	if len(v) < MinValueLen || strings.ContainsAny(v, "[]") {
		return false
	}
	for k := Kind(0); k < numKinds; k++ {
		if strings.Contains(marker(k), v) {
			return false
		}
	}
	return true
}
