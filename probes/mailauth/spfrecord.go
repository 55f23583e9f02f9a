package mailauth

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// SPFTerm is one directive or modifier of an SPF record (RFC 7208 4.6.1).
type SPFTerm struct {
	Raw string `json:"raw"`
	// Qualifier is '+', '-', '~' or '?' for a mechanism (default '+'), 0 for a modifier.
	Qualifier byte `json:"-"`
	// Name is the mechanism (all, include, a, mx, ptr, ip4, ip6, exists) or the modifier
	// name (redirect, exp, or anything else), lower-cased.
	Name     string `json:"name"`
	Modifier bool   `json:"modifier,omitempty"`
	// Domain is the domain-spec as written (macros not expanded), empty when the term has
	// none (a bare "a" or "mx" means the current domain).
	Domain string `json:"domain,omitempty"`
	// Prefix is the network of ip4/ip6.
	Prefix netip.Prefix `json:"-"`
	// Mask4 and Mask6 are the dual-cidr lengths of a and mx, -1 when absent.
	Mask4 int `json:"-"`
	Mask6 int `json:"-"`
}

// CostsLookup says whether evaluating the term costs one of the 10 DNS lookups RFC 7208
// 4.6.4 allows.
func (t SPFTerm) CostsLookup() bool {
	switch t.Name {
	case "include", "a", "mx", "ptr", "exists":
		return !t.Modifier
	case "redirect":
		return t.Modifier
	}
	return false
}

// SPFRecord is a parsed SPF record. Mechanisms keeps record order (evaluation order);
// redirect and exp are pulled out because they apply after the mechanisms, wherever they
// were written.
type SPFRecord struct {
	Raw        string    `json:"raw"`
	Mechanisms []SPFTerm `json:"mechanisms"`
	Redirect   *SPFTerm  `json:"redirect,omitempty"`
	Exp        *SPFTerm  `json:"exp,omitempty"`
	Unknown    []SPFTerm `json:"unknown_modifiers,omitempty"`
}

// All returns the "all" mechanism, if the record has one.
func (r *SPFRecord) All() (SPFTerm, bool) {
	for _, t := range r.Mechanisms {
		if t.Name == "all" {
			return t, true
		}
	}
	return SPFTerm{}, false
}

// ErrSPFSyntax marks a record receivers will answer permerror for.
var ErrSPFSyntax = errors.New("SPF syntax error")

// IsSPF says whether a TXT string is an SPF version 1 record (RFC 7208 4.5): "v=spf1"
// alone or followed by a space, in any case.
func IsSPF(txt string) bool {
	if len(txt) < 6 || !strings.EqualFold(txt[:6], "v=spf1") {
		return false
	}
	return len(txt) == 6 || txt[6] == ' '
}

// ParseSPF parses an SPF record strictly by the RFC 7208 grammar, so a record that some
// receiver answers permerror for is reported here, whatever a lenient library makes of it.
func ParseSPF(record string) (*SPFRecord, error) {
	if !IsSPF(record) {
		return nil, fmt.Errorf("%w: the record must start with \"v=spf1\" followed by a space", ErrSPFSyntax)
	}
	for i := 0; i < len(record); i++ {
		if c := record[i]; c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("%w: byte %d (0x%02x) is not printable ASCII; SPF records are plain ASCII separated by spaces", ErrSPFSyntax, i, c)
		}
	}
	r := &SPFRecord{Raw: record}
	for _, raw := range strings.Split(record[6:], " ") {
		if raw == "" {
			continue
		}
		t, err := parseTerm(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrSPFSyntax, clip(raw, 80), err)
		}
		switch {
		case !t.Modifier:
			r.Mechanisms = append(r.Mechanisms, t)
		case t.Name == "redirect":
			if r.Redirect != nil {
				return nil, fmt.Errorf("%w: two redirect= modifiers; keep one", ErrSPFSyntax)
			}
			r.Redirect = &t
		case t.Name == "exp":
			if r.Exp != nil {
				return nil, fmt.Errorf("%w: two exp= modifiers; keep one", ErrSPFSyntax)
			}
			r.Exp = &t
		default:
			r.Unknown = append(r.Unknown, t)
		}
	}
	return r, nil
}

