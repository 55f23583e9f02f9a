package lab

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// rrStrings renders records without TTLs, for comparison.
func rrStrings(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		s := rr.String()
		h := rr.Header()
		// drop name, TTL and class: "name\tttl\tIN\tTYPE\tdata" -> "name TYPE data"
		f := strings.SplitN(s, "\t", 5)
		if len(f) == 5 {
			s = strings.ToLower(h.Name) + " " + f[3] + " " + f[4]
		}
		out = append(out, s)
	}
	return out
}

func TestDNSAnswers(t *testing.T) {
	t.Parallel()
	healthy := startLab(t, builtin(t, "healthy"))
	demo := startLab(t, builtin(t, "demo"))
	tests := []struct {
		name      string
		lab       *Lab
		qname     string
		qtype     uint16
		rcode     int
		answer    []string
		authority string // type of the authority record, "" for none
		aa        bool
	}{
		{"A", healthy, "app.acme.example", dns.TypeA, dns.RcodeSuccess, []string{"app.acme.example. A 127.0.0.1"}, "", true},
		{"names are case-insensitive", healthy, "APP.Acme.Example", dns.TypeA, dns.RcodeSuccess, []string{"app.acme.example. A 127.0.0.1"}, "", true},
		{"CNAME chased", healthy, "www.acme.example", dns.TypeA, dns.RcodeSuccess,
			[]string{"www.acme.example. CNAME acme.example.", "acme.example. A 127.0.0.1"}, "", true},
		{"CNAME asked for", healthy, "www.acme.example", dns.TypeCNAME, dns.RcodeSuccess, []string{"www.acme.example. CNAME acme.example."}, "", true},
		{"MX", healthy, "acme.example", dns.TypeMX, dns.RcodeSuccess, []string{"acme.example. MX 10 mx.acme.example."}, "", true},
		{"SPF", healthy, "acme.example", dns.TypeTXT, dns.RcodeSuccess, []string{`acme.example. TXT "v=spf1 include:_spf.mailprovider.example -all"`}, "", true},
		{"DMARC", healthy, "_dmarc.acme.example", dns.TypeTXT, dns.RcodeSuccess,
			[]string{`_dmarc.acme.example. TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.example"`}, "", true},
		{"CAA", healthy, "acme.example", dns.TypeCAA, dns.RcodeSuccess, []string{`acme.example. CAA 0 issue "letsencrypt.org"`}, "", true},
		{"NS", healthy, "acme.example", dns.TypeNS, dns.RcodeSuccess, []string{"acme.example. NS ns1.acme.example."}, "", true},
		{"SOA", healthy, "acme.example", dns.TypeSOA, dns.RcodeSuccess,
			[]string{"acme.example. SOA ns1.acme.example. hostmaster.acme.example. 2026112801 7200 3600 1209600 300"}, "", true},
		{"provider zone", healthy, "_spf.mailprovider.example", dns.TypeTXT, dns.RcodeSuccess,
			[]string{`_spf.mailprovider.example. TXT "v=spf1 ip4:192.0.2.0/24 -all"`}, "", true},
		{"provider zone gets NS and SOA", healthy, "mailprovider.example", dns.TypeNS, dns.RcodeSuccess,
			[]string{"mailprovider.example. NS ns1.mailprovider.example."}, "", true},
		{"NXDOMAIN with SOA", healthy, "nope.acme.example", dns.TypeA, dns.RcodeNameError, nil, "SOA", true},
		{"NODATA with SOA", healthy, "app.acme.example", dns.TypeAAAA, dns.RcodeSuccess, nil, "SOA", true},
		{"outside every zone: REFUSED", healthy, "example.com", dns.TypeA, dns.RcodeRefused, nil, "", false},
		{"parent of a zone: REFUSED", healthy, "example", dns.TypeA, dns.RcodeRefused, nil, "", false},
		{"demo: dangling CNAME", demo, "admin.acme.example", dns.TypeA, dns.RcodeNameError,
			[]string{"admin.acme.example. CNAME ghost-app.herokudns.com."}, "SOA", true},
		{"demo: status resolves", demo, "status.acme.example", dns.TypeA, dns.RcodeSuccess, []string{"status.acme.example. A 127.0.0.1"}, "", true},
		{"demo: the provider zone exists", demo, "brave-otter-4312.herokudns.com", dns.TypeA, dns.RcodeSuccess,
			[]string{"brave-otter-4312.herokudns.com. A 127.0.0.1"}, "", true},
	}
	for _, tt := range tests {
		for _, network := range []string{"udp", "tcp"} {
			t.Run(tt.name+"/"+network, func(t *testing.T) {
				r := ask(t, tt.lab, network, tt.qname, tt.qtype, 0)
				if r.Rcode != tt.rcode {
					t.Errorf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
				}
				if got := rrStrings(r.Answer); strings.Join(got, "\n") != strings.Join(tt.answer, "\n") {
					t.Errorf("answer\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.answer, "\n"))
				}
				var auth string
				if len(r.Ns) == 1 {
					auth = dns.TypeToString[r.Ns[0].Header().Rrtype]
				} else if len(r.Ns) > 1 {
					auth = "several"
				}
				if auth != tt.authority {
					t.Errorf("authority %v, want one %q", r.Ns, tt.authority)
				}
				if r.Authoritative != tt.aa {
					t.Errorf("AA %v, want %v", r.Authoritative, tt.aa)
				}
				if !r.RecursionAvailable {
					t.Error("RA not set: probes use the lab as their recursive resolver")
				}
				if r.Truncated {
					t.Error("TC set on a small answer")
				}
			})
		}
	}
}

func TestDNSNegativeAnswerNamesTheRightZone(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "demo"))
	r := ask(t, l, "udp", "admin.acme.example", dns.TypeA, 0)
	if len(r.Ns) != 1 {
		t.Fatalf("authority %v, want the SOA of herokudns.com", r.Ns)
	}
	soa := r.Ns[0].(*dns.SOA)
	if soa.Hdr.Name != "herokudns.com." || soa.Serial != 2026090101 {
		t.Errorf("SOA %v, want herokudns.com. with serial 2026090101", soa)
	}
	if soa.Hdr.Ttl != soa.Minttl {
		t.Errorf("negative TTL %d, want the SOA minimum %d (RFC 2308)", soa.Hdr.Ttl, soa.Minttl)
	}
}

