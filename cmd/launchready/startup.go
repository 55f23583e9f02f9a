package main

import (
	"log/slog"
	"runtime"

	"github.com/launchready/launchready/internal/memtrim"
)

// handBackStartupMemory is what watch and the console do once every check has reported:
// the binary's pages that only start-up ran (every package's init, the config, the first
// sweep's one-off paths) and the free heap go back to the kernel (see internal/memtrim).
func handBackStartupMemory(log *slog.Logger) {
	st, err := memtrim.Release()
	if err != nil {
		log.Warn("could not hand start-up memory back", "error", err)
		return
	}
	log.Info("first sweep done: start-up memory handed back", "binary_kb", st.BinaryBytes>>10, "mappings", st.Mappings)
}

// oneCore schedules a long-running command (watch, the console) on one processor unless
// the operator set GOMAXPROCS. Why: these commands spend their life waiting on the
// network and wake for a few hundred microseconds per check; with a second processor the
// Go scheduler wakes and parks a second thread for nearly every wake-up, which measured
// (scripts/bench-watch.sh, both at once on one target) at about 15% of watch's CPU per
// check and 25% of the console's, with the checks' measured timings unchanged. One core
// runs over a thousand HTTPS checks a second, far beyond any config this tool is for.
// It returns the GOMAXPROCS now in effect.
func oneCore(getenv func(string) string) int {
	if getenv("GOMAXPROCS") != "" {
		return runtime.GOMAXPROCS(0)
	}
	runtime.GOMAXPROCS(1)
	return 1
}
