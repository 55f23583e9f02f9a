package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
)

func newSmokeCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON  bool
		labName string
	)
	cmd := &cobra.Command{
		Use:   "smoke",
		Short: "Run the post-deploy smoke flow (endpoints.smoke) and say which step fails",
		Long: `Run the six-step smoke flow configured in endpoints.smoke: load the homepage, sign in as
the test user, open the member area, trigger a password reset, replay a webhook, and
confirm the admin page loads only for admins. Steps run in order and the flow stops at
the first hard failure. Exit codes: 0 every step passed, 1 a step failed, 2 usage or
config error, or the flow could not run.`,
		Example: `  launchready smoke --lab           # the example config's flow against the built-in lab
  launchready smoke --json          # after a deploy, in CI`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := g.options()
			o.Only = []probes.Pane{probes.PaneEndpoints}
			if cmd.Flags().Changed("lab") {
				o.Lab = labName
			}
			s, err := setup.Open(o)
			if err != nil {
				return err
			}
			defer s.Close()
			var smoke []probes.Check
			for _, c := range s.Checks {
				if c.Info().Kind == "smoke" {
					smoke = append(smoke, c)
				}
			}
			if len(smoke) == 0 {
				return &exitError{exitUsage, fmt.Errorf("%s has no smoke flow: add endpoints.smoke naming the checks for its steps (examples/launchready.yaml has one)", s.Config.File)}
			}
			runner := probes.NewRunner(smoke, probes.RunnerOptions{Timeout: s.Config.Checks.Timeout, Now: time.Now, Logger: s.Log})
			s.Record(runner)
			for _, n := range s.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			res := runner.Sweep(cmd.Context())[0]
			run := report.NewSmoke(s.Config.Product, res)
			s.Log.Info("smoke done", "passed", run.Passed, "failed_step", run.FailedStep, "error", run.Error)
			if asJSON {
				err = run.WriteJSON(cmd.OutOrStdout())
			} else {
				err = run.WriteText(colorprofile.NewWriter(cmd.OutOrStdout(), os.Environ()))
			}
			switch {
			case err != nil:
				return &exitError{exitUsage, fmt.Errorf("cannot write the result: %w", err)}
			case cmd.Context().Err() != nil:
				return &exitError{exitUsage, errors.New("interrupted: the smoke flow was cut short")}
			case run.Error != "":
				return &exitError{code: exitUsage}
			case !run.Passed:
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the steps as JSON (schema launchready.smoke/v1)")
	f.StringVar(&labName, "lab", "demo", "run against the built-in lab with this scenario (demo, healthy); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
	return cmd
}
