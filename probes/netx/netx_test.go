package netx

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Bad configuration is caught in New, with every problem named and a fix.
func TestNewErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newCA(t)
	der := filepath.Join(dir, "ca.der")
	writeFile(t, der, string(ca.cert.Raw))
	key := filepath.Join(dir, "key.pem")
	writeFile(t, key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
	text := filepath.Join(dir, "notes.txt")
	writeFile(t, text, "not a certificate\n")
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		desc string
		cfg  Config
		says []string
	}{
		{"CA file missing", Config{CAFile: missing},
			[]string{`network.ca_file "` + missing + `" could not be read`, "no such file", "check the path"}},
		{"CA file is text", Config{CAFile: text},
			[]string{`network.ca_file "` + text + `" holds no PEM certificates`, `"-----BEGIN CERTIFICATE-----"`}},
		{"CA file is DER", Config{CAFile: der},
			[]string{"DER (binary)", "openssl x509 -inform der"}},
		{"CA file is a key", Config{CAFile: key},
			[]string{"private key (PRIVATE KEY), not a certificate"}},
		{"resolver not host:port", Config{Resolvers: []string{"127.0.0.1:5353", "resolver-one"}},
			[]string{`network.resolvers entry "resolver-one" is not ip:port`, `"127.0.0.1:5353"`}},
		{"resolver by name", Config{Resolvers: []string{"dns.acme.example:53"}},
			[]string{`"dns.acme.example:53" names a host, not an IP address`}},
		{"resolver bad port", Config{Resolvers: []string{"127.0.0.1:99999"}},
			[]string{`port "99999" is not a number from 1 to 65535`}},
		{"connect_to key without port", Config{ConnectTo: map[string]string{"app.acme.example": "127.0.0.1:8443"}},
			[]string{`network.connect_to key "app.acme.example"`, "host:port"}},
		{"connect_to target without port", Config{ConnectTo: map[string]string{"app.acme.example:443": "127.0.0.1"}},
			[]string{`network.connect_to "app.acme.example:443" -> "127.0.0.1"`, "addr:port"}},
		{"negative timeout", Config{DNSTimeout: -time.Second},
			[]string{"DNS timeout -1s is negative"}},
		{"every problem at once", Config{CAFile: missing, Resolvers: []string{"x"}, DialTimeout: -1},
			[]string{"ca_file", "resolvers", "dial timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			n, err := New(tt.cfg)
			if n != nil {
				t.Error("New returned a Net along with its error")
			}
			mustContain(t, err, tt.says...)
			t.Log(err)
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	n := newNet(t, Config{
		Resolvers: []string{"127.0.0.1", "::1", "[::1]:5353"},
		ConnectTo: map[string]string{"App.Acme.Example.:443": "127.0.0.1:8443"},
	})
	if want := []string{"127.0.0.1:53", "[::1]:53", "[::1]:5353"}; !slices.Equal(n.Resolvers(), want) {
		t.Errorf("resolvers %v, want %v (a bare IP means port 53)", n.Resolvers(), want)
	}
	if n.connectTo["app.acme.example:443"] != "127.0.0.1:8443" {
		t.Errorf("connect_to keys are not normalised: %v", n.connectTo)
	}
	if n.dnsTimeout != DefaultDNSTimeout || n.dialTimeout != DefaultDialTimeout {
		t.Errorf("timeouts %s/%s, want the defaults", n.dnsTimeout, n.dialTimeout)
	}
	if n.RootCAs() == nil {
		t.Error("no root pool")
	}
}
