//go:build unix

package handover

import (
	"syscall"
	"time"
)

// cpuTime is the process's user plus system CPU time: what the pack costs whatever else
// the shared machine is doing, which wall time does not say.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
