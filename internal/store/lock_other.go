//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

// writerLock is a no-op where flock is not available: SQLite still serialises writes, so
// two writers interleave their rows rather than corrupt anything; only the "this console
// reads, another records" note is lost.
type writerLock struct{}

func lockWriter(string) (*writerLock, error) { return &writerLock{}, nil }

func (l *writerLock) release() error { return nil }
