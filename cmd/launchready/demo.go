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
		runbooks string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The console against the built-in lab: real probes, planted faults, no set-up",
		Long: `Start the built-in lab (DNS, HTTPS sites and an app log on 127.0.0.1, nothing else)
and open the console on it with the example config. The real probes run every --interval,
so the screen updates live, and the lab's log grows over time. The demo scenario plants
launch-week faults: an API answering 503, a status page with nothing on 443, a dangling
CNAME on admin, errors in the log. Nothing leaves this machine.

The Runbooks pane (7) has the demo's own runbooks: a deploy, a rollback and a secret
rotation whose commands are harmless stand-ins and whose checks are real checks of the
lab. The deploy fails its health check (the API answers 503) and offers to roll back.
Their transcripts go to STATE/demo/runbooks/runs, apart from a real product's. --runbooks
DIR uses another folder of runbooks instead.`,
		Example: `  launchready demo
  launchready demo --scenario healthy
  launchready demo --interval 5s`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			o.Lab = scenario
			return openConsole(cmd.Context(), o, consoleOpts{mode: "demo lab", interval: interval, drip: drip, runbooks: runbooks, demoRunbooks: true})
		},
	}
	f := cmd.Flags()
	f.StringVar(&scenario, "scenario", "demo", "lab scenario: demo (planted faults) or healthy")
	f.DurationVar(&interval, "interval", 15*time.Second, "how often each check runs")
	f.DurationVar(&drip, "log-every", 20*time.Second, "how often the lab's app log gets a new entry (0: never)")
	f.StringVar(&runbooks, "runbooks", "", "a folder of runbooks for the Runbooks pane instead of the demo's own")
	return cmd
}
