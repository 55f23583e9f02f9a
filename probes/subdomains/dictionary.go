package subdomains

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// Label is one name discovery tries under every domain, with why it is worth a query.
type Label struct {
	Label  string `json:"label"`  // relative to the apex, e.g. "staging" or "_smtp._tls"
	Type   uint16 `json:"type"`   // the record type that answers there: A (meaning A and AAAA), TXT or SRV
	Reason string `json:"reason"` // from the data file, shown beside the name it found
}

//go:embed names.txt
var namesTxt string

//go:embed wellknown.txt
var wellKnownTxt string

// labelTables are the two embedded lists, parsed once: the files are part of the
// binary, so a mistake in them is a programming error caught by the package's tests.
var labelTables = sync.OnceValue(func() [2][]Label {
	return [2][]Label{mustLabels("names.txt", namesTxt, false), mustLabels("wellknown.txt", wellKnownTxt, true)}
})

// Dictionary returns the built-in list of common subdomains (names.txt), a fresh copy
// the caller may change.
func Dictionary() []Label { return slices.Clone(labelTables()[0]) }

// WellKnown returns the names standards fix (wellknown.txt: _dmarc, _mta-sts,
// _smtp._tls, _domainkey and a few SRV names), a fresh copy.
func WellKnown() []Label { return slices.Clone(labelTables()[1]) }

func mustLabels(file, text string, typed bool) []Label {
	ls, err := parseLabels(text, typed)
	if err != nil {
		panic(fmt.Sprintf("subdomains: the embedded %s is broken: %v", file, err))
	}
	return ls
}

// parseLabels reads "label [TYPE]  # reason" lines. typed says whether the type column
// is there (wellknown.txt) or every label is an address name (names.txt).
func parseLabels(text string, typed bool) ([]Label, error) {
	var out []Label
	seen := map[string]int{}
	for i, line := range strings.Split(text, "\n") {
		body, reason, _ := strings.Cut(line, "#")
		f := strings.Fields(body)
		if len(f) == 0 {
			continue
		}
		l := Label{Label: strings.ToLower(f[0]), Type: dns.TypeA, Reason: strings.TrimSpace(reason)}
		want := 1
		if typed {
			want = 2
		}
		if len(f) != want {
			return nil, fmt.Errorf("line %d %q: want %d fields before the '#', got %d", i+1, line, want, len(f))
		}
		if typed {
			t, ok := dns.StringToType[strings.ToUpper(f[1])]
			if !ok || (t != dns.TypeA && t != dns.TypeTXT && t != dns.TypeSRV) {
				return nil, fmt.Errorf("line %d %q: type %q is not A, TXT or SRV", i+1, line, f[1])
			}
			l.Type = t
		}
		if _, ok := dns.IsDomainName(l.Label + ".example."); !ok || strings.HasSuffix(l.Label, ".") {
			return nil, fmt.Errorf("line %d %q: %q is not a DNS label", i+1, line, l.Label)
		}
		if l.Reason == "" {
			return nil, fmt.Errorf("line %d %q: give the reason after a '#'", i+1, line)
		}
		if prev, ok := seen[l.Label]; ok {
			return nil, fmt.Errorf("line %d: %q is already on line %d", i+1, l.Label, prev)
		}
		seen[l.Label] = i + 1
		out = append(out, l)
	}
	return out, nil
}
