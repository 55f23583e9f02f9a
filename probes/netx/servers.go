package netx

import (
	"context"
	"fmt"
	"net"
	"net/netip"
)

// ServerAddrs returns the "ip:port" addresses a query to server would be sent to:
// network.connect_to first, then the server's name resolved through the configured
// resolvers. server is what QueryServer takes ("ip:port", a bare IP or name meaning
// port 53, or "ns1.acme.example:53").
//
// A caller asking one nameserver hundreds of questions (discovery) resolves its name
// once with this and then asks the addresses, instead of paying an A and an AAAA lookup
// for the server's own name on every question.
func (n *Net) ServerAddrs(ctx context.Context, server string) ([]string, error) {
	host, port := server, "53"
	if h, p, err := net.SplitHostPort(server); err == nil {
		host, port = h, p
	}
	if _, err := parsePort(port); err != nil {
		return nil, fmt.Errorf("DNS server %q: %v", server, err)
	}
	via := ""
	if to, ok := n.connectTo[net.JoinHostPort(normHost(host), port)]; ok {
		via = to
		host, port, _ = net.SplitHostPort(to) // checked by New
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []string{net.JoinHostPort(ip.String(), port)}, nil
	}
	ips, err := n.LookupHost(ctx, host)
	if err != nil {
		if via != "" {
			return nil, fmt.Errorf("could not find the address of DNS server %q (network.connect_to sends %s there): %w", host, server, err)
		}
		return nil, fmt.Errorf("could not find the address of DNS server %q: %w", host, err)
	}
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = net.JoinHostPort(ip.String(), port)
	}
	return out, nil
}
