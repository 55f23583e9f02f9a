package registration

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/netx"
)

var testNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// domainJSON is an RDAP domain object as registries write them (RFC 9083), trimmed.
func domainJSON(name, registrar string, expires time.Time, signed bool, status ...string) string {
	st := `"` + strings.Join(status, `","`) + `"`
	if len(status) == 0 {
		st = ""
	}
	return fmt.Sprintf(`{"objectClassName":"domain","rdapConformance":["rdap_level_0"],"ldhName":%q,
 "status":[%s],
 "events":[{"eventAction":"registration","eventDate":"2019-03-01T10:00:00Z"},{"eventAction":"expiration","eventDate":%q}],
 "secureDNS":{"delegationSigned":%t},
 "entities":[{"objectClassName":"entity","handle":"9999","roles":["registrar"],
   "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text",%q]]]}]}`,
		strings.ToUpper(name), st, expires.Format(time.RFC3339), signed, registrar)
}

// rdapServer serves one answer per path on loopback.
func rdapServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL + "/rdap/"
}

func newCheck(t *testing.T, domain, server, registrar string, timeout time.Duration) *check {
	t.Helper()
	n, err := netx.New(netx.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return &check{domain: domain, registrar: registrar, server: server, interval: DefaultInterval, timeout: timeout,
		net: n, now: func() time.Time { return testNow }}
}

func run(t *testing.T, c *check) probes.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout+2*time.Second)
	defer cancel()
	return c.Run(ctx)
}

func ids(fs []probes.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s/%s", f.ID, f.Severity))
	}
	return strings.Join(out, " ")
}

func TestRegistrationFindings(t *testing.T) {
	t.Parallel()
	locked := []string{"client transfer prohibited", "client delete prohibited"}
	cases := []struct {
		name      string
		expires   time.Time
		status    []string
		registrar string // in the record
		want      string // finding ids/severities
		summary   string
	}{
		{"healthy", testNow.AddDate(1, 0, 0), locked, "Example Registrar, Inc.", "", "expires 2027-12-07 (365 days) · transfer locked · DNSSEC signed"},
		{"EPP spelling of the lock", testNow.AddDate(1, 0, 0), []string{"clientTransferProhibited"}, "Example Registrar, Inc.", "", "transfer locked"},
		{"expiring in 20 days", testNow.Add(20*24*time.Hour + time.Hour), locked, "Example Registrar, Inc.", "registration.expiring/high", "(20 days)"},
		{"expiring in 5 days", testNow.Add(5*24*time.Hour + time.Hour), locked, "Example Registrar, Inc.", "registration.expiring/critical", "(5 days)"},
		{"expired", testNow.Add(-3 * 24 * time.Hour), locked, "Example Registrar, Inc.", "registration.expired/critical", "(-3 days)"},
		{"no transfer lock", testNow.AddDate(1, 0, 0), []string{"active"}, "Example Registrar, Inc.", "registration.no-transfer-lock/low", "not transfer locked"},
		{"another registrar", testNow.AddDate(1, 0, 0), locked, "Cheap Names LLC", "registration.registrar-mismatch/medium", "Cheap Names LLC"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := domainJSON("acme.com", tc.registrar, tc.expires, true, tc.status...)
			base := rdapServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/rdap/domain/acme.com" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/rdap+json")
				fmt.Fprint(w, body)
			}))
			r := run(t, newCheck(t, "acme.com", base, "Example Registrar", 5*time.Second))
			if r.Err != "" {
				t.Fatalf("could not run: %s", r.Err)
			}
			if got := ids(r.Findings); got != tc.want {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
			if !strings.Contains(r.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", r.Summary, tc.summary)
			}
			rec := r.Data.(Record)
			if rec.Registrar != tc.registrar || !rec.DNSSEC || r.Metrics["delegation_signed"] != 1 {
				t.Errorf("record %+v metrics %v", rec, r.Metrics)
			}
			for _, f := range r.Findings {
				if f.Fix == "" || f.Target != "acme.com" || len(f.Evidence) == 0 || !strings.Contains(f.Evidence[0], "/rdap/domain/acme.com") {
					t.Errorf("finding lacks fix, target or evidence: %+v", f)
				}
			}
		})
	}
}

