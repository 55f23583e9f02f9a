package tlscheck

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

const cfgHead = `domain: acme.example
canonical_url: https://app.acme.example/
hosts:
  - {name: acme.example}
  - {name: www.acme.example}
  - {name: app.acme.example}
  - {name: mx.acme.example, role: mail}
`

func buildCfg(t *testing.T, text string) ([]probes.Check, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(text), filepath.Join("/cfg", "launchready.yaml"))
	if err != nil {
		t.Fatalf("top-level config: %v", err)
	}
	n, err := netx.New(netx.Config{Resolvers: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	return Kind.Build(probes.Env{Config: cfg, Net: n, Now: time.Now})
}

// TestConfigErrors: every problem in the section at once, each with its line, column,
// key and fix.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	text := cfgHead + `tls:
  interval: 10ms
  expiry: {high_days: 30, medium_days: 10}
  hsts_min_days: -1
  skip: [nothere.acme.example]
  targets: ["admin.acme.example", "app.acme.example:443", "mail.acme.example:99999", "a.acme.example:993", "a.acme.example:993"]
  pages: ["http://app.acme.example/login", "https://app.acme.example/ok"]
  redirects:
    - {from: "https://acme.example/", to: "http://app.acme.example/"}
    - {from: "not a url"}
  ca_domains:
    "Example CA": ["example ca.com"]
    "Other CA": []
`
	_, err := buildCfg(t, text)
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`/cfg/launchready.yaml:9:13: tls.interval: 10ms is too often; use 1m or more`,
		`/cfg/launchready.yaml:10:40: tls.expiry.medium_days: 10 is below high_days (30)`,
		`/cfg/launchready.yaml:11:18: tls.hsts_min_days: -1 is out of range`,
		`/cfg/launchready.yaml:12:10: tls.skip[0]: "nothere.acme.example" is not in hosts`,
		`/cfg/launchready.yaml:13:13: tls.targets[0]: "admin.acme.example" is not host:port; write the name and port, e.g. admin.acme.example:8443`,
		`tls.targets[1]: app.acme.example:443 is already checked because app.acme.example is in hosts; remove it from tls.targets`,
		`tls.targets[2]: port "99999" is not a number from 1 to 65535`,
		`tls.targets[4]: a.acme.example:993 is listed twice`,
		`/cfg/launchready.yaml:14:11: tls.pages[0]: "http://app.acme.example/login" is not an https:// URL`,
		`tls.redirects[0].to: "http://app.acme.example/" is not an https:// URL`,
		`tls.redirects[1].from: "not a url" is not a URL or host name`,
		`/cfg/launchready.yaml:17:7: tls.redirects[1]: has no to:`,
		`tls.ca_domains["Example CA"][0]: "example ca.com" is not a CAA issuer domain`,
		`tls.ca_domains["Other CA"]: lists no CAA domains`,
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", err)
	}
	_, err2 := buildCfg(t, cfgHead+"tls:\n  interval: 5s\n")
	if err2 == nil || !strings.Contains(err2.Error(), "launchready.yaml:9:13: tls.interval: 5s is shorter than the check timeout (10s, from checks.timeout)") {
		t.Errorf("interval below the timeout: %v", err2)
	}
	if n := len(err.(config.Errors)); n != len(want) {
		t.Errorf("%d errors, want %d:\n%s", n, len(want), err)
	}
}

func TestConfigUnknownKeyAndTypes(t *testing.T) {
	t.Parallel()
	_, err := buildCfg(t, cfgHead+"tls:\n  pagess: []\n  expiry: {high_days: soon}\n")
	if err == nil || !strings.Contains(err.Error(), `tls.pagess: unknown key; did you mean "pages"?`) ||
		!strings.Contains(err.Error(), "tls.expiry.high_days: expected a whole number") {
		t.Errorf("got %v", err)
	}
}

// TestDefaults: no tls section is a complete configuration.
func TestDefaults(t *testing.T) {
	t.Parallel()
	checks, err := buildCfg(t, cfgHead)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range checks {
		names = append(names, c.Info().Name)
		if c.Info().Interval != DefaultInterval || c.Info().Timeout != config.DefaultTimeout || c.Info().Pane != probes.PaneTLS {
			t.Errorf("%s: %+v", c.Info().Name, c.Info())
		}
	}
	want := "tls acme.example,tls www.acme.example,tls app.acme.example," +
		"redirect https://acme.example/,redirect https://www.acme.example/,mixed-content https://app.acme.example/"
	if strings.Join(names, ",") != want {
		t.Errorf("checks:\n%s\nwant:\n%s", strings.Join(names, ","), strings.Replace(want, ",", "\n", -1))
	}
	set, err := decode(mustParse(t, cfgHead))
	if err != nil {
		t.Fatal(err)
	}
	if set.Expiry.HighDays != 7 || set.Expiry.MediumDays != 21 || set.HSTSMinDays != 180 {
		t.Errorf("defaults: %+v", set.Section)
	}
}

// TestConfiguredRedirectsReplaceDefaults: a redirect with a default's from replaces it,
// default_redirects: false drops the rest, skip drops a host.
func TestConfiguredRedirectsReplaceDefaults(t *testing.T) {
	t.Parallel()
	checks, err := buildCfg(t, cfgHead+`tls:
  skip: [www.acme.example]
  redirects:
    - {from: acme.example, to: "https://app.acme.example/welcome"}
    - {from: "http://acme.example/pricing", to: "https://app.acme.example/pricing"}
`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range checks {
		names = append(names, c.Info().Name)
		if rc, ok := c.(*redirectCheck); ok && rc.rule.from.Host == "acme.example" && rc.rule.from.Path == "/" && rc.expectText() != "https://app.acme.example/welcome" {
			t.Errorf("apex rule not replaced: %s", rc.expectText())
		}
	}
	want := "tls acme.example,tls app.acme.example,redirect https://acme.example/,redirect https://www.acme.example/," +
		"redirect http://acme.example/pricing,mixed-content https://app.acme.example/"
	if strings.Join(names, ",") != want {
		t.Errorf("checks:\n%s\nwant:\n%s", strings.Join(names, ","), want)
	}
	checks, _ = buildCfg(t, cfgHead+"tls:\n  default_redirects: false\n")
	for _, c := range checks {
		if strings.HasPrefix(c.Info().Name, "redirect") {
			t.Errorf("default_redirects: false still has %s", c.Info().Name)
		}
	}
}

func mustParse(t *testing.T, text string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(text), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
