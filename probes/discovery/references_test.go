package discovery

import (
	"fmt"
	"strings"
	"testing"
)

func TestPointers(t *testing.T) {
	t.Parallel()
	got := func(ps []pointer) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.domain)
		}
		return strings.Join(s, " ")
	}
	for rec, want := range map[string]string{
		"v=spf1 include:_spf.google.com ~include:sendgrid.net a:out.acme.com/24 mx:mail.acme.com redirect=_spf.acme.com -all": "_spf.google.com sendgrid.net out.acme.com mail.acme.com _spf.acme.com",
		"v=spf1 a mx ip4:192.0.2.0/24 include:%{d}.spf.example -all":                                                          "",
		"v=spf1 INCLUDE:Upper.Example bad-term include: -all":                                                                 "upper.example",
	} {
		if g := got(spfPointers(rec)); g != want {
			t.Errorf("spfPointers(%q) = %q, want %q", rec, g, want)
		}
	}
	for rec, want := range map[string]string{
		"v=DMARC1; p=reject; rua=mailto:a@r.acme.com,mailto:b@x.example!10m; ruf=mailto:f@F.example": "r.acme.com x.example f.example",
		"v=DMARC1; p=none":          "",
		"not dmarc; rua=mailto:a@b": "",
		"v=DMARC1; rua=https://x":   "",
	} {
		if g := got(dmarcPointers(rec)); g != want {
			t.Errorf("dmarcPointers(%q) = %q, want %q", rec, g, want)
		}
	}
	for v, want := range map[string]string{
		"mailto:security@Sec.Acme.com": "sec.acme.com true",
		"https://iodef.acme.com/r":     "iodef.acme.com false",
		"ftp://x":                      " false",
		"mailto:nobody":                " false",
	} {
		h, m := iodefHost(v)
		if g := fmt.Sprintf("%s %t", h, m); g != want {
			t.Errorf("iodefHost(%q) = %q, want %q", v, g, want)
		}
	}
}

// FuzzPointers: SPF, DMARC and CAA values come from anyone's zone; reading them must not
// panic, and what comes out is a name to ask, never a macro.
func FuzzPointers(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:_spf.google.com a:x/24 mx:y redirect=z -all",
		"v=DMARC1; p=reject; rua=mailto:a@b.example!10m,mailto:c@d",
		"mailto:security@acme.example", "https://iodef.example/x", "v=spf1", "v=DMARC1;;;rua=@",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range append(spfPointers(s), dmarcPointers(s)...) {
			if p.domain == "" || strings.Contains(p.domain, "%") || len(p.types) == 0 {
				t.Fatalf("pointer %+v from %q", p, s)
			}
		}
		iodefHost(s)
	})
}
