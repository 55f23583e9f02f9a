//go:build unix

package serve

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Resizes delivers a value each time the local terminal changes size (SIGWINCH), until
// ctx ends: Terminal.Resized for Attach.
func Resizes(ctx context.Context) <-chan struct{} {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	out := make(chan struct{}, 1)
	go func() {
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				select {
				case out <- struct{}{}:
				default: // one pending resize is enough: Attach reads the size then
				}
			}
		}
	}()
	return out
}
