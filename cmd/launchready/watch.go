package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/redact"
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
			red, err := redact.New(redact.Options{Values: redact.WithURLParts(s.Config.SecretValues())})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			log := slog.New(redact.Handler(s.Log.Handler(), red))
			var senders map[string]alert.Sender
			if s.Alerts != nil {
				if senders, err = alert.NewSenders(s.Alerts, alert.SenderOptions{RootCAs: s.Net.RootCAs()}); err != nil {
					return &exitError{exitUsage, fmt.Errorf("%s; fix the channel, or check it with: launchready alert test", red.String(err.Error()))}
				}
			}
			log.Info("scheduling", "gomaxprocs", oneCore(os.Getenv))
			runner := probes.NewRunner(s.Checks, probes.RunnerOptions{
				Concurrency: s.Config.Checks.Concurrency,
				Interval:    s.Config.Checks.Interval,
				Timeout:     s.Config.Checks.Timeout,
				Logger:      log,
			})
			// Every result goes to the history database: watch is its writer, consoles
			// that attach read it.
			h := s.Record(runner)
			s.MarkStart("watch")
			runner.AfterFirstSweep(func() { handBackStartupMemory(log) })
			// Watch is the history's rightful writer: if a console opened first holds it,
			// watch takes over as soon as that console closes.
			s.TakeOverHistory(cmd.Context(), runner, 15*time.Second)
			for _, n := range s.Notes {
				fmt.Fprintln(stderr, "note:", n)
			}
			if h.ReadOnly() {
				fmt.Fprintln(stderr, "note: watch records the history itself within 15 s of that launchready closing")
			}
			channels := 0
			if s.Alerts != nil {
				channels = len(s.Alerts.Channels)
			}
			err = watch.Run(cmd.Context(), watch.Options{
				StateDir: s.StateDir, Listen: listen, Runner: runner, Alerts: s.Alerts, Senders: senders,
				Product: s.Config.Product, Domain: s.Config.Domain, Version: versionString(),
				Interval: s.Config.Checks.Interval, Log: log, Redactor: red, Now: time.Now,
				OnAlertChange: s.RecordAlertChange,
				Ready: func(addr string) {
					where := "no metrics (--listen '')"
					if addr != "" {
						where = "metrics on http://" + addr + "/metrics"
					}
					fmt.Fprintf(stderr, "launchready watch: %d checks, %d alert channel(s); %s; state %s; log %s\n",
						len(s.Checks), channels, where, s.StateDir, filepath.Join(s.StateDir, "launchready.log"))
				},
			})
			var le *watch.LockedError
			if errors.As(err, &le) {
				return &exitError{exitUsage, fmt.Errorf("launchready watch: %v", err)}
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("launchready watch: %s", red.String(err.Error()))}
			}
			fmt.Fprintln(stderr, "launchready watch: stopped")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", watch.DefaultListen, "address for /metrics and /healthz; '' serves nothing (keep it on loopback or behind a firewall: metrics name every host)")
	f.StringVar(&only, "only", "", "watch only these panes, comma-separated: "+probes.PaneList())
	f.StringVar(&labName, "lab", "demo", "watch the built-in lab with this scenario (demo, healthy); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}
