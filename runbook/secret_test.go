package runbook

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsNeverLeak plants a secret input, a generated secret and a config secret,
// has commands print them every way a careless script would (whole, split across two
// writes, URL-encoded, in the failure line, in a capture), and proves none of them reaches
// the transcript, the events a screen shows, the readable log or the tool's own log, while
// the commands themselves received the real values.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const (
		input  = "in-secret-Zq9/x+1=7"
		config = "cfg-secret-4b8e1f"
	)
	h := newHarness(t, &script{
		inputs:  map[string][]string{"API_TOKEN": {input}},
		choices: []Decision{Skip, Skip},
	})
	h.opts.Secrets = []string{config}
	dir := t.TempDir()
	// The config's secret reaches the command the way it would in life: from a file.
	if err := os.WriteFile(filepath.Join(dir, "smtp-password"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	rb := runbookFrom(t, dir, `cwd: .
steps:
  - name: Ask
    input: {name: API_TOKEN, prompt: Paste the token, secret: true}
  - name: New webhook secret
    generate: {name: WEBHOOK_SECRET, format: base64url, length: 43, prefix: whsec_}
  - name: Use them
    run: |
      printf '%s' "$API_TOKEN" > seen-input
      printf '%s' "$WEBHOOK_SECRET" > seen-generated
      echo "token: $API_TOKEN"
      echo "webhook: $WEBHOOK_SECRET and config: $(cat smtp-password)"
      printf '%s' "split: ${WEBHOOK_SECRET:0:12}"; sleep 0.6; printf '%s\n' "${WEBHOOK_SECRET:12}"
      python3 -c 'import os,urllib.parse;print("urlenc:", urllib.parse.quote_plus(os.environ["API_TOKEN"]))' 2>/dev/null || echo "urlenc: $(printf %s "$API_TOKEN" | sed 's#/#%2F#g; s#+#%2B#g; s#=#%3D#g')"
    capture: LAST
  - name: Fails loudly
    run: echo "failed with $WEBHOOK_SECRET"; exit 1
  - name: Check it
    run: echo "$API_TOKEN" >&2; exit 2
`, Env{})
	out := h.run(rb)
	if out.Status != StatusSucceeded {
		t.Fatalf("status %s", out.Status)
	}
	seenInput, _ := os.ReadFile(filepath.Join(dir, "seen-input"))
	generated, _ := os.ReadFile(filepath.Join(dir, "seen-generated"))
	if string(seenInput) != input {
		t.Fatalf("the command got input %q", seenInput)
	}
	if !strings.HasPrefix(string(generated), "whsec_") || len(generated) != len("whsec_")+43 {
		t.Fatalf("generated %q", generated)
	}
	secrets := []string{input, string(generated), config, string(generated[6:])}

	raw, err := os.ReadFile(out.Transcript)
	if err != nil {
		t.Fatal(err)
	}
	evs := h.transcript(out)
	var log bytes.Buffer
	if err := WriteLog(&log, evs); err != nil {
		t.Fatal(err)
	}
	shown, _ := json.Marshal(h.events)
	h.mu.Lock()
	logs := h.logs.String()
	h.mu.Unlock()
	for name, text := range map[string]string{"transcript": string(raw), "events": string(shown), "readable log": log.String(), "tool log": logs} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("a secret (%d chars) leaked into the %s", len(s), name)
			}
		}
	}
	// The redacted output still says what happened, naming what was hidden.
	o := outputOf(evs, 3)
	for _, want := range []string{"token: [redacted API_TOKEN]", "webhook: [redacted WEBHOOK_SECRET] and config: [redacted]", "split: [redacted WEBHOOK_SECRET]", "urlenc: [redacted API_TOKEN]"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	g := ofType(evs, Generated)
	if len(g) != 1 || g[0].Fingerprint != fingerprint(string(generated)) || g[0].Value != "" || g[0].Length != 43 {
		t.Errorf("generate event %+v", g)
	}
	if in := ofType(evs, InputSet); len(in) != 1 || !in[0].Secret || in[0].Value != "" {
		t.Errorf("input event %+v", in)
	}
	if c := ofType(evs, Captured); len(c) != 1 || !strings.Contains(c[0].Value, "[redacted API_TOKEN]") {
		t.Errorf("capture %+v", c)
	}
	reasons := ""
	for _, e := range ofType(evs, CommandEnd) {
		reasons += e.Reason + "\n"
	}
	if !strings.Contains(reasons, "failed with [redacted WEBHOOK_SECRET]") {
		t.Errorf("failure reasons %q", reasons)
	}
}

func TestRedactorHoldsBackAPartialSecret(t *testing.T) {
	t.Parallel()
	r := &Redactor{}
	r.Add("K", "abcdef123456")
	r.Add("", "xy") // too short to redact without wrecking output
	for _, c := range []struct {
		in   string
		hold int
	}{
		{"prefix abc", 3},
		{"prefix abcdef12345", 11},
		{"prefix abcdef123456", 0},
		{"nothing here", 0},
		{"a", 1},
	} {
		if got := r.Holdback([]byte(c.in)); got != c.hold {
			t.Errorf("Holdback(%q) = %d, want %d", c.in, got, c.hold)
		}
	}
	if got := r.Redact("x abcdef123456 y abcdef123456 xy"); got != "x [redacted K] y [redacted K] xy" {
		t.Errorf("Redact: %q", got)
	}
	r.Add("M", "line one\nline two")
	if got := r.Redact("> line one\n> line two"); got != "> [redacted M]\n> [redacted M]" {
		t.Errorf("multi-line secret: %q", got)
	}
	if got := r.Redact(`{"v":"abc\"def"}`); got != `{"v":"abc\"def"}` {
		t.Errorf("unrelated JSON touched: %q", got)
	}
	r.Add("Q", `p"w<d>1`)
	if got := r.Redact(`{"v":"p\"w\u003cd\u003e1"}`); got != `{"v":"[redacted Q]"}` {
		t.Errorf("JSON-escaped secret: %q", got)
	}
}

func TestGeneratedSecretsHaveTheirFormat(t *testing.T) {
	t.Parallel()
	for _, g := range []Generate{{Format: "hex"}, {Format: "base64url", Length: 22}, {Format: "alnum", Length: 40, Prefix: "sk_live_"}} {
		seen := map[string]bool{}
		for range 50 {
			v, err := generate(&g, nil)
			if err != nil {
				t.Fatal(err)
			}
			body := strings.TrimPrefix(v, g.Prefix)
			if !strings.HasPrefix(v, g.Prefix) || len(body) != g.length() || strings.Trim(body, alphabets[g.format()]) != "" {
				t.Fatalf("%+v gave %q", g, v)
			}
			if seen[v] {
				t.Fatalf("%+v repeated a value", g)
			}
			seen[v] = true
		}
	}
}
