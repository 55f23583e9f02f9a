package errlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/probes"
)

// Planted secrets, one of every kind the pane must remove, in realistic shapes.
var planted = map[string]string{
	"stripe live key":   "sk_live_51HxQ2aLkP9dRt7Yv3mN8cB4",
	"stripe restricted": "rk_live_51PqR8sT2uV4wX6yZ8aB0cD2",
	"stripe webhook":    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La",
	"aws key id":        "AKIAIOSFODNN7EXAMPLE",
	"aws temp key id":   "ASIAY34FZKBOKMUTVV7A",
	"aws secret":        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"github token":      "ghp_R2d2C3poX9yZ8wV7uT6sR5qP4oN3mL2kJ1iH",
	"slack token":       "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
	"jwt payload":       "eyJzdWIiOiJtZW1iZXItNDIiLCJyb2xlIjoiYWRtaW4ifQ",
	"bearer token":      "Zm9vYmFyLXRva2VuLTEyMzQ1Njc4",
	"password in url":   "hunter2-db-Pa55",
	"password in query": "q-pass-8f7e6d5c",
	"password in json":  "json-pass-4b3a2918",
	"token in logfmt":   "lf-token-77aa88bb99",
	"api key header":    "hdr-apikey-5566ccdd",
	"private key body":  "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
	"email local part":  "jane.doe+vip",
	"escaped email":     "escaped.member",
	"card":              "4111 1111 1111 1111",
	"card in json":      "5555555555554444",
	"cvv":               "cvv-731",
	"config secret":     "lr-planted-config-secret-91ab",
	"custom pattern":    "88123",
	"google key":        "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
	"stderr token":      "stderr-token-0f9e8d7c",
	"command password":  "cmd-pass-1a2b3c",
	"trace token":       "trace-token-aa11bb22",
	"request id secret": "sk_live_99ReqIdSecretZZ00aa",
	"time field secret": "ghp_TimeFieldSecret0123456789abcdefABCD",
	"nested err secret": "nested-pw-3c4d5e",
	"docker log field":  "dock-secret-9z8y7x",
}

// secretCorpus is a log with every planted secret in the shapes applications write them:
// JSON fields, nested error objects, unicode escapes, logfmt, plain text, URLs, headers,
// multi-line private keys and stack traces of several languages.
func secretCorpus() string {
	p := planted
	return strings.Join([]string{
		`{"level":"error","msg":"stripe call failed","error":"Invalid API Key provided: ` + p["stripe live key"] + `","restricted":"` + p["stripe restricted"] + `","email":"` + p["email local part"] + `@gmail.com"}`,
		`{"level":"error","msg":"signup failed for escaped\u002emember\u0040example.org","err":{"type":"SMTPError","message":"auth failed password=` + p["nested err secret"] + `","stack":"SMTPError: auth failed\n    at send (/app/mail.js:1:1)"}}`,
		`{"level":"error","msg":"webhook verify failed","secret":"` + p["stripe webhook"] + `","password":"` + p["password in json"] + `","request_id":"` + p["request id secret"] + `","time":"` + p["time field secret"] + `"}`,
		`time=2026-11-28T02:01:17Z level=error msg="token refresh failed" refresh_token=` + p["token in logfmt"] + ` authorization="Bearer eyJhbGciOiJIUzI1NiJ9.` + p["jwt payload"] + `.c2lnbmF0dXJlLXNpZ25hdHVyZQ"`,
		`2026-11-28 02:01:18 ERROR upstream call failed: GET https://api.example.com/v1/members?user=42&password=` + p["password in query"] + ` Authorization: Bearer ` + p["bearer token"],
		`2026-11-28 02:01:19 ERROR failed to load signing key:`,
		`-----BEGIN RSA PRIVATE KEY-----`,
		p["private key body"],
		`q2FyZWZ1bGx5IGNob3NlbiBrZXkgbWF0ZXJpYWw=`,
		`-----END RSA PRIVATE KEY-----`,
		`2026-11-28 02:01:20,441 ERROR [worker] sync failed`,
		`Traceback (most recent call last):`,
		`  File "/app/sync.py", line 10, in sync`,
		`    connect("postgres://acme:` + p["password in url"] + `@db.internal:5432/acme")`,
		`psycopg2.OperationalError: connection to postgres://acme:` + p["password in url"] + `@db.internal failed`,
		`panic: aws: invalid credentials ` + p["aws key id"] + ` / ` + p["aws secret"],
		``,
		`goroutine 1 [running]:`,
		`main.upload()`,
		`	/app/upload.go:12 +0x1d`,
		`2026-11-28 02:01:21.441 ERROR 1 --- [main] c.a.Deploy : push failed`,
		`java.lang.RuntimeException: git push with ` + p["github token"] + ` rejected; notify ` + p["slack token"],
		`	at com.acme.Deploy.push(Deploy.java:42)`,
		`{"level":"error","msg":"charge declined","card":"` + p["card"] + `","cvv":"` + p["cvv"] + `","note":"retry with ` + p["card in json"] + `"}`,
		`{"level":"error","msg":"upstream rejected our credential ` + p["config secret"] + `"}`,
		`level=error msg="member lookup failed" detail="member_no=` + p["custom pattern"] + `" maps_key=` + p["google key"],
		`ERROR session eyJhbGciOiJSUzI1NiJ9.` + p["jwt payload"] + `.c2lnbmF0dXJl rejected`,
		`ERROR aws temp creds ` + p["aws temp key id"] + ` expired; X-Api-Key: ` + p["api key header"],
		`{"log":"ERROR docker says secret=` + p["docker log field"] + `\n","stream":"stderr"}`,
		`2026/11/28 02:01:23 http: panic serving 10.0.0.1:1234: bad token=` + p["trace token"],
		`goroutine 7 [running]:`,
		`main.serve()`,
		`	/app/serve.go:9 +0x1d`,
	}, "\n") + "\n"
}

