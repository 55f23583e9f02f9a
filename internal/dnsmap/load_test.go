package dnsmap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each wrong map is refused with every problem at its line and column, worded as a fix.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text string
		want       []string
	}{
		{"not yaml", "names: [unclosed\n", []string{"map.yaml:1:"}},
		{"a list", "- a\n- b\n", []string{"map.yaml:1:1: is not a DNS map"}},
		{"no schema", "zone: acme.example\nnames: {}\n", []string{"schema: expected launchready.dnsmap/v1"}},
		{"other schema", "schema: launchready.dnsmap/v9\nzone: acme.example\nnames: {}\n", []string{"map.yaml:1:9: schema: expected"}},
		{"no zone", "schema: launchready.dnsmap/v1\nnames: {}\n", []string{"zone: missing"}},
		{"unknown key and bad time", "schema: launchready.dnsmap/v1\nzone: acme.example\nzones: x\ntaken: yesterday\nnames: {}\n",
			[]string{"map.yaml:3:1: zones: unknown key", `map.yaml:4:8: taken: "yesterday" is not a time`}},
		{"bad records, all listed", `schema: launchready.dnsmap/v1
zone: acme.example
names:
  acme.example:
    - 'A 300 192.0.2.300'
    - 'A three-hundred 192.0.2.1'
    - 'HINFO 300 "x" "y"'
    - 'A 300 192.0.2.1'
  other.example:
    - 'A 300 192.0.2.1'
  acme.example.:
    - 'A 300 192.0.2.2'
  www.acme.example: 'CNAME 300 acme.example.'
`, []string{
			"map.yaml:5:7: acme.example: A data",
			`map.yaml:6:7: acme.example: "A three-hundred 192.0.2.1": expected "TYPE TTL DATA"`,
			`map.yaml:7:7: acme.example: type "HINFO" is not one a DNS map holds`,
			"map.yaml:9:3: other.example is outside the zone acme.example",
			"map.yaml:11:3: acme.example. is listed twice",
			"map.yaml:13:21: www.acme.example: expected a list of records",
		}},
		{"zone file without origin or SOA", "; a zone\nacme.example. 300 IN A 192.0.2.1\n", []string{"names no zone: add a line \"$ORIGIN"}},
		{"zone file with a bad record", "$ORIGIN acme.example.\n@ 300 IN A 192.0.2.1\nwww 300 IN A nope\n", []string{"map.zone:3:"}},
		{"zone file with another type", "$ORIGIN acme.example.\n@ 300 IN HINFO \"x\" \"y\"\n", []string{"type HINFO is not one a DNS map holds"}},
		{"zone file reaching outside", "$ORIGIN acme.example.\nexample.com. 300 IN A 192.0.2.1\n", []string{"example.com is outside the zone acme.example"}},
		{"zone file including a file", "$ORIGIN acme.example.\n$INCLUDE /etc/passwd\n", []string{"map.zone"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			file := "map.yaml"
			if isZoneFile([]byte(c.text)) {
				file = "map.zone"
			}
			m, err := Load([]byte(c.text), file)
			if err == nil {
				t.Fatalf("loaded %+v, want errors %q", m, c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(c.want) && len(c.want) > 1 {
				t.Errorf("%d errors, want %d:\n%v", n, len(c.want), err)
			}
		})
	}
}

func TestLoadAcceptsHandWrittenMaps(t *testing.T) {
	t.Parallel()
	// Unquoted records, names with or without the trailing dot, a name with no records.
	m, err := Load([]byte(`schema: launchready.dnsmap/v1
zone: Acme.Example.
names:
  acme.example:
    - A 300 192.0.2.10
    - MX 300 10 mx.acme.example
  www.acme.example.:
    - CNAME 300 acme.example.
  empty.acme.example:
`), "map.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range m.Records {
		got = append(got, r.String())
	}
	want := "acme.example. 300 IN A 192.0.2.10|acme.example. 300 IN MX 10 mx.acme.example.|www.acme.example. 300 IN CNAME acme.example."
	if m.Zone != "acme.example." || strings.Join(got, "|") != want {
		t.Errorf("zone %q records %q", m.Zone, got)
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "launchready dns export -o") {
		t.Errorf("missing file: %v, want advice to export", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(big); err == nil || !strings.Contains(err.Error(), "is the right file") {
		t.Errorf("oversized file: %v", err)
	}
}