// bigTXT is 900 bytes of TXT: more than fits in 512 bytes, less than 1232.
var bigTXT = strings.Repeat("v=lab1; k=", 90)

// recordsScenario exercises record types and lookups the built-ins do not.
func recordsScenario() Scenario {
	return Scenario{
		Name:   "records",
		Domain: "records.example",
		Zones: []Zone{
			{Origin: "records.example", Records: []string{
				"host 300 IN A 127.0.0.1",
				"host 300 IN AAAA ::1",
				"_submission._tcp 300 IN SRV 0 1 587 host.records.example.",
				`lr1._domainkey 300 IN TXT "v=DKIM1; k=rsa; p=MIIB"`,
				`big 300 IN TXT "` + bigTXT + `"`,
				"loop1 300 IN CNAME loop2",
				"loop2 300 IN CNAME loop1",
				"out 300 IN CNAME www.example.com.",
				"deep 300 IN CNAME deep2",
				"deep2 300 IN CNAME host.sub.records.example.",
				"notxt IN A 127.0.0.1", // no TTL: the default applies
			}},
			{Origin: "sub.records.example", Records: []string{"host 300 IN A 127.0.0.2"}},
		},
	}
}

func TestDNSRecordTypesAndLookups(t *testing.T) {
	t.Parallel()
	l := startLab(t, recordsScenario())
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
	}{
		{"AAAA", "host.records.example", dns.TypeAAAA, dns.RcodeSuccess, []string{"host.records.example. AAAA ::1"}},
		{"SRV", "_submission._tcp.records.example", dns.TypeSRV, dns.RcodeSuccess, []string{"_submission._tcp.records.example. SRV 0 1 587 host.records.example."}},
		{"empty non-terminal is NODATA, not NXDOMAIN", "_domainkey.records.example", dns.TypeTXT, dns.RcodeSuccess, nil},
		{"CNAME loop: SERVFAIL", "loop1.records.example", dns.TypeA, dns.RcodeServerFailure, nil},
		{"CNAME leaving the lab: SERVFAIL with the chain", "out.records.example", dns.TypeA, dns.RcodeServerFailure,
			[]string{"out.records.example. CNAME www.example.com."}},
		{"chain into a nested zone", "deep.records.example", dns.TypeA, dns.RcodeSuccess, []string{
			"deep.records.example. CNAME deep2.records.example.",
			"deep2.records.example. CNAME host.sub.records.example.",
			"host.sub.records.example. A 127.0.0.2",
		}},
		{"ANY", "host.records.example", dns.TypeANY, dns.RcodeSuccess, []string{"host.records.example. A 127.0.0.1", "host.records.example. AAAA ::1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ask(t, l, "tcp", tt.qname, tt.qtype, 0)
			if r.Rcode != tt.rcode {
				t.Errorf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
			}
			if tt.name == "CNAME loop: SERVFAIL" {
				return // the chain up to the limit is not part of the contract
			}
			if got := rrStrings(r.Answer); strings.Join(got, "\n") != strings.Join(tt.answer, "\n") {
				t.Errorf("answer\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.answer, "\n"))
			}
		})
	}
	if r := ask(t, l, "udp", "notxt.records.example", dns.TypeA, 0); len(r.Answer) != 1 || r.Answer[0].Header().Ttl != 3600 {
		t.Errorf("record without TTL: %v, want TTL 3600", r.Answer)
	}
}

