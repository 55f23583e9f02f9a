package mailauth

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func TestParseDMARC(t *testing.T) {
	t.Parallel()
	cases := []struct {
		record string
		ok     bool
		check  func(*DMARC) bool
	}{
		{"v=DMARC1; p=reject; rua=mailto:d@acme.example", true, func(d *DMARC) bool {
			return d.Policy == "reject" && d.SubdomainPolicy == "reject" && d.NonexistentPolicy == "reject" && d.ADKIM == "r" && d.Percent == 100 && len(d.RUA) == 1 && d.Record != nil
		}},
		{"v=DMARC1; p=reject; sp=quarantine", true, func(d *DMARC) bool { return d.SubdomainPolicy == "quarantine" && d.NonexistentPolicy == "quarantine" }},
		{"v=DMARC1; p=reject; np=none; t=y; psd=n", true, func(d *DMARC) bool { return d.NonexistentPolicy == "none" && d.Testing }},
		{"v=DMARC1; p=ReJect; ADKIM=S", true, func(d *DMARC) bool { return d.Policy == "reject" && d.ADKIM == "s" }},
		{"v=DMARC1; p=none; pct=20; rf=afrf; ri=3600", true, func(d *DMARC) bool { return d.Percent == 20 && len(d.Notes) == 3 }},
		{"v=DMARC1; p=none; rua=mailto:a@x.example!10m,mailto:b@y.example", true, func(d *DMARC) bool {
			return len(d.RUA) == 2 && d.RUA[0] == "mailto:a@x.example" && len(d.Notes) == 1
		}},
		{"v=DMARC1; sp=none; p=reject", true, func(d *DMARC) bool { return len(d.Notes) == 1 && d.Notes[0].Tag == "p" }},
		{"v=DMARC1; p=reject; xyz=1", true, func(d *DMARC) bool { return len(d.Notes) == 1 }},
		{"", false, nil},
		{" v=DMARC1; p=reject", false, nil},
		{"v=DMARC2; p=reject", false, nil},
		{"p=reject; v=DMARC1", false, nil},
		{"v=DMARC1; rua=mailto:d@acme.example", false, nil},
		{"v=DMARC1; p=block", false, nil},
		{"v=DMARC1; p=reject; p=none", false, nil},
		{"v=DMARC1; p=reject; pct=101", false, nil},
		{"v=DMARC1; p=reject; rua=d@acme.example", false, nil},
		{"v=spf1 -all", false, nil},
	}
	for _, c := range cases {
		d, err := ParseDMARC(c.record)
		if c.ok != (err == nil) {
			t.Errorf("%q: err %v, want ok=%v", c.record, err, c.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrDMARCSyntax) {
			t.Errorf("%q: %v does not wrap ErrDMARCSyntax", c.record, err)
		}
		if c.ok && !c.check(d) {
			t.Errorf("%q: %+v", c.record, d)
		}
	}
	if _, _, err := SelectDMARC([]string{"v=DMARC1; p=none", "v=DMARC1; p=reject"}); !errors.Is(err, ErrMultipleDMARC) {
		t.Errorf("two records: %v", err)
	}
	if rec, others, err := SelectDMARC([]string{"hello", "v=DMARC1; p=none"}); err != nil || others != 1 || rec != "v=DMARC1; p=none" {
		t.Errorf("one record among others: %q %d %v", rec, others, err)
	}
}

// dmarcCase is one record case from checkdmarc or OpenDMARC.
type dmarcCase struct {
	Record string   `yaml:"record"`
	Expect string   `yaml:"expect"`
	TXT    []string `yaml:"txt_at_dmarc"`
	Source string   `yaml:"source"`
}

// dmarcDivergences are the cases where our verdict differs from one upstream, on
// purpose. The two upstreams disagree with each other on RFC 7489 tags that DMARCbis
// dropped; we follow what receivers do today (most implement RFC 7489, as OpenDMARC does),
// because a record they discard protects nothing.
var dmarcDivergences = map[string]string{
	"v=DMARC1; p=reject; pct=150":                               "RFC 7489 receivers (OpenDMARC: pct=500 is DMARC_PARSE_ERROR_BAD_VALUE) discard the record",
	"v=DMARC1; p=reject; pct=-1":                                "as pct=150",
	"v=DMARC1; p=reject; pct=abc":                               "as pct=150",
	"v=DMARC1; p=reject; ri=abc":                                "RFC 7489 receivers (OpenDMARC ri=bob) discard the record",
	"v=DMARC1; p=reject; rf=invalid":                            "RFC 7489 receivers (OpenDMARC rf=bob) discard the record",
	"v=DMARC1; rua=mailto:dmarc@example.com":                    "RFC 7489 requires p=; OpenDMARC case 15 (no p) is an error too",
	"v=DMARC1; p=n;":                                            "OpenDMARC accepts an abbreviation RFC 7489 does not define; strict receivers discard it",
	"txt_at_dmarc: v=DMARC1; p=reject | some random txt record": "RFC 7489 6.6.3: TXT records not starting with v=DMARC1 are ignored, not an error",
}

// TestDMARCRecordCases runs checkdmarc's (RFC 9989-era) and OpenDMARC's (RFC 7489) record
// verdicts against ParseDMARC and SelectDMARC: every case must agree, or be one of the
// documented divergences above.
func TestDMARCRecordCases(t *testing.T) {
	t.Parallel()
	path := sharedTestdata(t, "dmarc", "checkdmarc-opendmarc", "dmarc-record-cases-from-code.yml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var suites map[string][]dmarcCase
	if err := yaml.Unmarshal(b, &suites); err != nil {
		t.Fatal(err)
	}
	total, agree, diverge := 0, 0, 0
	for suite, cases := range suites {
		for _, c := range cases {
			total++
			wantOK := !strings.HasPrefix(c.Expect, "error") && !strings.HasPrefix(c.Expect, "DMARC_PARSE_ERROR")
			key := c.Record
			var err error
			if c.TXT != nil {
				key = "txt_at_dmarc: " + strings.Join(c.TXT, " | ")
				var rec string
				rec, _, err = SelectDMARC(c.TXT)
				if err == nil {
					_, err = ParseDMARC(rec)
				}
			} else {
				_, err = ParseDMARC(c.Record)
			}
			gotOK := err == nil
			if gotOK == wantOK {
				agree++
				if _, listed := dmarcDivergences[key]; listed {
					t.Errorf("%s %q now agrees (%v): remove it from dmarcDivergences", suite, key, err)
				}
				continue
			}
			if why, ok := dmarcDivergences[key]; ok {
				diverge++
				t.Logf("documented divergence from %s on %q (%s): ours %v; %s", suite, key, c.Expect, err, why)
				continue
			}
			t.Errorf("%s %q: upstream says %q, we say ok=%v (%v)", suite, key, c.Expect, gotOK, err)
		}
	}
	t.Logf("DMARC record cases: %d of %d agree with upstream, %d documented divergences", agree, total, diverge)
	if total < 60 {
		t.Errorf("read only %d cases: is this the checkdmarc/OpenDMARC file?", total)
	}
}

// FuzzParseDMARC: any record parses or fails without panicking, and a parsed one has a
// policy and the go-msgauth record the verify command uses.
func FuzzParseDMARC(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=reject; rua=mailto:d@acme.example", "v=DMARC1; p=none", "v = DMARC1; p=quarantine; sp=none; np=reject; t=y; psd=u",
		"v=DMARC1; p=reject; pct=50; rf=afrf; ri=86400; fo=0:1:d:s; adkim=s; aspf=r", "v=DMARC1; p=reject; rua=mailto:a@b.example!10m, https://x",
		"v=DMARC1;;p=reject;", "V=DMARC1; P=REJECT", "v=DMARC1; p", "", ";", "v=spf1 -all",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, record string) {
		d, err := ParseDMARC(record)
		if err != nil {
			return
		}
		for _, p := range []string{d.Policy, d.SubdomainPolicy, d.NonexistentPolicy} {
			if policyRank(p) == 0 && p != "none" {
				t.Fatalf("policy %q", p)
			}
		}
		if d.Record == nil || string(d.Record.Policy) != d.Policy {
			t.Fatalf("go-msgauth record %+v for policy %q", d.Record, d.Policy)
		}
	})
}
