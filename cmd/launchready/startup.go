package main

import (
	"log/slog"

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
