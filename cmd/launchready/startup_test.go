package main

import (
	"runtime"
	"runtime/debug"
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

// TestServeGC: serve lowers the collector's target unless the operator set GOGC.
func TestServeGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	if got := serveGC(func(string) string { return "" }); got != "75" || debug.SetGCPercent(100) != serveGCPercent {
		t.Errorf("GOGC unset: %s, want %d in effect", got, serveGCPercent)
	}
	debug.SetGCPercent(100)
	if got := serveGC(func(k string) string { return map[string]string{"GOGC": "200"}[k] }); got != "200" || debug.SetGCPercent(100) != 100 {
		t.Errorf("GOGC=200 set by the operator: %s, and serve changed the target", got)
	}
}
