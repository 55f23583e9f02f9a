package roundtrip

import (
	"context"
	"fmt"
	"time"
)

// gate makes a session's round trips one at a time: two at once in one test inbox would
// each see, and delete, the other's mail. It is a one-slot channel rather than a mutex so
// that waiting for it ends with the caller's deadline: a check queued behind a two-minute
// round trip must not start its own with no time left (and then call a mail that simply
// had no time to arrive "never delivered").
type gate chan struct{}

func newGate() gate { return make(gate, 1) }

// enter waits for the gate until ctx ends; the returned func leaves it. The error says how
// long another round trip held the inbox, for an operator deciding whether to retry.
func (g gate) enter(ctx context.Context) (leave func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	start := time.Now()
	select {
	case g <- struct{}{}:
		return func() { <-g }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("another round trip held the test inbox for %s, until this check's deadline: nothing was sent; it runs again at its next interval (or retry: launchready email roundtrip)",
			time.Since(start).Round(time.Second))
	}
}

// deadlineNote is the error for a wait that the caller's deadline cut short, before the
// round trip's own wait ran out: not "missing" (the mail may simply not have had the time).
func deadlineNote(waited, wait time.Duration) error {
	return fmt.Errorf("the check's deadline ended after %s, before the %s wait for the mail ran out: not judged as missing; give the check a longer timeout than email.roundtrip.wait",
		waited.Round(time.Second), wait)
}
