package lab

import (
	"testing"
	"time"
)

// TestMailWorldClosesAtOnce: a lab closed straight after Start (as a failing test or a
// benchmark does) must not wait for ever on the mail servers' Serve goroutines, which may
// not have registered their listeners yet.
func TestMailWorldClosesAtOnce(t *testing.T) {
	t.Parallel()
	for i := range 20 {
		l, err := Start(healthy(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- l.Close() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("start %d: Close: %v", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("start %d: Close did not return within 10s: the mail world's servers were left serving", i)
		}
	}
}
