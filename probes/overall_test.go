package probes

import "testing"

func TestAtOrAbove(t *testing.T) {
	fs := []Finding{{Severity: Critical}, {Severity: Medium}, {Severity: Info}, {Severity: Medium}}
	for s, want := range map[Severity]int{Critical: 1, High: 1, Medium: 3, Low: 3, Info: 4} {
		if got := AtOrAbove(fs, s); got != want {
			t.Errorf("AtOrAbove(%v) = %d, want %d", s, got, want)
		}
	}
	if AtOrAbove(nil, Info) != 0 {
		t.Error("no findings counted as some")
	}
}
