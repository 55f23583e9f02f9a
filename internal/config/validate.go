package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func (c *Config) applyDefaults() {
	if c.Environment == "" {
		c.Environment = Production
	}
	if c.Checks.Interval == 0 {
		c.Checks.Interval = DefaultInterval
	}
	if c.Checks.Timeout == 0 {
		c.Checks.Timeout = DefaultTimeout
	}
	if c.Checks.Concurrency == 0 {
		c.Checks.Concurrency = DefaultConcurrency
	}
	if c.History.RetentionDays == 0 {
		c.History.RetentionDays = DefaultRetentionDays
	}
	if c.History.LatencyStepFactor == 0 {
		c.History.LatencyStepFactor = DefaultLatencyStepFactor
	}
	c.Domain = strings.TrimSuffix(strings.ToLower(c.Domain), ".")
	if c.Product == "" {
		c.Product = c.Domain
	}
	for i := range c.Hosts {
		c.Hosts[i].Name = strings.TrimSuffix(strings.ToLower(c.Hosts[i].Name), ".")
	}
	for i, r := range c.Network.Resolvers {
		if _, _, err := net.SplitHostPort(r); err != nil && !strings.Contains(r, "]") {
			if _, perr := netip.ParseAddr(r); perr == nil {
				c.Network.Resolvers[i] = net.JoinHostPort(r, "53")
			}
		}
	}
}

func (c *Config) validate() Errors {
	var errs Errors
	add := func(path, msg, fix string) { errs = append(errs, c.errorAt(path, msg, fix)) }

	switch {
	case c.Domain == "":
		errs = append(errs, Error{File: c.File, Path: "domain", Msg: "is missing", Fix: "set it to the apex domain members type, e.g. domain: acme.example"})
	default:
		if msg, fix := checkHostname(c.Domain); msg != "" {
			add("domain", msg, fix)
		}
	}
	if c.CanonicalURL == "" {
		errs = append(errs, Error{File: c.File, Path: "canonical_url", Msg: "is missing",
			Fix: "set the one URL members should end up on, e.g. canonical_url: https://app." + orExample(c.Domain) + "/"})
	} else if u, err := url.Parse(c.CanonicalURL); err != nil || u.Scheme != "https" || u.Host == "" {
		add("canonical_url", fmt.Sprintf("%q is not an https:// URL", c.CanonicalURL), "write the full address, e.g. https://app."+orExample(c.Domain)+"/")
	}
	if !slices.Contains([]string{Production, Staging, Lab}, c.Environment) {
		add("environment", fmt.Sprintf("%q is not an environment", c.Environment), "use production, staging or lab")
	}
	if len(c.Hosts) == 0 {
		errs = append(errs, Error{File: c.File, Path: "hosts", Msg: "lists no hosts",
			Fix: "list every public name members or mail reach (apex, www, app, api, admin), each with name: and what it points to"})
	}
	seen := map[string]int{}
	for i, h := range c.Hosts {
		p := fmt.Sprintf("hosts[%d]", i)
		errs = append(errs, c.validateHost(h, p)...)
		if j, dup := seen[h.Name]; dup && h.Name != "" {
			add(p+".name", fmt.Sprintf("%s is listed twice (also hosts[%d])", h.Name, j), "merge the two entries into one")
		}
		seen[h.Name] = i
	}
	errs = append(errs, c.validateNetwork()...)
	if c.Checks.Interval < time.Second {
		add("checks.interval", fmt.Sprintf("%s is too often", c.Checks.Interval), "use 1s or more; 1m is the default")
	}
	if c.Checks.Timeout > c.Checks.Interval {
		add("checks.timeout", fmt.Sprintf("%s is longer than checks.interval (%s)", c.Checks.Timeout, c.Checks.Interval), "make the timeout shorter than the interval")
	}
	if c.Checks.Concurrency < 1 || c.Checks.Concurrency > 256 {
		add("checks.concurrency", fmt.Sprintf("%d is out of range", c.Checks.Concurrency), "use 1 to 256; 16 is the default")
	}
	if c.History.RetentionDays < 1 || c.History.RetentionDays > 3650 {
		add("history.retention_days", fmt.Sprintf("%d is out of range", c.History.RetentionDays), "keep 1 to 3650 days of history; 14 is the default")
	}
	if f := c.History.LatencyStepFactor; f <= 1 || f > 100 {
		add("history.latency_step_factor", fmt.Sprintf("%g is out of range", f), "use a ratio above 1 and up to 100 (1.5 calls a 50% move of the p50 a step); 2 is the default")
	}
	sortErrors(errs)
	return errs
}

