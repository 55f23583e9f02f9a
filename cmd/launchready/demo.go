package main

import (
	"time"

	"github.com/spf13/cobra"
)

func newDemoCmd(g *globalFlags) *cobra.Command {
	var (
		scenario string
		interval time.Duration
		drip     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The console against the built-in lab: real probes, planted faults, no set-up",
		Long: `Start the built-in lab (DNS, HTTPS sites and an app log on 127.0.0.1, nothing else)
and open the console on it with the example config. The real probes run every --interval,
so the screen updates live, and the lab's log grows over time. The demo scenario plants
launch-week faults: an API answering 503, a status page with nothing on 443, a dangling
CNAME on admin, errors in the log. Nothing leaves this machine.`,
		Example: `  launchready demo
  launchready demo --scenario healthy
  launchready demo --interval 5s`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			o.Lab = scenario
			return openConsole(cmd.Context(), o, consoleOpts{mode: "demo lab", interval: interval, drip: drip})
		},
	}
	f := cmd.Flags()
	f.StringVar(&scenario, "scenario", "demo", "lab scenario: demo (planted faults) or healthy")
	f.DurationVar(&interval, "interval", 15*time.Second, "how often each check runs")
	f.DurationVar(&drip, "log-every", 20*time.Second, "how often the lab's app log gets a new entry (0: never)")
	return cmd
}
