//go:build !unix

package errlog

import "time"

func cpuTime() time.Duration { return 0 }