func TestDNSTruncatesOverUDPAndAnswersOverTCP(t *testing.T) {
	t.Parallel()
	l := startLab(t, recordsScenario())

	udp := ask(t, l, "udp", "big.records.example", dns.TypeTXT, 0)
	if !udp.Truncated {
		t.Fatalf("UDP without EDNS0: TC not set for a %d-byte TXT", len(bigTXT))
	}
	if len(udp.Answer) != 0 {
		t.Errorf("truncated answer carries %d records; the one TXT cannot fit", len(udp.Answer))
	}

	small := ask(t, l, "udp", "big.records.example", dns.TypeTXT, 600)
	if !small.Truncated {
		t.Error("UDP with a 600-byte EDNS0 buffer: TC not set")
	}

	for _, tc := range []struct {
		network string
		edns    uint16
	}{{"tcp", 0}, {"udp", 4096}} {
		r := ask(t, l, tc.network, "big.records.example", dns.TypeTXT, tc.edns)
		if r.Truncated || len(r.Answer) != 1 {
			t.Fatalf("%s (EDNS0 %d): TC %v, %d records; want the full answer", tc.network, tc.edns, r.Truncated, len(r.Answer))
		}
		txt := r.Answer[0].(*dns.TXT).Txt
		for _, s := range txt {
			if len(s) > 255 {
				t.Errorf("character-string of %d bytes; the limit is 255", len(s))
			}
		}
		if len(txt) < 4 || strings.Join(txt, "") != bigTXT {
			t.Errorf("%s: TXT in %d strings does not join back to the record", tc.network, len(txt))
		}
		if tc.edns > 0 && r.IsEdns0() == nil {
			t.Error("EDNS0 query answered without an OPT record")
		}
	}
}

func TestDNSRefusesWhatIsNotAQuery(t *testing.T) {
	t.Parallel()
	l := startLab(t, builtin(t, "healthy"))
	m := new(dns.Msg)
	m.SetNotify("acme.example.")
	r, _, err := (&dns.Client{Net: "udp"}).Exchange(m, l.DNSAddr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeNotImplemented {
		t.Errorf("NOTIFY: rcode %s, want NOTIMP", dns.RcodeToString[r.Rcode])
	}
	if !r.RecursionAvailable {
		t.Error("RA not set on an error answer")
	}
}

func TestZoneErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		zones []Zone
		want  string
	}{
		{"unparsable record", []Zone{{Origin: "x.example", Records: []string{"app 300 IN A not-an-ip"}}}, `record 0 "app 300 IN A not-an-ip"`},
		{"empty record", []Zone{{Origin: "x.example", Records: []string{"  "}}}, "no record on the line"},
		{"CNAME and other data", []Zone{{Origin: "x.example", Records: []string{"a IN A 127.0.0.1", "a IN CNAME b"}}}, "must be the only record"},
		{"data next to a CNAME", []Zone{{Origin: "x.example", Records: []string{"a IN CNAME b", "a IN TXT \"x\""}}}, "must be the only record"},
		{"owner outside the zone", []Zone{{Origin: "x.example", Records: []string{"a.y.example. IN A 127.0.0.1"}}}, "outside the zone"},
		{"two SOAs", []Zone{{Origin: "x.example", Records: []string{
			"@ IN SOA ns1 host 1 2 3 4 5", "@ IN SOA ns1 host 1 2 3 4 5"}}}, "a second SOA"},
		{"two zones with one origin", []Zone{{Origin: "x.example"}, {Origin: "X.example."}}, "a second zone"},
		{"no origin", []Zone{{Origin: ""}}, "Origin is not a domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Start(Scenario{Name: "bad", Domain: "x.example", Zones: tt.zones}, t.TempDir())
			if !errors.Is(err, ErrBadZone) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start: %v\nwant ErrBadZone mentioning %q", err, tt.want)
			}
		})
	}
}

func TestZoneSerial(t *testing.T) {
	t.Parallel()
	zs, err := parseZones([]Zone{
		{Origin: "a.example"},
		{Origin: "b.example", Records: []string{"@ IN SOA ns1 host 7 2 3 4 5"}},
		{Origin: "c.example", Serial: 9, Records: []string{"@ IN SOA ns1 host 7 2 3 4 5"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []uint32{1, 7, 9} {
		if got := zs[i].soa.Serial; got != want {
			t.Errorf("%s serial %d, want %d", zs[i].origin, got, want)
		}
	}
}

// Every nameserver the zones name is published in ConnectTo on port 53, pointing at
// the lab's DNS, so an authoritative check that asks "ns1.acme.example:53" reaches it.
func TestNameserversInConnectTo(t *testing.T) {
	t.Parallel()
	sc := builtin(t, "healthy")
	sc.Zones = append(sc.Zones, Zone{Origin: "other.example", Records: []string{
		"@ NS ns-a.dns-host.example.",
		"@ NS ns-b.dns-host.example.",
		"sub NS ns1.acme.example.", // a delegation naming an existing server
	}})
	l := startLab(t, sc)
	want := []string{"ns-a.dns-host.example:53", "ns-b.dns-host.example:53", "ns1.acme.example:53", "ns1.mailprovider.example:53"}
	var got []string
	for k, v := range l.ConnectTo {
		if strings.HasSuffix(k, ":53") {
			got = append(got, k)
			if v != l.DNSAddr {
				t.Errorf("%s -> %s, want the lab's DNS %s", k, v, l.DNSAddr)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("nameservers in ConnectTo: %v, want %v", got, want)
	}
}