// TestPlantedSecretsNeverSurvive writes the corpus to a real file, follows it with a file
// source and a command source (whose stderr and command line hold secrets too), and
// proves that no planted secret reaches any output or stored value: the Result with its
// findings and snapshot, the text and JSON reports, NewGroupsSince, and the tool's log.
func TestPlantedSecretsNeverSurvive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	if err := os.WriteFile(path, []byte(secretCorpus()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := fmt.Sprintf(`echo '{"level":"error","msg":"from the command"}'; echo 'auth failed: token=%s' >&2; sleep 30 # --password=%s`, planted["stderr token"], planted["command password"])
	section := fmt.Sprintf("errors:\n  sources:\n    - name: app\n      file: %s\n      poll: 20ms\n    - name: tool\n      command: %s\n  redact: ['member_no=(\\d+)']\n", yamlQuote(path), yamlQuote(cmd))
	env := testEnv(t, section, map[string]string{"LR_TEST_SECRET": planted["config secret"]})
	var logBuf bytes.Buffer
	env.Log = slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := buildCheck(t, env)
	res := runCheck2(t, c)
	eventually(t, "the command's stderr", func() bool {
		for _, s := range c.Snapshot().Sources {
			if s.StderrLines > 0 {
				return true
			}
		}
		return false
	})
	res = runCheck2(t, c)

	var all bytes.Buffer
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	all.Write(js)
	rep := report.New("Acme", "acme.example", time.Now(), time.Second, []probes.Result{res})
	if err := rep.WriteText(&all, true, 0); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&all); err != nil {
		t.Fatal(err)
	}
	ng, _ := json.Marshal(c.NewGroupsSince(time.Time{}))
	all.Write(ng)
	snap, _ := json.Marshal(c.Snapshot())
	all.Write(snap)
	all.Write(logBuf.Bytes())
	out := all.String()
	for name, secret := range planted {
		if strings.Contains(out, secret) {
			i := strings.Index(out, secret)
			t.Errorf("planted %s survived: …%s…", name, out[max(0, i-80):min(len(out), i+len(secret)+40)])
		}
	}
	// Not vacuous: the entries were read, grouped and redacted, not dropped.
	s := res.Data.(Snapshot)
	if len(s.Groups) < 14 {
		t.Errorf("%d groups from the corpus: %v", len(s.Groups), titles(s))
	}
	for _, kind := range []string{"stripe-key", "aws-key-id", "aws-secret", "github-token", "slack-token", "jwt", "bearer",
		"private-key", "parameter", "url-password", "email", "card", "config-secret", "custom", "google-key"} {
		if s.Redacted[kind] == 0 {
			t.Errorf("nothing of kind %s redacted: %v", kind, s.Redacted)
		}
	}
	for _, want := range []string{"@gmail.com", "[REDACTED:private-key]", "psycopg2.OperationalError", "from the command", "token=[REDACTED]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if f, ok := findingByID(res.Findings, "errors.secrets-logged"); !ok || f.Severity != probes.High {
		t.Errorf("a config secret and a card in the log: want a high errors.secrets-logged, got %+v", f)
	}
}
