package mailauth

import (
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// macroEnv is what SPF macros expand from (RFC 7208 7.3).
type macroEnv struct {
	sender string // local@domain; "postmaster@" + helo when the sender is empty
	helo   string
	ip     netip.Addr
}

// expand expands a domain-spec's macros for the current domain. The syntax was checked
// when the record was parsed; an error here would be a bug, so a bad macro expands to
// nothing and the caller's lookup fails visibly.
func (e macroEnv) expand(s, domain string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '%':
			b.WriteByte('%')
			i++
			continue
		case '_':
			b.WriteByte(' ')
			i++
			continue
		case '-':
			b.WriteString("%20")
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return ""
		}
		m, err := parseMacro(s[i+2:i+end], false)
		if err != nil {
			return ""
		}
		b.WriteString(e.value(m, domain))
		i += end
	}
	return b.String()
}

func (e macroEnv) value(m macro, domain string) string {
	local, dom, _ := strings.Cut(e.sender, "@")
	var v string
	switch m.letter {
	case 's':
		v = e.sender
	case 'l':
		v = local
	case 'o':
		v = dom
	case 'd':
		v = domain
	case 'i':
		v = macroIP(e.ip)
	case 'p':
		v = "unknown" // RFC 7208 5.5 discourages ptr; a fixed value keeps walks repeatable
	case 'v':
		v = "ip6"
		if e.ip.Is4() {
			v = "in-addr"
		}
	case 'h':
		v = e.helo
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(m.delimiters, r) })
	if m.reverse {
		slices.Reverse(parts)
	}
	if m.digits > 0 && m.digits < len(parts) {
		parts = parts[len(parts)-m.digits:]
	}
	v = strings.Join(parts, ".")
	if m.upper {
		v = url.QueryEscape(v)
	}
	return v
}

// macroIP is %{i}: dotted quad for IPv4, dot-separated nibbles for IPv6.
func macroIP(ip netip.Addr) string {
	if ip.Is4() || ip.Is4In6() {
		return ip.Unmap().String()
	}
	const hex = "0123456789abcdef"
	a := ip.As16()
	var b strings.Builder
	for i, x := range a {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteByte(hex[x>>4])
		b.WriteByte('.')
		b.WriteByte(hex[x&0xf])
	}
	return b.String()
}