// TestHostileRDAPServers: every broken answer ends as "could not run" with the reason, in
// bounded time, never as a finding about the domain and never as a hang.
func TestHostileRDAPServers(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	cases := []struct {
		name    string
		h       http.HandlerFunc
		wantErr string
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "has no record of this domain (HTTP 404)"},
		{"malformed JSON", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"objectClassName":"domain","events":[{"eventAction":`)
		}, "not RDAP JSON"},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "oops")
		}, "answered HTTP 500"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}, "redirects"},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"objectClassName":"domain","remarks":[{"description":["`))
			chunk := []byte(strings.Repeat("x", 64<<10))
			for range 64 { // 4 MiB, over the cap
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, "sent more than 1024 KiB"},
		{"slow server", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}, "did not answer in time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := rdapServer(t, tc.h)
			start := time.Now()
			r := run(t, newCheck(t, "acme.com", base, "", 1500*time.Millisecond))
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %s", took)
			}
			if len(r.Findings) != 0 || !strings.Contains(r.Err, tc.wantErr) {
				t.Fatalf("want could-not-run %q, got err %q findings %s", tc.wantErr, r.Err, ids(r.Findings))
			}
		})
	}
}

func TestUnknownAndReservedTLDs(t *testing.T) {
	t.Parallel()
	r := run(t, newCheck(t, "acme.zz", "", "", time.Second))
	if !strings.Contains(r.Err, "no RDAP service for .zz in IANA's bootstrap") || !strings.Contains(r.Err, "network.rdap_url") {
		t.Errorf("unknown TLD: %q", r.Err)
	}
	r = run(t, newCheck(t, "acme.example", "", "", time.Second))
	if r.Err != "" || len(r.Findings) != 0 || !strings.Contains(r.Summary, "reserved test TLD") {
		t.Errorf("reserved TLD: %+v", r)
	}
}

func TestShippedBootstrap(t *testing.T) {
	t.Parallel()
	bs, err := shippedBootstrap()
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) < 1000 {
		t.Errorf("only %d TLDs in the shipped bootstrap", len(bs))
	}
	for domain, want := range map[string]string{
		"acme.com":   "https://rdap.verisign.com/com/v1/",
		"acme.org":   "https://rdap.publicinterestregistry.org/rdap/",
		"acme.dev":   "https://www.registry.google/rdap/",
		"ACME.CO.UK": "https://rdap.nominet.uk/uk/",
	} {
		if got := bs.server(strings.ToLower(domain)); got != want {
			t.Errorf("%s: %q, want %q", domain, got, want)
		}
	}
	for _, bad := range []string{`{`, `{"services":[]}`, `{"services":[[["com"]]]}`, `{"services":[[["com"],[]]]}`} {
		if _, err := parseBootstrap([]byte(bad)); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
	b, err := parseBootstrap([]byte(`{"services":[[["com","net"],["http://rdap.a/","https://rdap.a/"]]]}`))
	if err != nil || b.server("x.net") != "https://rdap.a/" {
		t.Errorf("https not preferred: %v %v", b, err)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte(`domain: acme.com
canonical_url: https://app.acme.com/
hosts: [{name: app.acme.com}, {name: status.acme-status.co.uk}]
network: {rdap_url: "http://127.0.0.1:9/"}
registration:
  registrar: Example Registrar
  domains: [acme-links.io, acme.com]
`), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Kind.Build(probes.Env{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Info().Name)
		if c.Info().Interval != DefaultInterval || c.(*check).server != "http://127.0.0.1:9/" {
			t.Errorf("%+v", c.Info())
		}
	}
	if got := strings.Join(names, ","); got != "registration acme.com,registration acme-status.co.uk,registration acme-links.io" {
		t.Errorf("checks: %s", got)
	}

	bad, err := config.Parse([]byte(`domain: acme.com
canonical_url: https://app.acme.com/
hosts: [{name: app.acme.com}]
registration:
  domains: [app.acme.com, "not a domain"]
  interval: 5m
  timeout: 50ms
`), "launchready.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Kind.Build(probes.Env{Config: bad})
	for _, want := range []string{"launchready.yaml:5", "app.acme.com is a name under acme.com", "list acme.com itself", `"not a domain" is not a registrable domain`, "launchready.yaml:6", "use 1h or more",
		"launchready.yaml:7", "registration.timeout: 50ms is too short for a registry to answer"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config error lacks %q:\n%v", want, err)
		}
	}
}
