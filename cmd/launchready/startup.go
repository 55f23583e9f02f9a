package main

import (
	"log/slog"
	"runtime"
	"runtime/debug"
	"strconv"

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

// serveGCPercent is serve's garbage collector target unless the operator set GOGC. Why:
// each SSH session's screens are short-lived strings and cell buffers; at Go's default
// (100) the heap may grow to twice what is live before a collection, so every viewer's
// garbage sat in RSS (3.3-3.5 MB a viewer over one console, against a live heap of about
// 0.8 MB a session). Measured with scripts/bench-serve.sh, ten viewers, side by side with
// the default: 75 gave +2.5 MB a viewer and -0.025 ms CPU per check over one console
// (default: +3.5 MB, -0.108 ms); 50 gave +2.0 MB but +0.117 ms, over the CPU target.
// Watch and the console keep the default.
const serveGCPercent = 75

// serveGC applies serveGCPercent unless GOGC is set; it returns the setting in effect, for
// the log.
func serveGC(getenv func(string) string) string {
	if v := getenv("GOGC"); v != "" {
		return v
	}
	debug.SetGCPercent(serveGCPercent)
	return strconv.Itoa(serveGCPercent)
}
