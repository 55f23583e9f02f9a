package discovery

import (
	_ "embed"
	"fmt"
	"net/netip"
	"path"
	"slices"
	"strings"
	"sync"
)

//go:embed services.txt
var servicesTxt string

// rule is one line of services.txt: a service seen through one kind of record.
type rule struct {
	kind    string // hosting, email, dns
	match   string // cname, addr, mx, spf, ns, selector
	pattern string // lower-case name pattern, no trailing dot
	prefix  netip.Prefix
	service string // "generic" for selectors that are evidence of nothing
}

// generic is the service of selectors worth asking that say nothing about who sends.
const generic = "generic"

// rules are services.txt parsed once; the slice is never changed after.
var rules = sync.OnceValue(func() []rule {
	rs, err := parseRules(servicesTxt)
	if err != nil {
		panic("discovery: the embedded services.txt is broken: " + err.Error())
	}
	return rs
})

var matchKinds = []string{"cname", "addr", "mx", "spf", "ns", "selector"}

func parseRules(text string) ([]rule, error) {
	var out []rule
	for i, line := range strings.Split(text, "\n") {
		body, _, _ := strings.Cut(line, "#")
		f := strings.Fields(body)
		if len(f) == 0 {
			continue
		}
		if len(f) < 4 {
			return nil, fmt.Errorf("line %d %q: want kind, match, pattern and service", i+1, line)
		}
		r := rule{kind: f[0], match: f[1], pattern: strings.TrimSuffix(strings.ToLower(f[2]), "."), service: strings.Join(f[3:], " ")}
		if !slices.Contains([]string{"hosting", "email", "dns"}, r.kind) {
			return nil, fmt.Errorf("line %d %q: kind %q is not hosting, email or dns", i+1, line, r.kind)
		}
		if !slices.Contains(matchKinds, r.match) {
			return nil, fmt.Errorf("line %d %q: match %q is not one of %s", i+1, line, r.match, strings.Join(matchKinds, ", "))
		}
		if r.match == "addr" {
			p, err := netip.ParsePrefix(r.pattern)
			if err != nil {
				return nil, fmt.Errorf("line %d %q: %v", i+1, line, err)
			}
			r.prefix = p.Masked()
		} else if _, err := path.Match(r.pattern, ""); err != nil {
			return nil, fmt.Errorf("line %d %q: pattern %q: %v", i+1, line, r.pattern, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// matches says whether a name fits the rule's pattern: ".suffix", a glob with "*", or
// the exact name.
func (r rule) matches(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	switch {
	case strings.Contains(r.pattern, "*"):
		ok, _ := path.Match(r.pattern, name)
		return ok
	case strings.HasPrefix(r.pattern, "."):
		return strings.HasSuffix(name, r.pattern)
	}
	return name == r.pattern
}

// recogniseName returns the first rule of the match kind ("cname", "mx", "spf", "ns")
// that the name fits.
func recogniseName(match, name string) (rule, bool) {
	for _, r := range rules() {
		if r.match == match && r.matches(name) {
			return r, true
		}
	}
	return rule{}, false
}

// recogniseAddr returns the hosting rule whose range holds ip.
func recogniseAddr(ip netip.Addr) (rule, bool) {
	ip = ip.Unmap()
	for _, r := range rules() {
		if r.match == "addr" && r.prefix.Contains(ip) {
			return r, true
		}
	}
	return rule{}, false
}

// selectors are the DKIM selectors of services.txt, each once, in file order.
func selectors() []rule {
	var out []rule
	for _, r := range rules() {
		if r.match == "selector" && !slices.ContainsFunc(out, func(o rule) bool { return o.pattern == r.pattern }) {
			out = append(out, r)
		}
	}
	return out
}
