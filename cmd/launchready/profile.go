package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfiling gives every command two hidden flags, --cpuprofile FILE and --memprofile
// FILE, that write pprof profiles of the run: the benchmark scripts (scripts/bench-*.sh)
// pass them to find where watch's and the console's CPU and memory go. They are hidden
// because an operator never needs them; the profiles hold no secrets (stacks and sizes).
func addProfiling(root *cobra.Command) {
	var cpuProfile, memProfile string
	var cpuFile *os.File
	pf := root.PersistentFlags()
	pf.StringVar(&cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the run to FILE")
	pf.StringVar(&memProfile, "memprofile", "", "write a pprof heap profile to FILE when the run ends")
	_ = pf.MarkHidden("cpuprofile")
	_ = pf.MarkHidden("memprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("--cpuprofile: %w", err)}
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return &exitError{exitUsage, fmt.Errorf("--cpuprofile: %w", err)}
		}
		cpuFile = f
		return nil
	}
	root.PersistentPostRunE = func(*cobra.Command, []string) error {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if memProfile != "" {
			f, err := os.Create(memProfile)
			if err != nil {
				return fmt.Errorf("--memprofile: %w", err)
			}
			defer f.Close()
			runtime.GC()
			if err := pprof.WriteHeapProfile(f); err != nil {
				return fmt.Errorf("--memprofile: %w", err)
			}
		}
		return nil
	}
}
