package mailauth

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParseSPF(t *testing.T) {
	t.Parallel()
	ok := []string{
		"v=spf1", "V=SPF1 -ALL", "v=spf1  include:_spf.google.com   ~all ", "v=spf1 a mx ptr -all",
		"v=spf1 a:mail.acme.example/24//64 mx/28 ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._spf.acme.example -all",
		"v=spf1 redirect=_spf.acme.example", "v=spf1 -all exp=explain.%{d}", "v=spf1 foo=bar -all",
		"v=spf1 a:foo:bar/baz.example.com -all", "v=spf1 include:%{l1r+-}.acme.example -all", "v=spf1 a:1-2.example -all",
	}
	for _, r := range ok {
		if _, err := ParseSPF(r); err != nil {
			t.Errorf("%q: %v", r, err)
		}
	}
	bad := []string{
		"v=spf2 -all", "v=spf1-all", "spf1 -all", "v=spf1 include: -all", "v=spf1 ip4:192.0.2.300", "v=spf1 ip4:192.0.2.0/33",
		"v=spf1 ip4:192.0.2.0/024", "v=spf1 ip6:192.0.2.1", "v=spf1 ip4:2001:db8::1", "v=spf1 a:example.123", "v=spf1 a:foo",
		"v=spf1 mx:", "v=spf1 all:foo", "v=spf1 +redirect=x.example", "v=spf1 redirect=a.example redirect=b.example",
		"v=spf1 exp=a.example exp=b.example", "v=spf1 include:%{x}.example", "v=spf1 include:%{r}.example", "v=spf1 include:%%%.example",
		"v=spf1 a:%{d", "v=spf1 mech:x", "v=spf1 a:ex\x80.example", "v=spf1 a/99", "v=spf1 \tall",
	}
	for _, r := range bad {
		if _, err := ParseSPF(r); !errors.Is(err, ErrSPFSyntax) {
			t.Errorf("%q: err %v, want a syntax error", r, err)
		}
	}
	r, _ := ParseSPF("v=spf1 ~all redirect=x.example -include:a.example exp=e.example foo=bar")
	if len(r.Mechanisms) != 2 || r.Redirect == nil || r.Exp == nil || len(r.Unknown) != 1 || r.Mechanisms[1].Qualifier != '-' {
		t.Errorf("parts: %+v", r)
	}
}

func TestMacroExpansion(t *testing.T) {
	t.Parallel()
	// RFC 7208 7.4's examples.
	e := macroEnv{sender: "strong-bad@email.example.com", helo: "mx.example.org", ip: netip.MustParseAddr("192.0.2.3")}
	cases := map[string]string{
		"%{s}": "strong-bad@email.example.com", "%{o}": "email.example.com", "%{d}": "email.example.com", "%{d4}": "email.example.com",
		"%{d3}": "email.example.com", "%{d2}": "example.com", "%{d1}": "com", "%{dr}": "com.example.email", "%{d2r}": "example.email",
		"%{l}": "strong-bad", "%{l-}": "strong.bad", "%{lr}": "strong-bad", "%{lr-}": "bad.strong", "%{l1r-}": "strong",
		"%{ir}.%{v}._spf.%{d2}": "3.2.0.192.in-addr._spf.example.com", "%{lr-}.lp._spf.%{d2}": "bad.strong.lp._spf.example.com",
		"%{d2}.trusted-domains.example.net": "example.com.trusted-domains.example.net", "%%%_%-": "% %20", "%{h}": "mx.example.org",
	}
	for in, want := range cases {
		if got := e.expand(in, "email.example.com"); got != want {
			t.Errorf("%s = %q, want %q", in, got, want)
		}
	}
	e.ip = netip.MustParseAddr("2001:db8::cb01")
	if got := e.expand("%{ir}.%{v}._spf.%{d2}", "email.example.com"); got != "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com" {
		t.Errorf("ipv6: %s", got)
	}
}

// mapDNS is an in-memory Resolver for the walker's unit and fuzz tests.
type mapDNS struct {
	txt  map[string][]string
	addr map[string][]string
	mx   map[string][]string
	// any answers every TXT question not in txt, so fuzzed includes recurse.
	any []string
}

