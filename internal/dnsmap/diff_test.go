package dnsmap

import (
	"encoding/json"
	"strings"
	"testing"
)

func edit(t *testing.T, m *Map, remove []string, add []string) *Map {
	t.Helper()
	out := &Map{Zone: m.Zone}
	for _, r := range m.Records {
		keep := true
		for _, s := range remove {
			if strings.HasPrefix(r.String(), s) {
				keep = false
			}
		}
		if keep {
			out.Add(r)
		}
	}
	for _, s := range add {
		r, err := FromRR(rr(t, s))
		if err != nil {
			t.Fatal(err)
		}
		out.Add(r)
	}
	out.Sort()
	return out
}

func TestCompare(t *testing.T) {
	t.Parallel()
	doc := sample(t)
	if d := Compare(doc, doc); d.Drift() || d.Summary() != "no drift" || len(d.Lines()) != 0 {
		t.Fatalf("a map against itself drifts: %v", d.Lines())
	}
	live := edit(t, doc,
		[]string{"www.acme.example. 300 IN CNAME", "acme.example. 300 IN A ", "acme.example. 3600 IN SOA", "acme.example. 3600 IN NS ns2"},
		[]string{
			"www.acme.example. 300 IN A 192.0.2.99", // CNAME replaced by an A: removed + added
			"acme.example. 86400 IN A 192.0.2.10",   // TTL raised: changed
			"acme.example. 3600 IN SOA ns1.acme.example. hostmaster.acme.example. 2026112905 7200 3600 1209600 300", // serial only: not drift
			"admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.",                                             // new name
		})
	d := Compare(doc, live)
	want := []string{
		"~ acme.example. NS: 3600 ns1.acme.example., 3600 ns2.acme.example. -> 3600 ns1.acme.example.",
		"~ acme.example. A: 300 192.0.2.10 -> 86400 192.0.2.10",
		"+ admin.acme.example. 300 IN CNAME ghost-app.herokudns.com.",
		"+ www.acme.example. 300 IN A 192.0.2.99",
		"- www.acme.example. 300 IN CNAME acme.example.",
	}
	if got := d.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.Summary() != "2 added, 1 removed, 2 changed" || d.Count() != 5 {
		t.Errorf("summary %q count %d", d.Summary(), d.Count())
	}
	// A real SOA change (not the serial) is drift.
	soa := edit(t, doc, []string{"acme.example. 3600 IN SOA"}, []string{"acme.example. 3600 IN SOA ns9.acme.example. hostmaster.acme.example. 2026112801 7200 3600 1209600 300"})
	if d := Compare(doc, soa); len(d.Changed) != 1 || d.Changed[0].Type != "SOA" {
		t.Errorf("SOA primary changed, diff %v", d.Lines())
	}
	b, err := json.Marshal(d)
	if err != nil || !strings.Contains(string(b), `"added":[{"name":"admin.acme.example.","type":"CNAME","ttl":300,"data":"ghost-app.herokudns.com."}`) {
		t.Errorf("JSON: %s %v", b, err)
	}
}
