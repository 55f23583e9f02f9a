package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the config parser: it must return a config or a list of
// positioned errors, never panic or hang, and never echo a literal secret.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	seeds = append(seeds, "../../examples/launchready.yaml")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("hosts: [{name: a, secret_headers: {X: hunter2-literal}}]"))
	f.Add([]byte("a: &x [*x]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.yaml")
		if err == nil {
			if c == nil || c.Domain == "" || len(c.Hosts) == 0 {
				t.Fatalf("accepted a config without domain or hosts")
			}
			return
		}
		es, ok := err.(Errors)
		if !ok || len(es) == 0 {
			t.Fatalf("error is %T, want non-empty config.Errors", err)
		}
	})
}

// FuzzSecretNeverEchoed puts arbitrary text in a secret field: whatever the error says,
// it must not repeat the text (it may be a real secret pasted by mistake).
func FuzzSecretNeverEchoed(f *testing.F) {
	for _, s := range []string{"hunter2", "Bearer sk_live_51Habc", "env:", "env:OK_NAME", "file:", "file:/x", "env:1BAD", "ghp_abcdefghijklmnop"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, secret string) {
		if len(secret) < 6 || strings.ContainsAny(secret, "\n\r\"\\") || strings.HasPrefix(secret, "env:") || strings.HasPrefix(secret, "file:") {
			return // too short to be distinctive, not one YAML scalar, or a reference
		}
		mk := func(v string) string {
			return "domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts:\n  - name: app.acme.example\n    secret_headers:\n      X-Key: \"" + v + "\"\n"
		}
		// Text that our own fixed wording contains (" file ") proves nothing.
		_, base := Parse([]byte(mk("Zq9Zq9Zq9Zq9")), "fuzz.yaml")
		if base != nil && strings.Contains(base.Error(), secret) {
			return
		}
		_, err := Parse([]byte(mk(secret)), "fuzz.yaml")
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Fatalf("secret text echoed in: %v", err)
		}
	})
}
