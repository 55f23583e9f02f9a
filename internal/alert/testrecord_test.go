package alert

import (
	"testing"
	"time"
)

// TestTestsRecord: each channel keeps its latest test; a new test of one leaves the others.
func TestTestsRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	if got, err := ReadTests(dir); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v %v", got, err)
	}
	if err := SaveTests(dir, TestResult{Channel: "ops", Kind: "slack", Time: at, OK: true}, TestResult{Channel: "pager", Kind: "webhook", Time: at, Error: "503"}); err != nil {
		t.Fatal(err)
	}
	if err := SaveTests(dir, TestResult{Channel: "pager", Kind: "webhook", Time: at.Add(time.Hour), OK: true}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTests(dir)
	if err != nil || !got["ops"].OK || !got["pager"].OK || !got["pager"].Time.Equal(at.Add(time.Hour)) {
		t.Errorf("record: %+v %v", got, err)
	}
}
