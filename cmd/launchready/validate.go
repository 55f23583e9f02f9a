package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/setup"
	"github.com/launchready/launchready/runbook"
)

func newValidateCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check the config without touching the network (exit 0 valid, 2 with every error listed)",
		Long: `Check the config, every pane section and every secret reference without touching the
network, for CI and before a restart. Every problem is listed with file:line:column and
the fix; the exit code is 0 when valid and 2 otherwise. Secrets that are not set in this
environment are noted but do not fail validation, since CI rarely holds production
secrets.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.openOffline()
			if err != nil {
				return err
			}
			defer s.Close()
			for _, n := range s.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			// Runbooks are validated against this session: a check naming an endpoint
			// launchready.yaml does not have is an error here, not at 2 a.m.
			rbs, err := validateRunbooks(s)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "✔ %s is valid: %d hosts, %d checks, %s\n", s.Config.File, len(s.Config.Hosts), len(s.Checks), rbs)
			return nil
		},
	}
}

// validateRunbooks loads and validates every runbook in the config's runbooks folder and
// says how many there are, or returns every problem in all of them.
func validateRunbooks(s *setup.Session) (string, error) {
	dir := s.Config.RunbooksDir()
	rbs, err := runbook.LoadDir(dir, runbookEnv(s))
	if err != nil {
		return "", err
	}
	switch len(rbs) {
	case 0:
		return "no runbooks in " + dir, nil
	case 1:
		return "1 runbook", nil
	}
	return fmt.Sprintf("%d runbooks", len(rbs)), nil
}
