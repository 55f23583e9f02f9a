package dnsmap

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func rr(t testing.TB, s string) dns.RR {
	t.Helper()
	r, err := dns.NewRR(s)
	if err != nil {
		t.Fatalf("test record %q: %v", s, err)
	}
	return r
}

// sample is a small zone with every type a map holds, a TXT longer than 255 bytes (two
// strings) and a wildcard.
func sample(t testing.TB) *Map {
	t.Helper()
	m := &Map{Zone: "acme.example.", Taken: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC), Source: "ns1.acme.example (127.0.0.1:53)"}
	for _, s := range []string{
		"acme.example. 3600 IN SOA ns1.acme.example. hostmaster.acme.example. 2026112801 7200 3600 1209600 300",
		"acme.example. 3600 IN NS ns1.acme.example.",
		"acme.example. 3600 IN NS ns2.acme.example.",
		"acme.example. 300 IN A 192.0.2.10",
		"acme.example. 300 IN AAAA 2001:db8::10",
		"acme.example. 300 IN MX 10 MX.Acme.Example.",
		`acme.example. 300 IN TXT "v=spf1 include:_spf.mailprovider.example -all"`,
		`acme.example. 3600 IN CAA 0 ISSUE "letsencrypt.org"`,
		"WWW.acme.example. 300 IN CNAME acme.example.",
		`_dmarc.acme.example. 300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.example"`,
		`lr1._domainkey.acme.example. 300 IN TXT "v=DKIM1; k=rsa; p=` + strings.Repeat("A", 250) + `" "` + strings.Repeat("B", 150) + `"`,
		"_sip._tcp.acme.example. 300 IN SRV 10 5 5060 sip.acme.example.",
		"*.preview.acme.example. 300 IN CNAME previews.paas.example.",
		`odd.acme.example. 300 IN TXT "a: b # not a comment" "it's 'quoted' \"twice\""`,
	} {
		r, err := FromRR(rr(t, s))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		m.Add(r)
	}
	m.Sort()
	return m
}

func TestFromRRCanonical(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"WWW.Acme.Example. 300 IN CNAME App.Acme.Example.":                       "www.acme.example. 300 IN CNAME app.acme.example.",
		"acme.example. 300 IN MX 10 MX.acme.example.":                            "acme.example. 300 IN MX 10 mx.acme.example.",
		`acme.example. 300 IN CAA 0 Issue "LetsEncrypt.org"`:                     `acme.example. 300 IN CAA 0 issue "LetsEncrypt.org"`,
		`acme.example. 300 IN TXT "Case Kept"`:                                   `acme.example. 300 IN TXT "Case Kept"`,
		"acme.example. 60 IN AAAA 2001:DB8:0:0::1":                               "acme.example. 60 IN AAAA 2001:db8::1",
		"acme.example. 60 IN SOA NS1.acme.example. Host.acme.example. 1 2 3 4 5": "acme.example. 60 IN SOA ns1.acme.example. host.acme.example. 1 2 3 4 5",
	}
	for in, want := range cases {
		r, err := FromRR(rr(t, in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if r.String() != want {
			t.Errorf("FromRR(%s) = %s, want %s", in, r, want)
		}
	}
	for _, bad := range []string{"acme.example. 300 IN HINFO \"x\" \"y\"", "acme.example. 300 CH A 192.0.2.1", "acme.example. 300 IN PTR x.example."} {
		if _, err := FromRR(rr(t, bad)); err == nil {
			t.Errorf("FromRR(%s) accepted a record a map does not hold", bad)
		}
	}
}

func TestParseRecord(t *testing.T) {
	t.Parallel()
	r, err := ParseRecord("mail.acme.example", "mx", 300, "10 mx.provider.example")
	if err != nil || r.String() != "mail.acme.example. 300 IN MX 10 mx.provider.example." {
		t.Errorf("got %s, %v", r, err)
	}
	for _, c := range []struct{ name, typ, data, want string }{
		{"acme.example", "HINFO", `"x" "y"`, "not one a DNS map holds"},
		{"acme.example", "A", "not-an-ip", "A data"},
		{"acme.example", "A", "192.0.2.1\nacme.example. 300 IN A 192.0.2.2", "spans lines"},
		{"acme.example", "A", "192.0.2.1 ; comment", ""}, // a comment is fine
		{"bad name.acme.example", "A", "192.0.2.1", "not a domain name"},
		{"acme.example", "TXT", `"unterminated`, "TXT data"},
		{"acme.example", "CNAME", "x.example. ( 192", "CNAME data"},
	} {
		_, err := ParseRecord(c.name, c.typ, 300, c.data)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s %q: %v", c.name, c.typ, c.data, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s %q: %v, want an error saying %q", c.name, c.typ, c.data, err, c.want)
		}
	}
}

func TestOrder(t *testing.T) {
	t.Parallel()
	m := sample(t)
	got := strings.Join(m.Names(), " ")
	want := "acme.example. _dmarc.acme.example. lr1._domainkey.acme.example. _sip._tcp.acme.example. odd.acme.example. *.preview.acme.example. www.acme.example."
	if got != want {
		t.Errorf("names in map order:\n%s\nwant\n%s", got, want)
	}
	var types []string
	for _, r := range m.Records {
		if r.Name == "acme.example." {
			types = append(types, r.Type)
		}
	}
	if strings.Join(types, " ") != "SOA NS NS A AAAA MX TXT CAA" {
		t.Errorf("apex types in order: %v", types)
	}
}

// Both formats read back as the same map, record for record.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	m := sample(t)
	for _, f := range []Format{FormatYAML, FormatZone} {
		var buf bytes.Buffer
		if err := m.Write(&buf, f); err != nil {
			t.Fatal(err)
		}
		back, err := Load(buf.Bytes(), "map."+string(f))
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, buf.String())
		}
		if back.Zone != m.Zone || !back.Taken.Equal(m.Taken) || back.Source != m.Source {
			t.Errorf("%s: header %q %v %q, want %q %v %q", f, back.Zone, back.Taken, back.Source, m.Zone, m.Taken, m.Source)
		}
		if d := Compare(m, back); d.Drift() || len(back.Records) != len(m.Records) {
			t.Errorf("%s: %d records back of %d, drift %v\n%s", f, len(back.Records), len(m.Records), d.Lines(), buf.String())
		}
		// Written twice, byte for byte the same: the file diffs cleanly in git.
		var again bytes.Buffer
		if err := back.Write(&again, f); err != nil || again.String() != buf.String() {
			t.Errorf("%s: rewriting a loaded map changed it", f)
		}
	}
}
