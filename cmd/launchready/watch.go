package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/internal/watch"
	"github.com/launchready/launchready/probes"
)

func newWatchCmd(g *globalFlags) *cobra.Command {
	var (
		listen  string
		labName string
		only    string
	)
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Run every check on its schedule, send alerts, serve /metrics (headless, for the ops box)",
		Long: `Run every check on its own interval without a terminal UI, alert the owners the
alerts: section names when something breaks and when it recovers, and serve Prometheus
metrics and a health check. Meant to run under systemd (examples/launchready-watch.service).

One watch owns a state folder: a second one refuses and says which process holds it.
SIGTERM or SIGINT stops it gracefully: deliveries in flight finish, and alerts not yet
delivered stay queued in the state folder for the next start. The tool's own log is
launchready.log in the state folder.

Exit codes: 0 after a clean shutdown, 2 when it cannot start (config, secrets, the
state folder is taken, the --listen address is busy).`,
		Example: `  launchready watch --config /etc/launchready/launchready.yaml --state /var/lib/launchready
  launchready watch --listen 127.0.0.1:9109     # the default; --listen '' serves nothing
  launchready watch --lab                       # against the built-in lab, to try it`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			var err error
			if o.Only, err = parseOnly(only); err != nil {
				return err
			}
			if cmd.Flags().Changed("lab") {
				o.Lab = labName
			}
			s, err := setup.Open(o)
			if err != nil {
				return err
			}
			defer s.Close()
			stderr := cmd.ErrOrStderr()
			if s.StateDir == "" {
				return &exitError{exitUsage, errors.New("launchready watch: no state folder (alert state, the lock and the log live there); pass --state DIR")}
			}
			e, err := startEngine(cmd.Context(), s, "watch", true)
			if err != nil {
				return err
			}
			e.notes(stderr, s)
			channels := 0
			if s.Alerts != nil {
				channels = len(s.Alerts.Channels)
			}
			err = e.run(cmd.Context(), s, listen, func(metrics string) {
				fmt.Fprintf(stderr, "launchready watch: %d checks, %d alert channel(s); %s; state %s; log %s\n",
					len(s.Checks), channels, metrics, s.StateDir, filepath.Join(s.StateDir, "launchready.log"))
			})
			return e.stopped(stderr, err, "")
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", watch.DefaultListen, "address for /metrics and /healthz; '' serves nothing (keep it on loopback or behind a firewall: metrics name every host)")
	f.StringVar(&only, "only", "", "watch only these panes, comma-separated: "+probes.PaneList())
	f.StringVar(&labName, "lab", "demo", "watch the built-in lab with this scenario (demo, healthy); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}
