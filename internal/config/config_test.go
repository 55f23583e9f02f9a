package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err from the current messages")

// TestInvalidConfigs maps each testdata/invalid-*.yaml to the exact messages in its .err
// file: the messages are the product here, so a change to one is a reviewed change.
func TestInvalidConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid-*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("expected the invalid-*.yaml corpus, found %d files (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			t.Parallel()
			_, err := Load(f)
			if err == nil {
				t.Fatalf("%s loaded without error", f)
			}
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error is %T, want config.Errors", err)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing %s (run go test -update once and review it): %v", golden, err)
			}
			if got != string(want) {
				t.Errorf("messages for %s changed:\n--- got\n%s--- want\n%s", f, got, want)
			}
			// Every message names where and says what to do.
			_, loadErr := Load(f)
			for _, e := range loadErr.(Errors) {
				if e.File != f {
					t.Errorf("error does not name the file: %v", e)
				}
			}
		})
	}
}

func TestLiteralSecretNeverEchoed(t *testing.T) {
	const planted = "sk_live_51HfakeSECRETvalue"
	_, err := Load("testdata/invalid-literal-secret.yaml")
	if err == nil || strings.Contains(err.Error(), planted) || strings.Contains(err.Error(), "Bearer") {
		t.Fatalf("literal secret refused without echoing it; got %v", err)
	}
}

func TestValidMinimalGetsDefaults(t *testing.T) {
	c, err := Load("testdata/valid-minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Environment != Production || c.Checks.Interval != DefaultInterval || c.Checks.Timeout != DefaultTimeout ||
		c.Checks.Concurrency != DefaultConcurrency || c.Product != "acme.example" {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := c.Hosts[0].HostURL(); got != "https://app.acme.example/" {
		t.Errorf("default url = %q", got)
	}
}

func TestExampleIsValid(t *testing.T) {
	c, err := Load("../../examples/launchready.yaml")
	if err != nil {
		t.Fatalf("the documented example must load: %v", err)
	}
	if len(c.Hosts) < 5 || c.CanonicalURL == "" {
		t.Errorf("example lost its hosts: %+v", c)
	}
}

func TestSecretsResolve(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - name: app.acme.example
    secret_headers:
      Authorization: env:LR_TEST_AUTH
      X-Token: file:token
      X-Missing: env:LR_TEST_UNSET
      X-Gone: file:/nonexistent/secret
`
	c, err := Parse([]byte(cfg), filepath.Join(dir, "launchready.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LR_TEST_AUTH": "Basic c2VjcmV0"}
	errs := c.Resolve(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if len(errs) != 2 {
		t.Fatalf("want 2 errors (unset variable, missing file), got %v", errs)
	}
	for _, want := range []string{"environment variable LR_TEST_UNSET is not set", "cannot read /nonexistent/secret"} {
		if !strings.Contains(errs.Error(), want) {
			t.Errorf("errors %q do not say %q", errs, want)
		}
	}
	if !strings.Contains(errs[0].Error(), ":8:") {
		t.Errorf("missing secret error has no line: %v", errs[0])
	}
	h := c.Hosts[0].SecretHeaders
	if h["Authorization"].Value() != "Basic c2VjcmV0" || h["X-Token"].Value() != "from-a-file" {
		t.Errorf("resolved values wrong")
	}
	vals := strings.Join(c.SecretValues(), ",")
	if !strings.Contains(vals, "Basic c2VjcmV0") || !strings.Contains(vals, "from-a-file") {
		t.Errorf("SecretValues misses resolved secrets: %d values", len(c.SecretValues()))
	}
	if s := h["Authorization"].String(); s != "env:LR_TEST_AUTH" {
		t.Errorf("String() must show the reference, got %q", s)
	}
}

func TestSectionDecode(t *testing.T) {
	cfg := `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - name: app.acme.example
endpoints:
  checks:
    - name: login
      url: https://app.acme.example/login
      password: env:LR_LOGIN_PASS
    - name: health
      urll: https://api.acme.example/health
`
	c, err := Parse([]byte(cfg), "lr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type check struct {
		Name     string  `yaml:"name"`
		URL      string  `yaml:"url"`
		Password *Secret `yaml:"password"`
	}
	var v struct {
		Checks []check `yaml:"checks"`
	}
	errs := c.Section("endpoints").Decode(&v)
	if len(errs) != 1 || errs[0].Error() != `lr.yaml:11:7: endpoints.checks[1].urll: unknown key; did you mean "url"? (known keys: name, password, url)` {
		t.Fatalf("section errors: %v", errs)
	}
	if c.Section("dns") != nil || len(c.SectionsPresent()) != 1 {
		t.Errorf("sections present: %v", c.SectionsPresent())
	}
	e := c.Section("endpoints").Error("endpoints.checks[0].url", "bad", "fix it")
	if e.Line != 8 {
		t.Errorf("section error position: %+v", e)
	}
}

func TestOversizeConfigRefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, make([]byte, maxConfigSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "a config is a few kilobytes") {
		t.Fatalf("oversize config: %v", err)
	}
}

// TestSectionDecodedTwice: a section decoded by its kind (validation) and again by its user
// (watch) resolves both copies and reports an unset secret once.
func TestSectionDecodedTwice(t *testing.T) {
	c, err := Parse([]byte("domain: acme.example\ncanonical_url: https://app.acme.example/\nhosts: [{name: app.acme.example}]\nalerts:\n  url: env:LR_HOOK\n"), "lr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type sec struct {
		URL *Secret `yaml:"url"`
	}
	var a, b sec
	if errs := c.Section("alerts").Decode(&a); errs != nil {
		t.Fatal(errs)
	}
	if errs := c.Section("alerts").Decode(&b); errs != nil {
		t.Fatal(errs)
	}
	if errs := c.Resolve(func(string) (string, bool) { return "", false }); len(errs) != 1 {
		t.Errorf("unset secret reported %d times: %v", len(errs), errs)
	}
	c.Resolve(func(string) (string, bool) { return "https://hooks.example/x", true })
	if a.URL.Value() != "https://hooks.example/x" || b.URL.Value() != a.URL.Value() {
		t.Errorf("copies not both resolved: %q %q", a.URL.Value(), b.URL.Value())
	}
}
