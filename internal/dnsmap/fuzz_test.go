package dnsmap

import (
	"bytes"
	"testing"

	"github.com/miekg/dns"
)

// roundTrip writes m in both formats and checks each reads back as the same map.
func roundTrip(t *testing.T, m *Map) {
	t.Helper()
	for _, f := range []Format{FormatYAML, FormatZone} {
		var buf bytes.Buffer
		if err := m.Write(&buf, f); err != nil {
			t.Fatalf("%s: writing a loaded map: %v", f, err)
		}
		back, err := Load(buf.Bytes(), "again")
		if err != nil {
			t.Fatalf("%s: a written map does not load: %v\n%s", f, err, buf.String())
		}
		if back.Zone != m.Zone || len(back.Records) != len(m.Records) {
			t.Fatalf("%s: zone %q with %d records back, want %q with %d\n%s", f, back.Zone, len(back.Records), m.Zone, len(m.Records), buf.String())
		}
		for i := range m.Records {
			if back.Records[i] != m.Records[i] {
				t.Fatalf("%s: record %d reads back as %q, want %q", f, i, back.Records[i], m.Records[i])
			}
		}
	}
}

// FuzzLoad feeds the map loader arbitrary files: it must never panic or hang, and any
// map it accepts must write and read back unchanged in both formats.
func FuzzLoad(f *testing.F) {
	m := sample(f)
	for _, fm := range []Format{FormatYAML, FormatZone} {
		var buf bytes.Buffer
		if err := m.Write(&buf, fm); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	for _, s := range []string{
		"schema: launchready.dnsmap/v1\nzone: acme.example\nnames:\n  acme.example:\n    - A 300 192.0.2.1\n",
		"schema: launchready.dnsmap/v1\nzone: acme.example\nnames: {}\n",
		"$ORIGIN acme.example.\n$TTL 300\n@ IN A 192.0.2.1\nwww IN CNAME @\n",
		"$ORIGIN acme.example.\n$GENERATE 1-3 h$ A 192.0.2.$\n",
		"; taken: 2026-11-28T02:00:00Z\n$ORIGIN acme.example.\n@ 300 IN TXT \"a\" \"b\"\n",
		"names: &a [*a]\n",
		"schema: launchready.dnsmap/v1\nzone: acme.example\nnames:\n  acme.example: ['TXT 300 \"\\\\065\\\\255\"']\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data, "fuzz")
		if err != nil {
			return
		}
		roundTrip(t, m)
	})
}

// FuzzFromRR feeds the function that turns DNS answers into map records whatever a
// server might send: every record it accepts must read back from its own text as the
// same record, and a map of them must survive both file formats.
func FuzzFromRR(f *testing.F) {
	for _, s := range []string{
		"acme.example. 300 IN A 192.0.2.1",
		"acme.example. 300 IN MX 10 MX.acme.example.",
		`acme.example. 300 IN TXT "v=spf1 -all" "second string"`,
		`acme.example. 300 IN CAA 128 issue "letsencrypt.org; validationmethods=dns-01"`,
		"_sip._tcp.acme.example. 300 IN SRV 10 5 5060 sip.acme.example.",
		"acme.example. 300 IN SOA ns1.acme.example. hostmaster.acme.example. 1 2 3 4 5",
		"*.acme.example. 300 IN CNAME x.paas.example.",
		"acme.example. 300 IN AAAA ::ffff:192.0.2.1",
	} {
		m := new(dns.Msg)
		m.SetQuestion("acme.example.", dns.TypeA)
		m.Response = true
		m.Answer = append(m.Answer, rr(f, s))
		wire, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wire)
	}
	f.Fuzz(func(t *testing.T, wire []byte) {
		msg := new(dns.Msg)
		if msg.Unpack(wire) != nil {
			return
		}
		m := &Map{Zone: "."}
		for _, x := range append(append(msg.Answer, msg.Ns...), msg.Extra...) {
			r, err := FromRR(x)
			if err != nil {
				continue
			}
			again, err := ParseRecord(r.Name, r.Type, r.TTL, r.Data)
			if err != nil {
				t.Fatalf("FromRR gave %q, which does not parse back: %v", r, err)
			}
			if again != r {
				t.Fatalf("FromRR gave %q, which parses back as %q", r, again)
			}
			m.Add(r)
		}
		m.Sort()
		roundTrip(t, m)
	})
}
