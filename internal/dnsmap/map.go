// Package dnsmap is the documented DNS map as a file: the records a zone should have,
// written by `launchready dns export`, kept in the repository next to launchready.yaml,
// and compared with the live zone by `launchready dns diff` and the DNS pane.
//
// A map holds whole RRsets of the types a launch cares about (Types), with their TTLs, in
// a canonical form so that two maps of the same zone compare equal record for record.
// It is written and read in two formats: YAML (the default, one line per record, easy to
// review in a pull request) and an RFC 1035 zone file (`--format zone`), which DNS
// providers import and export. Loading accepts either.
//
// The package does no network I/O: probes/dnscheck collects the live records and hands
// them to FromRR.
package dnsmap

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Schema names the YAML format; a change of meaning bumps it.
const Schema = "launchready.dnsmap/v1"

// Types are the record types a map holds, in the order a map lists them at a name: the
// zone's own records first, then what members and mail reach.
var Types = []uint16{dns.TypeSOA, dns.TypeNS, dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeMX, dns.TypeTXT, dns.TypeCAA, dns.TypeSRV}

// Limits on what a map may hold, so a wrong or hostile file costs bounded memory.
const (
	MaxFileSize = 16 << 20
	MaxRecords  = 20_000
)

// Map is a zone's documented (or live) records.
type Map struct {
	// Zone is the apex, fully qualified and lower-case ("acme.example.").
	Zone string
	// Taken is when the records were read from DNS; zero when unknown (a hand-written map).
	Taken time.Time
	// Source says which server the records came from, for the people reading the file.
	Source string
	// Records are sorted by Sort: names in DNS order (the apex first, then each subtree),
	// then by type in the order of Types, then by data.
	Records []Record
}

// Record is one resource record in canonical form.
type Record struct {
	// Name is the owner, fully qualified and lower-case ("www.acme.example.").
	Name string `json:"name"`
	// Type is the type's mnemonic ("CNAME").
	Type string `json:"type"`
	TTL  uint32 `json:"ttl"`
	// Data is the record's data in zone-file syntax as miekg/dns prints it, with domain
	// names lower-cased ("10 mx.acme.example.", "\"v=spf1 -all\"").
	Data string `json:"data"`
}

// String is the record as a zone-file line: "www.acme.example. 300 IN CNAME acme.example.".
func (r Record) String() string {
	return fmt.Sprintf("%s %d IN %s %s", r.Name, r.TTL, r.Type, r.Data)
}

// Short is the record without its owner, as the YAML map writes it: "CNAME 300 acme.example.".
func (r Record) Short() string { return fmt.Sprintf("%s %d %s", r.Type, r.TTL, r.Data) }

// HasType reports whether t is one of Types.
func HasType(t uint16) bool { return slices.Contains(Types, t) }

func typeNames() string {
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = dns.TypeToString[t]
	}
	return strings.Join(names, ", ")
}

// FromRR turns a record from a DNS answer or a zone file into a map record. It refuses
// classes other than IN and types outside Types, and canonicalises what can be spelled
// several ways (the case of domain names), so that the same zone read twice, or read from
// two servers, gives equal records.
func FromRR(rr dns.RR) (Record, error) {
	if rr == nil || rr.Header() == nil {
		return Record{}, fmt.Errorf("empty record")
	}
	h := rr.Header()
	if h.Class != dns.ClassINET {
		return Record{}, fmt.Errorf("class %s: a DNS map holds IN records only", dns.Class(h.Class))
	}
	if !HasType(h.Rrtype) {
		return Record{}, fmt.Errorf("type %s is not one a DNS map holds (%s)", dns.Type(h.Rrtype), typeNames())
	}
	if err := checkOwner(h.Name); err != nil {
		return Record{}, err
	}
	c := dns.Copy(rr)
	ch := c.Header()
	ch.Name = dns.CanonicalName(ch.Name)
	switch v := c.(type) {
	case *dns.CNAME:
		v.Target = dns.CanonicalName(v.Target)
	case *dns.NS:
		v.Ns = dns.CanonicalName(v.Ns)
	case *dns.MX:
		v.Mx = dns.CanonicalName(v.Mx)
	case *dns.SRV:
		v.Target = dns.CanonicalName(v.Target)
	case *dns.SOA:
		v.Ns = dns.CanonicalName(v.Ns)
		v.Mbox = dns.CanonicalName(v.Mbox)
	case *dns.CAA:
		v.Tag = strings.ToLower(v.Tag) // RFC 8659 4.1: tags are case-insensitive
		if !validCAATag(v.Tag) {
			return Record{}, fmt.Errorf("CAA tag %q is not a tag (RFC 8659: 1 to 15 letters and digits)", clip(v.Tag))
		}
	}
	data := strings.TrimPrefix(c.String(), ch.String())
	if strings.TrimSpace(data) == "" {
		return Record{}, fmt.Errorf("%s record with no data (an empty record, as in a dynamic update)", dns.Type(ch.Rrtype))
	}
	if strings.ContainsAny(data, "\n\r") {
		return Record{}, fmt.Errorf("record data spans lines")
	}
	return Record{Name: ch.Name, Type: dns.TypeToString[ch.Rrtype], TTL: ch.Ttl, Data: data}, nil
}