func (c *Config) validateHost(h Host, p string) Errors {
	var errs Errors
	add := func(path, msg, fix string) { errs = append(errs, c.errorAt(path, msg, fix)) }
	if h.Name == "" {
		add(p, "has no name", "add name: with the host name, e.g. name: app."+orExample(c.Domain))
	} else if msg, fix := checkHostname(h.Name); msg != "" {
		add(p+".name", msg, fix)
	}
	if h.Role != "" && !slices.Contains(Roles, h.Role) {
		add(p+".role", fmt.Sprintf("%q is not a role", h.Role), "use one of "+strings.Join(Roles, ", "))
	}
	if h.URL != "" {
		if u, err := url.Parse(h.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add(p+".url", fmt.Sprintf("%q is not an http(s) URL", h.URL), "write the full address, e.g. https://"+h.Name+"/health")
		}
	}
	if h.CNAME != "" && (len(h.A) > 0 || len(h.AAAA) > 0) {
		add(p+".cname", "is set together with a/aaaa, and a name with a CNAME can have no other records", "keep either cname: or a:/aaaa:")
	}
	if h.CNAME != "" {
		if msg, fix := checkHostname(strings.TrimSuffix(h.CNAME, ".")); msg != "" {
			add(p+".cname", msg, fix)
		}
	}
	for i, a := range h.A {
		if ip, err := netip.ParseAddr(a); err != nil || !ip.Is4() {
			add(fmt.Sprintf("%s.a[%d]", p, i), fmt.Sprintf("%q is not an IPv4 address", a), "write it like 203.0.113.10; IPv6 goes under aaaa:")
		}
	}
	for i, a := range h.AAAA {
		if ip, err := netip.ParseAddr(a); err != nil || !ip.Is6() || ip.Is4In6() {
			add(fmt.Sprintf("%s.aaaa[%d]", p, i), fmt.Sprintf("%q is not an IPv6 address", a), "write it like 2001:db8::10; IPv4 goes under a:")
		}
	}
	for i, s := range h.ExpectStatus {
		if s < 100 || s > 599 {
			add(fmt.Sprintf("%s.expect_status[%d]", p, i), fmt.Sprintf("%d is not an HTTP status", s), "use a status from 100 to 599, e.g. 200 or 301")
		}
	}
	for k := range h.Headers {
		if isSensitiveHeader(k) {
			add(fmt.Sprintf("%s.headers[%q]", p, k), "carries credentials in plain text", "move it to secret_headers: with a reference, e.g. "+k+": env:STAGING_AUTH")
		}
	}
	return errs
}

func isSensitiveHeader(k string) bool {
	k = strings.ToLower(k)
	return k == "authorization" || k == "cookie" || k == "proxy-authorization" ||
		strings.Contains(k, "secret") || strings.Contains(k, "token") || strings.Contains(k, "api-key")
}

func (c *Config) validateNetwork() Errors {
	var errs Errors
	add := func(path, msg, fix string) { errs = append(errs, c.errorAt(path, msg, fix)) }
	for i, r := range c.Network.Resolvers {
		if _, err := netip.ParseAddrPort(r); err != nil {
			add(fmt.Sprintf("network.resolvers[%d]", i), fmt.Sprintf("%q is not an IP address and port", r), "write it like 127.0.0.1:5353 or 1.1.1.1:53")
		}
	}
	for from, to := range c.Network.ConnectTo {
		p := fmt.Sprintf("network.connect_to[%q]", from)
		if h, port, err := net.SplitHostPort(from); err != nil || h == "" || port == "" {
			e := c.errorAt(p+".key", fmt.Sprintf("%q is not host:port", from), "write the name and port a probe would dial, e.g. \"app.acme.example:443\"")
			e.Path = p
			errs = append(errs, e)
		}
		if h, port, err := net.SplitHostPort(to); err != nil || h == "" || port == "" {
			add(p, fmt.Sprintf("%q is not address:port", to), "write where to connect instead, e.g. \"127.0.0.1:8443\"")
		}
	}
	if c.Network.CAFile != "" {
		p := c.Path(c.Network.CAFile)
		if _, err := os.Stat(p); err != nil {
			add("network.ca_file", fmt.Sprintf("cannot read %s", p), "give the path to a PEM file of extra trusted CA certificates, relative to this config file or absolute")
		}
	}
	if r := c.Network.RDAPURL; r != "" {
		if u, err := url.Parse(r); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			add("network.rdap_url", fmt.Sprintf("%q is not an RDAP base URL", r), "write the registry's RDAP base URL, e.g. https://rdap.example-registry.net/ (the part before /domain/...)")
		}
	}
	return errs
}

// Path resolves a path written in the config relative to the config file's folder.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(c.File), p)
}

// checkHostname explains what is wrong with a host name as a user would type it wrong:
// with a scheme, a path, a port, or spaces.
func checkHostname(h string) (msg, fix string) {
	bare := h
	if i := strings.Index(bare, "://"); i >= 0 {
		bare = bare[i+3:]
		bare, _, _ = strings.Cut(bare, "/")
		return fmt.Sprintf("%q has a scheme", h), "write the bare host name: " + bare
	}
	if strings.Contains(h, "/") {
		b, _, _ := strings.Cut(h, "/")
		return fmt.Sprintf("%q has a path", h), "write the bare host name: " + b
	}
	if strings.Contains(h, ":") {
		b, _, _ := strings.Cut(h, ":")
		return fmt.Sprintf("%q has a port", h), "write the bare host name (" + b + "); ports go in url: or network.connect_to"
	}
	if len(h) > 253 {
		return "is longer than 253 characters", "check for a pasted value"
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return fmt.Sprintf("%q is not a valid host name", h), "labels are 1 to 63 characters separated by single dots"
		}
		for i, r := range label {
			ok := r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
			if !ok || (r == '-' && (i == 0 || i == len(label)-1)) {
				return fmt.Sprintf("%q is not a valid host name", h), "use letters, digits and hyphens, e.g. app.acme.example"
			}
		}
	}
	return "", ""
}

func orExample(d string) string {
	if msg, _ := checkHostname(d); d == "" || msg != "" {
		return "acme.example"
	}
	return d
}

// sortErrors puts errors in file order, the order a user reads and fixes them in.
func sortErrors(es Errors) {
	slices.SortStableFunc(es, func(a, b Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}
