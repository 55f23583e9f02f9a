package main

import (
	"runtime"
	"testing"
)

// TestOneCore: watch and the console schedule on one processor unless the operator chose
// GOMAXPROCS; their choice stands.
func TestOneCore(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })

	runtime.GOMAXPROCS(3)
	set := func(string) string { return "3" }
	if got := oneCore(set); got != 3 || runtime.GOMAXPROCS(0) != 3 {
		t.Errorf("GOMAXPROCS=3 set by the operator: oneCore = %d, runtime has %d; want both 3", got, runtime.GOMAXPROCS(0))
	}
	unset := func(string) string { return "" }
	if got := oneCore(unset); got != 1 || runtime.GOMAXPROCS(0) != 1 {
		t.Errorf("GOMAXPROCS unset: oneCore = %d, runtime has %d; want both 1", got, runtime.GOMAXPROCS(0))
	}
}