func nxdomain(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (m *mapDNS) LookupTXT(_ context.Context, name string) ([]string, error) {
	name = normDomain(name)
	if v, ok := m.txt[name]; ok {
		return v, nil
	}
	if m.any != nil {
		return m.any, nil
	}
	return nil, nxdomain(name)
}

func (m *mapDNS) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	var out []*net.MX
	for _, h := range m.mx[normDomain(name)] {
		out = append(out, &net.MX{Host: h + ".", Pref: 10})
	}
	if len(out) == 0 {
		return nil, nxdomain(name)
	}
	return out, nil
}

func (m *mapDNS) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	var out []net.IPAddr
	for _, a := range m.addr[normDomain(host)] {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	if len(out) == 0 {
		return nil, nxdomain(host)
	}
	return out, nil
}

func (m *mapDNS) LookupAddr(_ context.Context, addr string) ([]string, error) {
	return nil, nxdomain(addr)
}

func TestWalkSPF(t *testing.T) {
	t.Parallel()
	m := &mapDNS{
		txt: map[string][]string{
			"acme.example":         {"v=spf1 a include:p1.example include:p2.example mx redirect=never.example", "other"},
			"p1.example":           {"v=spf1 ip4:192.0.2.0/24 include:p1b.example -all"},
			"p1b.example":          {"v=spf1 a:h.p1.example -all"},
			"p2.example":           {"v=spf1 exists:%{i}.allow.p2.example ~all"},
			"never.example":        {"v=spf1 -all"},
			"void.example":         {"v=spf1 a:n1.example a:n2.example a:n3.example -all"},
			"bad-include.example":  {"v=spf1 include:nothing.example -all"},
			"syntax-child.example": {"v=spf1 include:broken.example -all"},
			"broken.example":       {"v=spf1 ip4:1.2.3.4/99 -all"},
			"mx-many.example":      {"v=spf1 mx -all"},
		},
		addr: map[string][]string{"acme.example": {"198.51.100.1"}, "h.p1.example": {"203.0.113.5"}, "mx.acme.example": {"198.51.100.25"},
			"198.51.100.77.allow.p2.example": {"127.0.0.2"}},
		mx: map[string][]string{"acme.example": {"mx.acme.example"},
			"mx-many.example": {"a.example", "b.example", "c.example", "d.example", "e.example", "f.example", "g.example", "h.example", "i.example", "j.example", "k.example"}},
	}
	ctx := context.Background()
	w := WalkSPF(ctx, m, "acme.example", SPFWalkOptions{})
	// a(1) include p1(1)+p1b(1)+a(1) include p2(1)+exists(1) mx(1) redirect(1)+never(0)
	if w.Lookups != 8 || w.Result != SPFFail || w.VoidLookups != 1 {
		t.Errorf("audit: %d lookups, %d void, %s (%s)", w.Lookups, w.VoidLookups, w.Result, w.Reason)
	}
	per := map[string]int{}
	for _, c := range w.Root.Children {
		per[c.Term] = c.Lookups
	}
	if per["include:p1.example"] != 3 || per["include:p2.example"] != 2 || per["redirect=never.example"] != 1 || w.Root.own != 2 {
		t.Errorf("breakdown %v, own %d", per, w.Root.own)
	}
	for ip, want := range map[string]struct {
		res     string
		lookups int
	}{
		"198.51.100.1":  {SPFPass, 1}, // a matches first
		"192.0.2.9":     {SPFPass, 2}, // ip4 inside p1, before p1b
		"203.0.113.5":   {SPFPass, 4}, // a:h.p1.example inside p1b
		"198.51.100.77": {SPFPass, 6}, // exists with %{i}
		"198.51.100.25": {SPFPass, 7}, // mx
		"192.0.2.200":   {SPFPass, 2}, // ip4 /24
		"203.0.113.99":  {SPFFail, 8}, // nothing: the redirect's -all
		"2001:db8::1":   {SPFFail, 8}, // IPv6 matches no IPv4 term
	} {
		w := WalkSPF(ctx, m, "acme.example", SPFWalkOptions{IP: netip.MustParseAddr(ip)})
		if w.Result != want.res || w.Lookups != want.lookups {
			t.Errorf("%s: %s after %d lookups (%s), want %s after %d", ip, w.Result, w.Lookups, w.Matched, want.res, want.lookups)
		}
	}
	for dom, want := range map[string]string{"void.example": "void", "bad-include.example": "no SPF record", "syntax-child.example": "syntax", "mx-many.example": "11 MX", "nothing.example": ""} {
		w := WalkSPF(ctx, m, dom, SPFWalkOptions{})
		switch {
		case want == "" && w.Result != SPFNone:
			t.Errorf("%s: %s, want none", dom, w.Result)
		case want != "" && (w.Result != SPFPermError || !strings.Contains(w.Reason, want) && !(want == "void" && w.VoidOver())):
			t.Errorf("%s: %s %q, want permerror about %q", dom, w.Result, w.Reason, want)
		}
	}
}