func parseTerm(raw string) (SPFTerm, error) {
	t := SPFTerm{Raw: raw, Mask4: -1, Mask6: -1}
	// A modifier is name "=" before any ':' or '/' (RFC 7208 4.6.1), and takes no
	// qualifier.
	if i := strings.IndexAny(raw, "=:/"); i > 0 && raw[i] == '=' {
		name := raw[:i]
		if !validModifierName(name) {
			if strings.ContainsRune("+-~?", rune(name[0])) && validModifierName(name[1:]) {
				return t, fmt.Errorf("a modifier (%s=) takes no qualifier", name[1:])
			}
			return t, fmt.Errorf("%q is not a modifier name", name)
		}
		t.Modifier, t.Name = true, strings.ToLower(name)
		value := raw[i+1:]
		switch t.Name {
		case "redirect", "exp":
			// c, r and t are for the explanation text exp= points at, not its domain.
			if err := checkDomainSpec(value, false); err != nil {
				return t, fmt.Errorf("%s=: %v", t.Name, err)
			}
			t.Domain = value
		default:
			if err := checkMacroString(value, false); err != nil {
				return t, err
			}
		}
		return t, nil
	}
	t.Qualifier = '+'
	if strings.ContainsRune("+-~?", rune(raw[0])) {
		t.Qualifier, raw = raw[0], raw[1:]
	}
	name, arg, hasArg := raw, "", false
	if i := strings.IndexAny(raw, ":/"); i >= 0 {
		name, arg, hasArg = raw[:i], raw[i:], true
	}
	t.Name = strings.ToLower(name)
	switch t.Name {
	case "all":
		if hasArg {
			return t, errors.New("all takes no argument")
		}
	case "include", "exists":
		if !strings.HasPrefix(arg, ":") || len(arg) == 1 {
			return t, fmt.Errorf("%s needs a domain: %s:example.com", t.Name, t.Name)
		}
		if err := checkDomainSpec(arg[1:], false); err != nil {
			return t, err
		}
		t.Domain = arg[1:]
	case "a", "mx":
		dom, m4, m6, err := splitDualCIDR(arg)
		if err != nil {
			return t, err
		}
		if strings.HasPrefix(dom, ":") {
			if len(dom) == 1 {
				return t, fmt.Errorf("%s: needs a domain after the colon", t.Name)
			}
			if err := checkDomainSpec(dom[1:], false); err != nil {
				return t, err
			}
			t.Domain = dom[1:]
		} else if dom != "" {
			return t, fmt.Errorf("unknown mechanism %q", name+dom)
		}
		t.Mask4, t.Mask6 = m4, m6
	case "ptr":
		if hasArg {
			if !strings.HasPrefix(arg, ":") || len(arg) == 1 {
				return t, errors.New("ptr takes an optional :domain and no CIDR length")
			}
			if err := checkDomainSpec(arg[1:], false); err != nil {
				return t, err
			}
			t.Domain = arg[1:]
		}
	case "ip4", "ip6":
		if !strings.HasPrefix(arg, ":") {
			return t, fmt.Errorf("%s needs an address: %s:192.0.2.0/24", t.Name, t.Name)
		}
		p, err := parseIPNetwork(t.Name, arg[1:])
		if err != nil {
			return t, err
		}
		t.Prefix = p
	default:
		return t, fmt.Errorf("unknown mechanism %q (known: all include a mx ptr ip4 ip6 exists)", name)
	}
	return t, nil
}

func validModifierName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// splitDualCIDR splits "a"/"mx" arguments into the domain part and the optional
// "/ip4-len" and "//ip6-len" suffix. Only a trailing "/" plus digits is a CIDR length: a
// domain-spec may itself contain '/' (RFC 7208 7.1: any visible character but '%').
func splitDualCIDR(arg string) (dom string, m4, m6 int, err error) {
	m4, m6 = -1, -1
	dom = arg
	if n, rest, ok := cidrSuffix(dom, "//"); ok {
		if m6, err = cidrLen(n, 128); err != nil {
			return "", 0, 0, fmt.Errorf("ip6 CIDR length: %v", err)
		}
		dom = rest
	}
	if n, rest, ok := cidrSuffix(dom, "/"); ok && !strings.HasSuffix(rest, "/") {
		if m4, err = cidrLen(n, 32); err != nil {
			return "", 0, 0, fmt.Errorf("ip4 CIDR length: %v", err)
		}
		dom = rest
	}
	return dom, m4, m6, nil
}

// cidrSuffix finds a trailing sep+digits.
func cidrSuffix(s, sep string) (digits, rest string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s, false
	}
	d := s[i+len(sep):]
	if d == "" {
		return "", s, false
	}
	for j := 0; j < len(d); j++ {
		if !isDigit(d[j]) {
			return "", s, false
		}
	}
	return d, s[:i], true
}

// cidrLen reads a CIDR length: decimal, no leading zeros (RFC 7208 5.6), at most max.
func cidrLen(s string, max int) (int, error) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%q is not a length from 0 to %d", s, max)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > max {
		return 0, fmt.Errorf("%q is not a length from 0 to %d", s, max)
	}
	return n, nil
}

