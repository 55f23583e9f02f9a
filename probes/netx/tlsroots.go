package netx

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

// loadRoots builds the trust store once: the system roots plus the
// operator's CA file. Building it per client would parse hundreds of
// certificates for every check.
func loadRoots(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// No system roots (a bare container): the CA file alone still
		// lets staging and the lab verify, and public sites fail loudly.
		pool = x509.NewCertPool()
	}
	if caFile == "" {
		return pool, nil
	}
	data, err := os.ReadFile(caFile)
	if err != nil {
		return pool, fmt.Errorf("network.ca_file %q could not be read (%v): check the path (relative paths start from the directory launchready runs in), or remove ca_file to trust only the system roots", caFile, err)
	}
	if !pool.AppendCertsFromPEM(data) {
		return pool, fmt.Errorf("network.ca_file %q holds no PEM certificates: %s", caFile, whyNoPEM(data))
	}
	return pool, nil
}

// whyNoPEM guesses what the operator pointed ca_file at instead, since "no
// certificates" alone does not say how to fix it.
func whyNoPEM(data []byte) string {
	if _, err := x509.ParseCertificates(data); err == nil && len(data) > 0 {
		return "it is a DER (binary) certificate; convert it with `openssl x509 -inform der -in FILE -out FILE.pem` and point ca_file at the .pem"
	}
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if bytes.Contains([]byte(b.Type), []byte("PRIVATE KEY")) {
			return "it holds a private key (" + b.Type + "), not a certificate; point ca_file at the CA's certificate and keep the key secret"
		}
		if b.Type == "CERTIFICATE" {
			return "its CERTIFICATE blocks do not parse; re-export the CA certificate"
		}
	}
	return `expected one or more "-----BEGIN CERTIFICATE-----" blocks; point ca_file at the CA's certificate in PEM form`
}

// RootCAs returns the trust store (system roots plus network.ca_file), for
// probes that verify chains themselves, such as the certificate pane. It is
// shared: do not add to it.
func (n *Net) RootCAs() *x509.CertPool { return n.roots }

// TLSConfig returns a client configuration that trusts RootCAs and checks
// serverName. MinVersion, curves and ciphers stay at Go's defaults, so a
// probe sees what a current browser-grade client negotiates. There is no
// session cache: every handshake is a first visit.
func (n *Net) TLSConfig(serverName string) *tls.Config {
	return &tls.Config{RootCAs: n.roots, ServerName: serverName}
}
