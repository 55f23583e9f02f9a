package initcfg

import (
	"context"

	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/netx"
)

// Discover runs discovery on the domain, looks at the sites it found, and plans the
// config: what `init` writes and `audit DOMAIN` sweeps. An error means the domain's
// nameservers could not be found; a partial discovery (ctx ended) is still planned and
// the error returned beside it.
func Discover(ctx context.Context, n *netx.Net, domain string, opts discovery.Options) (*Draft, error) {
	rep, err := discovery.Run(ctx, n, domain, opts)
	if rep == nil {
		return nil, err
	}
	web := Survey(ctx, n, rep.Domain, WebHosts(rep))
	return Plan(rep, web), err
}
