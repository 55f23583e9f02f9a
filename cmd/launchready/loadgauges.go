package main

import (
	"context"
	"errors"
	"strings"

	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/probes/endpoint"
)

// loadGauges turns the config's metric checks (failed jobs, queue depth: the app's own
// JSON metrics) into gauges a load run reads while it goes, so the report says whether the
// background work kept up. Each read is one run of the check, as watch would do it.
func loadGauges(checks []probes.Check) []load.Gauge {
	var out []load.Gauge
	for _, c := range checks {
		if c.Info().Kind != "metric" {
			continue
		}
		out = append(out, load.Gauge{Name: c.Info().Name, Read: func(ctx context.Context) (load.Reading, error) {
			res := c.Run(ctx)
			d, ok := res.Data.(endpoint.MetricDetail)
			switch {
			case res.Err != "":
				return load.Reading{}, errors.New(res.Err)
			case !ok || d.Value == nil:
				return load.Reading{}, errors.New(strings.TrimPrefix(res.Summary, "unavailable: "))
			}
			th := d.Warn
			if th == nil {
				th = d.Critical
			}
			return load.Reading{Value: *d.Value, LowerIsWorse: d.Below, Threshold: th}, nil
		}})
	}
	return out
}
