package netx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"net/netip"
	"syscall"
	"time"
)

// minAddrTime is the least time each address gets when a name has several,
// so one black-holed address cannot use up the whole dial budget.
const minAddrTime = 2 * time.Second

// DialContext connects like net.Dialer.DialContext, but honours
// network.connect_to first, then resolves through the configured resolvers
// (only when some are configured: otherwise the system resolver, with
// /etc/hosts, is what the operator expects) and tries each address in
// turn. Resolving and connecting together are bounded by DialTimeout and
// by ctx, so a hostile network ends in an error, not a hang.
func (n *Net) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, n.dialTimeout)
	defer cancel()

	target, via := addr, ""
	if key, err := parseHostPort(addr); err == nil {
		if to, ok := n.connectTo[key]; ok {
			target, via = to, " (sent to "+to+" by network.connect_to)"
		}
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %q%s: not host:port (%v)", addr, via, err)
	}
	if _, err := netip.ParseAddr(host); err == nil || !n.custom {
		conn, err := n.dialer.DialContext(ctx, network, target)
		if err != nil {
			return nil, n.dialError(ctx, addr, via, target, err)
		}
		return conn, nil
	}

	// Our resolver is not net's, so httptrace's DNS hooks would never fire: call them
	// here, and an HTTP probe's latency split shows the DNS time it really spent.
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.DNSStart != nil {
		trace.DNSStart(httptrace.DNSStartInfo{Host: host})
	}
	ips, err := n.LookupHost(ctx, host)
	if trace != nil && trace.DNSDone != nil {
		addrs := make([]net.IPAddr, len(ips))
		for i, ip := range ips {
			addrs[i] = net.IPAddr{IP: ip.AsSlice()}
		}
		trace.DNSDone(httptrace.DNSDoneInfo{Addrs: addrs, Err: err})
	}
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s%s: %w", addr, via, err)
	}
	ips = forNetwork(ips, network)
	if len(ips) == 0 {
		return nil, fmt.Errorf("cannot connect to %s%s: %s has no address usable over %s", addr, via, host, network)
	}
	var errs []error
	for i, ip := range ips {
		dctx, dcancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok && i < len(ips)-1 {
			share := time.Until(dl) / time.Duration(len(ips)-i)
			dctx, dcancel = context.WithTimeout(ctx, max(share, min(minAddrTime, time.Until(dl))))
		}
		a := net.JoinHostPort(ip.String(), port)
		conn, err := n.dialer.DialContext(dctx, network, a)
		dcancel()
		if err == nil {
			return conn, nil
		}
		errs = append(errs, n.dialError(dctx, addr, via, a, err))
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return nil, fmt.Errorf("cannot connect to %s%s: every address failed: %w", addr, via, errors.Join(errs...))
}

// forNetwork keeps the addresses a "tcp4" or "tcp6" dial can use.
func forNetwork(ips []netip.Addr, network string) []netip.Addr {
	want4, want6 := true, true
	switch network {
	case "tcp4", "udp4":
		want6 = false
	case "tcp6", "udp6":
		want4 = false
	}
	out := ips[:0:0]
	for _, ip := range ips {
		if (ip.Is4() && want4) || (ip.Is6() && want6) {
			out = append(out, ip)
		}
	}
	return out
}

// dialError says what went wrong connecting, in words an operator can act
// on, and wraps the cause so callers can still test it with errors.Is.
func (n *Net) dialError(ctx context.Context, addr, via, target string, err error) error {
	at := ""
	if target != addr && via == "" {
		at = " at " + target
	}
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("connecting to %s%s%s was cancelled: %w", addr, at, via, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cannot connect to %s%s%s: %w: nothing is listening there; is the service running, on that port?%s", addr, at, via, err, fixHint(via))
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("cannot connect to %s%s%s: %w: no answer in time (dial timeout %s); a firewall may be dropping packets, or the host is down%s", addr, at, via, err, n.dialTimeout, fixHint(via))
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Errorf("cannot connect to %s%s%s: %w: no route to that address from here; is this machine on the right network or VPN?%s", addr, at, via, err, fixHint(via))
	}
	return fmt.Errorf("cannot connect to %s%s%s: %w", addr, at, via, err)
}

func fixHint(via string) string {
	if via != "" {
		return " Check network.connect_to"
	}
	return ""
}