func validCAATag(t string) bool {
	if len(t) == 0 || len(t) > 15 {
		return false
	}
	for _, c := range []byte(t) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ParseRecord reads one record given as its parts, as the YAML map holds them: the owner
// name, the type, the TTL and the data in zone-file syntax. Names in the data without a
// trailing dot are taken as fully qualified.
func ParseRecord(name, typ string, ttl uint32, data string) (Record, error) {
	t, ok := dns.StringToType[strings.ToUpper(typ)]
	if !ok || !HasType(t) {
		return Record{}, fmt.Errorf("type %q is not one a DNS map holds (%s)", typ, typeNames())
	}
	if err := checkOwner(name); err != nil {
		return Record{}, err
	}
	if strings.ContainsAny(data, "\n\r") {
		return Record{}, fmt.Errorf("record data spans lines; write each record on one line")
	}
	fq := dns.CanonicalName(name)
	zp := dns.NewZoneParser(strings.NewReader(fmt.Sprintf("%s %d IN %s %s\n", fq, ttl, dns.TypeToString[t], data)), ".", "")
	rr, ok := zp.Next()
	if !ok {
		if err := zp.Err(); err != nil {
			return Record{}, fmt.Errorf("%s data %q: %v", dns.TypeToString[t], data, parseMessage(err))
		}
		return Record{}, fmt.Errorf("%s data %q: no record", dns.TypeToString[t], data)
	}
	if _, more := zp.Next(); more || zp.Err() != nil {
		return Record{}, fmt.Errorf("%s data %q holds more than one record", dns.TypeToString[t], data)
	}
	r, err := FromRR(rr)
	if err != nil {
		return Record{}, err
	}
	if r.Name != fq || r.Type != dns.TypeToString[t] || r.TTL != ttl {
		return Record{}, fmt.Errorf("%s data %q does not read as one record of that type", dns.TypeToString[t], data)
	}
	return r, nil
}

// checkOwner refuses owner names a zone file or YAML key could not carry back
// unchanged: not a domain name, or spelled with zone-file syntax or escapes. Real launch
// names (letters, digits, '-', '_', a leading '*') pass.
func checkOwner(name string) error {
	if _, ok := dns.IsDomainName(name); !ok || name == "" || strings.ContainsAny(name, " \t;()\"$@\\'#:") {
		return fmt.Errorf("%q is not a domain name a DNS map can hold", name)
	}
	for _, c := range []byte(name) {
		if c < 0x21 || c > 0x7e {
			return fmt.Errorf("%q is not a domain name a DNS map can hold", name)
		}
	}
	return nil
}

// parseMessage keeps miekg's own explanation without its position in our one-line text.
func parseMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, " at line: "); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimPrefix(msg, "dns: ")
}

// Add puts r into the map. Call Sort when done: it orders the records and drops
// duplicates (same name, type, TTL and data), as a DNS server would.
func (m *Map) Add(r Record) { m.Records = append(m.Records, r) }

// Sort orders the records for writing and comparing, and drops duplicates.
func (m *Map) Sort() {
	slices.SortFunc(m.Records, compareRecords)
	m.Records = slices.Compact(m.Records)
}

func compareRecords(a, b Record) int {
	return cmp.Or(CompareNames(a.Name, b.Name), cmp.Compare(typeRank(a.Type), typeRank(b.Type)),
		strings.Compare(a.Data, b.Data), cmp.Compare(a.TTL, b.TTL))
}

func typeRank(t string) int {
	if i := slices.Index(Types, dns.StringToType[t]); i >= 0 {
		return i
	}
	return len(Types)
}

// CompareNames orders names as DNSSEC does (RFC 4034 6.1): by their labels from the root
// down, so a zone reads apex first and each subtree together (_dmarc next to the apex's
// other mail names, every name under "app" after "app").
func CompareNames(a, b string) int {
	la, lb := dns.SplitDomainName(strings.ToLower(a)), dns.SplitDomainName(strings.ToLower(b))
	for i, j := len(la)-1, len(lb)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
		if c := strings.Compare(la[i], lb[j]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(la), len(lb))
}

// InZone reports whether name is the zone's apex or below it.
func InZone(zone, name string) bool {
	return dns.IsSubDomain(dns.CanonicalName(zone), dns.CanonicalName(name))
}

// Names lists the map's owner names, each once, in map order.
func (m *Map) Names() []string {
	var out []string
	for _, r := range m.Records {
		if len(out) == 0 || out[len(out)-1] != r.Name {
			out = append(out, r.Name)
		}
	}
	return out
}

// check verifies what every loaded map must satisfy: a zone, records inside it, within
// the limits.
func (m *Map) check() error {
	if m.Zone == "" {
		return fmt.Errorf("the map does not say which zone it is for")
	}
	if len(m.Records) > MaxRecords {
		return fmt.Errorf("%d records; a DNS map holds at most %d", len(m.Records), MaxRecords)
	}
	for _, r := range m.Records {
		if !InZone(m.Zone, r.Name) {
			return fmt.Errorf("%s is outside the zone %s", trimDot(r.Name), trimDot(m.Zone))
		}
	}
	return nil
}

func trimDot(s string) string {
	if s == "." {
		return s
	}
	return strings.TrimSuffix(s, ".")
}
