package subdomains

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestDictionary(t *testing.T) {
	t.Parallel()
	d := Dictionary()
	if len(d) < 140 || len(d) > 180 {
		t.Errorf("%d labels: the issue asks for about 150", len(d))
	}
	have := map[string]bool{}
	for _, l := range d {
		have[l.Label] = true
		if l.Reason == "" || l.Type != dns.TypeA {
			t.Errorf("%+v: every dictionary label is an address name with a reason", l)
		}
	}
	// The labels issue 16 names.
	for _, l := range strings.Fields("www app api admin dashboard portal status mail smtp staging dev test beta old legacy cdn static assets docs help blog shop auth login id community members forum m webhooks hooks") {
		if !have[l] {
			t.Errorf("the dictionary lacks %q", l)
		}
	}
	d[0].Label = "changed"
	if Dictionary()[0].Label == "changed" {
		t.Error("Dictionary must return a copy: the table is shared")
	}
	wk := map[string]uint16{}
	for _, l := range WellKnown() {
		wk[l.Label] = l.Type
	}
	for l, typ := range map[string]uint16{"_dmarc": dns.TypeTXT, "_mta-sts": dns.TypeTXT, "_smtp._tls": dns.TypeTXT, "_domainkey": dns.TypeTXT, "_sip._tls": dns.TypeSRV} {
		if wk[l] != typ {
			t.Errorf("well-known %s: type %d, want %d", l, wk[l], typ)
		}
	}
}

func TestParseLabelsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text  string
		typed bool
		want  string
	}{
		{"www", false, "give the reason after a '#'"},
		{"www # a\nwww # b", false, `"www" is already on line 1`},
		{"www TXT # a", false, "want 1 fields"},
		{"_x MX # a", true, `type "MX" is not A, TXT or SRV`},
		{"bad..label # a", false, "is not a DNS label"},
	} {
		if _, err := parseLabels(tc.text, tc.typed); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseLabels(%q): %v, want %q", tc.text, err, tc.want)
		}
	}
}
