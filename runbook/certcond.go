package runbook

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/probes/netx"
)

// CertificateKind waits for a host to serve a valid certificate with more than min_days
// left, through the configured network (connect_to, ca_file), as after renewing one:
//
//	check:
//	  certificate: {host: app.acme.example, min_days: 30}
//
// Valid means what a browser checks: the chain reaches a trusted root and covers the name.
var CertificateKind = ConditionKind{
	Name: "certificate",
	Doc:  "a host serves a valid certificate with more than min_days left",
	Build: func(spec *config.Raw, env Env) (Condition, config.Errors) {
		var v struct {
			Host    string `yaml:"host"`
			Port    int    `yaml:"port"`
			MinDays *int   `yaml:"min_days"`
		}
		if errs := spec.Decode(&v); errs != nil {
			return nil, errs
		}
		var errs config.Errors
		p := spec.Path()
		c := &certCond{net: env.Net, now: env.Now, host: strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v.Host)), "."), port: v.Port, minDays: DefaultMinDays}
		if c.port == 0 {
			c.port = 443
		}
		if v.MinDays != nil {
			c.minDays = *v.MinDays
		}
		if _, ok := dns.IsDomainName(c.host); !ok || c.host == "" || strings.ContainsAny(c.host, "/: ") {
			errs = append(errs, spec.Error(p+".host", fmt.Sprintf("%q is not a host name", v.Host), "write the bare name, like app.acme.example (the port goes in port:)"))
		}
		if c.port < 1 || c.port > 65535 {
			errs = append(errs, spec.Error(p+".port", fmt.Sprintf("%d is not a port", v.Port), "use 1 to 65535; 443 is the default"))
		}
		if c.minDays < 0 || c.minDays > 3650 {
			errs = append(errs, spec.Error(p+".min_days", fmt.Sprintf("%d is out of range", c.minDays), "use 0 to 3650"))
		}
		if c.now == nil {
			c.now = time.Now
		}
		return c, errs
	},
}

// DefaultMinDays is min_days when not given: two weeks is time to notice a renewal that
// silently stopped.
const DefaultMinDays = 14

type certCond struct {
	net     *netx.Net
	now     func() time.Time
	host    string
	port    int
	minDays int
}

func (c *certCond) Describe() string {
	return fmt.Sprintf("%s serves a valid certificate with more than %d days left", c.addr(), c.minDays)
}

func (c *certCond) addr() string {
	if c.port == 443 {
		return c.host
	}
	return net.JoinHostPort(c.host, strconv.Itoa(c.port))
}

func (c *certCond) Poll(ctx context.Context, _ RunInfo) Observation {
	if c.net == nil {
		return Observation{Err: "no network configured for checks"}
	}
	conn, err := c.net.DialContext(ctx, "tcp", net.JoinHostPort(c.host, strconv.Itoa(c.port)))
	if err != nil {
		return Observation{Err: err.Error(), Summary: err.Error()}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tc := tls.Client(conn, c.net.TLSConfig(c.host))
	if err := tc.HandshakeContext(ctx); err != nil {
		return Observation{Summary: fmt.Sprintf("%s: TLS handshake failed: %v", c.addr(), err)}
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return Observation{Summary: c.addr() + ": no certificate"}
	}
	left := certs[0].NotAfter.Sub(c.now())
	days := int(left.Hours() / 24)
	sum := fmt.Sprintf("%s: %d days left (expires %s)", c.addr(), days, certs[0].NotAfter.UTC().Format("2006-01-02"))
	if days > c.minDays {
		return Observation{OK: true, Summary: sum}
	}
	return Observation{Summary: fmt.Sprintf("%s, want more than %d", sum, c.minDays)}
}
