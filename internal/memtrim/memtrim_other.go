//go:build !linux

package memtrim

import "runtime/debug"

// Release returns free heap to the operating system; dropping the binary's pages is
// Linux-only.
func Release() (Stats, error) {
	debug.FreeOSMemory()
	return Stats{}, nil
}
