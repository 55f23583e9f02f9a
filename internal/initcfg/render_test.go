package initcfg

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/discovery"
)

// hostileReport is a discovery report whose outside text (a page title, records) tries to
// break the YAML init writes: quotes, a colon, a '#', a newline, YAML keywords.
func hostileReport() (*discovery.Report, *Web) {
	rep := &discovery.Report{Domain: "acme.test", Names: []discovery.Name{
		{Name: "acme.test", Status: discovery.StatusAnswers, A: []netip.Addr{netip.MustParseAddr("203.0.113.5")},
			TXT: []string{"v=spf1 include:_spf.google.com include:sendgrid.net ~all"}, MX: []string{"aspmx.l.google.com"},
			Records: []string{`CAA 0 issue "letsencrypt.org"`}},
		{Name: "app.acme.test", Status: discovery.StatusAnswers, CNAME: []string{"cname.vercel-dns.com"}, Sources: []discovery.Source{{Kind: discovery.FromDictionary}}},
		{Name: "yes.acme.test", Status: discovery.StatusAnswers, A: []netip.Addr{netip.MustParseAddr("203.0.113.6")}},
		{Name: "old.acme.test", Status: discovery.StatusAnswers, CNAME: []string{"gone.herokuapp.com"}, TargetProblem: "NXDOMAIN\nx: y # z"},
		{Name: "mx.acme.test", Status: discovery.StatusAnswers, A: []netip.Addr{netip.MustParseAddr("203.0.113.7")}, Sources: []discovery.Source{{Kind: discovery.FromMX, Detail: "MX of acme.test"}}},
		{Name: "google._domainkey.acme.test", Status: discovery.StatusAnswers, TXT: []string{"v=DKIM1; p=abc"}},
	}, Services: []discovery.Service{{Kind: "hosting", Name: "Vercel", Evidence: []string{"app.acme.test CNAME cname.vercel-dns.com\n# injected: true"}}}}
	login, _ := url.Parse("https://app.acme.test/login")
	_ = login
	web := &Web{Candidates: []string{"https://app.acme.test/", "https://www.acme.test/"}, Title: `Log in · "Acme": the # club`,
		Hosts: map[string]Served{"yes.acme.test": {JSON: true, Status: 200}},
		Login: &Form{Page: "https://app.acme.test/login", Action: "https://app.acme.test/session", Method: "POST", Fields: []string{"user[email]"}, Password: "user[password]"}}
	return rep, web
}

func TestRenderedConfigParsesWhateverTheSitesSay(t *testing.T) {
	t.Parallel()
	rep, web := hostileReport()
	d := Plan(rep, web)
	body := d.Render(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC))
	cfg, err := config.Parse(body, "launchready.yaml")
	if err != nil {
		t.Fatalf("init wrote a config it cannot read:\n%v\n%s", err, body)
	}
	if cfg.Product != `"Acme": the # club` || cfg.CanonicalURL != "https://app.acme.test/" || cfg.Environment != config.Production {
		t.Errorf("product %q canonical %q env %q", cfg.Product, cfg.CanonicalURL, cfg.Environment)
	}
	byName := map[string]config.Host{}
	for _, h := range cfg.Hosts {
		byName[h.Name] = h
	}
	if h := byName["app.acme.test"]; h.Role != "app" || h.CNAME != "cname.vercel-dns.com" {
		t.Errorf("app host: %+v", h)
	}
	if h := byName["yes.acme.test"]; h.Role != "api" || len(h.A) != 1 {
		t.Errorf("a host named yes (a YAML keyword) serving JSON: %+v", h)
	}
	if _, ok := byName["mx.acme.test"]; ok {
		t.Errorf("the mail server was written as a web host")
	}
	for _, want := range []string{"approved_senders: [\"_spf.google.com\", sendgrid.net]", "dkim_selectors: [google]", "# The zone's CAA allows: letsencrypt.org.",
		"the apex and www end on different sites", "the role of yes.acme.test: api guessed", `{"user[email]": test-member@acme.test}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("config lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(string(body), "\n# injected") || strings.Contains(string(body), "\nx: y") {
		t.Errorf("outside text broke out of a comment:\n%s", body)
	}
}

func TestGuessRole(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		sv   Served
		role string
		sure bool
	}{
		{"acme.test", Served{}, "marketing", true},
		{"app.acme.test", Served{}, "app", true},
		{"www.acme.test", Served{}, "www", true},
		{"portal.acme.test", Served{}, "app", true}, // the canonical host, whatever its label
		{"status.acme.test", Served{}, "status", true},
		{"staging.api.acme.test", Served{}, "api", false},
		{"zork.acme.test", Served{JSON: true}, "api", false},
		{"zork.acme.test", Served{}, "other", false},
	} {
		role, sure, _ := guessRole(c.name, "acme.test", "portal.acme.test", c.sv)
		if role != c.role || sure != c.sure {
			t.Errorf("%s: %s %v, want %s %v", c.name, role, sure, c.role, c.sure)
		}
	}
}

func TestParsePageFindsForms(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://app.acme.test/login")
	pg := parsePage([]byte(`<title> Log in
	· Acme </title><a href="/signup#x">Join</a><a href="mailto:x@y">m</a><a href="javascript:alert(1)">j</a>
	<form method=post action="/session"><input name=email type=email><input type=hidden name=csrf><input name=pw type=password></form>`), base)
	if pg.title != "Log in · Acme" || len(pg.links) != 1 || pg.links[0] != "https://app.acme.test/signup" {
		t.Errorf("title %q links %v", pg.title, pg.links)
	}
	if len(pg.forms) != 1 || pg.forms[0].Action != "https://app.acme.test/session" || pg.forms[0].Method != "POST" || pg.forms[0].Password != "pw" || len(pg.forms[0].Fields) != 1 {
		t.Errorf("forms %+v", pg.forms)
	}
}
