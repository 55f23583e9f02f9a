package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/report"
	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/probes"
)

func newCheckCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON  bool
		failOn  string
		only    string
		labName string
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Run every check once and print findings ranked by business impact",
		Long: `Run every check once and print the findings, ranked by business impact and grouped
by pane. Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage or config error. A check that could not run (its probe crashed or hung, or
the DNS resolver is down) also exits 1, unless --fail-on none.`,
		Example: `  launchready check --lab                     # the example config against the built-in lab
  launchready check --json --fail-on critical  # for CI
  launchready check --only dns,tls --resolver 127.0.0.1:5353`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			threshold, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			o := g.options()
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
			runner := s.Runner(time.Now)
			s.Record(runner) // every result goes to the history database too
			for _, n := range s.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			start := time.Now()
			results := runner.Sweep(cmd.Context())
			rep := report.New(s.Config.Product, s.Config.Domain, start, time.Since(start), results)
			s.Log.Info("sweep done", "checks", len(results), "findings", len(rep.Findings), "state", rep.State)
			if asJSON {
				err = rep.WriteJSON(cmd.OutOrStdout())
			} else {
				w := colorprofile.NewWriter(cmd.OutOrStdout(), os.Environ())
				err = rep.WriteText(w, verbose, terminalWidth(cmd.OutOrStdout()))
			}
			if err != nil {
				return &exitError{exitUsage, fmt.Errorf("cannot write the report: %w", err)}
			}
			if cmd.Context().Err() != nil {
				return &exitError{exitUsage, fmt.Errorf("interrupted: the sweep was cut short")}
			}
			// A check that could not run fails the gate too: CI must not pass what it
			// could not look at.
			if threshold != nil && rep.Counts.CheckErrors > 0 {
				return &exitError{exitFindings, fmt.Errorf("%d check(s) could not run; see the report", rep.Counts.CheckErrors)}
			}
			if threshold != nil && rep.AtOrAbove(*threshold) > 0 {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the report as JSON (schema in the README)")
	f.StringVar(&failOn, "fail-on", "high", "exit 1 when a finding is at or above: critical, high, medium, low, info, or none")
	f.StringVar(&only, "only", "", "run only these panes, comma-separated: "+probes.PaneList())
	f.StringVar(&labName, "lab", "demo", "run against the built-in lab with this scenario (demo, healthy); uses the example config unless --config is given")
	f.Lookup("lab").NoOptDefVal = "demo"
	f.BoolVarP(&verbose, "verbose", "v", false, "show passing checks at full brightness")
	return cmd
}

// parseFailOn reads --fail-on; nil means never fail on findings.
func parseFailOn(s string) (*probes.Severity, error) {
	if s == "none" || s == "never" {
		return nil, nil
	}
	sev, err := probes.ParseSeverity(s)
	if err != nil {
		return nil, &exitError{exitUsage, fmt.Errorf("--fail-on: %v (or none)", err)}
	}
	return &sev, nil
}

// terminalWidth is the width of the terminal the report goes to, or 0 when it is not one.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}
