package netx

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"blitiri.com.ar/go/spf"
	"github.com/emersion/go-msgauth/dmarc"
	"github.com/miekg/dns"
)

// *Net plugs straight into blitiri's SPF checker.
var _ spf.DNSResolver = (*Net)(nil)

func TestLookupHost(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{Resolvers: []string{startLab(t)}})
	tests := []struct {
		host string
		want []string
	}{
		{"app.acme.example", []string{"192.0.2.20", "2001:db8::20"}},
		{"www.acme.example.", []string{"192.0.2.20", "2001:db8::20"}}, // one CNAME, chased by the server
		{"h0.acme.example", []string{"192.0.2.77"}},                   // 7 CNAMEs over two answers
		{"only6.acme.example", []string{"2001:db8::6"}},
		{"192.0.2.1", []string{"192.0.2.1"}},
		{"2001:db8::1", []string{"2001:db8::1"}},
		{"localhost", []string{"127.0.0.1"}},
		{"LOCALHOST.", []string{"127.0.0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			addrs, err := n.LookupHost(bounded(t), tt.host)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range addrs {
				got = append(got, a.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Each way a name can fail to resolve has its own kind, and the message
// says what to do.
func TestLookupHostErrors(t *testing.T) {
	t.Parallel()
	lab := startLab(t)
	n := newNet(t, Config{Resolvers: []string{lab}})
	tests := []struct {
		host     string
		kind     error
		notFound bool
		says     []string
	}{
		{"nope.acme.example", ErrNXDOMAIN, true, []string{"lookup nope.acme.example: no such name (NXDOMAIN from " + lab, "check the name for typos"}},
		{"mailonly.acme.example", ErrNoRecords, true, []string{"has no A or AAAA records", "NOERROR"}},
		{"dangling.acme.example", ErrNXDOMAIN, true, []string{"CNAME to gone.acme.example, which does not exist", "dangling CNAME"}},
		{"servfail.acme.example", ErrRcode, false, []string{"answered \"servfail.acme.example A\" with SERVFAIL", "try again"}},
		{"refused.acme.example", ErrRcode, false, []string{"with REFUSED", "not a recursive resolver"}},
		{"loop-a.acme.example", ErrCNAMELoop, false, []string{"CNAME loop loop-a.acme.example -> loop-b.acme.example -> loop-a.acme.example"}},
		{"c0.acme.example", ErrCNAMEChainTooLong, false, []string{"more than 10 CNAMEs", "c0.acme.example -> c1.acme.example", "-> c11.acme.example,"}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			_, err := n.LookupHost(bounded(t), tt.host)
			mustContain(t, err, tt.says...)
			if !errors.Is(err, tt.kind) {
				t.Errorf("%v is not %v", err, tt.kind)
			}
			for _, other := range []error{ErrNXDOMAIN, ErrNoRecords} {
				if other != tt.kind && errors.Is(err, other) {
					t.Errorf("%v is also %v", err, other)
				}
			}
			var le *LookupError
			if !errors.As(err, &le) || le.Server != lab {
				t.Errorf("%#v is not a *LookupError from %s", err, lab)
			}
			// The shape libraries written for net.Resolver expect.
			de, ok := err.(*net.DNSError)
			if !ok {
				t.Fatalf("%T is not *net.DNSError", err)
			}
			if de.IsNotFound != tt.notFound {
				t.Errorf("IsNotFound = %t, want %t", de.IsNotFound, tt.notFound)
			}
			t.Log(err)
		})
	}
}

func TestLookupTXT(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{Resolvers: []string{startLab(t)}})
	ctx := bounded(t)
	tests := []struct {
		name string
		want []string
	}{
		{"acme.example", []string{"v=spf1 ip4:192.0.2.0/24 -all", "google-site-verification=abc"}},
		// character-strings joined; found through a CNAME to the provider
		{"s1._domainkey.acme.example", []string{"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}},
		{"_dmarc.acme.example", []string{"v=DMARC1; p=reject; rua=mailto:dmarc@acme.example"}},
	}
	for _, tt := range tests {
		got, err := n.LookupTXT(ctx, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("LookupTXT(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
	// Bytes outside printable ASCII, quotes and backslashes come back as they are on the
	// wire, not in miekg/dns's escaped presentation form.
	if esc, err := n.LookupTXT(ctx, "esc.acme.example"); err != nil || len(esc) != 1 || esc[0] != "v=spf1 \x80a:x\"y\\z -all" {
		t.Errorf("LookupTXT(esc) = %q, %v; want the raw bytes", esc, err)
	}
	// A name with a space (SPF macros can make one) is matched on the wire.
	if ips, err := n.LookupHost(ctx, "sp ace.acme.example"); err != nil || len(ips) != 1 {
		t.Errorf("LookupHost(\"sp ace\") = %v, %v", ips, err)
	}
	big, err := n.LookupTXT(ctx, "big.acme.example") // only fits over TCP
	if err != nil || len(big) != 40 || !strings.HasPrefix(big[39], "39xx") {
		t.Errorf("LookupTXT(big) = %d records, %v; want all 40", len(big), err)
	}
	if _, err := n.LookupTXT(ctx, "app.acme.example"); !errors.Is(err, ErrNoRecords) {
		t.Errorf("TXT at a name with only addresses: %v, want ErrNoRecords", err)
	}
	if _, err := n.LookupTXT(ctx, "nope.acme.example"); !errors.Is(err, ErrNXDOMAIN) {
		t.Errorf("TXT at a missing name: %v, want ErrNXDOMAIN", err)
	}
}

func TestLookupMX(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{Resolvers: []string{startLab(t)}})
	ctx := bounded(t)
	mxs, err := n.LookupMX(ctx, "acme.example")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, mx := range mxs {
		got = append(got, fmt.Sprintf("%s/%d", mx.Host, mx.Pref))
	}
	if want := []string{"mx0.acme.example./10", "mx1.acme.example./10", "mx2.acme.example./20"}; !slices.Equal(got, want) {
		t.Errorf("LookupMX = %v, want %v (by preference, then host)", got, want)
	}
	null, err := n.LookupMX(ctx, "mailonly.acme.example")
	if err != nil || len(null) != 1 || null[0].Host != "." || null[0].Pref != 0 {
		t.Errorf("null MX: %v, %v; want one record with host \".\"", null, err)
	}
	if _, err := n.LookupMX(ctx, "app.acme.example"); !errors.Is(err, ErrNoRecords) {
		t.Errorf("MX at a name without: %v, want ErrNoRecords", err)
	}
}

func TestLookupAddr(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{Resolvers: []string{startLab(t)}})
	names, err := n.LookupAddr(bounded(t), "192.0.2.20")
	if err != nil || !slices.Equal(names, []string{"app.acme.example."}) {
		t.Errorf("LookupAddr = %v, %v", names, err)
	}
	if _, err := n.LookupAddr(bounded(t), "not-an-ip"); err == nil {
		t.Error("LookupAddr(not-an-ip) gave no error")
	}
}

// The SPF and DMARC libraries must read our "no record" as "none", not as
// a failure, which they decide by type-asserting *net.DNSError.
func TestLookupWithMailLibraries(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{Resolvers: []string{startLab(t)}})
	ctx := bounded(t)
	check := func(ip, domain string) spf.Result {
		res, _ := spf.CheckHostWithSender(netip.MustParseAddr(ip).AsSlice(), domain, "ops@"+domain, spf.WithResolver(n), spf.WithContext(ctx))
		return res
	}
	if got := check("192.0.2.5", "acme.example"); got != spf.Pass {
		t.Errorf("SPF for an allowed IP = %s, want pass", got)
	}
	if got := check("198.51.100.1", "acme.example"); got != spf.Fail {
		t.Errorf("SPF for another IP = %s, want fail", got)
	}
	if got := check("192.0.2.5", "nope.acme.example"); got != spf.None {
		t.Errorf("SPF for a missing domain = %s, want none", got)
	}
	if got := check("192.0.2.5", "servfail.acme.example"); got != spf.TempError {
		t.Errorf("SPF when the resolver fails = %s, want temperror", got)
	}
	lookup := func(name string) ([]string, error) { return n.LookupTXT(ctx, name) }
	rec, err := dmarc.LookupWithOptions("acme.example", &dmarc.LookupOptions{LookupTXT: lookup})
	if err != nil || rec.Policy != dmarc.PolicyReject {
		t.Errorf("DMARC = %+v, %v; want p=reject", rec, err)
	}
	if _, err := dmarc.LookupWithOptions("app.acme.example", &dmarc.LookupOptions{LookupTXT: lookup}); err != dmarc.ErrNoPolicy {
		t.Errorf("DMARC for a domain without = %v, want ErrNoPolicy", err)
	}
	if _, err := dmarc.LookupWithOptions("servfail.acme.example", &dmarc.LookupOptions{LookupTXT: lookup}); !dmarc.IsTempFail(err) {
		t.Errorf("DMARC when the resolver fails = %v, want a temporary failure", err)
	}
}

func TestLookupHostResolverDown(t *testing.T) {
	t.Parallel()
	dead := deadUDP(t)
	n := newNet(t, Config{Resolvers: []string{dead}})
	_, err := n.LookupHost(bounded(t), "app.acme.example")
	if !errors.Is(err, ErrDNSUnreachable) || errors.Is(err, ErrNXDOMAIN) {
		t.Errorf("%v: want ErrDNSUnreachable, not NXDOMAIN", err)
	}
	if de, ok := err.(*net.DNSError); !ok || !de.Temporary() || de.IsNotFound {
		t.Errorf("%#v: want a temporary *net.DNSError", err)
	}
	mustContain(t, err, "lookup app.acme.example: DNS server "+dead)
}

func TestResolvConf(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conf := dir + "/resolv.conf"
	writeFile(t, conf, "# comment\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch acme.example\n")
	tests := []struct {
		path string
		want []string
	}{
		{conf, []string{"192.0.2.53:53", "[2001:db8::53]:53"}},
		{dir + "/missing", []string{"127.0.0.1:53"}},
	}
	for _, tt := range tests {
		n := newNet(t, Config{ResolvConf: tt.path})
		if got := n.Resolvers(); !slices.Equal(got, tt.want) {
			t.Errorf("ResolvConf %s: resolvers %v, want %v", tt.path, got, tt.want)
		}
	}
	// A failure names the file the resolver came from. (Swap in a dead
	// port rather than ask whatever may listen on 127.0.0.1:53.)
	n := newNet(t, Config{ResolvConf: dir + "/missing"})
	n.resolvers = []string{deadUDP(t)}
	_, err := n.Query(bounded(t), "app.acme.example", dns.TypeA)
	mustContain(t, err, "These come from "+dir+"/missing", "set network.resolvers or --resolver")
}
