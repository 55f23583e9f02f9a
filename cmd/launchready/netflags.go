package main

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// addNetworkFlags adds the overrides that point a run at staging or the lab without
// editing the config: --connect-to (repeatable, like curl's), --ca-file and --rdap-url.
// They are global so init, audit and check agree on what a staging run means.
func addNetworkFlags(pf *pflag.FlagSet, g *globalFlags) {
	g.connectTo = connectToFlag{}
	pf.Var(&g.connectTo, "connect-to", "dial ADDR:PORT for HOST:PORT, like curl --connect-to: HOST:PORT=ADDR:PORT (repeatable; overrides network.connect_to)")
	pf.StringVar(&g.caFile, "ca-file", "", "PEM file of extra trusted CA certificates for this run, e.g. a staging CA (overrides network.ca_file)")
	pf.StringVar(&g.rdapURL, "rdap-url", "", "RDAP server to ask about the domain's registration instead of the registry's (overrides network.rdap_url)")
}

// connectToFlag is --connect-to HOST:PORT=ADDR:PORT, repeatable. It is checked as it is
// read, so a typo is a usage error (exit 2) before anything touches the network.
type connectToFlag map[string]string

func (c connectToFlag) String() string {
	var out []string
	for k, v := range c {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func (c connectToFlag) Type() string { return "HOST:PORT=ADDR:PORT" }

func (c connectToFlag) Set(s string) error {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return fmt.Errorf("%q: write HOST:PORT=ADDR:PORT, e.g. app.acme.com:443=127.0.0.1:8443", s)
	}
	for _, hp := range []string{from, to} {
		h, p, err := net.SplitHostPort(hp)
		if err != nil || h == "" || p == "" {
			return fmt.Errorf("%q: %q is not HOST:PORT; write HOST:PORT=ADDR:PORT, e.g. app.acme.com:443=127.0.0.1:8443", s, hp)
		}
	}
	c[strings.ToLower(from)] = to
	return nil
}

// absPath makes a flag's path absolute, so a config written with it still finds the file
// from another folder.
func absPath(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// checkURL is a light check of --rdap-url, so a typo is a usage error.
func checkURL(flag, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s %q: give a full URL, e.g. https://rdap.example-registry.net/", flag, s)
	}
	return nil
}
