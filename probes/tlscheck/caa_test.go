package tlscheck

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func caaRR(t *testing.T, s string) *dns.CAA {
	t.Helper()
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return rr.(*dns.CAA)
}

func TestCAAAllows(t *testing.T) {
	t.Parallel()
	le := []string{"letsencrypt.org"}
	cases := []struct {
		records  []string
		wildcard bool
		issuer   []string
		want     string
	}{
		{nil, false, le, CAANone},
		{[]string{`a.example. CAA 0 issue "letsencrypt.org"`}, false, le, CAAAllowed},
		{[]string{`a.example. CAA 0 issue "LetsEncrypt.org."`}, false, le, CAAAllowed},
		{[]string{`a.example. CAA 0 issue "letsencrypt.org; validationmethods=dns-01"`}, false, le, CAAAllowed},
		{[]string{`a.example. CAA 0 issue "digicert.com"`, `a.example. CAA 0 issue "pki.goog"`}, false, le, CAARefused},
		{[]string{`a.example. CAA 0 issue ";"`}, false, le, CAARefused},
		{[]string{`a.example. CAA 0 iodef "mailto:x@a.example"`}, false, le, CAANone},
		{[]string{`a.example. CAA 0 issue "letsencrypt.org"`, `a.example. CAA 0 issuewild ";"`}, true, le, CAARefused},
		{[]string{`a.example. CAA 0 issue "letsencrypt.org"`}, true, le, CAAAllowed}, // no issuewild: issue governs
		{[]string{`a.example. CAA 0 issuewild "letsencrypt.org"`}, false, le, CAANone},
		{[]string{`a.example. CAA 128 tbs "unknown"`, `a.example. CAA 0 issue "letsencrypt.org"`}, false, le, CAARefused},
		{[]string{`a.example. CAA 0 issue "letsencrypt.org"`}, false, nil, CAAUnknownIssuer},
	}
	for _, c := range cases {
		set := caaSet{name: "a.example"}
		for _, r := range c.records {
			set.records = append(set.records, caaRR(t, r))
		}
		if got, _ := caaAllows(set, c.wildcard, c.issuer); got != c.want {
			t.Errorf("%v wildcard=%v issuer=%v: %s, want %s", c.records, c.wildcard, c.issuer, got, c.want)
		}
	}
}

func TestCAANames(t *testing.T) {
	t.Parallel()
	cases := map[[2]string]string{
		{"app.acme.example", "acme.example"}:         "app.acme.example acme.example",
		{"a.b.acme.example.", "acme.example"}:        "a.b.acme.example b.acme.example acme.example",
		{"acme.example", "acme.example"}:             "acme.example",
		{"mail.provider.example", "acme.example"}:    "mail.provider.example provider.example",
		{"x.y.z.provider.test", "acme.example"}:      "x.y.z.provider.test y.z.provider.test z.provider.test provider.test",
		{"localhost", "acme.example"}:                "localhost",
		{"notacme.example", "acme.example"}:          "notacme.example",
		{"deep.notacme.example", "acme.example"}:     "deep.notacme.example notacme.example",
		{"APP.Acme.Example", "acme.example"}:         "app.acme.example acme.example",
		{"www.sub.acme.example", "sub.acme.example"}: "www.sub.acme.example sub.acme.example",
	}
	for in, want := range cases {
		if got := strings.Join(caaNames(in[0], in[1]), " "); got != want {
			t.Errorf("caaNames(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}

func TestIssuerDomains(t *testing.T) {
	t.Parallel()
	cert := func(org, cn string) *x509.Certificate {
		c := &x509.Certificate{Issuer: pkix.Name{CommonName: cn}, NotAfter: time.Now()}
		if org != "" {
			c.Issuer.Organization = []string{org}
		}
		return c
	}
	custom := map[string][]string{"Acme Internal": {"ca.acme.example"}, "Acme Internal CA 2": {"ca2.acme.example."}}
	cases := []struct {
		org, cn, want string
	}{
		{"Let's Encrypt", "R11", "letsencrypt.org"},
		{"Google Trust Services", "WR1", "pki.goog"},
		{"Sectigo Limited", "Sectigo RSA Domain Validation Secure Server CA", "sectigo.com"},
		{"ZeroSSL", "ZeroSSL RSA Domain Secure Site CA", "sectigo.com"},
		{"DigiCert Inc", "DigiCert Global G2 TLS RSA SHA256 2020 CA1", "digicert.com"},
		{"", "GeoTrust TLS RSA CA G1", "digicert.com"},
		{"Amazon", "Amazon RSA 2048 M02", "amazon.com"},
		{"Acme Internal", "Acme Internal CA 2", "ca2.acme.example"}, // the longer configured name wins
		{"Acme Internal", "Issuing 1", "ca.acme.example"},
		{"Someone Else", "X1", ""},
	}
	for _, c := range cases {
		got := issuerDomains(cert(c.org, c.cn), custom)
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if first != c.want {
			t.Errorf("issuer %q/%q: %v, want %s first", c.org, c.cn, got, c.want)
		}
	}
}

func TestExpiryText(t *testing.T) {
	t.Parallel()
	now := frozen
	cases := map[time.Duration]string{
		90 * 24 * time.Hour:          "90 days left",
		5*24*time.Hour + time.Hour:   "5 days left",
		36 * time.Hour:               "1 day left",
		7 * time.Hour:                "7 hours left",
		10 * time.Minute:             "under an hour left",
		-2 * time.Hour:               "expired 2 hours ago",
		-30 * time.Hour:              "expired 1 day ago",
		-30*24*time.Hour - time.Hour: "expired 30 days ago",
	}
	for d, want := range cases {
		if got := expiryText(now.Add(d), now); got != want {
			t.Errorf("expiryText(%s) = %q, want %q", d, got, want)
		}
	}
	if daysLeft(now.Add(-30*24*time.Hour-time.Hour), now) != -30 || daysLeft(now.Add(5*24*time.Hour+time.Hour), now) != 5 {
		t.Error("daysLeft rounds towards zero")
	}
}

func TestTLSColumn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v    TLSVersions
		want string
	}{
		{TLSVersions{Negotiated: "1.3", Min: "1.2", Accepted: []string{"1.2", "1.3"}}, "1.2+"},
		{TLSVersions{Negotiated: "1.3", Min: "1.3", Accepted: []string{"1.3"}}, "1.3"},
		{TLSVersions{Negotiated: "1.3"}, "1.3"},
		{TLSVersions{Min: "1.0", Accepted: []string{"1.0"}}, "1.0"},
		{TLSVersions{}, ""},
	}
	for _, c := range cases {
		if got := tlsColumn(c.v); got != c.want {
			t.Errorf("tlsColumn(%+v) = %q, want %q", c.v, got, c.want)
		}
	}
}
