package dnscheck

import (
	"context"
	"errors"

	"github.com/launchready/launchready/probes/netx"
)

// query asks the resolvers, and asks once more after a timeout: DNS over UDP loses a
// packet now and then, and one lost packet must not read as a broken name. Wrong ids,
// garbage and refusals are not retried; they are answers.
func query(ctx context.Context, n *netx.Net, name string, qtype uint16, opts ...netx.QueryOption) (*netx.Answer, error) {
	a, err := n.Query(ctx, name, qtype, opts...)
	if err != nil && errors.Is(err, netx.ErrDNSTimeout) && ctx.Err() == nil {
		a, err = n.Query(ctx, name, qtype, opts...)
	}
	return a, err
}

// queryServer is netx.QueryServer with the same one retry after a timeout, so a server is
// called lame for silence only when it stays silent.
func queryServer(ctx context.Context, n *netx.Net, server, name string, qtype uint16, opts ...netx.QueryOption) (*netx.Answer, error) {
	a, err := n.QueryServer(ctx, server, name, qtype, opts...)
	if err != nil && errors.Is(err, netx.ErrDNSTimeout) && ctx.Err() == nil {
		a, err = n.QueryServer(ctx, server, name, qtype, opts...)
	}
	return a, err
}
