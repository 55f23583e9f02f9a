package redact

import (
	"bytes"
	"strings"
	"testing"
)

// Planted secrets. They are fake but have the real shapes (and the card numbers pass the
// Luhn check), so a redactor that misses one shape fails here, not in production.
const (
	stripeLive   = "sk_live_51HxQ2aLkP9dRt7Yv3mN8cB4"
	stripeRK     = "rk_live_51HxQ2aLkP9dRt7Yv3mN8cB4"
	stripeTest   = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
	whsec        = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	awsID        = "AKIAIOSFODNN7EXAMPLE"
	awsTempID    = "ASIAY34FZKBOKMUTVV7A"
	awsSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	ghp          = "ghp_R2d2C3poX9yZ8wV7uT6sR5qP4oN3mL2kJ1iH"
	ghPAT        = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
	slackBot     = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
	slackHook    = "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
	jwt          = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	bearerTok    = "mF_9.B5f-4.1JqM"
	googleKey    = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
	password     = "hunter2-Correct-Horse"
	dbPassword   = "s3cr3t-DB-pw"
	cardVisa     = "4111 1111 1111 1111"
	cardPlain    = "5555555555554444"
	cardAmex     = "3782-822463-10005"
	emailLocal   = "jane.doe+launch"
	knownValue   = "lr-known-config-secret-77c1"
	privateBody  = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
	pemBlock     = "-----BEGIN RSA PRIVATE KEY-----\n" + privateBody + "\nq2FyZWZ1bGx5IGNob3Nlbg==\n-----END RSA PRIVATE KEY-----"
	sessionValue = "8f14e45fceea167a5a36dedd4bea2543"
)

