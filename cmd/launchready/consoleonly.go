package main

import (
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/probes"
)

// addConsoleOnly gives the console (the root command itself, not its subcommands, which
// have their own) --only PANES, as check and watch have: the console then builds and runs
// only those panes' checks. scripts/bench-console.sh uses it to measure the console on
// HTTPS checks alone, as bench-watch.sh measures watch. It lives in its own file so the
// console's own code (console.go) stays as it is.
func addConsoleOnly(root *cobra.Command, g *globalFlags) {
	var only string
	root.Flags().StringVar(&only, "only", "", "console on these panes only, comma-separated: "+probes.PaneList())
	all := root.RunE
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 || only == "" {
			return all(cmd, args)
		}
		ps, err := parseOnly(only)
		if err != nil {
			return err
		}
		o := g.options()
		o.Only = ps
		return openConsole(cmd.Context(), o, consoleOpts{})
	}
}
