package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addConsoleOnly gives the console (the root command itself, not its subcommands, which
// have their own) --only PANES, as check and watch have: the console then builds and runs
// only those panes' checks. scripts/bench-console.sh uses it to measure the console on
// HTTPS checks alone, as bench-watch.sh measures watch. Two hidden flags, --cpuprofile and
// --memprofile FILE, write pprof profiles of the console's run for the same benchmark. It
// lives in its own file so the console's own code (console.go) stays as it is.
func addConsoleOnly(root *cobra.Command, g *globalFlags) {
	var only, cpuProfile, memProfile string
	f := root.Flags()
	f.StringVar(&only, "only", "", "console on these panes only, comma-separated: dns, tls, email, endpoints, errors")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the console's run to FILE")
	f.StringVar(&memProfile, "memprofile", "", "write a pprof heap profile to FILE when the console closes")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
	all := root.RunE
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 || (only == "" && cpuProfile == "" && memProfile == "") {
			return all(cmd, args)
		}
		ps, err := parseOnly(only)
		if err != nil {
			return err
		}
		if cpuProfile != "" {
			pf, err := os.Create(cpuProfile)
			if err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			defer pf.Close()
			if err := pprof.StartCPUProfile(pf); err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			defer pprof.StopCPUProfile()
		}
		if memProfile != "" {
			defer func() {
				if mf, err := os.Create(memProfile); err == nil {
					runtime.GC()
					_ = pprof.WriteHeapProfile(mf)
					mf.Close()
				}
			}()
		}
		o := g.options()
		o.Only = ps
		return openConsole(cmd.Context(), o, consoleOpts{})
	}
}
