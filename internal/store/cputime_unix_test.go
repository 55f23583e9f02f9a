//go:build unix

package store

import (
	"syscall"
	"time"
)

// cpuTime is the process's user plus system CPU time: what a benchmark costs whatever
// else the machine is doing, which wall time on a shared box does not say.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
