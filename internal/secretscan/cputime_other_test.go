//go:build !unix

package secretscan

import "time"

// cpuTime is not measured here; the benchmarks then report 0 CPU.
func cpuTime() time.Duration { return 0 }
