package initcfg

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/dnsmap"
	"github.com/launchready/launchready/probes/discovery"
	"github.com/launchready/launchready/probes/dnscheck"
	"github.com/launchready/launchready/probes/netx"
)

// ExportMap reads the live zone as `dns export` does, for the names the written config
// makes known plus every name discovery found in the zone, so the map documents what
// init saw and `dns diff` later compares all of it.
func ExportMap(ctx context.Context, n *netx.Net, cfg *config.Config, rep *discovery.Report, now time.Time) (*dnsmap.Map, error) {
	st, err := dnscheck.LoadSettings(cfg)
	if err != nil {
		return nil, err
	}
	names := dnscheck.KnownNames(cfg, st, "")
	for _, nm := range rep.Names {
		if nm.Status != discovery.StatusAnswers && nm.Status != discovery.StatusNoData {
			continue
		}
		if nm.Wildcard || (nm.Name != rep.Domain && !strings.HasSuffix(nm.Name, "."+rep.Domain)) {
			continue
		}
		names = append(names, nm.Name+".")
	}
	got, err := dnscheck.Collect(ctx, n, cfg.Domain, names, now)
	if err != nil {
		return nil, fmt.Errorf("reading the zone for the DNS map: %w", err)
	}
	return got.Map, nil
}