func parseIPNetwork(mech, s string) (netip.Prefix, error) {
	addr, length, hasLen := strings.Cut(s, "/")
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%s:%s: %q is not an IP address", mech, s, addr)
	}
	max := 32
	if mech == "ip4" {
		if !ip.Is4() {
			return netip.Prefix{}, fmt.Errorf("%s:%s: %q is not an IPv4 address (use ip6: for IPv6)", mech, s, addr)
		}
	} else {
		if !ip.Is6() {
			return netip.Prefix{}, fmt.Errorf("%s:%s: %q is not an IPv6 address (use ip4: for IPv4)", mech, s, addr)
		}
		max = 128
	}
	n := max
	if hasLen {
		if n, err = cidrLen(length, max); err != nil {
			return netip.Prefix{}, fmt.Errorf("%s:%s: %v", mech, s, err)
		}
	}
	return netip.PrefixFrom(ip, n).Masked(), nil
}

// checkDomainSpec checks a domain-spec (RFC 7208 7.1): a macro-string that ends in a
// macro or in "." and a top label that is not all digits.
func checkDomainSpec(s string, exp bool) error {
	if s == "" {
		return errors.New("the domain is empty")
	}
	if err := checkMacroString(s, exp); err != nil {
		return err
	}
	if strings.HasSuffix(s, "}") {
		return nil // domain-end is a macro-expand
	}
	trimmed := strings.TrimSuffix(s, ".")
	i := strings.LastIndexByte(trimmed, '.')
	if i < 0 {
		return fmt.Errorf("%q is not a fully qualified domain (it needs a dot and a top-level label)", s)
	}
	top := trimmed[i+1:]
	if !validTopLabel(top) {
		return fmt.Errorf("%q ends in %q, which is not a top-level label (letters, digits and inner hyphens, not all digits)", s, top)
	}
	return nil
}

func validTopLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	alpha := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlpha(c):
			alpha = true
		case isDigit(c):
		case c == '-':
			alpha = true // "1-2" is allowed by the ABNF's second form
		default:
			return false
		}
	}
	return alpha
}

// checkMacroString checks macro syntax (RFC 7208 7.1) without expanding: every '%' starts
// %%, %_, %- or %{letter digits r delimiters}; c, r and t are only allowed in exp.
func checkMacroString(s string, exp bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e {
			return fmt.Errorf("byte 0x%02x is not allowed in a domain", c)
		}
		if c != '%' {
			continue
		}
		if i+1 >= len(s) {
			return errors.New("a '%' at the end: write %% for a literal percent sign")
		}
		switch s[i+1] {
		case '%', '_', '-':
			i++
			continue
		case '{':
		default:
			return fmt.Errorf("%q is not a macro: use %%{letter}, %%%%, %%_ or %%-", s[i:i+2])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return errors.New("a macro %{ is not closed with }")
		}
		if _, err := parseMacro(s[i+2:i+end], exp); err != nil {
			return err
		}
		i += end
	}
	return nil
}

// macro is one parsed %{...}.
type macro struct {
	letter     byte // lower-case
	upper      bool // URL-escape the result
	digits     int  // keep this many right-hand parts; 0 means all
	reverse    bool
	delimiters string
}

func parseMacro(body string, exp bool) (macro, error) {
	var m macro
	if body == "" {
		return m, errors.New("an empty macro %{}")
	}
	l := body[0]
	if l >= 'A' && l <= 'Z' {
		m.upper, l = true, l+'a'-'A'
	}
	switch l {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
	case 'c', 'r', 't':
		if !exp {
			return m, fmt.Errorf("macro %%{%c} is only allowed in exp=", body[0])
		}
	default:
		return m, fmt.Errorf("%%{%s}: %q is not a macro letter (s l o d i p h v)", body, body[0])
	}
	m.letter = l
	rest := body[1:]
	j := 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
	}
	if j > 0 {
		n, err := strconv.Atoi(rest[:j])
		if err != nil || n == 0 || j > 3 {
			return m, fmt.Errorf("%%{%s}: the digit transformer must be a number from 1 to 128", body)
		}
		m.digits = min(n, 128)
	}
	rest = rest[j:]
	if rest != "" && (rest[0] == 'r' || rest[0] == 'R') {
		m.reverse, rest = true, rest[1:]
	}
	for k := 0; k < len(rest); k++ {
		if !strings.ContainsRune(".-+,/_=", rune(rest[k])) {
			return m, fmt.Errorf("%%{%s}: %q is not a delimiter (. - + , / _ =)", body, rest[k])
		}
	}
	m.delimiters = rest
	if m.delimiters == "" {
		m.delimiters = "."
	}
	return m, nil
}