// FuzzParseSPF: any record parses or fails without panicking, and what parses is what the
// walker can evaluate.
func FuzzParseSPF(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:_spf.google.com ~all", "v=spf1 a:mail.acme.example/24//64 mx/28 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all",
		"v=spf1 exists:%{ir}.%{v}._spf.%{d2} redirect=%{d}", "v=spf1 ptr:%{l1r+-}.x.example ?all exp=%{r}.x", "v=spf1 foo=%{s}",
		"v=spf1 a:foo:bar/baz.example.com", "v=spf1 ip4:192.0.2.0/024", "v=spf1 a//0 mx//128 a/0", "v=spf1 %%", "v=spf1 " + strings.Repeat("a ", 50),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, record string) {
		r, err := ParseSPF(record)
		if err != nil {
			return
		}
		for _, m := range r.Mechanisms {
			if !slices.Contains([]string{"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}, m.Name) {
				t.Fatalf("mechanism %q", m.Name)
			}
			if (m.Name == "ip4" && !m.Prefix.Addr().Is4()) || (m.Name == "ip6" && !m.Prefix.Addr().Is6()) {
				t.Fatalf("%s with prefix %v", m.Name, m.Prefix)
			}
			if (m.Name == "include" || m.Name == "exists") && m.Domain == "" {
				t.Fatalf("%s without a domain", m.Name)
			}
		}
	})
}

// FuzzWalkSPF: whatever records the DNS holds (here every TXT question is answered with
// the fuzzed record, so includes recurse into it), a walk ends, stays within its lookup
// cap, and says permerror whenever it passed a limit.
func FuzzWalkSPF(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:x.example -all", "v=spf1 redirect=%{d}", "v=spf1 a mx ptr exists:%{i}.x.example include:y.example ?all",
		"v=spf1 a:a1.example a:a2.example a:a3.example -all", "v=spf1 mx:many.example -all", "v=spf1 ip4:198.51.100.0/24 -all",
	} {
		f.Add(s, "198.51.100.7")
	}
	f.Fuzz(func(t *testing.T, record, ip string) {
		m := &mapDNS{any: []string{record}, addr: map[string][]string{"a1.example": {"198.51.100.7"}},
			mx: map[string][]string{"many.example": strings.Fields(strings.Repeat("h.example ", 12))}}
		var opts SPFWalkOptions
		if a, err := netip.ParseAddr(ip); err == nil {
			opts.IP = a
		}
		w := WalkSPF(context.Background(), m, "fuzz.example", opts)
		if w.Lookups > walkCap {
			t.Fatalf("%d lookups, cap %d", w.Lookups, walkCap)
		}
		if (w.Lookups > SPFLookupLimit || w.VoidLookups > SPFVoidLimit) && w.Result != SPFPermError {
			t.Fatalf("%d lookups, %d void, but %s", w.Lookups, w.VoidLookups, w.Result)
		}
		if !slices.Contains([]string{SPFNone, SPFNeutral, SPFPass, SPFFail, SPFSoftFail, SPFTempError, SPFPermError}, w.Result) {
			t.Fatalf("result %q", w.Result)
		}
		total(w.Root)
		if w.Root.Lookups != w.Lookups {
			t.Fatalf("tree sums to %d, walk counted %d", w.Root.Lookups, w.Lookups)
		}
		_ = renderTree(w)
	})
}