func newTest(t testing.TB, o Options) *Redactor {
	t.Helper()
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRedactsEveryKind(t *testing.T) {
	t.Parallel()
	r := newTest(t, Options{Values: []string{knownValue}, Patterns: []string{`member_no=(\d+)`}})
	cases := []struct {
		name, in string
		secret   []string
		kind     Kind
		keep     []string // what must survive: redaction is not deletion of context
	}{
		{"stripe live", "charge failed: invalid key " + stripeLive + " for account", []string{stripeLive}, StripeKey, []string{"charge failed", "for account"}},
		{"stripe restricted", "key=" + stripeRK, []string{stripeRK}, StripeKey, nil},
		{"stripe test", `{"stripe":"` + stripeTest + `"}`, []string{stripeTest}, StripeKey, nil},
		{"stripe webhook secret", "verifying with " + whsec, []string{whsec}, StripeKey, []string{"verifying with"}},
		{"aws key id", "InvalidAccessKeyId: " + awsID + " does not exist", []string{awsID}, AWSKeyID, []string{"does not exist"}},
		{"aws temp id", "creds " + awsTempID, []string{awsTempID}, AWSKeyID, nil},
		{"aws secret bare", "secret access key " + awsSecret + " rejected", []string{awsSecret}, AWSSecret, []string{"rejected"}},
		{"aws secret named", "aws_secret_access_key=" + awsSecret, []string{awsSecret}, Parameter, nil},
		{"github token", "git clone https://" + ghp + "@github.com/acme/app", []string{ghp}, GitHubToken, []string{"github.com/acme/app"}},
		{"github pat", "GITHUB_TOKEN " + ghPAT, []string{ghPAT}, GitHubToken, nil},
		{"slack token", "slack: posting with " + slackBot, []string{slackBot}, SlackToken, nil},
		{"slack webhook", "POST https://hooks.slack.com/services/" + slackHook + " failed", []string{slackHook, "B00000000"}, SlackToken, []string{"hooks.slack.com/services/", "failed"}},
		{"jwt", "session " + jwt + " expired", []string{jwt, "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"}, JWT, []string{"expired"}},
		{"bearer", "Authorization header: Bearer " + bearerTok + "xyzw", []string{bearerTok}, Bearer, nil},
		{"authorization header", "Authorization: Basic dXNlcjpodW50ZXIy", []string{"dXNlcjpodW50ZXIy"}, Parameter, []string{"Authorization:"}},
		{"google key", "maps key=" + googleKey, []string{googleKey}, GoogleKey, nil},
		{"private key", "loaded key:\n" + pemBlock + "\ndone", []string{privateBody, "q2FyZWZ1bGx5IGNob3Nlbg=="}, PrivateKey, []string{"done", "loaded key"}},
		{"private key escaped in json", `{"key":"` + strings.ReplaceAll(pemBlock, "\n", `\n`) + `"}`, []string{privateBody}, PrivateKey, nil},
		{"private key cut short", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + privateBody, []string{privateBody}, PrivateKey, nil},
		{"password in query", "GET /login?user=jane&password=" + password + "&next=/feed", []string{password}, Parameter, []string{"user=jane", "next=/feed"}},
		{"password in json", `{"user":"jane","password": "` + password + `"}`, []string{password}, Parameter, []string{`"user":"jane"`}},
		{"token in logfmt", `level=error msg="refresh failed" refresh_token=` + sessionValue + ` status=401`, []string{sessionValue}, Parameter, []string{"status=401"}},
		{"api key header", "X-Api-Key: " + sessionValue, []string{sessionValue}, Parameter, nil},
		{"secret in escaped json", `body="{\"client_secret\":\"` + sessionValue + `\"}"`, []string{sessionValue}, Parameter, nil},
		{"form field", "params: user[password]=" + password + "; commit=Sign+in", []string{password}, Parameter, []string{"commit=Sign+in"}},
		{"cookie", "Cookie: _ga=GA1.2.3; _app_session=" + sessionValue, []string{sessionValue}, Parameter, nil},
		{"url password", "dial postgres://acme:" + dbPassword + "@db.internal:5432/acme failed", []string{dbPassword}, URLPassword, []string{"postgres://acme:", "@db.internal:5432/acme"}},
		{"email", "welcome mail to " + emailLocal + "@gmail.com bounced", []string{emailLocal, "jane.doe"}, Email, []string{"@gmail.com", "bounced"}},
		{"card spaced", "charge " + cardVisa + " declined", []string{cardVisa, "1111 1111 1111"}, Card, []string{"declined"}},
		{"card plain", "card=" + cardPlain, []string{cardPlain}, Card, nil},
		{"card amex", "amex " + cardAmex + ".", []string{cardAmex}, Card, nil},
		{"known value", "connecting with " + knownValue, []string{knownValue}, KnownSecret, nil},
		{"known value url-escaped", "GET /x?k=" + "lr-known-config-secret-77c1", []string{knownValue}, KnownSecret, nil},
		{"custom pattern", "lookup member_no=99812 failed", []string{"99812"}, Custom, []string{"member_no=", "failed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var h Hits
			out := r.Apply(c.in, &h)
			for _, s := range c.secret {
				if strings.Contains(out, s) {
					t.Errorf("%q survived:\n in: %s\nout: %s", s, c.in, out)
				}
			}
			for _, k := range c.keep {
				if !strings.Contains(out, k) {
					t.Errorf("lost context %q:\n in: %s\nout: %s", k, c.in, out)
				}
			}
			if h[c.kind] == 0 {
				t.Errorf("no %s hit counted (hits %v):\n in: %s\nout: %s", c.kind, h.Map(), c.in, out)
			}
			if again := r.String(out); again != out {
				t.Errorf("not idempotent:\n once: %s\ntwice: %s", out, again)
			}
		})
	}
}

// TestLeavesOrdinaryTextAlone guards against the opposite failure: a redactor that eats
// what an operator needs to debug (timestamps, ids, hashes, paths, versions).
func TestLeavesOrdinaryTextAlone(t *testing.T) {
	t.Parallel()
	r := newTest(t, Options{})
	for _, s := range []string{
		`{"time":"2026-11-28T02:01:17Z","level":"ERROR","msg":"health check failed","check":"db","request_id":"req_7f3a95"}`,
		"2026/11/28 01:59:31 http: panic serving 10.0.3.7:51234: runtime error: invalid memory address",
		"\t/usr/local/go/src/net/http/server.go:1947 +0xbe",
		"commit 3c17b699fa54137dca6e61e47b09c2bbfd0306f3 deployed",
		"go: downloading golang.org/x/net@v0.62.0",
		"took 1764295277000 ms at 1764295277",
		"order 12345678901234 shipped",
		"task-queue-processor-abcdefghijklmnop started",
		"  File \"/app/worker/tasks.py\", line 57, in send_welcome_email",
		"token expired",
		"bearer token missing",
		"customer cus_9s8d7f6g5h4j3k failed",
	} {
		if out := r.String(s); out != s {
			t.Errorf("changed ordinary text:\n in: %s\nout: %s", s, out)
		}
	}
}

func TestNoAllocationWhenClean(t *testing.T) {
	r := newTest(t, Options{Values: []string{knownValue}})
	line := `{"time":"2026-11-28T02:01:19Z","level":"ERROR","msg":"health check failed","check":"db","error":"connection pool exhausted after 30s","request_id":"req_7f3a95"}`
	if n := testing.AllocsPerRun(100, func() { _ = r.String(line) }); n > 0 {
		t.Errorf("%v allocations redacting a clean line; want 0", n)
	}
}

func TestBadPattern(t *testing.T) {
	t.Parallel()
	if _, err := New(Options{Patterns: []string{"ok", "(unclosed"}}); err == nil || !strings.Contains(err.Error(), "pattern 2") {
		t.Errorf("want an error naming pattern 2, got %v", err)
	}
}

func TestShortValuesAreNotRedactedByValue(t *testing.T) {
	t.Parallel()
	r := newTest(t, Options{Values: []string{"abc", ""}})
	if out := r.String("abc abc"); out != "abc abc" {
		t.Errorf("short value redacted: %q", out)
	}
}

func TestSensitiveKey(t *testing.T) {
	t.Parallel()
	for k, want := range map[string]bool{
		"password": true, "Password": true, "api_key": true, "apiKey": true, "X-Api-Key": true,
		"client_secret": true, "refresh_token": true, "authorization": true, "smtp_pass": true,
		"user[password]": true, "--db-password": true, "session": true, "key": true,
		"user": false, "email": false, "msg": false, "request_id": false, "path": false, "author": false,
	} {
		if got := SensitiveKey(k); got != want {
			t.Errorf("SensitiveKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestWriterRedactsAcrossWrites(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := NewWriter(&out, newTest(t, Options{Values: []string{knownValue}}))
	input := "step 1: export KEY=" + knownValue + "\nstep 2: stripe " + stripeLive + "\n" + pemBlock + "\nafter the key\nno newline " + stripeLive
	// Byte by byte: every secret is split across writes.
	for i := 0; i < len(input); i++ {
		if _, err := w.Write([]byte{input[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, s := range []string{knownValue, stripeLive, privateBody, "q2FyZWZ1bGx5IGNob3Nlbg=="} {
		if strings.Contains(got, s) {
			t.Errorf("%q leaked through the Writer:\n%s", s, got)
		}
	}
	for _, s := range []string{"step 1", "step 2", "after the key", "no newline", "[REDACTED:private-key]"} {
		if !strings.Contains(got, s) {
			t.Errorf("Writer lost %q:\n%s", s, got)
		}
	}
	if h := w.Hits(); h[StripeKey] != 2 || h[KnownSecret] != 1 || h[PrivateKey] != 1 {
		t.Errorf("hits %v", h.Map())
	}
}

// TestEncodings: a known value is caught as is and as Go, JSON and URLs escape it; the
// runbook transcript and the console use the same list.
func TestEncodings(t *testing.T) {
	const v = `p<w>"d&/x y`
	r, err := New(Options{Values: []string{v}})
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{
		v,
		`p<w>\"d&/x y`,                // Go's %q
		`p\u003cw\u003e\"d\u0026/x y`, // encoding/json
		`p%3Cw%3E%22d%26%2Fx+y`,       // a query
		`p%3Cw%3E%22d&%2Fx%20y`,       // a path
	} {
		if got := r.String("seen " + form + " here"); strings.Contains(got, form) {
			t.Errorf("%q left in %q", form, got)
		}
	}
	if got := Encodings("plain-token"); len(got) != 1 {
		t.Errorf("a value no encoding changes has one form, got %q", got)
	}
}
